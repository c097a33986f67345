"""Billed spend for a digest: one day, month to date, month-end forecast, and the gap.

Pure functions over stored billed rows and the ledger's reported totals. A provider whose
sync failed, or whose days were never fetched, gives an ``Unavailable`` figure naming the
reason, never $0; a provider that answered with an empty day gives a real $0.

Forecast convention: the **calendar month** (month to date ÷ days elapsed × days in the
month), as the ledger's digest forecast does, because providers invoice calendar months. The
30-day month of DESIGN §2 is for projecting a request volume, not for a bill.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from bot.billing.days import is_partial, is_provisional
from bot.billing.models import BilledCost
from bot.billing.money import exact_sum, forecast_month_end

__all__ = [
    "BilledSummary",
    "Figure",
    "ProviderBilling",
    "ProviderSummary",
    "Unavailable",
    "gap",
    "summarise_billing",
]


@dataclass(frozen=True)
class Unavailable:
    """A figure we do not have, and why; renders as "billing data unavailable (reason)"."""

    reason: str
    """One short clause: the error's message, or which days were never fetched."""

    def __str__(self) -> str:
        return f"billing data unavailable ({self.reason})"


Figure = Decimal | Unavailable
"""An exact dollar amount, or the reason there is none."""


def gap(billed: Figure, reported: Decimal) -> Figure:
    """Billed minus reported: positive is spend nobody reported through the ledger."""
    return billed if isinstance(billed, Unavailable) else exact_sum((billed, -reported))


@dataclass(frozen=True)
class ProviderBilling:
    """Input for one connected provider: what the store holds and what the ledger reports."""

    provider: str
    """``openai`` or ``anthropic``."""
    rows: tuple[BilledCost, ...] = ()
    """Stored billed rows (any days; those outside the month are ignored)."""
    days_covered: frozenset[date] = frozenset()
    """Days a successful fetch answered for, empty days included."""
    failure: str | None = None
    """The last sync's error message when it failed: every figure is then unavailable."""
    reported_usd: Mapping[date, Decimal] = field(default_factory=dict)
    """The ledger's reported spend on this provider's models, per UTC day."""


@dataclass(frozen=True)
class ProviderSummary:
    """One provider's billed figures and its reconciliation against the ledger."""

    provider: str
    """``openai`` or ``anthropic``."""
    day_usd: Figure
    """Billed on the day."""
    month_to_date_usd: Figure
    """Billed from the 1st to the day, inclusive."""
    forecast_usd: Figure
    """Month-end forecast on billed figures (calendar month)."""
    reported_day_usd: Decimal
    """Reported through the ledger on the day."""
    reported_month_to_date_usd: Decimal
    """Reported through the ledger from the 1st to the day."""
    provisional: bool
    """The day is one of the last three: the provider may still revise it."""
    partial: bool
    """The day has not ended (UTC): a running total."""

    @property
    def gap_day_usd(self) -> Figure:
        """Billed minus reported on the day."""
        return gap(self.day_usd, self.reported_day_usd)

    @property
    def gap_month_to_date_usd(self) -> Figure:
        """Billed minus reported, month to date."""
        return gap(self.month_to_date_usd, self.reported_month_to_date_usd)


