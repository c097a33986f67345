"""Render a ``Digest`` as a plain-text fallback and Block Kit, within Slack's limits.

Limits kept (slack-facts §1.6): at most 50 blocks (we use under 12), section text at most
3,000 characters, header at most 150, one table block (the top models and tags, through
`spend_table`; the message's text fallback keeps them as sentences), and every list capped
at ``bot.digest.build.TOP`` with "+N more". User-typed text (tags, questions) is escaped
for mrkdwn (only ``& < >``) and shortened. The digest says plainly that its costs are
estimates at list prices.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any

import prices
from bot.digest.billed import billed_lines
from bot.digest.build import BudgetStatus, Digest, PriceChange
from bot.render.billing import cents
from bot.render.slack import context, escape, header, section
from bot.render.tables import SpendList, spend_table
from bot.store.usage import SpendGroup
from bot.teaching.lists import ReviewLists

__all__ = ["DISCLAIMER", "price_change_text", "render_digest", "sparkline"]

DISCLAIMER = (
    "Costs are estimates at list prices from tokencost's price table, for the usage teams "
    "reported; your provider's invoice is the bill."
)
QUESTION_MAX = 150
_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[Decimal]) -> str:
    """One bar per value, scaled to the largest; zero is the lowest bar, any spend is higher."""
    top = max(values, default=Decimal(0))
    if top <= 0:
        return _BARS[0] * len(values)
    levels = len(_BARS) - 1
    return "".join(
        _BARS[0] if v <= 0 else _BARS[int((v / top * levels).to_integral_value(ROUND_CEILING))]
        for v in values
    )


def _day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def _short_day(d: date) -> str:
    return f"{d.day} {d:%b}"


def _tokens(n: int) -> str:
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if n >= size:
            value = (Decimal(n) / size).quantize(Decimal("0.1"))
            return f"{value.normalize():f}{suffix}"
    return str(n)


def _signed_percent(ratio: Decimal) -> str:
    text = prices.format_percent(ratio)
    return text if text.startswith("-") else "+" + text


def _groups(groups: tuple[SpendGroup, ...], more: int, total: Decimal, tags: bool) -> str:
    if not groups:
        return "none"
    parts = []
    for group in groups:
        name = ("#" + group.key if group.key else "untagged") if tags else str(group.key)
        share = f" ({prices.format_percent(group.cost_usd / total)})" if total else ""
        parts.append(f"{name} {prices.format_usd(group.cost_usd)}{share}")
    return ", ".join(parts) + (f", +{more} more" if more else "")


def _budget(status: BudgetStatus) -> str:
    budget = status.budget
    who = "#" + budget.tag if budget.tag else "workspace"
    if budget.basis == "billed":
        figure = (f"billing data unavailable ({status.unavailable})" if status.unavailable
                  else f"{cents(status.spent_usd)} ({prices.format_percent(status.ratio)}"
                  f"{', over budget' if status.ratio >= 1 else ''})")  # fmt: skip
        return f"billed {prices.format_usd(budget.amount_usd)}/{budget.period}: {figure}"
    mark = ", over budget" if status.ratio >= 1 else ", over 80%" if status.ratio >= 0.8 else ""
    return (
        f"{who} {prices.format_usd(budget.amount_usd)}/{budget.period}: "
        f"{prices.format_usd(status.spent_usd)} ({prices.format_percent(status.ratio)}{mark})"
    )


def _change(change: PriceChange) -> str:
    return price_change_text(change, _short_day(change.starts))


def price_change_text(change: PriceChange, starts: str) -> str:
    """`gpt-4o from 2 Nov: input $2.50 → $2.00 per MTok`, with the start day as given."""
    parts = []
    for name, label in (("input_per_mtok", "input"), ("output_per_mtok", "output")):
        old, new = change.before.rate(name), change.after.rate(name)
        if old != new and old is not None and new is not None:
            parts.append(f"{label} {prices.format_usd(old)} → {prices.format_usd(new)}")
    what = ", ".join(parts) or "other rates changed"
    return f"{change.model} from {starts}: {what} per MTok"


def _lines(digest: Digest) -> dict[str, str]:
    """The digest's statements, by section, as plain text (mrkdwn-escaped later)."""
    spend = digest.spend
    ratio = digest.change_ratio
    versus = (
        f"{_signed_percent(ratio)} vs the 7-day average ({prices.format_usd(digest.average_usd)})"
        if ratio is not None
        else "no spend in the 7 days before to compare with"
    )
    calls = f"{spend.rows:,} reported call{'s' if spend.rows != 1 else ''}"
    lines = {
        "spend": f"Spend: {prices.format_usd(spend.cost_usd)} across {calls} "
        f"({_tokens(spend.input_tokens)} input, {_tokens(spend.output_tokens)} output tokens); "
        f"{versus}.",
        "models": "Top models: " + _groups(digest.top_models, digest.more_models,
                                           spend.cost_usd, tags=False),
        "tags": "Top tags: " + _groups(digest.top_tags, digest.more_tags, spend.cost_usd,
                                       tags=True),
        "month": f"Month to date: {prices.format_usd(digest.month_to_date_usd)}; "
        f"forecast for {digest.day:%B}: {prices.format_usd(digest.forecast_usd)} "
        "at the daily rate so far.",
    }  # fmt: skip
    if digest.budgets:
        lines["budgets"] = "Budgets: " + "; ".join(_budget(s) for s in digest.budgets) + "."
    values = [d.cost_usd for d in digest.daily]
    peak = max(digest.daily, key=lambda d: (d.cost_usd, d.day))
    lines["spark"] = (
        f"Last {len(values)} days: {sparkline(values)} "
        f"({_short_day(digest.daily[0].day)} to {_short_day(digest.day)}; "
        f"peak {prices.format_usd(peak.cost_usd)} on {_short_day(peak.day)})"
    )
    activity = digest.activity
    asked = ", ".join(f"{model} ({n})" for model, n in activity.top_models) or "none"
    lines["activity"] = (
        f"Estimates asked: {activity.queries:,} by {activity.people:,} "
        f"{'person' if activity.people == 1 else 'people'}; most asked: {asked}."
    )
    if digest.faq_misses:
        shown = [_shorten(q) for q in digest.faq_misses]
        more = f" (+{digest.more_faq_misses} more)" if digest.more_faq_misses else ""
        lines["faq"] = "Questions the FAQ could not answer: " + "; ".join(
            f'"{q}"' for q in shown
        ) + more  # fmt: skip
    if digest.faq_review is not None:
        lines.update(_review_lines(digest.faq_review))
    if digest.price_changes:
        lines["prices"] = "Price changes: " + "; ".join(map(_change, digest.price_changes)) + "."
    return lines


