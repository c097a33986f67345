"""Write the Block Kit Builder payloads in this folder from the real builders.

Run from the checkout: `.venv/bin/python docs/blockkit/generate.py`. Each file is what the bot
sends for one surface, with sample data, priced on the frozen test catalog
(`tests/bot/catalog`) so the figures do not move with price updates (the FAQ answer, which
names models beyond it, uses the bundled catalog). Paste a file into
https://app.slack.com/block-kit-builder (modals and Home tabs as they are; messages are
`{"blocks": [...]}`). tests/bot/test_blockkit_docs.py checks that every surface has its file
and that every file validates with slack_sdk's models.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

import prices  # noqa: E402
from bot.answers import ask  # noqa: E402
from bot.render import home_modals as hm  # noqa: E402
from bot.render.count import TokenCounts, count_reply  # noqa: E402
from bot.render.home import HomeBudget, HomeData, HomeSubscription, home_view  # noqa: E402
from bot.render.replies import render_blocks  # noqa: E402
from bot.render.views import (  # noqa: E402
    ACTION_MODEL,
    BLOCK_INPUT,
    BLOCK_MODEL,
    BLOCK_OUTPUT,
    BLOCK_REQUESTS,
    Estimated,
    EstimatorForm,
    estimate_from_view_state,
    estimator_view,
)
from bot.slack.decorate import feedback_block  # noqa: E402


def _catalog() -> prices.Catalog:
    return prices.load_catalog(data_dir=HERE.parents[1] / "tests" / "bot" / "catalog")


def _estimated(catalog: prices.Catalog) -> Estimated:
    option = {"text": {"type": "plain_text", "text": "gpt-4o"}, "value": "openai/gpt-4o"}
    values = {
        BLOCK_MODEL: {ACTION_MODEL: {"selected_option": option}},
        BLOCK_INPUT: {"value": {"value": "1500"}},
        BLOCK_OUTPUT: {"value": {"value": "500"}},
        BLOCK_REQUESTS: {"value": {"value": "10k"}},
    }
    result = estimate_from_view_state({"values": values}, catalog)
    assert isinstance(result, Estimated)
    return result


def payloads() -> dict[str, dict[str, Any]]:
    """File name -> payload, for every surface."""
    catalog = _catalog()
    form = EstimatorForm("openai/gpt-4o", "1500", "500", "", "10k", "day", "C0123ABCD")
    home = HomeData(
        spend_today_usd=Decimal("42.17"),
        month_to_date_usd=Decimal("812.40"),
        budgets=[HomeBudget(None, Decimal(2000), "month", Decimal("812.40")),
                 HomeBudget("search", Decimal(500), "month", Decimal("455.10")),
                 HomeBudget("support", Decimal(20), "day", Decimal("21.30"))],
        subscriptions=[HomeSubscription("C0123ABCD", "09:00", "Europe/Berlin"),
                       HomeSubscription("C0456EFGH", "09:00", "UTC", "not_in_channel")],
        faq_misses=[("how are batch discounts billed?", 3), ("what is a cache write?", 2)],
        price_changes=["gpt-4o from Dec 1: input $5.00 → $2.50 per MTok"],
        notice="Deleted the day budget for #ops.",
    )  # fmt: skip
    faq = ask("why do output tokens cost more", prices.default_catalog())  # names many models
    counts = TokenCounts(1234, {"o200k_base": 287, "cl100k_base": 291})
    return {
        "estimator-modal.json": estimator_view(catalog, EstimatorForm(channel_id="C0123ABCD")),
        "estimator-result.json": estimator_view(catalog, form, _estimated(catalog),
                                                notice="Shared in <#C0123ABCD>."),
        "count-tokens-message.json": {"blocks": count_reply(counts, catalog.get("gpt-4o"),
                                                            catalog)["blocks"]},
        "app-home.json": home_view(home),
        "budget-edit-modal.json": hm.budget_modal("search", "month", Decimal(500)),
        "digest-time-modal.json": hm.digest_modal("C0123ABCD", "09:00", "Europe/Berlin"),
        "assistant-faq-answer.json": {"blocks": [*render_blocks(faq),
                                                 feedback_block("why-output-costs-more")]},
        "compare-table-message.json": {"blocks": render_blocks(
            ask("compare gpt-4o gpt-4o-mini claude-sonnet-4-5 1k 1k", catalog))},
    }  # fmt: skip


def main() -> None:
    for name, payload in payloads().items():
        (HERE / name).write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n",
                                 encoding="utf-8")  # fmt: skip
        print(name)


if __name__ == "__main__":
    main()
