"""What the common-case estimate needs, worked out once per model, and a cheap `Estimate`.

The common case is a request priced now (no `at=`, or an `at` inside the span the held
rates cover: a bot prices at its clock's now), at standard rates (no batch), with no
cache reads or writes, whose prompt is below every long-context tier and within the model's
limits. For it, `estimate` needs only the input and output rates in force and the flat copy
of the rates it reports: `rates_now` keeps them per model, so the hot path does no history
walk, no tier scan and no `datetime.now()` (issue 15). The arithmetic stays the general path's
own (`tokens * rate / 1_000_000` in `Decimal`), so results are identical, digit for digit.

A price history with dated entries or daily windows (DeepSeek's peak hours) changes only at a
UTC midnight or at a window's start or end, so the rates found for now are kept until the next
such instant, checked with `time.time()`.
"""

from __future__ import annotations

import math
import time as clock
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import cast

from .models import Estimate, Model, PriceSet, Tier

__all__ = [
    "MAX_TOKENS",
    "CommonRates",
    "common_total",
    "flat",
    "new_estimate",
    "rates_at",
    "rates_for",
    "rates_now",
]

#: No request, and no counted text, is larger than this; anything above is a typo.
MAX_TOKENS = 10**12
_DAY_SECONDS = 86_400
_MTOK = Decimal(1_000_000)
_MAX_HELD = 8192


@dataclass(frozen=True, slots=True)
class CommonRates:
    """One model's rates in force from `since` until `until` (epoch seconds), and the bounds
    of a request the common path may price with them."""

    model: Model
    input_per_mtok: Decimal
    output_per_mtok: Decimal
    rates: PriceSet
    """The flat rates an `Estimate` reports (no tiers or variants)."""
    below_tier: int
    """Prompts of fewer tokens than this are below every tier (and within `MAX_TOKENS`)."""
    max_output: int
    """The largest output priced without a note: the model's limit, or `MAX_TOKENS`."""
    max_total: int
    """The largest input plus output: a chat model's context window, else no limit."""
    since: float
    until: float
    """Valid while `since <= time.time() < until`; infinite for a one-entry history."""

    def fits(self, input_tokens: int, output_tokens: int) -> bool:
        """Whether a request of these counts is a common-case one: below every tier and
        within the model's limits (anything else takes the full path)."""
        return (
            0 <= input_tokens < self.below_tier
            and 0 <= output_tokens <= self.max_output
            and input_tokens + output_tokens <= self.max_total
        )

    def total(self, input_tokens: int, output_tokens: int) -> Decimal | None:
        """The exact total of a common-case request at these rates (the full path's own
        arithmetic), or None when the request is not one (a tier or a limit applies)."""
        if self.fits(input_tokens, output_tokens):
            return (
                input_tokens * self.input_per_mtok / _MTOK
                + output_tokens * self.output_per_mtok / _MTOK
            )
        return None


#: `CommonRates` by the id of the model (held, so the id stays its own).
_HELD: dict[int, CommonRates] = {}


def rates_now(model: Model) -> CommonRates:
    """The common-case rates of `model` in force now, worked out once per price change."""
    held = _HELD.get(id(model))
    if held is not None and held.model is model:
        if held.until == math.inf:
            return held
        if held.since <= clock.time() < held.until:
            return held
    if len(_HELD) >= _MAX_HELD:
        _HELD.clear()
    held = _common_rates(model)
    _HELD[id(model)] = held
    return held


def rates_for(model: Model) -> CommonRates:
    """The common-case rates of `model` now, worked out afresh and not remembered: for a caller
    that keeps them itself (a batch pricing many events of one model copy). For a model with
    one price they hold at any instant (`until` is infinite)."""
    return _common_rates(model)


def rates_at(model: Model, at: datetime | None) -> CommonRates | None:
    """`rates_now(model)` when they are also the rates in force at `at` (None: now), else None.

    A bot prices every request at its clock's now, so `at` is usually inside the span the
    held rates cover; a naive `at` is UTC, as in `Model.prices_at`."""
    held = rates_now(model)
    if at is None or held.until == math.inf:
        return held
    stamp = (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).timestamp()
    return held if held.since <= stamp < held.until else None


def common_total(
    model: Model, input_tokens: int, output_tokens: int, at: datetime | None = None
) -> Decimal | None:
    """The exact total `estimate(model, input_tokens, output_tokens, at=at).total` when that
    request is the common case (standard rates, no cache, below every tier, within the
    model's limits), without building an `Estimate`; None otherwise (ask `estimate`).

    For searches that price one request on many models (the cheaper alternative) and keep
    only the totals (issue 15)."""
    held = rates_at(model, at)
    return None if held is None else held.total(input_tokens, output_tokens)


