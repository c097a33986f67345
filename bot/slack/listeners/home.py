"""App Home: the interactive Home tab (`bot.render.home.home_view`), fed from the store.

Everything shown is the viewer's workspace's own: spend today and this month (the reported
ledger at list prices; a billed line when a billing connection supplies one), budgets with
what their current period has spent, digest subscriptions (paused ones with Slack's reason),
the week's price changes (from the catalog's history) for the models it used in 30 days,
and, for workspace admins and owners only (`users.info`), "Teach the FAQ"
(`faq_teach.admin_section`, or the read-only most-missed questions of 30 days if it fails).

The Home tab is published after the ack (a lazy listener); its buttons live in `home_actions`.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.digest.billed import billed_summary, figure_text
from bot.digest.build import PriceChange, price_changes
from bot.digest.render import price_change_text
from bot.render.home import (
    BUDGETS_PER_PAGE,
    HomeBudget,
    HomeData,
    HomeSubscription,
    home_view,
)
from bot.runtime import Runtime
from bot.slack.listeners.faq_teach import admin_section, may_teach
from bot.slack.listeners.guard import log_incident, send_safely
from bot.slack.listeners.workspaces import workspace_of
from bot.store.budgets import list_budgets, period_window
from bot.store.digests import list_subscriptions
from bot.store.queries import recent_faq_misses
from bot.store.usage import local_midnight, models_in_use, spend_total
from bot.store.workspace import Workspace

__all__ = [
    "billed_month_to_date",
    "build_home_data",
    "build_home_view",
    "publish_home",
    "register",
]

FAQ_WINDOW = timedelta(days=30)
PRICE_WEEK = timedelta(days=6)
IN_USE = timedelta(days=30)
"""Price changes are shown for the models the workspace used in this window."""


def billed_month_to_date(runtime: Runtime, ws: Workspace, now: datetime) -> str | None:
    """The providers' billed month to date (UTC month, to the cent, or "billing data
    unavailable (reason)"); None when no provider is connected or was ever synced."""
    today = now.astimezone(UTC).date()
    summary = billed_summary(runtime.db(), ws, today, today)
    return None if summary is None else figure_text(summary.total_month_to_date_usd)


def _change_line(change: PriceChange) -> str:
    return price_change_text(change, f"{change.starts:%b %-d}")


def _most_missed(runtime: Runtime, ws: Workspace, now: datetime) -> list[tuple[str, int]]:
    misses = recent_faq_misses(runtime.db(), ws, since=now - FAQ_WINDOW, limit=500)
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for miss in misses:
        key = " ".join(miss.question.lower().split())
        counts[key] += 1
        first.setdefault(key, miss.question)
    return [(first[key], n) for key, n in counts.most_common(10)]


def build_home_data(
    runtime: Runtime, ws: Workspace, admin: bool, page: int = 0, notice: str | None = None
) -> HomeData:
    """What the Home tab shows for one viewer; budgets' spend is read for the shown page only."""
    db, now = runtime.db(), runtime.clock()
    zone = ZoneInfo(runtime.settings.timezone)
    today = now.astimezone(zone).date()
    day_start = local_midnight(today, zone)
    month_start = local_midnight(today.replace(day=1), zone)
    budgets = list_budgets(db, ws)
    first = max(page, 0) * BUDGETS_PER_PAGE
    home_budgets = []
    for index, b in enumerate(budgets):
        spent = Decimal(0)
        if first <= index < first + BUDGETS_PER_PAGE:
            start, end = period_window(b.period, now, zone)
            spent = spend_total(db, ws, start, end, b.tag).cost_usd
        home_budgets.append(HomeBudget(b.tag or None, b.amount_usd, b.period, spent))
    subs = [HomeSubscription(s.channel_id, s.local_time, s.timezone, s.paused_reason)
            for s in list_subscriptions(db, ws, enabled_only=False)
            if s.enabled or s.paused_reason]  # fmt: skip
    in_use = models_in_use(db, ws, now - IN_USE, now + timedelta(seconds=1))
    changes = price_changes(runtime.catalog, in_use, today - PRICE_WEEK, today)
    return HomeData(
        spend_today_usd=spend_total(db, ws, day_start, now + timedelta(seconds=1)).cost_usd,
        month_to_date_usd=spend_total(db, ws, month_start, now + timedelta(seconds=1)).cost_usd,
        budgets=home_budgets,
        subscriptions=subs,
        faq_misses=_most_missed(runtime, ws, now) if admin else None,
        price_changes=[_change_line(c) for c in changes],
        billed_month_to_date=billed_month_to_date(runtime, ws, now),
        notice=notice,
    )


def build_home_view(runtime: Runtime, user_id: str, ws: Workspace) -> dict[str, Any]:
    """The Home tab without anything admins-only: what `faq_teach` re-publishes its own
    "Teach the FAQ" section under (`user_id` is unused: nothing here is per person)."""
    return home_view(build_home_data(runtime, ws, admin=False))


def publish_home(runtime: Runtime, client: WebClient, user_id: str, ws: Workspace,
                 page: int = 0, notice: str | None = None) -> bool:  # fmt: skip
    """Build and `views.publish` the viewer's Home tab; a failure is one log line.

    Admins and owners get "Teach the FAQ" (`faq_teach.admin_section`: the missed questions
    with teach buttons) below; only if that section cannot be built do they get the read-only
    list of most-missed questions instead.
    """
    try:
        admin = may_teach(client, user_id)
        teach = admin_section(runtime, client, user_id, ws) if admin else []
        data = build_home_data(runtime, ws, admin and not teach, page, notice)
        view = home_view(data, budget_page=page)
        view["blocks"] = [*view["blocks"], *teach]
    except Exception as exc:
        log_incident("app_home", exc)
        return False
    return send_safely("views.publish", lambda: client.views_publish(user_id=user_id, view=view))


def register(app: App, runtime: Runtime) -> None:
    """Register the App Home listener (its buttons: `home_actions`)."""

    def handle_app_home_opened(
        event: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        if event.get("tab") != "home":
            return
        publish_home(runtime, client, str(event.get("user") or ""), workspace_of(context))

    def ack_event(ack: Ack) -> None:
        ack()

    # views.publish runs after the ack (a lazy listener): it may be slow or rate-limited.
    app.event("app_home_opened")(ack=ack_event, lazy=[handle_app_home_opened])
