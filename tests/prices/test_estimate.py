"""Exact arithmetic of estimates and projections on a fixed fixture catalog."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

import prices
from prices import BadUsage, estimate, project

D = Decimal


def test_plain_estimate_is_exact(acme: prices.Catalog) -> None:
    e = estimate("acme-large", 1000, 500, catalog=acme)
    assert e.input_cost == D("0.003")
    assert e.output_cost == D("0.0075")
    assert e.total == D("0.0105")
    assert e.tier is None
    assert e.as_of.isoformat() == "2026-11-01"


def test_cached_tokens_are_part_of_the_prompt_not_extra(acme: prices.Catalog) -> None:
    # 10k prompt, 8k of it read from cache: only 2k pay the full input rate.
    e = estimate("acme-large", 10_000, 500, cached_input_tokens=8_000, catalog=acme)
    assert e.input_cost == D("0.006")
    assert e.cached_input_cost == D("0.0024")
    assert e.output_cost == D("0.0075")
    assert e.total == D("0.0159")


def test_cache_writes_are_priced_at_the_write_rate(acme: prices.Catalog) -> None:
    e = estimate("acme-large", 10_000, 0, cache_write_tokens=4_000, catalog=acme)
    assert e.cache_write_cost == D("0.015")
    assert e.input_cost == D("0.018")


def test_tier_is_a_cliff_over_the_whole_request(acme: prices.Catalog) -> None:
    at_threshold = estimate("acme-large", 200_000, 1000, catalog=acme)
    above = estimate("acme-large", 200_001, 1000, catalog=acme)
    assert at_threshold.tier is None
    assert at_threshold.total == D("0.6") + D("0.015")
    assert above.tier is not None
    assert above.input_cost == D("200001") * 6 / 1_000_000
    assert above.output_cost == D("0.0225")


def test_inclusive_boundary_is_honoured(acme: prices.Catalog) -> None:
    below = estimate("acme-inclusive", 127_999, 0, catalog=acme)
    at = estimate("acme-inclusive", 128_000, 0, catalog=acme)
    assert below.rates.input_per_mtok == 2
    assert at.rates.input_per_mtok == 4


def test_batch_uses_batch_rates_and_batch_tiers(acme: prices.Catalog) -> None:
    small = estimate("acme-large", 1000, 1000, batch=True, catalog=acme)
    assert small.total == D("0.0015") + D("0.0075")
    big = estimate("acme-large", 300_000, 1000, batch=True, catalog=acme)
    assert big.rates.input_per_mtok == 3
    assert big.rates.output_per_mtok == D("11.25")
    # Cached reads keep their standard (tiered) rate: the batch entry does not set them.
    cached = estimate("acme-large", 300_000, 0, 100_000, batch=True, catalog=acme)
    assert cached.rates.cached_input_per_mtok == D("0.6")


def test_batch_on_a_model_without_batch_is_refused(acme: prices.Catalog) -> None:
    with pytest.raises(BadUsage, match="no batch price"):
        estimate("acme-history", 1, 1, batch=True, catalog=acme)


def test_price_history_by_date(acme: prices.Catalog) -> None:
    before = datetime(2025, 6, 9, 23, 59, tzinfo=UTC)
    after = datetime(2025, 6, 10, 0, 0, tzinfo=UTC)
    assert estimate("acme-history", 100_000, 0, at=before, catalog=acme).total == 1
    assert estimate("acme-history", 100_000, 0, at=after, catalog=acme).total == D("0.2")


@pytest.mark.parametrize(
    ("when", "rate"),
    [
        (datetime(2026, 11, 25, 12, 0, tzinfo=UTC), "0.135"),  # Wednesday noon: off-peak
        (datetime(2026, 11, 25, 23, 0, tzinfo=UTC), "0.27"),  # window wrapping midnight
        (datetime(2026, 11, 25, 1, 30, tzinfo=UTC), "0.3"),  # weekday peak, dated entry wins
        (datetime(2026, 11, 28, 1, 30, tzinfo=UTC), "0.27"),  # Saturday: dated window closed
        (datetime(2026, 8, 14, 1, 30, tzinfo=UTC), "0.27"),  # before the dated entry began
    ],
)
def test_time_of_day_windows(acme: prices.Catalog, when: datetime, rate: str) -> None:
    assert acme.get("acme-peak").prices_at(when).input_per_mtok == D(rate)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, 0), "can't be negative"),
        ((10, -5), "can't be negative"),
        ((100, 0, 200), "can't exceed"),
        ((100, 0, 60, 60), "can't exceed"),
        ((10**13, 0), "beyond any real request"),
        ((990_000, 20_000), "context window"),
        ((1000, 70_000), "at most 64,000 output"),
    ],
)
def test_impossible_usage_is_refused_with_a_sentence(
    acme: prices.Catalog, args: tuple[int, ...], message: str
) -> None:
    with pytest.raises(BadUsage, match=message) as info:
        estimate("acme-large", *args, catalog=acme)
    assert info.value.message.endswith(".")


def test_embedding_models_are_not_held_to_a_chat_context(acme: prices.Catalog) -> None:
    assert estimate("acme-embed", 5_000_000, catalog=acme).total == D("0.1")


def test_projection_uses_a_30_day_month() -> None:
    p = project(D("0.0105"), 10_000, "day")
    assert p.per_day == D("105.0")
    assert p.per_month == D("3150.0")
    assert project(D("0.001"), 5, "second").requests_per_day == 432_000
    assert project(D("1"), 50_000, "month").per_day == D("50000") / 30
    assert project(D("1"), 7, "week").per_day == 1


def test_projection_rejects_unknown_periods() -> None:
    with pytest.raises(BadUsage, match="fortnight"):
        project(D("1"), 1, "fortnight")


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("0", "$0"),
        ("0.0075", "$0.0075"),
        ("0.00012345", "$0.0001235"),
        ("0.5", "$0.50"),
        ("0.123456", "$0.1235"),
        ("12", "$12.00"),
        ("1234.565", "$1,234.57"),
        ("-3.2", "-$3.20"),
    ],
)
def test_format_usd(amount: str, shown: str) -> None:
    assert prices.format_usd(D(amount)) == shown


def test_usd_string_is_plain_decimal() -> None:
    assert prices.usd_string(D("0.00750")) == "0.0075"
    assert prices.usd_string(D("1E-7")) == "0.0000001"
    assert prices.usd_string(D("3150.0")) == "3150"


def test_lenient_estimates_price_oversized_requests_with_notes(acme: prices.Catalog) -> None:
    e = estimate("acme-large", 990_000, 70_000, catalog=acme, strict=False)
    assert e.total == D("990000") * 6 / 1_000_000 + D("70000") * D("22.5") / 1_000_000
    assert any("context window of 1,000,000" in n for n in e.notes)
    assert any("at most 64,000 output" in n for n in e.notes)
    assert estimate("acme-large", 1000, 500, catalog=acme, strict=False).notes == ()


def test_beyond_every_context_window_is_refused_even_when_lenient(acme: prices.Catalog) -> None:
    assert acme.largest_context_window == 2_000_000
    with pytest.raises(BadUsage, match="beyond any model's context window"):
        estimate("acme-large", 2_000_001, 0, catalog=acme, strict=False)


def test_a_monthly_volume_projects_to_an_exact_month() -> None:
    p = project(D("0.32"), 1000, "month")
    assert p.per_month == D("320")
    assert prices.usd_string(p.per_month) == "320"
