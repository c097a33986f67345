"""Exact money helpers and the UTC-day rules the connectors and reconciliation share."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, Inexact

import pytest

from bot.billing import cents_to_usd, exact_sum, is_partial, is_provisional, sync_window
from bot.billing.days import rfc3339_midnight, unix_midnight, utc_day
from bot.billing.money import clean_amount, forecast_month_end


@pytest.mark.parametrize(
    ("cents", "usd"),
    [
        ("123.45", "1.2345"),  # the reference's own example: "123.45" USD is $1.23(45)
        ("12345.5", "123.455"),
        ("41280.000000", "412.80"),
        ("123.78912", "1.2378912"),
        ("0", "0"),
        ("0.000000", "0"),
        ("-250", "-2.5"),  # a credit
        (" 7 ", "0.07"),
    ],
)
def test_cents_to_usd_divides_by_100_exactly(cents: str, usd: str) -> None:
    assert cents_to_usd(cents) == Decimal(usd)


@pytest.mark.parametrize("bad", ["", "abc", "1,000", "NaN", "Infinity", "1.2.3", "$5"])
def test_cents_to_usd_refuses_what_is_not_a_decimal_string(bad: str) -> None:
    with pytest.raises(ValueError, match="not a decimal string of cents"):
        cents_to_usd(bad)


def test_exact_sum_keeps_every_digit_where_the_default_context_rounds() -> None:
    amounts = [
        Decimal("1234.567890123456789012345678901234"),
        Decimal("0.0000000000000000000000000000000001"),
    ]
    assert exact_sum(amounts) == Decimal("1234.5678901234567890123456789012340001")
    assert sum(amounts, Decimal(0)) == Decimal("1234.567890123456789012345679")  # what we avoid
    assert exact_sum([]) == 0


def test_exact_sum_raises_rather_than_rounding() -> None:
    with pytest.raises(Inexact):
        exact_sum([Decimal("1E+500"), Decimal("1E-500")])


def test_clean_amount_normalises_exponent_zeros_and_refuses_nan() -> None:
    assert str(clean_amount(Decimal("0E-6176"))) == "0"
    assert clean_amount(Decimal("1.50")) == Decimal("1.50")
    with pytest.raises(ValueError):
        clean_amount(Decimal("NaN"))


def test_forecast_rejects_a_day_outside_the_month() -> None:
    assert forecast_month_end(Decimal(3), 3, 31) == 31
    with pytest.raises(ValueError):
        forecast_month_end(Decimal(3), 0, 31)


def test_the_last_three_days_are_provisional_and_today_is_partial() -> None:
    today = date(2026, 11, 29)
    assert [is_provisional(today - timedelta(days=n), today) for n in range(5)] == [
        True, True, True, False, False,
    ]  # fmt: skip
    assert is_partial(today, today) and not is_partial(today - timedelta(days=1), today)


@pytest.mark.parametrize(
    ("today", "window"),
    [
        (date(2026, 11, 29), (date(2026, 11, 1), date(2026, 11, 29))),  # month to date
        (date(2026, 12, 1), (date(2026, 11, 1), date(2026, 12, 1))),  # yesterday's month
        (date(2026, 12, 2), (date(2026, 11, 29), date(2026, 12, 2))),  # trailing window
    ],
)
def test_sync_window_covers_the_month_and_the_provisional_days(
    today: date, window: tuple[date, date]
) -> None:
    assert sync_window(today) == window


def test_sync_window_with_more_days() -> None:
    assert sync_window(date(2026, 11, 29), trailing_days=60)[0] == date(2026, 9, 30)
    with pytest.raises(ValueError):
        sync_window(date(2026, 11, 29), trailing_days=0)


def test_wire_forms_of_a_day() -> None:
    assert unix_midnight(date(2024, 11, 1)) == 1730419200  # the reference's example bucket
    assert rfc3339_midnight(date(2025, 8, 1)) == "2025-08-01T00:00:00Z"
    assert utc_day(1730505599) == date(2024, 11, 1)
    late = datetime(2026, 11, 28, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert utc_day(late) == date(2026, 11, 29)
    assert utc_day(datetime(2026, 11, 28, tzinfo=UTC)) == date(2026, 11, 28)
    with pytest.raises(ValueError):
        utc_day(datetime(2026, 11, 28))
