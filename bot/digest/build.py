"""The daily spend digest: ``build_digest`` reads the store (pure, no Slack), nothing else.

Rendering is ``bot.digest.render``; posting exactly once, budget alerts and the clock are
``bot.digest.post``. ``python -m bot.digest`` runs one clock tick (for a platform scheduler).

What a digest holds, for one local ``day`` in a timezone (DESIGN §7): that day's spend from the
ledger (total, top models, top tags), the change against the 7 days before it, month-to-date
and a month-end forecast, budget status, 14 days of daily spend for a sparkline, estimate
activity from the query log, FAQ questions that found no answer, and price changes in the
past week for the models in use. Costs are estimates at list prices, and the digest says so.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal

import prices
from bot.billing import BilledSummary, Unavailable
from bot.digest.billed import billed_summary
from bot.store.budgets import Budget, list_budgets, period_window
from bot.store.database import Database
from bot.store.queries import QueryActivity, query_activity, recent_faq_misses
from bot.store.usage import (
    DaySpend,
    SpendGroup,
    SpendTotal,
    daily_spend,
    local_midnight,
    models_in_use,
    spend_by_model,
    spend_by_tag,
    spend_total,
)
from bot.store.workspace import Workspace
from bot.teaching.lists import ReviewLists, workspace_review

__all__ = [
    "BudgetStatus",
    "Digest",
    "PriceChange",
    "build_digest",
    "price_changes",
]

TOP = 5
"""Longest list shown (models, tags, questions); the rest collapse into "+N more"."""
SPARK_DAYS = 14
AVERAGE_DAYS = 7
IN_USE_DAYS = 30
"""A model counts as in use when the ledger has it in this many days up to the digest day."""
PRICE_CHANGE_DAYS = 7


@dataclass(frozen=True)
class BudgetStatus:
    """A budget and its spend in the period containing the digest day."""

    budget: Budget
    period_start: date
    spent_usd: Decimal
    """Spend from the period start to the end of the digest day, USD (billed spend for a
    ``billed`` budget)."""
    unavailable: str | None = None
    """For a ``billed`` budget without a billed figure: why (``spent_usd`` is then 0)."""

    @property
    def ratio(self) -> Decimal:
        """Spent over the budget (1 = exactly used up)."""
        return self.spent_usd / self.budget.amount_usd


@dataclass(frozen=True)
class PriceChange:
    """A model in use whose price entry changed recently."""

    model: str
    starts: date
    """The first UTC day of the new prices."""
    before: prices.PriceSet
    after: prices.PriceSet


@dataclass(frozen=True)
class Digest:
    """Everything one digest says; money in USD, unrounded."""

    workspace: Workspace
    """The workspace reported on: every figure below is its own."""
    day: date
    """The local day reported on."""
    timezone: str
    spend: SpendTotal
    """Spend on ``day``."""
    top_models: tuple[SpendGroup, ...]
    more_models: int
    """Models with spend on ``day`` beyond ``top_models``."""
    top_tags: tuple[SpendGroup, ...]
    more_tags: int
    average_usd: Decimal
    """Mean daily spend over the ``AVERAGE_DAYS`` days before ``day``."""
    month_to_date_usd: Decimal
    """From the first of ``day``'s month to the end of ``day``."""
    forecast_usd: Decimal
    """Month-end spend if the month goes on at its daily rate so far."""
    budgets: tuple[BudgetStatus, ...]
    daily: tuple[DaySpend, ...]
    """The ``SPARK_DAYS`` days ending with ``day``, zero days included."""
    activity: QueryActivity
    """Estimates asked on ``day`` in the workspace."""
    faq_misses: tuple[str, ...]
    """Questions the FAQ could not answer on ``day``, newest first, at most ``TOP``."""
    more_faq_misses: int
    price_changes: tuple[PriceChange, ...]
    billed: BilledSummary | None = None
    """What the providers billed on ``day`` taken as a UTC day (None: no provider connected)."""
    faq_review: ReviewLists | None = None
    """The workspace's own FAQ entries past review (flagged to their owner) and the answers
    its people voted down (issue 18); None when there are none."""

    @property
    def change_ratio(self) -> Decimal | None:
        """Change of ``day`` against the average (0.25 = 25% more); None without a baseline."""
        if self.average_usd == 0:
            return None
        return (self.spend.cost_usd - self.average_usd) / self.average_usd