@dataclass(frozen=True)
class BilledSummary:
    """Every connected provider's figures for one UTC day, and their totals."""

    day: date
    """The UTC day reported (usually yesterday)."""
    providers: tuple[ProviderSummary, ...]
    """One entry per connected provider, in the order given."""
    total_day_usd: Figure
    """Sum over providers; unavailable when any provider's figure is."""
    total_month_to_date_usd: Figure
    """Sum over providers, month to date; unavailable when any provider's figure is."""
    total_forecast_usd: Figure
    """Sum of the providers' forecasts; unavailable when any provider's figure is."""
    reported_day_usd: Decimal
    """Ledger total for the connected providers on the day."""
    reported_month_to_date_usd: Decimal
    """Ledger total for the connected providers, month to date."""
    provisional: bool
    """Any figure may still be revised by a provider."""
    partial: bool
    """The day has not ended (UTC)."""

    @property
    def gap_day_usd(self) -> Figure:
        """Total billed minus total reported on the day."""
        return gap(self.total_day_usd, self.reported_day_usd)

    @property
    def gap_month_to_date_usd(self) -> Figure:
        """Total billed minus total reported, month to date."""
        return gap(self.total_month_to_date_usd, self.reported_month_to_date_usd)

    @property
    def unavailable(self) -> tuple[tuple[str, str], ...]:
        """``(provider, reason)`` for each provider with a figure missing (the day's first)."""
        found = []
        for summary in self.providers:
            for figure in (summary.day_usd, summary.month_to_date_usd):
                if isinstance(figure, Unavailable):
                    found.append((summary.provider, figure.reason))
                    break
        return tuple(found)


def _month_days(day: date) -> list[date]:
    first = day.replace(day=1)
    return [first + timedelta(days=n) for n in range(day.day)]


def _missing(days: Iterable[date], covered: frozenset[date]) -> list[date]:
    return [d for d in days if d not in covered]


def _summarise_one(source: ProviderBilling, day: date, today: date) -> ProviderSummary:
    month = _month_days(day)
    in_month = set(month)
    reported_day = source.reported_usd.get(day, Decimal(0))
    reported_month = exact_sum(v for d, v in source.reported_usd.items() if d in in_month)
    flags = {"provisional": is_provisional(day, today), "partial": is_partial(day, today)}
    if source.failure is not None:
        failed = Unavailable(source.failure)
        return ProviderSummary(
            source.provider, failed, failed, failed, reported_day, reported_month, **flags
        )
    day_usd: Figure = (
        exact_sum(r.amount_usd for r in source.rows if r.day == day)
        if day in source.days_covered
        else Unavailable(f"{day.isoformat()} not synced yet")
    )
    missing = _missing(month, source.days_covered)
    month_usd: Figure
    forecast: Figure
    if missing:
        month_usd = forecast = Unavailable(
            f"{len(missing)} day(s) of {day:%B} not synced yet, from {missing[0].isoformat()}"
        )
    else:
        month_usd = exact_sum(r.amount_usd for r in source.rows if r.day in in_month)
        forecast = forecast_month_end(
            month_usd, day.day, calendar.monthrange(day.year, day.month)[1]
        )
    return ProviderSummary(
        source.provider, day_usd, month_usd, forecast, reported_day, reported_month, **flags
    )


def _total(figures: Sequence[tuple[str, Figure]]) -> Figure:
    if not figures:
        return Unavailable("no billing provider connected")
    missing = [name for name, figure in figures if isinstance(figure, Unavailable)]
    if missing:
        return Unavailable(f"no figure from {', '.join(missing)}")
    return exact_sum(figure for _, figure in figures if isinstance(figure, Decimal))


def summarise_billing(
    day: date, today: date, providers: Sequence[ProviderBilling]
) -> BilledSummary:
    """Billed figures for UTC ``day`` (usually yesterday), as seen on UTC ``today``.

    ``providers`` are the connected ones; a provider not listed is simply not shown.
    """
    summaries = tuple(_summarise_one(p, day, today) for p in providers)
    return BilledSummary(
        day=day,
        providers=summaries,
        total_day_usd=_total([(s.provider, s.day_usd) for s in summaries]),
        total_month_to_date_usd=_total([(s.provider, s.month_to_date_usd) for s in summaries]),
        total_forecast_usd=_total([(s.provider, s.forecast_usd) for s in summaries]),
        reported_day_usd=exact_sum(s.reported_day_usd for s in summaries),
        reported_month_to_date_usd=exact_sum(s.reported_month_to_date_usd for s in summaries),
        provisional=any(s.provisional for s in summaries),
        partial=any(s.partial for s in summaries),
    )