def _review_lines(review: ReviewLists) -> dict[str, str]:
    """The FAQ's review lines: own entries past review by owner, answers voted down."""
    lines: dict[str, str] = {}
    owners: dict[str, list[str]] = {}
    for item in review.due:
        owners.setdefault(item.entry.owner, []).append(f"{item.entry.id} ({item.days_overdue}d)")
    if owners:
        lines["faq_due"] = "FAQ entries due for review: " + "; ".join(
            f"{owner}: {', '.join(ids)}" for owner, ids in sorted(owners.items())
        )  # fmt: skip
    if review.voted_down:
        lines["faq_down"] = "FAQ answers voted down: " + "; ".join(
            f"{a.entry_id} ({a.not_helpful} of {a.helpful + a.not_helpful} unhelpful)"
            for a in review.voted_down
        )  # fmt: skip
    return lines


def _mention_owners(line: str) -> str:
    """`_bold_label`, with Slack user ids (an entry's owner) as mentions so they are notified."""
    return re.sub(r"(?<![\w<@])([UW][A-Z0-9]{6,})(?=:)", r"<@\1>", _bold_label(line))


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUESTION_MAX else flat[: QUESTION_MAX - 1] + "…"


def _bold_label(line: str) -> str:
    label, sep, rest = line.partition(": ")
    return f"*{escape(label)}:* {escape(rest)}" if sep else escape(line)


def _top_lists(digest: Digest, lines: dict[str, str]) -> dict[str, Any]:
    """The top models and tags as one table block; the two sentences when both are empty."""
    models = SpendList("model", [(str(g.key), g.cost_usd) for g in digest.top_models],
                       digest.more_models)  # fmt: skip
    tags = SpendList("tag", [("#" + g.key if g.key else "untagged", g.cost_usd)
                             for g in digest.top_tags], digest.more_tags)  # fmt: skip
    table = spend_table([models, tags], digest.spend.cost_usd)
    if table is None:
        return section("\n".join(_bold_label(lines[k]) for k in ("models", "tags")))
    return table


def render_digest(digest: Digest) -> tuple[str, list[dict[str, Any]]]:
    """Return ``(plain text, blocks)``: the text is unescaped (a terminal prints it as is);
    ``bot.digest.post`` escapes it for the message's fallback."""
    title = f"LLM spend digest for {_day(digest.day)} ({digest.timezone})"
    lines = _lines(digest)
    billed = billed_lines(digest.billed) if digest.billed else {}
    text = "\n".join([title, *billed.values(), *lines.values(), DISCLAIMER])
    blocks: list[dict[str, Any]] = [header(title)]
    if billed:  # the providers' own figures lead; the ledger's estimates follow
        blocks.append(section("\n".join(_bold_label(line) for line in billed.values())))
    blocks += [
        section(_bold_label(lines["spend"])),
        _top_lists(digest, lines),
        section("\n".join(_bold_label(lines[k]) for k in ("month", "budgets") if k in lines)),
    ]
    spark_label, _, spark_rest = lines["spark"].partition(": ")
    bars, _, caption = spark_rest.partition(" ")
    blocks.append(section(f"*{spark_label}:* `{bars}` {escape(caption)}"))
    blocks.append(section(_bold_label(lines["activity"])))
    for key in ("faq", "faq_due", "faq_down", "prices"):
        if key in lines:
            blocks.append(section(_mention_owners(lines[key])))
    blocks.append(context(DISCLAIMER))
    return text, blocks