def price_changes(
    catalog: prices.Catalog, model_ids: list[str], first: date, last: date
) -> list[PriceChange]:
    """Dated price entries starting in ``[first, last]`` for the given models.

    Time-of-day windows (off-peak rates) are not changes and are left out.
    """
    changes = []
    for model_id in model_ids:
        model = catalog.find(model_id)
        if model is None:
            continue
        for index, period in enumerate(model.history):
            if period.window is None and period.starts and first <= period.starts <= last:
                earlier = [p for p in model.history[:index] if p.window is None]
                if earlier and earlier[-1].prices != period.prices:
                    changes.append(PriceChange(model.id, period.starts, earlier[-1].prices,
                                               period.prices))  # fmt: skip
    return sorted(changes, key=lambda change: (change.starts, change.model))


def _budget_statuses(
    db: Database, ws: Workspace, day: date, tz: tzinfo, daily: dict[date, Decimal],
    billed: BilledSummary | None,
) -> list[BudgetStatus]:  # fmt: skip
    day_end = local_midnight(day + timedelta(days=1), tz)
    statuses = []
    for budget in list_budgets(db, ws):
        if budget.basis == "billed":  # the UTC month to date, as the providers bill it
            figure = billed.total_month_to_date_usd if billed else Unavailable("not connected")
            if isinstance(figure, Unavailable):
                statuses.append(BudgetStatus(budget, day.replace(day=1), Decimal(0),
                                             figure.reason))  # fmt: skip
            else:
                statuses.append(BudgetStatus(budget, day.replace(day=1), figure))
            continue
        start, end = period_window(budget.period, day_end - timedelta(hours=12), tz)
        first = start.astimezone(tz).date()
        if not budget.tag and first in daily:  # reuse the day sums already read
            spent = sum((cost for d, cost in daily.items() if first <= d <= day), Decimal(0))
        else:
            spent = spend_total(db, ws, start, min(end, day_end), budget.tag).cost_usd
        statuses.append(BudgetStatus(budget, first, spent))
    return statuses


def build_digest(
    db: Database,
    ws: Workspace,
    catalog: prices.Catalog,
    day: date,
    tz: tzinfo,
    now: datetime,
) -> Digest | None:
    """Gather ``ws``'s digest for local ``day`` in ``tz``; None when there is nothing to report.

    ``now`` is when it is built (only used to stay inside what has happened). Reads only.
    """
    start = local_midnight(day, tz)
    end = min(local_midnight(day + timedelta(days=1), tz), max(now, start))
    month_first = day.replace(day=1)
    first = min(day - timedelta(days=SPARK_DAYS - 1), month_first)
    days = daily_spend(db, ws, first, day, tz)
    by_day = {d.day: d.cost_usd for d in days}
    spend = spend_total(db, ws, start, end)
    activity = query_activity(db, ws, start, end, top=3)
    misses = [m.question for m in recent_faq_misses(db, ws, since=start, limit=100)
              if m.created_utc < end]  # fmt: skip
    in_use = models_in_use(db, ws, start - timedelta(days=IN_USE_DAYS - 1), end)
    # Changes in the week up to the morning the digest is read (the day after ``day``).
    changes = price_changes(
        catalog, in_use, day - timedelta(days=PRICE_CHANGE_DAYS - 1), day + timedelta(days=1)
    )
    billed = billed_summary(db, ws, day, now.astimezone(UTC).date())
    if spend.rows == 0 and activity.queries == 0 and not misses and not changes and not billed:
        return None
    review = workspace_review(db, ws, day)
    models = spend_by_model(db, ws, start, end, limit=100)
    tags = spend_by_tag(db, ws, start, end, limit=100)
    week = [by_day.get(day - timedelta(days=n), Decimal(0)) for n in range(1, AVERAGE_DAYS + 1)]
    month_to_date = sum((c for d, c in by_day.items() if d >= month_first), Decimal(0))
    month_days = calendar.monthrange(day.year, day.month)[1]
    name = getattr(tz, "key", None) or str(tz)
    return Digest(
        workspace=ws,
        day=day,
        timezone=name,
        spend=spend,
        top_models=tuple(models[:TOP]),
        more_models=max(0, len(models) - TOP),
        top_tags=tuple(tags[:TOP]),
        more_tags=max(0, len(tags) - TOP),
        average_usd=sum(week, Decimal(0)) / AVERAGE_DAYS,
        month_to_date_usd=month_to_date,
        forecast_usd=month_to_date / day.day * month_days,
        budgets=tuple(_budget_statuses(db, ws, day, tz, by_day, billed)),
        daily=tuple(d for d in days if d.day > day - timedelta(days=SPARK_DAYS)),
        activity=activity,
        faq_misses=tuple(misses[:TOP]),
        more_faq_misses=max(0, len(misses) - TOP),
        price_changes=tuple(changes),
        billed=billed,
        faq_review=review if review.due or review.voted_down else None,
    )
