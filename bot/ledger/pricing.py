"""Pricing reported usage into ledger rows: one path for HTTP, Slack ``log``, CLI and CSV.

Each event is priced with ``prices.estimate(..., at=event time)``: the price in force when the
usage happened, not today's. The row keeps the per-MTok rates it was charged and the date
those prices took effect, so a later catalog change never rewrites history.

A ledger row may total several calls (``log gpt-4o 120k 30k`` is a day's usage), so the
per-request limits (context window, max output) are not applied to it. Long-context tiers are
applied to the row as reported: send one event per call when a tier matters.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import NamedTuple

import prices
from bot.errors import BotError
from bot.ledger.fields import UsageEvent
from bot.store.database import Database
from bot.store.usage import (
    MAX_ROW_COST_USD,
    MAX_ROW_TOKENS,
    InsertResult,
    UsageRow,
    insert_usage,
    row_limit_problem,
)
from bot.store.workspace import Workspace
from prices.fast import CommonRates, rates_at, rates_for

__all__ = ["PricedBatch", "UsageRefused", "price_event", "price_events", "record_events"]


class UsageRefused(BotError):
    """A batch of usage was refused and nothing was stored.

    ``errors`` holds ``(index, message)`` for every problem, index 0-based into the batch.
    """

    def __init__(self, errors: Sequence[tuple[int, str]]) -> None:
        super().__init__("; ".join(f"#{index}: {message}" for index, message in errors))
        self.errors = tuple(errors)


@dataclass(frozen=True)
class PricedBatch:
    """Ledger rows ready to insert, with what they cost."""

    rows: tuple[UsageRow, ...]
    cost_usd: Decimal
    """Sum of the rows' costs (duplicates included), unrounded."""


def _unbounded(model: prices.Model) -> prices.Model:
    # A ledger row may total many calls: drop the per-request limits, keep the prices.
    if model.context_window is None and model.max_output_tokens is None:
        return model
    return dataclasses.replace(model, context_window=None, max_output_tokens=None)


def _price_start(model: prices.Model, at: datetime) -> date:
    """The first day of the price entry in force at ``at`` (the model's check date if undated)."""
    for period in reversed(model.history):
        if period.active(at):
            return period.starts or model.checked
    return model.history[0].starts or model.checked


class _Pricing(NamedTuple):
    """What pricing an event of one model needs, made once per model in a batch."""

    model: prices.Model
    unbounded: prices.Model
    """``model`` without per-request limits (a ``dataclasses.replace``: once, not per event)."""
    start: date | None
    """The price entry's first day when the model has one entry (so it holds at any time)."""
    held: CommonRates | None
    """The common-case rates of ``unbounded`` when it has one entry (they hold at any time)."""


def _pricing(model: prices.Model) -> _Pricing:
    # One entry is in force at any time: _price_start's answer is the same for every event,
    # and so are the common-case rates (worked out here, not per event).
    unbounded = _unbounded(model)
    if len(model.history) == 1:
        return _Pricing(model, unbounded, model.history[0].starts or model.checked,
                        rates_for(unbounded))  # fmt: skip
    return _Pricing(model, unbounded, None, None)


def price_event(
    catalog: prices.Catalog, event: UsageEvent, source: str, model: prices.Model | None = None
) -> UsageRow:
    """Price one event at the prices in force at its own timestamp.

    Raises ``prices.UnknownModel`` (with suggestions) or ``prices.BadUsage``.
    ``model`` skips the catalog lookup when the caller already resolved it.
    """
    return _priced(catalog, event, source, _pricing(model or catalog.get(event.model)))


def _priced(catalog: prices.Catalog, event: UsageEvent, source: str,
            pricing: _Pricing) -> UsageRow:  # fmt: skip
    """``price_event`` with the model's ``_Pricing`` at hand (one per model in a batch)."""
    _, at, input_tokens, output_tokens, cached, tag, user, event_id = event
    if at.tzinfo is not UTC:
        at = at.astimezone(UTC)
    model, unbounded = pricing.model, pricing.unbounded
    # The common case (no cache, no tier, the prices of a held span): the estimate's exact
    # total without building an Estimate (0.8 of its 2 µs), and the rates of the same entry.
    held = None if cached else (pricing.held or rates_at(unbounded, at))
    total = None if held is None else held.total(input_tokens, output_tokens)
    if held is not None and total is not None:
        rates = held.rates  # the flat rates of the entry in force at `at`
    else:
        estimate = prices.estimate(
            unbounded, input_tokens, output_tokens, cached, at=at, catalog=catalog
        )
        total, rates = estimate.total, estimate.rates
    # Positional, in field order (see UsageRow): one of these is built per ingested event.
    return UsageRow(
        model.id,
        total,
        at,
        input_tokens,
        output_tokens,
        cached,
        event_id,
        model.provider,
        rates.input_per_mtok,
        rates.output_per_mtok,
        rates.cached_input_per_mtok if cached else None,
        pricing.start or _price_start(model, at),
        tag,
        user,
        source,
    )


def price_events(
    catalog: prices.Catalog,
    events: Sequence[UsageEvent | None],
    source: str,
    errors: list[tuple[int, str]] | None = None,
) -> PricedBatch:
    """Price a batch; every failure is appended to ``errors`` as ``(index, message)``.

    ``None`` entries (events that already failed their field checks) are passed over. Raises
    ``UsageRefused`` at the end if ``errors`` is non-empty, so the caller sees every problem.
    """
    errors = [] if errors is None else errors
    models: dict[str, _Pricing] = {}
    rows: list[UsageRow] = []
    total = Decimal(0)
    for index, event in enumerate(events):
        if event is None:
            continue
        try:
            pricing = models.get(event.model)
            if pricing is None:
                pricing = models[event.model] = _pricing(catalog.get(event.model))
            row = _priced(catalog, event, source, pricing)
        except prices.PricesError as exc:
            errors.append((index, exc.message))
            continue
        cost = row.cost_usd
        if (row.input_tokens > MAX_ROW_TOKENS or row.output_tokens > MAX_ROW_TOKENS
                or cost > MAX_ROW_COST_USD):  # fmt: skip
            too_big = row_limit_problem(row.input_tokens, row.output_tokens,
                                        row.cached_input_tokens, cost)  # fmt: skip
            if too_big:
                errors.append((index, too_big[0].upper() + too_big[1:]))
                continue
        rows.append(row)
        total += cost
    if errors:
        raise UsageRefused(sorted(errors))
    return PricedBatch(tuple(rows), total)


def record_events(
    db: Database,
    ws: Workspace,
    catalog: prices.Catalog,
    events: Sequence[UsageEvent],
    source: str,
    now: datetime,
) -> tuple[InsertResult, PricedBatch]:
    """Price and store a batch in ``ws``'s ledger all-or-nothing; a repeated ``event_id`` is
    stored once.

    Raises ``UsageRefused`` listing every problem, with nothing stored.
    """
    batch = price_events(catalog, events, source)
    return insert_usage(db, ws, batch.rows, now), batch
