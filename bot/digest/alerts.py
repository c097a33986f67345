"""Budget alerts: at 80% and at 100% of a budget, one message per budget and period, ever.

Checked on every clock tick. Periods (day, week from Monday, calendar month) follow the
workspace timezone (``TOKENCOST_TIMEZONE``). An alert goes to the digest channels of the
budget's own workspace, posted with that workspace's bot token; a budget with no subscribed
channel waits until one exists, and a workspace without a token (uninstalled) gets none.

Once, not twice: ``claim_budget_alert`` is an insert-or-ignore on (budget, period, threshold),
so two clocks never both send it. When crossing 100% the 80% alert is claimed too (one message
says it all). If no channel accepted the message the claim is released and the next tick
tries again; but a post that got no answer (a timeout: it may still land) keeps the claim, and
so does a process dying between the claim and the post. At most once, by choice: a missed
alert still shows in the digest's budget line, a repeated one is noise.

The client never sleeps on a long rate limit (``bot.webapi``): a 429 is a failed post,
retried on a later tick. A channel Slack refuses (``not_in_channel``, ``channel_not_found``,
``is_archived``) is paused like the digest's (``pause_subscription``): logged once, shown in
App Home, and no longer tried.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

import prices
from bot.digest.billed import billed_summary
from bot.render.slack import escape
from bot.render.slack import message as slack_message
from bot.runtime import Runtime
from bot.store.budgets import (
    Budget,
    claim_budget_alert,
    list_budgets,
    period_window,
    release_budget_alert,
)
from bot.store.digests import list_subscriptions, pause_subscription, subscribed_workspaces
from bot.store.usage import spend_total
from bot.store.workspace import Workspace
from bot.webapi import CANNOT_POST

__all__ = ["THRESHOLDS_PCT", "AlertOutcome", "alert_text", "post_budget_alerts"]

log = logging.getLogger("tokencost.budget")

THRESHOLDS_PCT = (80, 100)
"""Percentages of a budget that trigger an alert, lowest first."""


@dataclass(frozen=True)
class AlertOutcome:
    """One alert sent (or that could not be)."""

    budget_id: int
    period_start: date
    threshold_pct: int
    spent_usd: Decimal
    channels: tuple[str, ...]
    """Channels it was posted to; empty when every post failed (it will be retried)."""
    unsure: tuple[str, ...] = ()
    """Channels whose post got no answer: it may have landed, so it is not sent again."""


def alert_text(budget: Budget, spent_usd: Decimal, threshold_pct: int, period_start: date) -> str:
    """The alert message as mrkdwn; the tag (user-typed) is escaped, so it cannot ping."""
    who = f"#{escape(budget.tag)}" if budget.tag else "The workspace"
    ratio = spent_usd / budget.amount_usd
    verb = "is over" if threshold_pct >= 100 else "has used"
    amount = prices.format_usd(budget.amount_usd)
    billed = budget.basis == "billed"
    return (
        f"Budget alert: {who} {verb} {prices.format_percent(ratio)} of its {amount}/"
        f"{budget.period} {'billed ' if billed else ''}budget: {prices.format_usd(spent_usd)} "
        f"{'billed ' if billed else ''}since {period_start.day} {period_start:%b}"
        + (" (UTC days, the providers' own figures)." if billed
           else ". Costs are estimates at list prices.")
    )  # fmt: skip


def _billed_month(runtime: Runtime, ws: Workspace, now: datetime) -> tuple[date, Decimal] | None:
    """Billed month to date through yesterday (UTC), or None when a figure is missing."""
    today = now.astimezone(UTC).date()
    yesterday = today - timedelta(days=1)
    summary = billed_summary(runtime.db(), ws, yesterday, today)
    figure = summary.total_month_to_date_usd if summary else None
    return (yesterday.replace(day=1), figure) if isinstance(figure, Decimal) else None


def _post(
    runtime: Runtime, ws: Workspace, client: WebClient, channels: list[str], text: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Post to each channel; returns (posted, unsure: no answer, may have landed)."""
    posted, unsure = [], []
    for channel in channels:
        try:
            client.chat_postMessage(channel=channel, **slack_message(text), unfurl_links=False)
            posted.append(channel)
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            log.warning("budget alert to %s failed: %s (HTTP %s)", channel, error,
                        exc.response.status_code)  # fmt: skip
            if error in CANNOT_POST:
                pause_subscription(runtime.db(), ws, channel, error, runtime.clock())
                log.warning("paused %s: Slack refuses posts there (%s)", channel, error)
        except (SlackClientError, OSError) as exc:
            log.warning("budget alert to %s got no answer (%s); not sending it again",
                        channel, exc)  # fmt: skip
            unsure.append(channel)
    return tuple(posted), tuple(unsure)


def post_budget_alerts(
    runtime: Runtime, clients: Callable[[Workspace], WebClient | None], now: datetime
) -> list[AlertOutcome]:
    """Send the 80% / 100% alerts that are due and not yet sent, each workspace's with its own
    token (``clients``, see ``bot.digest.post.Clients``); return what was attempted."""
    db = runtime.db()
    tz = ZoneInfo(runtime.settings.timezone)
    outcomes = []
    for ws in subscribed_workspaces(db):
        channels = [s.channel_id for s in list_subscriptions(db, ws)]
        client: WebClient | None = None
        for budget in list_budgets(db, ws):
            start, end = period_window(budget.period, now, tz)
            first = start.astimezone(tz).date()
            if budget.basis == "billed":
                billed = _billed_month(runtime, ws, now)
                if billed is None:
                    continue  # no billed figure: the digest says why; no alert on a guess
                first, spent = billed
            else:
                spent = spend_total(db, ws, start, end, budget.tag).cost_usd
            reached = [t for t in THRESHOLDS_PCT if spent * 100 >= budget.amount_usd * t]
            if not reached:
                continue
            client = client or clients(ws)
            if client is None:
                break  # uninstalled or no token: ``clients`` logged it; the claim stays open
            top = reached[-1]
            if not claim_budget_alert(db, ws, budget.id, first, top, now):
                continue  # already sent this period
            for lower in reached[:-1]:
                claim_budget_alert(db, ws, budget.id, first, lower, now)
            text = alert_text(budget, spent, top, first)
            posted, unsure = _post(runtime, ws, client, channels, text)
            if not posted and not unsure:
                release_budget_alert(db, ws, budget.id, first, top)
            outcomes.append(AlertOutcome(budget.id, first, top, spent, posted, unsure))
    return outcomes
