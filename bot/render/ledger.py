"""The words and JSON of the ledger commands' results (`log`, `budget`, `digest`).

`bot.render.text.parts_of` and `bot.render.data.to_json` hand these kinds here, so the ledger's
replies take the same path as every other reply.
"""

from __future__ import annotations

from typing import Any

from bot.answers.ledger_results import (
    BillingResult,
    BudgetLine,
    BudgetResult,
    DigestResult,
    LedgerResult,
    LoggedResult,
)
from bot.render.billing import billing_json, billing_parts
from bot.render.style import Parts, Style
from prices import format_percent, format_usd, usd_string

__all__ = ["budget_line_text", "ledger_json", "ledger_parts"]

_NO_BUDGET = "No budget set. Try `budget 500/month` or `budget 200/month #team`."
_ALERTS = "Alerts go to digest channels at 80% and 100%."


def budget_line_text(line: BudgetLine) -> str:
    """`#search: $12.00 of $200.00/month (6%) this month`."""
    who = f"#{line.tag}" if line.tag else "Workspace"
    if line.basis == "billed":
        if line.unavailable is not None:
            return (f"{who} (billed): billing data unavailable ({line.unavailable}) against "
                    f"{format_usd(line.amount_usd)}/{line.period}")  # fmt: skip
        return (
            f"{who} (billed): {format_usd(line.spent_usd)} of {format_usd(line.amount_usd)}/"
            f"{line.period} ({format_percent(line.spent_usd / line.amount_usd)}) billed this "
            "month to yesterday (UTC)"
        )
    ratio = line.spent_usd / line.amount_usd
    return (
        f"{who}: {format_usd(line.spent_usd)} of {format_usd(line.amount_usd)}/"
        f"{line.period} ({format_percent(ratio)}) this {line.period}"
    )


def _budgets(lines: tuple[BudgetLine, ...]) -> str:
    return "Budgets: " + "; ".join(map(budget_line_text, lines)) + "."


def _logged(res: LoggedResult) -> str:
    tag = f" #{res.tag}" if res.tag else ""
    text = (
        f"Logged {res.model}{tag}: {res.input_tokens:,} input, {res.output_tokens:,} output "
        f"tokens = {format_usd(res.cost_usd)} (at {format_usd(res.input_per_mtok)} in / "
        f"{format_usd(res.output_per_mtok)} out per MTok)."
    )
    return text + (" " + _budgets(res.budgets) if res.budgets else "")


def _digest(res: DigestResult, s: Style) -> str:
    """The digest reply, with the channel as `#C123` (plain) or a channel link (Slack)."""
    if res.action == "preview":
        day = f"{res.day:%a %d %b %Y}" if res.day else "yesterday"
        return (
            s.esc(res.preview_text)
            if res.preview_text is not None
            else s.esc(
                f"Nothing to report for {day}: no usage, questions or price changes, so "
                "no digest would be posted."
            )
        )
    if res.action == "off":
        template = "Daily digest turned off for {}." if res.was_on else "{} had no daily digest."
    elif not res.on:
        template = "No daily digest in {}. Try `digest on`."
    else:
        template = (
            f"Daily digest in {{}} at {res.local_time} {res.timezone}: yesterday's spend, "
            "trends, budgets, questions and price changes (skipped on empty days)."
        )
    return s.esc(template).format(s.channel(res.channel or ""))


def ledger_parts(result: LedgerResult, s: Style) -> Parts:
    """A ledger result as reply parts: one paragraph, escaped for Slack when `s` says so."""
    match result:
        case LoggedResult():
            return Parts("", [s.esc(_logged(result))])
        case BudgetResult():
            if not result.budgets:
                return Parts("", [s.esc(_NO_BUDGET)])
            head = "Budget set. " if result.set_now else ""
            return Parts("", [s.esc(f"{head}{_budgets(result.budgets)} {_ALERTS}")])
        case DigestResult():
            return Parts("", [_digest(result, s)])
        case BillingResult():
            return billing_parts(result, s)


def _budget_json(line: BudgetLine) -> dict[str, Any]:
    spent = None if line.unavailable is not None else usd_string(line.spent_usd)
    return {"tag": line.tag or None, "amount_usd": usd_string(line.amount_usd),
            "period": line.period, "spent_usd": spent, "basis": line.basis,
            "unavailable": line.unavailable}  # fmt: skip


def ledger_json(result: LedgerResult) -> dict[str, Any]:
    """The `--json` object of a ledger result."""
    match result:
        case LoggedResult():
            return {
                "kind": result.kind, "model": result.model, "provider": result.provider,
                "input_tokens": result.input_tokens, "output_tokens": result.output_tokens,
                "cached_input_tokens": result.cached_input_tokens, "tag": result.tag,
                "cost_usd": usd_string(result.cost_usd),
                "prices": {"input_per_mtok": usd_string(result.input_per_mtok),
                           "output_per_mtok": usd_string(result.output_per_mtok)},
                "occurred_utc": result.occurred_utc.isoformat(),
            }  # fmt: skip
        case BudgetResult():
            return {"kind": result.kind, "budgets": [_budget_json(b) for b in result.budgets]}
        case BillingResult():
            return billing_json(result)
        case DigestResult():
            data: dict[str, Any] = {"kind": result.kind, "action": result.action}
            if result.action == "preview":
                data |= {"day": result.day.isoformat() if result.day else None,
                         "empty": result.preview_text is None}  # fmt: skip
            elif result.action == "off":
                data |= {"channel": result.channel, "was_on": result.was_on}
            else:
                data |= {"channel": result.channel, "on": bool(result.on)}
                if result.on:
                    data |= {"time": result.local_time, "timezone": result.timezone}
            return data
