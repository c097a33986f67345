"""`prices.common_total` and estimates `at` an instant: the held rates answer only where they
are the rates in force, and the totals are the full path's, to the digit."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

import prices
from prices import BadUsage, Model, common_total, estimate
from prices.estimate import _priced
from prices.fast import rates_at, rates_now

from .test_fast_estimate import _counts

NOW = datetime.now(UTC)


def _windowed() -> Model:
    """A catalog model whose price depends on the time of day (DeepSeek's peak hours)."""
    for model in prices.default_catalog().models:
        if any(period.window is not None for period in model.history):
            return model
    pytest.skip("no time-of-day priced model in the catalog")


def test_common_total_is_the_estimates_total_or_none_on_every_model() -> None:
    answered = fell_back = 0
    for model in prices.default_catalog().models:
        for inp, out in _counts(model):
            quick = common_total(model, inp, out, NOW)
            try:
                full = _priced(model, inp, out, 0, 0, batch=False, at=NOW, catalog=None,
                               strict=True).total  # fmt: skip
            except BadUsage:
                assert quick is None, (model.key, inp, out)
                continue
            if quick is None:
                fell_back += 1  # a tier applies: the caller asks `estimate`
                continue
            answered += 1
            assert quick == full, (model.key, inp, out)
    assert answered > 5000 and fell_back > 0


def test_an_estimate_at_an_instant_matches_the_full_path_digit_for_digit() -> None:
    model = prices.default_catalog().get("gpt-4o")
    for at in (NOW, NOW - timedelta(days=400), datetime(2026, 1, 1, 12)):  # naive: UTC
        fast = estimate(model, 1234, 567, at=at)
        full = _priced(model, 1234, 567, 0, 0, batch=False, at=at, catalog=None, strict=True)
        for field in dataclasses.fields(fast):
            left, right = getattr(fast, field.name), getattr(full, field.name)
            assert left == right, field.name
            if isinstance(left, Decimal):
                assert left.as_tuple() == right.as_tuple(), field.name


def test_held_rates_answer_only_inside_the_span_they_cover() -> None:
    model = _windowed()
    held = rates_now(model)
    assert held.until != float("inf")
    inside = datetime.fromtimestamp((held.since + held.until) / 2, UTC)
    outside = datetime.fromtimestamp(held.until + 1, UTC)
    assert rates_at(model, inside) is held
    assert rates_at(model, outside) is None
    assert common_total(model, 1000, 500, outside) is None
    # Outside the span the full path prices it at the rates of that instant.
    expected = model.prices_at(outside)
    priced = estimate(model, 1000, 500, at=outside)
    assert priced.output_cost == 500 * expected.output_per_mtok / Decimal(1_000_000)


def test_a_one_price_model_is_held_for_any_instant() -> None:
    model = prices.default_catalog().get("gpt-4o-mini")
    assert len(model.history) == 1
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    assert rates_at(model, long_ago) is rates_now(model)
    assert common_total(model, 1000, 500, long_ago) == estimate(model, 1000, 500).total