def _common_rates(model: Model) -> CommonRates:
    if len(model.history) == 1:
        since, until = -math.inf, math.inf
        prices = model.history[0].prices
    else:
        since, until = _steady_span(model, clock.time())
        # Any instant of the span has these prices; its middle is clear of rounding at the ends.
        prices = model.prices_at(datetime.fromtimestamp((since + until) / 2, UTC))
    window, most = model.context_window, model.max_output_tokens
    return CommonRates(
        model=model,
        input_per_mtok=prices.input_per_mtok,
        output_per_mtok=prices.output_per_mtok,
        rates=flat(prices),
        below_tier=min((_tier_floor(tier) for tier in prices.tiers), default=MAX_TOKENS + 1),
        max_output=MAX_TOKENS if most is None else min(most, MAX_TOKENS),
        max_total=window if window is not None and model.kind == "chat" else 2 * MAX_TOKENS,
        since=since,
        until=until,
    )


def _tier_floor(tier: Tier) -> int:
    """The smallest prompt billed at `tier`."""
    floor = tier.threshold_input_tokens + (0 if tier.inclusive else 1)
    return min(floor, MAX_TOKENS + 1)


def _steady_span(model: Model, now: float) -> tuple[float, float]:
    """The span around `now` in which no entry of the history starts, opens or closes.

    Entries start at UTC midnights, weekday sets change at midnight, and windows open and
    close at fixed times of the UTC day: between two consecutive such instants the prices in
    force cannot change."""
    midnight = now - now % _DAY_SECONDS
    cuts = {midnight, midnight + _DAY_SECONDS}
    for period in model.history:
        if period.window is not None:
            cuts.add(midnight + _seconds(period.window.start))
            cuts.add(midnight + _seconds(period.window.end))
    since = max(cut for cut in cuts if cut <= now)
    until = min(cut for cut in cuts if cut > now)
    return since, until


def _seconds(moment: time) -> float:
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


#: `flat` results by the id of the catalog's price set (held, so the id stays its own).
_FLAT: dict[int, tuple[PriceSet, PriceSet]] = {}


def flat(rates: PriceSet) -> PriceSet:
    """The applied rates without the variant and tier structure they were chosen from.

    Remembered per price set: building the flat copy was a third of an estimate (1.5 of
    4.6 µs) and the cheaper-alternative search makes a dozen estimates a reply (issue 15)."""
    if not rates.tiers and rates.batch is None and rates.flex is None and rates.priority is None:
        return rates
    known = _FLAT.get(id(rates))
    if known is not None and known[0] is rates:
        return known[1]
    if len(_FLAT) >= _MAX_HELD:
        _FLAT.clear()
    copy = PriceSet(
        input_per_mtok=rates.input_per_mtok,
        output_per_mtok=rates.output_per_mtok,
        cached_input_per_mtok=rates.cached_input_per_mtok,
        cache_write_per_mtok=rates.cache_write_per_mtok,
        cache_write_1h_per_mtok=rates.cache_write_1h_per_mtok,
    )
    _FLAT[id(rates)] = (rates, copy)
    return copy


class _EstimateLayout:
    """An `Estimate` under construction: the same slots in the same order, but plain
    assignment. A frozen dataclass sets each field through `object.__setattr__` (1.4 of an
    estimate's 3.2 µs); filling this and then making it an `Estimate` takes about 0.4 µs."""

    __slots__ = Estimate.__slots__
    model: Model
    input_tokens: int
    output_tokens: int
    cached_input_tokens: int
    cache_write_tokens: int
    batch: bool
    input_cost: Decimal
    cached_input_cost: Decimal
    cache_write_cost: Decimal
    output_cost: Decimal
    rates: PriceSet
    tier: Tier | None
    as_of: date
    notes: tuple[str, ...]


_new = object.__new__
_become = object.__setattr__


def new_estimate(
    model: Model,
    input_tokens: int,
    output_tokens: int,
    cached_input_tokens: int,
    cache_write_tokens: int,
    batch: bool,
    input_cost: Decimal,
    cached_input_cost: Decimal,
    cache_write_cost: Decimal,
    output_cost: Decimal,
    rates: PriceSet,
    tier: Tier | None,
    as_of: date,
    notes: tuple[str, ...],
) -> Estimate:
    """`Estimate(...)` with the same arguments, built cheaply: same class, fields, equality.

    The instance is filled as an `_EstimateLayout` and then given the class `Estimate`, which
    Python allows because the two have identical slot layouts (tests check they stay so)."""
    built = _new(_EstimateLayout)
    built.model = model
    built.input_tokens = input_tokens
    built.output_tokens = output_tokens
    built.cached_input_tokens = cached_input_tokens
    built.cache_write_tokens = cache_write_tokens
    built.batch = batch
    built.input_cost = input_cost
    built.cached_input_cost = cached_input_cost
    built.cache_write_cost = cache_write_cost
    built.output_cost = output_cost
    built.rates = rates
    built.tier = tier
    built.as_of = as_of
    built.notes = notes
    _become(built, "__class__", Estimate)
    return cast(Estimate, built)
