"""Typed values for billed spend: one row per provider, UTC day, line item and project.

Amounts are ``Decimal`` US dollars, exact as the provider sent them (OpenAI's dollars as they
are, Anthropic's cents divided by 100 without rounding).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, Protocol

from bot.billing.money import exact_sum

__all__ = ["PROVIDERS", "BilledCost", "CostReport", "CostSource", "Provider"]

Provider = Literal["openai", "anthropic"]
PROVIDERS: tuple[Provider, ...] = ("openai", "anthropic")
"""The providers with a billed-cost connector, in display order."""


@dataclass(frozen=True)
class BilledCost:
    """What one provider billed on one UTC day for one line item in one project/workspace."""

    provider: Provider
    """``openai`` or ``anthropic``."""
    day: date
    """The UTC day of the provider's daily bucket."""
    line_item: str
    """OpenAI's ``line_item`` (``gpt-4o-2024-08-06, input``) or Anthropic's ``description``
    (with tier, context window or region appended when they are not the default)."""
    project: str | None
    """OpenAI ``project_id`` or Anthropic ``workspace_id``; None for Anthropic's default
    workspace, or when the provider did not attribute the cost to one."""
    model: str | None
    """The model when the provider names it separately (Anthropic); None otherwise."""
    amount_usd: Decimal
    """Billed amount in US dollars, exact."""
    provisional: bool
    """True for the last three UTC days (today included): the provider may still revise it."""


@dataclass(frozen=True)
class CostReport:
    """Everything one fetch returned: the rows, and every day the provider answered for.

    ``days`` includes days with no spend (the providers send empty buckets), so a store can
    replace each of those days whole: a re-fetch replaces provisional figures, never adds.
    """

    provider: Provider
    """``openai`` or ``anthropic``."""
    start: date
    """First UTC day asked for (inclusive)."""
    end: date
    """Day after the last UTC day asked for (exclusive)."""
    rows: tuple[BilledCost, ...]
    """Billed rows, by day then line item; one row per (day, project, line item, model)."""
    days: tuple[date, ...]
    """Every UTC day the provider returned a bucket for, oldest first, empty days included."""
    fetched_utc: datetime
    """When the fetch finished (timezone-aware UTC)."""
    pages: int
    """How many pages were read (one request each, retries not counted)."""

    def total_usd(self, day: date | None = None) -> Decimal:
        """Exact sum of the rows, for one day or for the whole report."""
        return exact_sum(r.amount_usd for r in self.rows if day is None or r.day == day)


class CostSource(Protocol):
    """A billed-cost connector: what ``tokencost billing sync`` calls for each provider."""

    @property
    def provider(self) -> Provider:
        """``openai`` or ``anthropic``."""
        ...

    def fetch(self, start: date, end: date, *, now: datetime | None = None) -> CostReport:
        """Fetch daily billed cost for UTC days ``start`` (inclusive) to ``end`` (exclusive)."""
        ...
