"""Evaluate the ledger commands of the /tokencost language: ``log``, ``budget``, ``digest``.

Each ``run_*`` takes a parsed command (``bot.language.commands``), the runtime and who asked, and
returns a typed result (``bot.answers.ledger_results``) that ``bot.render`` shows like any other;
``digest preview`` carries the digest as it would be posted. User mistakes come back as an
``ErrorResult``, never as an exception. Time comes from ``runtime.clock()``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.answers.ledger_results import BudgetLine, BudgetResult, DigestResult, LoggedResult
from bot.answers.results import ErrorResult
from bot.billing import Unavailable
from bot.digest.billed import billed_summary
from bot.digest.build import build_digest
from bot.digest.render import render_digest
from bot.language.commands import Budget as BudgetCommand
from bot.language.commands import Digest as DigestCommand
from bot.language.commands import Log
from bot.ledger.fields import UsageEvent
from bot.ledger.pricing import UsageRefused, record_events
from bot.runtime import Runtime
from bot.store.budgets import PERIODS, Budget, list_budgets, period_window, set_budget
from bot.store.db import StoreError
from bot.store.digests import disable_subscription, get_subscription, set_subscription
from bot.store.usage import spend_total
from bot.store.workspace import Workspace

__all__ = ["DEFAULT_DIGEST_TIME", "run_budget", "run_digest", "run_log"]

DEFAULT_DIGEST_TIME = "09:00"
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")
# A channel id typed in lower case (`c0123abc`): Slack ids are upper case and their second
# character is a digit, which a channel name like `general2` is not, so only these are upper-cased.
_LOWER_CHANNEL_ID = re.compile(r"^[cgd][0-9][a-z0-9]{5,}$", re.IGNORECASE)
_CHANNEL_LINK = re.compile(r"^<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>$")
_EXAMPLE_CHANNEL = "#llm-costs"


def _error(message: str, suggestions: tuple[str, ...] = ()) -> ErrorResult:
    return ErrorResult(message, suggestions)


def _billed_line(runtime: Runtime, budget: Budget) -> BudgetLine:
    """A billed budget against the billed month to date through yesterday (UTC days)."""
    today = runtime.clock().astimezone(UTC).date()
    summary = billed_summary(runtime.db(), budget.workspace, today - timedelta(days=1), today)
    figure = summary.total_month_to_date_usd if summary else Unavailable("no provider connected")
    if isinstance(figure, Unavailable):
        return BudgetLine(budget.tag, budget.amount_usd, budget.period, Decimal(0), "billed",
                          figure.reason)  # fmt: skip
    return BudgetLine(budget.tag, budget.amount_usd, budget.period, figure, "billed")


def _budget_line(runtime: Runtime, budget: Budget) -> BudgetLine:
    if budget.basis == "billed":
        return _billed_line(runtime, budget)
    now = runtime.clock()
    start, end = period_window(budget.period, now, ZoneInfo(runtime.settings.timezone))
    spent = spend_total(runtime.db(), budget.workspace, start, end, budget.tag).cost_usd
    return BudgetLine(budget.tag, budget.amount_usd, budget.period, spent)


def run_log(
    cmd: Log,
    runtime: Runtime,
    ws: Workspace,
    channel_id: str | None,
    user_id: str | None,
    source: str = "slack",
) -> LoggedResult | ErrorResult:
    """Record ``log MODEL IN OUT [#tag]`` in the ledger at today's prices; always new (no id)."""
    now = runtime.clock()
    event = UsageEvent(
        model=cmd.model, occurred_utc=now, input_tokens=cmd.input_tokens,
        output_tokens=cmd.output_tokens, cached_input_tokens=cmd.cached_input_tokens,
        tag=cmd.tag, user=user_id,
    )  # fmt: skip
    try:
        _, batch = record_events(runtime.db(), ws, runtime.catalog, [event], source, now)
    except UsageRefused as exc:
        message = exc.errors[0][1]
        model = runtime.catalog.find(cmd.model)
        suggestions = () if model else runtime.catalog.suggest(cmd.model)
        return _error(message, suggestions)
    except StoreError as exc:
        return _error(exc.message)
    row = batch.rows[0]
    budgets = [b for b in list_budgets(runtime.db(), ws) if b.tag in ("", row.tag or "")]
    return LoggedResult(
        model=row.model, provider=row.provider, input_tokens=row.input_tokens,
        output_tokens=row.output_tokens, cached_input_tokens=row.cached_input_tokens,
        tag=row.tag, cost_usd=row.cost_usd, input_per_mtok=row.input_per_mtok or Decimal(0),
        output_per_mtok=row.output_per_mtok or Decimal(0), occurred_utc=now,
        budgets=tuple(_budget_line(runtime, b) for b in budgets), share=cmd.share,
    )  # fmt: skip


def run_budget(
    cmd: BudgetCommand, runtime: Runtime, ws: Workspace, user_id: str | None
) -> BudgetResult | ErrorResult:
    """Set ``budget 500/month [#tag]``, or show every budget's progress with no amount."""
    if cmd.amount is not None:
        period = cmd.amount.period
        if period not in PERIODS:
            return _error(f"Budgets are per day, week or month, not per {period}; "
                          "try `budget 500/month`.")  # fmt: skip
        try:
            set_budget(runtime.db(), ws, cmd.tag, cmd.amount.usd, period, user_id,
                       runtime.clock(), "billed" if cmd.billed else "reported")  # fmt: skip
        except StoreError as exc:
            return _error(exc.message)
    budgets = list_budgets(runtime.db(), ws)
    if cmd.tag is not None and cmd.amount is None:
        budgets = [b for b in budgets if b.tag == cmd.tag]
    lines = tuple(_budget_line(runtime, b) for b in budgets)
    return BudgetResult(lines, set_now=cmd.amount is not None, share=cmd.share)


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


def _no_channel(cmd: DigestCommand, resolvable: bool) -> ErrorResult:
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


def _cannot_post(channel: str, problem: str) -> ErrorResult:
    """The refusal of ``digest on`` in a channel the bot cannot post to."""
    if problem == "is_archived":
        template = "{} is archived; choose another channel for the digest."
    else:  # not_in_channel, channel_not_found (a private channel the bot is not in)
        template = "I'm not in {}: invite me (`/invite @tokencost`) or choose another channel."
    return ErrorResult(template.format(f"#{channel}"), channel=channel)


def run_digest(
    cmd: DigestCommand,
    runtime: Runtime,
    ws: Workspace,
    channel_id: str | None,
    user_id: str | None,
    resolve_channel: Callable[[str], str | None] | None = None,
    check_channel: Callable[[str], str | None] | None = None,
) -> DigestResult | ErrorResult:
    """``digest on [#channel] [at HH:MM] [Area/City]``, ``off``, ``preview``, ``status``.

    ``digest on`` first asks ``check_channel`` (the Slack edge: ``conversations.info``) whether
    the bot can post there; a reason (``not_in_channel``, ``channel_not_found``,
    ``is_archived``) refuses it with a sentence instead of a digest that could never arrive.

    Subscriptions are keyed by channel id: a ``#name`` needs ``resolve_channel`` (the Slack edge
    looks it up); without one, run the command in the channel itself or give its id (in any
    case: ``c0123abc`` is C0123ABC). ``preview`` needs no channel (it uses the workspace zone).
    Only ``ws``'s own subscriptions are read or changed: another workspace's channel id reads
    as a channel without a digest, as an unknown id does.
    """
    now = runtime.clock()
    channel = _channel(cmd, channel_id, resolve_channel)
    if channel is None and (cmd.channel or "").strip():
        return _no_channel(cmd, resolve_channel is not None)  # named, but not found
    if cmd.action == "preview":
        current = get_subscription(runtime.db(), ws, channel) if channel else None
        zone = current.zone if current else ZoneInfo(cmd.tz or runtime.settings.timezone)
        day = now.astimezone(zone).date() - timedelta(days=1)
        digest = build_digest(runtime.db(), ws, runtime.catalog, day, zone, now)
        if digest is None:
            return DigestResult("preview", channel, day=day, share=cmd.share)
        text, blocks = render_digest(digest)
        return DigestResult("preview", channel, day=day, preview_text=text,
                            preview_blocks=blocks, share=cmd.share)  # fmt: skip
    if channel is None:
        return _no_channel(cmd, resolve_channel is not None)
    if cmd.action == "off":
        was_on = disable_subscription(runtime.db(), ws, channel, now)
        return DigestResult("off", channel, was_on=was_on, share=cmd.share)
    if cmd.action == "on":
        problem = check_channel(channel) if check_channel else None
        if problem:
            return _cannot_post(channel, problem)
        try:
            sub = set_subscription(runtime.db(), ws, channel, cmd.time or DEFAULT_DIGEST_TIME,
                                   cmd.tz or runtime.settings.timezone, user_id, now)  # fmt: skip
        except StoreError as exc:
            return _error(exc.message)
    else:
        found = get_subscription(runtime.db(), ws, channel)
        if found is None or not found.enabled:
            return DigestResult("status", channel, on=False, share=cmd.share)
        sub = found
    return DigestResult(cmd.action, channel, on=True, local_time=sub.local_time,
                        timezone=sub.timezone, share=cmd.share)  # fmt: skip
