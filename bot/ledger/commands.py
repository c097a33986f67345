"""Evaluate the ledger commands of the /tokencost language: ``log``, ``budget``, ``digest``.

Each ``run_*`` takes a parsed command (``bot.language.commands``), the runtime and who asked, and
returns a
``LedgerOutcome`` in three renderings (plain text, Slack mrkdwn, JSON ``data`` with ``kind``);
``digest preview`` adds Block Kit ``blocks``. User mistakes come back as kind ``error``, never as
an exception. Time comes from ``runtime.clock()``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import prices
from bot.digest.build import build_digest
from bot.digest.render import render_digest
from bot.language.commands import Budget as BudgetCommand
from bot.language.commands import Digest as DigestCommand
from bot.language.commands import Log
from bot.ledger.fields import UsageEvent
from bot.ledger.pricing import UsageRefused, record_events
from bot.runtime import Runtime
from bot.store.budgets import PERIODS, Budget, list_budgets, period_window, set_budget
from bot.store.db import StoreError, decimal_text
from bot.store.digests import disable_subscription, get_subscription, set_subscription
from bot.store.usage import spend_total

__all__ = ["DEFAULT_DIGEST_TIME", "LedgerOutcome", "run_budget", "run_digest", "run_log"]

DEFAULT_DIGEST_TIME = "09:00"
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")
# A channel id typed in lower case (`c0123abc`): Slack ids are upper case and their second
# character is a digit, which a channel name like `general2` is not, so only these are upper-cased.
_LOWER_CHANNEL_ID = re.compile(r"^[cgd][0-9][a-z0-9]{5,}$", re.IGNORECASE)
_CHANNEL_LINK = re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>$")
_EXAMPLE_CHANNEL = "#llm-costs"


@dataclass(frozen=True)
class LedgerOutcome:
    """The result of a ledger command, in every rendering a surface needs."""

    kind: str
    """``logged``, ``budget``, ``digest`` or ``error``."""
    text: str
    """Plain text (CLI, notification fallback)."""
    mrkdwn: str
    """Slack mrkdwn."""
    data: dict[str, Any]
    """The ``--json`` object; always has ``kind``."""
    blocks: list[dict[str, Any]] = field(default_factory=list)
    """Block Kit, for ``digest preview``."""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _error(message: str, suggestions: tuple[str, ...] = ()) -> LedgerOutcome:
    data = {"kind": "error", "error": message, "suggestions": list(suggestions)}
    return LedgerOutcome("error", message, _escape(message), data)


def _ok(kind: str, text: str, data: dict[str, Any], mrkdwn: str | None = None) -> LedgerOutcome:
    return LedgerOutcome(kind, text, mrkdwn or _escape(text), {"kind": kind, **data})


def _in_channel(template: str, channel: str, data: dict[str, Any]) -> LedgerOutcome:
    """A digest reply naming a channel: ``#C123`` in text, a channel link in mrkdwn."""
    mrkdwn = _escape(template).format(f"<#{channel}>")
    return _ok("digest", template.format(f"#{channel}"), data, mrkdwn)


def _budget_line(runtime: Runtime, budget: Budget) -> tuple[str, Decimal]:
    now = runtime.clock()
    start, end = period_window(budget.period, now, ZoneInfo(runtime.settings.timezone))
    spent = spend_total(runtime.db(), start, end, budget.tag).cost_usd
    who = f"#{budget.tag}" if budget.tag else "Workspace"
    ratio = spent / budget.amount_usd
    return (
        f"{who}: {prices.format_usd(spent)} of {prices.format_usd(budget.amount_usd)}/"
        f"{budget.period} ({prices.format_percent(ratio)}) this {budget.period}",
        spent,
    )


