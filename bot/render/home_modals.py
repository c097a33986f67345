"""The small modals App Home opens (edit a budget, change a digest's time) and the time-zone
type-ahead. Pure: nothing here talks to Slack or the store.

Each modal keeps what it edits in `private_metadata` (JSON), so the submission knows which
budget (tag and period) or which channel it changes.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from slack_sdk.models.views import View

from bot.render.slack import context, escape
from prices import format_usd

__all__ = [
    "BUDGET_MODAL",
    "BUDGET_PERIODS",
    "DIGEST_MODAL",
    "MAX_ZONE_OPTIONS",
    "budget_modal",
    "digest_modal",
    "modal_metadata",
    "zone_options",
]

BUDGET_MODAL = "home_budget_edit"
DIGEST_MODAL = "home_digest_edit"
BLOCK_AMOUNT, BLOCK_PERIOD = "budget_amount", "budget_period"
BLOCK_TIME, BLOCK_ZONE = "digest_time", "digest_zone"
ACTION_VALUE = "value"
ACTION_ZONE = "home_digest_zone"
"""Same action id as the Home tab's zone picker: one `block_suggestion` listener serves both."""
BUDGET_PERIODS = ("day", "week", "month")
MAX_ZONE_OPTIONS = 100


def _text(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": _text(text[:75]), "value": value}


def modal_metadata(view: dict[str, Any]) -> dict[str, str]:
    """The `private_metadata` a modal here was opened with ({} when unreadable)."""
    try:
        found = json.loads(str(view.get("private_metadata") or "{}"))
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def budget_modal(tag: str, period: str, amount_usd: Decimal | None) -> dict[str, Any]:
    """Edit one budget: its amount and period (`tag` '' is the workspace budget)."""
    who = f"#{escape(tag)}" if tag else "the whole workspace"
    amount: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ACTION_VALUE,
        "placeholder": _text("Like 500 or 1,250.50"),
        "max_length": 20,
    }
    if amount_usd is not None:
        amount["initial_value"] = str(amount_usd)
    chosen = period if period in BUDGET_PERIODS else "month"
    periods = [_option(f"per {p}", p) for p in BUDGET_PERIODS]
    blocks = [
        context(
            f"Budget for {who}"
            + (f", now {format_usd(amount_usd)} per {chosen}." if amount_usd is not None else ".")
        ),
        {
            "type": "input",
            "block_id": BLOCK_AMOUNT,
            "label": _text("Amount in USD"),
            "element": amount,
        },
        {
            "type": "input",
            "block_id": BLOCK_PERIOD,
            "label": _text("Period"),
            "element": {
                "type": "static_select",
                "action_id": ACTION_VALUE,
                "options": periods,
                "initial_option": _option(f"per {chosen}", chosen),
            },
        },
    ]
    view = View(type="modal", callback_id=BUDGET_MODAL, title=_text("Edit budget"),
                submit=_text("Save"), close=_text("Cancel"), blocks=blocks,
                private_metadata=json.dumps({"tag": tag, "period": chosen}))  # fmt: skip
    return view.to_dict()


def digest_modal(channel_id: str, local_time: str, timezone: str) -> dict[str, Any]:
    """Change when a channel gets its digest: the local time and the time zone."""
    blocks = [
        context(f"The daily digest in <#{channel_id}>."),
        {"type": "input", "block_id": BLOCK_TIME, "label": _text("Time"),
         "element": {"type": "timepicker", "action_id": ACTION_VALUE,
                     "initial_time": local_time}},
        {"type": "input", "block_id": BLOCK_ZONE, "label": _text("Time zone"),
         "element": {"type": "external_select", "action_id": ACTION_ZONE, "min_query_length": 2,
                     "initial_option": _option(timezone, timezone),
                     "placeholder": _text("Type a city, like Berlin")}},
    ]  # fmt: skip
    view = View(type="modal", callback_id=DIGEST_MODAL, title=_text("Digest time"),
                submit=_text("Save"), close=_text("Cancel"), blocks=blocks,
                private_metadata=json.dumps({"channel": channel_id}))  # fmt: skip
    return view.to_dict()


@cache
def _zones() -> tuple[tuple[str, str], ...]:
    """(lower-cased name, name) of every IANA zone, sorted; read once."""
    return tuple(sorted((z.lower(), z) for z in available_timezones() if "/" in z or z == "UTC"))


def zone_options(query: str) -> list[dict[str, Any]]:
    """Time zones matching what was typed (`berlin`, `europe/`, `new york`), at most 100:
    names starting with it first, then cities starting with it, then any containing it."""
    wanted = query.strip().lower().replace(" ", "_")[:60]
    ranked: list[tuple[int, str]] = []
    for low, name in _zones():
        city = low.rsplit("/", 1)[-1]
        if low.startswith(wanted):
            ranked.append((0, name))
        elif city.startswith(wanted):
            ranked.append((1, name))
        elif wanted in low:
            ranked.append((2, name))
    ranked.sort()
    return [_option(name, name) for _, name in ranked[:MAX_ZONE_OPTIONS]]
