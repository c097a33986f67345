"""The interactive App Home view (pure): spend, budgets, digest settings, FAQ misses, prices.

Slack allows 100 blocks in a Home tab (https://docs.slack.dev/reference/block-kit/blocks), so
long lists are paged or summarised, never cut silently: budgets come `BUDGETS_PER_PAGE` at a
time with Previous/Next buttons (the page travels in the button value), subscriptions show the
first `SUBSCRIPTIONS_SHOWN` and a count of the rest. The most blocks any data can make is
`max_blocks()`, well under 100 (tested at 200 budgets and 100 subscriptions).

`bot.render` sits below the store, so the listener converts store rows into the small values
here (`HomeBudget`, `HomeSubscription`, `HomeData`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from slack_sdk.models.views import View

from bot.render.slack import MAX_VIEW_BLOCKS, button, context, cut, escape, header, section
from prices import format_percent, format_usd

__all__ = [
    "ACTION_BUDGET",
    "ACTION_BUDGET_PAGE",
    "ACTION_DIGEST",
    "ACTION_DIGEST_SUBSCRIBE",
    "ACTION_ESTIMATE",
    "BUDGETS_PER_PAGE",
    "SUBSCRIPTIONS_SHOWN",
    "HomeBudget",
    "HomeData",
    "HomeSubscription",
    "home_view",
    "max_blocks",
]

BUDGETS_PER_PAGE = 20
SUBSCRIPTIONS_SHOWN = 10
FAQ_MISSES_SHOWN = 5
PRICE_CHANGES_SHOWN = 5
ACTION_ESTIMATE = "home_open_estimator"
ACTION_BUDGET = "home_budget"
"""Overflow menu on a budget: values `edit:<period>:<tag>` / `delete:<period>:<tag>` (`<tag>`
empty = the workspace budget; budgets are keyed by tag and period)."""
ACTION_BUDGET_PAGE = "home_budget_page"
ACTION_DIGEST = "home_digest"
"""Overflow menu on a subscription: values `edit:<channel>` / `remove:<channel>`."""
ACTION_DIGEST_SUBSCRIBE = "home_digest_subscribe"
"""The "Subscribe" button; the channel, time and zone pickers are read from the view state."""
ACTION_DIGEST_CHANNEL, ACTION_DIGEST_TIME = "home_digest_channel", "home_digest_time"
ACTION_DIGEST_ZONE = "home_digest_zone"
"""External select over IANA time zones (`block_suggestion`: more than 100 zones exist)."""
_OPTION_VALUE_CHARS = 150


@dataclass(frozen=True, slots=True)
class HomeBudget:
    """A budget and what its current period has spent."""

    tag: str | None
    amount_usd: Decimal
    period: str
    spent_usd: Decimal


@dataclass(frozen=True, slots=True)
class HomeSubscription:
    """A channel that gets the digest."""

    channel_id: str
    local_time: str
    timezone: str
    paused_reason: str | None = None
    """Slack's error code when posts there were refused (the digest is paused), else None."""


@dataclass(frozen=True, slots=True)
class HomeData:
    """Everything the Home tab shows for one person in one workspace."""

    spend_today_usd: Decimal
    month_to_date_usd: Decimal
    billed: bool = False
    """True when the figures are the providers' billed cost; else the ledger's reported usage."""
    budgets: Sequence[HomeBudget] = ()
    subscriptions: Sequence[HomeSubscription] = ()
    faq_misses: Sequence[tuple[str, int]] | None = None
    """(question, times asked), most missed first; None unless the viewer is an admin."""
    price_changes: Sequence[str] = field(default_factory=tuple)
    """One line each, plain text, this week's price changes for models in use."""
    billed_month_to_date: str | None = None
    """The providers' billed cost this month, to the cent, or "billing data unavailable
    (reason)", when a billing connection exists; else None (the line is left out)."""
    notice: str | None = None
    """One mrkdwn sentence shown at the top: what the last Home action did (or why not)."""


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": cut(text, 75)},
            "value": value[:_OPTION_VALUE_CHARS]}  # fmt: skip