def run_log(
    cmd: Log,
    runtime: Runtime,
    team_id: str | None,
    channel_id: str | None,
    user_id: str | None,
    source: str = "slack",
) -> LedgerOutcome:
    """Record ``log MODEL IN OUT [#tag]`` in the ledger at today's prices; always new (no id)."""
    now = runtime.clock()
    event = UsageEvent(
        model=cmd.model, occurred_utc=now, input_tokens=cmd.input_tokens,
        output_tokens=cmd.output_tokens, cached_input_tokens=cmd.cached_input_tokens,
        tag=cmd.tag, user=user_id,
    )  # fmt: skip
    try:
        _, batch = record_events(runtime.db(), runtime.catalog, [event], source, now)
    except UsageRefused as exc:
        message = exc.errors[0][1]
        model = runtime.catalog.find(cmd.model)
        suggestions = () if model else runtime.catalog.suggest(cmd.model)
        return _error(message, suggestions)
    except StoreError as exc:
        return _error(exc.message)
    row = batch.rows[0]
    tag = f" #{row.tag}" if row.tag else ""
    rate_in = prices.format_usd(row.input_per_mtok or Decimal(0))
    rate_out = prices.format_usd(row.output_per_mtok or Decimal(0))
    text = (
        f"Logged {row.model}{tag}: {row.input_tokens:,} input, {row.output_tokens:,} output "
        f"tokens = {prices.format_usd(row.cost_usd)} (at {rate_in} in / {rate_out} out per MTok)."
    )
    budgets = [b for b in list_budgets(runtime.db(), team_id or "") if b.tag in ("", row.tag or "")]
    lines = [_budget_line(runtime, b)[0] for b in budgets]
    if lines:
        text += " Budgets: " + "; ".join(lines) + "."
    return _ok("logged", text, {
        "model": row.model, "provider": row.provider, "input_tokens": row.input_tokens,
        "output_tokens": row.output_tokens, "cached_input_tokens": row.cached_input_tokens,
        "tag": row.tag, "cost_usd": decimal_text(row.cost_usd),
        "prices": {"input_per_mtok": decimal_text(row.input_per_mtok or Decimal(0)),
                   "output_per_mtok": decimal_text(row.output_per_mtok or Decimal(0))},
        "occurred_utc": now.isoformat(),
    })  # fmt: skip


def run_budget(
    cmd: BudgetCommand, runtime: Runtime, team_id: str | None, user_id: str | None
) -> LedgerOutcome:
    """Set ``budget 500/month [#tag]``, or show every budget's progress with no amount."""
    team = team_id or ""
    if cmd.amount is not None:
        period = cmd.amount.period
        if period not in PERIODS:
            return _error(f"Budgets are per day, week or month, not per {period}; "
                          "try `budget 500/month`.")  # fmt: skip
        try:
            set_budget(runtime.db(), team, cmd.tag, cmd.amount.usd, period, user_id,
                       runtime.clock())  # fmt: skip
        except StoreError as exc:
            return _error(exc.message)
    budgets = list_budgets(runtime.db(), team)
    if cmd.tag is not None and cmd.amount is None:
        budgets = [b for b in budgets if b.tag == cmd.tag]
    if not budgets:
        return _ok("budget", "No budget set. Try `budget 500/month` or `budget 200/month #team`.",
                   {"budgets": []})  # fmt: skip
    rows, lines = [], []
    for budget in budgets:
        line, spent = _budget_line(runtime, budget)
        lines.append(line)
        rows.append({"tag": budget.tag or None, "amount_usd": decimal_text(budget.amount_usd),
                     "period": budget.period, "spent_usd": decimal_text(spent)})  # fmt: skip
    head = "Budget set. " if cmd.amount is not None else ""
    text = head + "Budgets: " + "; ".join(lines) + ". Alerts go to digest channels at 80% and 100%."
    return _ok("budget", text, {"budgets": rows})


def _channel(cmd: DigestCommand, here: str | None, resolve: Callable[[str], str | None] | None
             ) -> str | None:  # fmt: skip
    """The channel id the command is about: the named one, else the one it was asked in."""
    name = (cmd.channel or "").strip()
    if not name:
        return here
    link = _CHANNEL_LINK.match(name)
    if link:
        return link[1]
    if _CHANNEL_ID.match(name):
        return name
    if _LOWER_CHANNEL_ID.match(name):
        return name.upper()  # `c0123abc` means the id C0123ABC: Slack ids are upper case
    return resolve(name.lstrip("#")) if resolve else None


def _no_channel(cmd: DigestCommand, resolvable: bool) -> LedgerOutcome:
    """Why there is no channel to act on: none named (the CLI), or a name we cannot look up."""
    typed = (cmd.channel or "").strip().lstrip("#")
    if not typed:
        return _error(f"Name the channel: `digest {cmd.action} {_EXAMPLE_CHANNEL}` (or run it "
                      "in Slack inside that channel).")  # fmt: skip
    name = "#" + typed
    if not resolvable:  # the CLI has no Slack client to look names up with
        return _error(f"I can only look up a channel name like {name} from Slack; here, give "
                      "the channel's id (like C0123ABC, shown at the bottom of the channel's "
                      "details in Slack), or run the command in Slack.")  # fmt: skip
    return _error(f"I can't find the channel {name}; check the name, run `digest "
                  f"{cmd.action}` inside it, or give its id (like C0123ABC).")  # fmt: skip


