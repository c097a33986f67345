"""The common-case estimate (`prices.fast`) agrees with the full path, digit for digit."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

import prices
from prices import BadUsage, Estimate, Model, estimate, fast
from prices.estimate import _priced

D = Decimal


def _full(model: Model, inp: int, out: int) -> Estimate:
    """The general path, which the common case must match."""
    return _priced(model, inp, out, 0, 0, batch=False, at=None, catalog=None, strict=True)


def _same(a: Estimate, b: Estimate) -> None:
    """Equal field by field, and every Decimal with the same digits and exponent."""
    assert type(a) is type(b) is Estimate
    for f in dataclasses.fields(Estimate):
        left, right = getattr(a, f.name), getattr(b, f.name)
        assert left == right, f.name
        if isinstance(left, Decimal):
            assert left.as_tuple() == right.as_tuple(), f.name
    assert a == b
    assert hash(a.total) == hash(b.total) and str(a.total) == str(b.total)


def _counts(model: Model) -> list[tuple[int, int]]:
    """Token counts worth checking: small, odd, and either side of each tier and limit."""
    inputs = {0, 1, 7, 999, 1000, 123_457}
    for tier in model.current.tiers:
        inputs |= {tier.threshold_input_tokens - 1, tier.threshold_input_tokens}
        inputs.add(tier.threshold_input_tokens + 1)
    outputs = {0, 1, 500, 3_333}
    if model.max_output_tokens:
        outputs |= {model.max_output_tokens, model.max_output_tokens + 1}
    pairs = {(i, o) for i in inputs for o in outputs if i >= 0}
    if model.context_window:
        window = model.context_window
        pairs |= {(window - 100, 100), (window - 100, 101)}
    return sorted(pairs)


def test_every_catalog_model_prices_the_same_on_both_paths() -> None:
    checked = 0
    for model in prices.default_catalog().models:
        for inp, out in _counts(model):
            try:
                expected = _full(model, inp, out)
            except BadUsage as refused:
                with pytest.raises(BadUsage) as also:
                    estimate(model, inp, out)
                assert also.value.message == refused.message
                continue
            _same(estimate(model, inp, out), expected)
            _same(estimate(model.key, inp, out), expected)
            checked += 1
    assert checked > 20_000


def test_a_tier_crossing_request_gets_the_tier_rate(acme: prices.Catalog) -> None:
    large = acme.get("acme-large")
    below, above = estimate(large, 200_000, 10), estimate(large, 200_001, 10)
    assert below.tier is None and below.rates.input_per_mtok == 3
    assert above.tier is not None and above.rates.input_per_mtok == 6
    assert above.output_cost == D("0.000225")
    assert fast.rates_now(large).below_tier == 200_001
    inclusive = acme.get("acme-inclusive")
    assert fast.rates_now(inclusive).below_tier == 128_000
    assert estimate(inclusive, 128_000).rates.input_per_mtok == 4


def test_a_real_tiered_model_crosses_its_tier() -> None:
    gemini = prices.default_catalog().get("gemini-2.5-pro")
    tier = gemini.current.tiers[0]
    above = estimate(gemini, tier.threshold_input_tokens + 1, 100)
    assert above.tier == tier
    assert above.rates.input_per_mtok == tier.rates["input_per_mtok"]
    _same(above, _full(gemini, tier.threshold_input_tokens + 1, 100))


def test_everything_beyond_the_common_case_still_behaves(acme: prices.Catalog) -> None:
    large = acme.get("acme-large")
    assert estimate(large, 1000, 1000, batch=True).total == D("0.0015") + D("0.0075")
    cached = estimate(large, 10_000, 500, cached_input_tokens=8_000)
    assert cached.cached_input_cost == D("0.0024") and cached.total == D("0.0159")
    assert estimate(large, 10_000, 0, cache_write_tokens=4_000).cache_write_cost == D("0.015")
    history = acme.get("acme-history")
    then = datetime(2025, 6, 9, 23, 59, tzinfo=UTC)
    assert estimate(history, 100_000, 0, at=then).total == 1
    lenient = estimate(large, 1000, 70_000, strict=False)
    assert lenient.notes and lenient.output_cost == D("1.05")
    for bad in ((1000, 70_000), (990_000, 20_000), (-1, 0), (10, -5), (10**13, 0)):
        with pytest.raises(BadUsage):
            estimate(large, *bad)
    for wrong in (True, 1.0, D(1)):
        with pytest.raises(BadUsage, match="whole number"):
            estimate(large, wrong)  # type: ignore[arg-type]
        with pytest.raises(BadUsage, match="whole number"):
            estimate(large, 10, 0, wrong)  # type: ignore[arg-type]


def test_a_cheaply_built_estimate_is_a_real_frozen_estimate(acme: prices.Catalog) -> None:
    fields = dataclasses.fields(Estimate)
    assert fast._EstimateLayout.__slots__ == tuple(f.name for f in fields)
    made = estimate(acme.get("acme-large"), 1000, 500)
    by_class = Estimate(*(getattr(made, f.name) for f in fields))
    assert type(made) is Estimate and made == by_class and repr(made) == repr(by_class)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.input_tokens = 5  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(made)) == made
    assert dataclasses.replace(made, output_tokens=1).output_tokens == 1


class _Clock:
    """A settable stand-in for `time.time` as `prices.fast` reads it."""

    def __init__(self, now: datetime) -> None:
        self.now = now.timestamp()

    def time(self) -> float:
        return self.now


def test_time_windows_change_the_rates_exactly_at_their_edges(
    acme: prices.Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    peak = acme.get("acme-peak")
    start = datetime(2026, 8, 14, 0, 0, tzinfo=UTC)  # a Friday, three days before an entry
    clock = _Clock(start)
    monkeypatch.setattr(fast, "clock", clock)
    instants = [start + timedelta(minutes=7 * i) for i in range(24 * 60 * 8 // 7)]
    for day in range(8):  # every window edge, and a microsecond either side
        for hour in (0, 1, 2, 4, 22):
            edge = start + timedelta(days=day, hours=hour)
            instants += [edge - timedelta(microseconds=1), edge, edge + timedelta(microseconds=1)]
    for when in sorted(instants):
        clock.now = when.timestamp()
        held = fast.rates_now(peak)
        assert held.since <= clock.now < held.until
        expected = peak.prices_at(when)
        assert (held.input_per_mtok, held.output_per_mtok) == (
            expected.input_per_mtok,
            expected.output_per_mtok,
        ), when
    clock.now = datetime(2026, 11, 25, 1, 30, tzinfo=UTC).timestamp()  # weekday peak
    assert estimate(peak, 100_000).input_cost == D("0.03")
    clock.now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC).timestamp()  # off-peak, same day
    assert estimate(peak, 100_000).input_cost == D("0.0135")


def test_a_one_price_model_is_held_forever(acme: prices.Catalog) -> None:
    held = fast.rates_now(acme.get("acme-large"))
    assert held.until == float("inf") and fast.rates_now(acme.get("acme-large")) is held