def _overflow(action_id: str, key: str, verbs: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return {"type": "overflow", "action_id": action_id,
            "options": [_option(label, f"{verb}:{key}") for label, verb in verbs]}  # fmt: skip


def _spend(data: HomeData) -> list[dict[str, Any]]:
    source = "billed by your providers" if data.billed else "reported usage at list prices"
    billed = (
        f"\n*Billed month to date:* {escape(data.billed_month_to_date)} _(providers' bills)_"
        if data.billed_month_to_date is not None and not data.billed
        else ""
    )
    return [
        section(
            f"*Spend today:* {format_usd(data.spend_today_usd)} · *month to date:* "
            f"{format_usd(data.month_to_date_usd)}\n_{source}_{billed}"
        ),
        {"type": "actions", "elements": [button("Estimate LLM cost", ACTION_ESTIMATE, "home")]},
    ]


def _budget_line(b: HomeBudget) -> str:
    who = f"#{escape(b.tag)}" if b.tag else "Workspace"
    ratio = b.spent_usd / b.amount_usd if b.amount_usd else Decimal(0)
    mark = " :red_circle:" if ratio >= 1 else " :large_orange_circle:" if ratio >= 0.8 else ""
    return (f"*{who}* {format_usd(b.amount_usd)} per {b.period}: spent "
            f"{format_usd(b.spent_usd)} ({format_percent(ratio)}){mark}")  # fmt: skip


def _budgets(budgets: Sequence[HomeBudget], page: int) -> list[dict[str, Any]]:
    blocks = [section("*Budgets*")]
    if not budgets:
        return [*blocks, context("No budgets yet: `/tokencost budget 500/month [#tag]`.")]
    pages = (len(budgets) + BUDGETS_PER_PAGE - 1) // BUDGETS_PER_PAGE
    page = min(max(page, 0), pages - 1)
    shown = budgets[page * BUDGETS_PER_PAGE : (page + 1) * BUDGETS_PER_PAGE]
    verbs = (("Edit", "edit"), ("Delete", "delete"))
    for b in shown:
        block = section(_budget_line(b))
        block["accessory"] = _overflow(ACTION_BUDGET, f"{b.period}:{b.tag or ''}", verbs)
        blocks.append(block)
    if pages > 1:
        nav = []
        if page > 0:
            nav.append(button("Previous", ACTION_BUDGET_PAGE + "_prev", str(page - 1)))
        if page < pages - 1:
            nav.append(button("Next", ACTION_BUDGET_PAGE + "_next", str(page + 1)))
        blocks.append(context(f"Page {page + 1} of {pages} ({len(budgets)} budgets)"))
        blocks.append({"type": "actions", "block_id": "home_budget_pages", "elements": nav})
    return blocks


def _digest(subscriptions: Sequence[HomeSubscription]) -> list[dict[str, Any]]:
    blocks = [section("*Daily digest*")]
    verbs = (("Change time", "edit"), ("Stop", "remove"))
    for s in subscriptions[:SUBSCRIPTIONS_SHOWN]:
        if s.paused_reason:
            block = section(f"<#{s.channel_id}>: paused: Slack says `{escape(s.paused_reason)}` "
                            "(invite me there, then subscribe it again below)")  # fmt: skip
            block["accessory"] = _overflow(ACTION_DIGEST, s.channel_id, (("Stop", "remove"),))
        else:
            block = section(f"<#{s.channel_id}> at {escape(s.local_time)} {escape(s.timezone)}")
            block["accessory"] = _overflow(ACTION_DIGEST, s.channel_id, verbs)
        blocks.append(block)
    rest = len(subscriptions) - SUBSCRIPTIONS_SHOWN
    if rest > 0:
        blocks.append(context(f"…and {rest} more channels; `/tokencost digest status` lists all."))
    blocks.append({
        "type": "actions",
        "block_id": "home_digest_new",
        "elements": [
            {"type": "conversations_select", "action_id": ACTION_DIGEST_CHANNEL,
             "placeholder": {"type": "plain_text", "text": "Channel"},
             "filter": {"include": ["public", "private"], "exclude_bot_users": True}},
            {"type": "timepicker", "action_id": ACTION_DIGEST_TIME, "initial_time": "09:00"},
            {"type": "external_select", "action_id": ACTION_DIGEST_ZONE, "min_query_length": 2,
             "placeholder": {"type": "plain_text", "text": "Time zone"}},
            button("Subscribe", ACTION_DIGEST_SUBSCRIBE, "subscribe", style="primary"),
        ],
    })  # fmt: skip
    return blocks


def _lists(data: HomeData) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if data.price_changes:
        lines = [f"• {escape(c)}" for c in data.price_changes[:PRICE_CHANGES_SHOWN]]
        more = len(data.price_changes) - PRICE_CHANGES_SHOWN
        tail = [f"…and {more} more"] if more > 0 else []
        blocks.append(section("*Prices that changed this week*\n" + "\n".join(lines + tail)))
    if data.faq_misses is not None:
        misses = [f"• {escape(cut(' '.join(q.split()), 150))} ({n}×)"
                  for q, n in data.faq_misses[:FAQ_MISSES_SHOWN]]  # fmt: skip
        text = "\n".join(misses) or "_None this week._"
        blocks.append(section("*Questions the FAQ could not answer* (admins only)\n" + text))
    return blocks


def home_view(data: HomeData, *, budget_page: int = 0) -> dict[str, Any]:
    """The Home tab (`views.publish`), validated by slack_sdk's `View`, at most 100 blocks."""
    blocks = [
        header("tokencost"),
        *([context(data.notice)] if data.notice else []),
        *_spend(data),
        {"type": "divider"},
        *_budgets(data.budgets, budget_page),
        {"type": "divider"},
        *_digest(data.subscriptions),
        *_lists(data),
    ]
    if len(blocks) > MAX_VIEW_BLOCKS:  # pragma: no cover - max_blocks() keeps this unreachable
        raise ValueError(f"the Home view has {len(blocks)} blocks; Slack allows 100")
    return View(type="home", blocks=blocks).to_dict()


def max_blocks() -> int:
    """The most blocks `home_view` can produce, whatever the data."""
    spend, dividers, header_ = 2, 2, 2  # the header and a notice
    budgets = 1 + BUDGETS_PER_PAGE + 2
    digest = 1 + SUBSCRIPTIONS_SHOWN + 1 + 1
    return header_ + spend + dividers + budgets + digest + 2