def _cannot_post(channel: str, problem: str) -> LedgerOutcome:
    """The refusal of ``digest on`` in a channel the bot cannot post to."""
    if problem == "is_archived":
        template = "{} is archived; choose another channel for the digest."
    else:  # not_in_channel, channel_not_found (a private channel the bot is not in)
        template = "I'm not in {}: invite me (`/invite @tokencost`) or choose another channel."
    text = template.format(f"#{channel}")
    data = {"kind": "error", "error": text, "suggestions": [], "reason": problem,
            "channel": channel}  # fmt: skip
    return LedgerOutcome("error", text, _escape(template).format(f"<#{channel}>"), data)


def run_digest(
    cmd: DigestCommand,
    runtime: Runtime,
    team_id: str | None,
    channel_id: str | None,
    user_id: str | None,
    resolve_channel: Callable[[str], str | None] | None = None,
    check_channel: Callable[[str], str | None] | None = None,
) -> LedgerOutcome:
    """``digest on [#channel] [at HH:MM] [Area/City]``, ``off``, ``preview``, ``status``.

    ``digest on`` first asks ``check_channel`` (the Slack edge: ``conversations.info``) whether
    the bot can post there; a reason (``not_in_channel``, ``channel_not_found``,
    ``is_archived``) refuses it with a sentence instead of a digest that could never arrive.

    Subscriptions are keyed by channel id: a ``#name`` needs ``resolve_channel`` (the Slack edge
    looks it up); without one, run the command in the channel itself or give its id (in any
    case: ``c0123abc`` is C0123ABC). ``preview`` needs no channel (it uses the workspace zone).
    """
    now = runtime.clock()
    channel = _channel(cmd, channel_id, resolve_channel)
    if channel is None and (cmd.channel or "").strip():
        return _no_channel(cmd, resolve_channel is not None)  # named, but not found
    if cmd.action == "preview":
        current = get_subscription(runtime.db(), channel) if channel else None
        zone = current.zone if current else ZoneInfo(cmd.tz or runtime.settings.timezone)
        day = now.astimezone(zone).date() - timedelta(days=1)
        digest = build_digest(runtime.db(), runtime.catalog, team_id, day, zone, now)
        if digest is None:
            return _ok("digest", f"Nothing to report for {day:%a %d %b %Y}: no usage, "
                       "questions or price changes, so no digest would be posted.",
                       {"action": "preview", "day": day.isoformat(), "empty": True})  # fmt: skip
        text, blocks = render_digest(digest)
        outcome = _ok("digest", text, {"action": "preview", "day": day.isoformat(),
                                       "empty": False})  # fmt: skip
        return LedgerOutcome(outcome.kind, text, outcome.mrkdwn, outcome.data, blocks)
    if channel is None:
        return _no_channel(cmd, resolve_channel is not None)
    if cmd.action == "off":
        was_on = disable_subscription(runtime.db(), channel, now)
        text = ("Daily digest turned off for {}." if was_on
                else "{} had no daily digest.")  # fmt: skip
        return _in_channel(text, channel, {"action": "off", "channel": channel, "was_on": was_on})
    if cmd.action == "on":
        problem = check_channel(channel) if check_channel else None
        if problem:
            return _cannot_post(channel, problem)
        try:
            sub = set_subscription(runtime.db(), channel, team_id, cmd.time or DEFAULT_DIGEST_TIME,
                                   cmd.tz or runtime.settings.timezone, user_id, now)  # fmt: skip
        except StoreError as exc:
            return _error(exc.message)
    else:
        found = get_subscription(runtime.db(), channel)
        if found is None or not found.enabled:
            data = {"action": "status", "channel": channel, "on": False}
            return _in_channel("No daily digest in {}. Try `digest on`.", channel, data)
        sub = found
    text = (f"Daily digest in {{}} at {sub.local_time} {sub.timezone}: yesterday's spend, "
            "trends, budgets, questions and price changes (skipped on empty days).")  # fmt: skip
    data = {"action": cmd.action, "channel": channel, "on": True, "time": sub.local_time,
            "timezone": sub.timezone}  # fmt: skip
    return _in_channel(text, channel, data)
