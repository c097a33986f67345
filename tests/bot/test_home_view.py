"""The App Home view builder: valid views within 100 blocks at 200 budgets and 100 digests."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.render.home import (
    ACTION_BUDGET,
    ACTION_BUDGET_PAGE,
    BUDGETS_PER_PAGE,
    HomeBudget,
    HomeData,
    HomeSubscription,
    home_view,
    max_blocks,
)


def _valid(view: dict[str, Any]) -> None:
    assert View(**view).to_dict() == view
    assert len(view["blocks"]) <= 100
    for block in view["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]


def _budgets(n: int) -> list[HomeBudget]:
    return [HomeBudget(f"team-{i:03}" if i else None, Decimal(100), "month", Decimal(i))
            for i in range(n)]  # fmt: skip


def _subs(n: int) -> list[HomeSubscription]:
    return [HomeSubscription(f"C{i:06}", "09:00", "Europe/Berlin") for i in range(n)]


def _budget_sections(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in view["blocks"] if b.get("accessory", {}).get("action_id") == ACTION_BUDGET]


@pytest.mark.parametrize("page", [0, 1, 9, 10, -3])
def test_two_hundred_budgets_and_a_hundred_digests_fit(page: int) -> None:
    data = HomeData(Decimal("12.5"), Decimal("340"), budgets=_budgets(200),
                    subscriptions=_subs(100), faq_misses=[("why?", 3)] * 50,
                    price_changes=["gpt-4o input $5.00 → $2.50"] * 30)  # fmt: skip
    view = home_view(data, budget_page=page)
    _valid(view)
    assert len(view["blocks"]) <= max_blocks() < 100
    assert len(_budget_sections(view)) == BUDGETS_PER_PAGE
    shown = json.dumps(view)
    assert "and 90 more channels" in shown
    assert "Page" in shown and "(200 budgets)" in shown


def test_budget_pages_walk_forward_and_back() -> None:
    data = HomeData(Decimal(0), Decimal(0), budgets=_budgets(45))
    first = home_view(data)
    nav = first["blocks"][[b.get("block_id") for b in first["blocks"]].index("home_budget_pages")]
    assert [e["action_id"] for e in nav["elements"]] == [ACTION_BUDGET_PAGE + "_next"]
    last = home_view(data, budget_page=2)
    assert len(_budget_sections(last)) == 5
    nav = last["blocks"][[b.get("block_id") for b in last["blocks"]].index("home_budget_pages")]
    assert [(e["action_id"], e["value"]) for e in nav["elements"]] == [
        (ACTION_BUDGET_PAGE + "_prev", "1")]  # fmt: skip


def test_budgets_carry_edit_and_delete_and_escape_tags() -> None:
    data = HomeData(Decimal(0), Decimal(0),
                    budgets=[HomeBudget("<!here>", Decimal(10), "day", Decimal(9))])  # fmt: skip
    view = home_view(data)
    _valid(view)
    (block,) = _budget_sections(view)
    assert "&lt;!here&gt;" in block["text"]["text"] and "90%" in block["text"]["text"]
    values = [o["value"] for o in block["accessory"]["options"]]
    assert values == ["edit:day:<!here>", "delete:day:<!here>"]


def test_an_empty_workspace_and_a_non_admin() -> None:
    view = home_view(HomeData(Decimal(0), Decimal(0)))
    _valid(view)
    text = json.dumps(view)
    assert "No budgets yet" in text and "reported usage at list prices" in text
    assert "could not answer" not in text  # FAQ misses are for admins only
    billed = json.dumps(home_view(HomeData(Decimal(1), Decimal(2), billed=True, faq_misses=[])))
    assert "billed by your providers" in billed and "None this week" in billed
