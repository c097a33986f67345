"""Billed day, month to date, forecast and the gap against the ledger, never a silent $0."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bot.billing import (
    AnthropicCosts,
    BilledCost,
    OpenAICosts,
    ProviderBilling,
    Unavailable,
    summarise_billing,
    sync_window,
)
from tests.billing.conftest import NOW, Sleeps
from tests.fake_providers import ANTHROPIC_ADMIN_KEY, OPENAI_ADMIN_KEY, FakeProviders

TODAY = date(2026, 11, 29)
YESTERDAY = date(2026, 11, 28)
NOVEMBER = frozenset(date(2026, 11, 1) + timedelta(days=n) for n in range(28))  # 1st..28th


def _row(provider: str, day: date, usd: str, item: str = "x") -> BilledCost:
    return BilledCost(provider, day, item, None, None, Decimal(usd), day > TODAY - timedelta(3))  # type: ignore[arg-type]


OPENAI = ProviderBilling(
    provider="openai",
    rows=(
        _row("openai", date(2026, 10, 31), "999"),  # last month: not in month to date
        _row("openai", date(2026, 11, 1), "10.005"),
        _row("openai", YESTERDAY, "20.0000000000000000000000000000001", "gpt-4o, input"),
        _row("openai", YESTERDAY, "1.25", "gpt-4o, output"),
    ),
    days_covered=NOVEMBER | {date(2026, 10, 31)},
    reported_usd={YESTERDAY: Decimal("18.5"), date(2026, 11, 1): Decimal("10")},
)
ANTHROPIC = ProviderBilling(
    provider="anthropic",
    rows=(_row("anthropic", date(2026, 11, 14), "123.455"),),  # nothing on the 28th
    days_covered=NOVEMBER,
    reported_usd={date(2026, 11, 14): Decimal("100")},
)


def test_yesterday_per_provider_and_in_total_exactly() -> None:
    summary = summarise_billing(YESTERDAY, TODAY, [OPENAI, ANTHROPIC])
    openai, anthropic = summary.providers

    assert openai.day_usd == Decimal("21.2500000000000000000000000000001")  # 33 digits, exact
    assert anthropic.day_usd == Decimal(0)  # an empty day is $0.00, not "missing"
    assert summary.total_day_usd == Decimal("21.2500000000000000000000000000001")
    assert (summary.provisional, summary.partial) == (True, False)
    assert summary.unavailable == ()


def test_month_to_date_and_the_calendar_month_forecast() -> None:
    summary = summarise_billing(YESTERDAY, TODAY, [OPENAI, ANTHROPIC])
    openai, anthropic = summary.providers

    assert openai.month_to_date_usd == Decimal("31.2550000000000000000000000000001")
    assert anthropic.month_to_date_usd == Decimal("123.455")
    assert summary.total_month_to_date_usd == Decimal("154.7100000000000000000000000000001")
    assert anthropic.forecast_usd == Decimal("123.455") * 30 / 28  # November has 30 days
    assert anthropic.forecast_usd == Decimal("132.2732142857142857142857143")
    assert isinstance(openai.forecast_usd, Decimal) and isinstance(anthropic.forecast_usd, Decimal)
    assert summary.total_forecast_usd == openai.forecast_usd + anthropic.forecast_usd


def test_the_reconciliation_line_reported_vs_billed() -> None:
    summary = summarise_billing(YESTERDAY, TODAY, [OPENAI, ANTHROPIC])
    openai, anthropic = summary.providers

    assert openai.reported_day_usd == Decimal("18.5")
    assert openai.gap_day_usd == Decimal("2.7500000000000000000000000000001")  # nobody reported
    assert anthropic.gap_day_usd == 0
    assert anthropic.gap_month_to_date_usd == Decimal("23.455")
    assert summary.reported_month_to_date_usd == Decimal("128.5")
    assert summary.gap_month_to_date_usd == Decimal("26.2100000000000000000000000000001")


def test_a_failed_provider_is_unavailable_with_its_reason_never_zero() -> None:
    failed = ProviderBilling("anthropic", failure="Anthropic answered HTTP 500 (4 tries)")
    summary = summarise_billing(YESTERDAY, TODAY, [OPENAI, failed])
    openai, anthropic = summary.providers

    reason = Unavailable("Anthropic answered HTTP 500 (4 tries)")
    assert anthropic.day_usd == anthropic.month_to_date_usd == anthropic.forecast_usd == reason
    assert str(anthropic.day_usd) == (
        "billing data unavailable (Anthropic answered HTTP 500 (4 tries))"
    )
    assert anthropic.gap_day_usd == reason
    assert openai.day_usd == Decimal("21.2500000000000000000000000000001")  # still shown
    assert summary.total_day_usd == Unavailable("no figure from anthropic")
    assert summary.gap_day_usd == Unavailable("no figure from anthropic")
    assert summary.unavailable == (("anthropic", "Anthropic answered HTTP 500 (4 tries)"),)


def test_days_never_synced_are_unavailable_not_zero() -> None:
    partial = ProviderBilling("openai", rows=OPENAI.rows, days_covered=frozenset({YESTERDAY}))
    (openai,) = summarise_billing(YESTERDAY, TODAY, [partial]).providers
    assert openai.day_usd == Decimal("21.2500000000000000000000000000001")
    assert openai.month_to_date_usd == Unavailable(
        "27 day(s) of November not synced yet, from 2026-11-01"
    )
    assert openai.forecast_usd == openai.month_to_date_usd

    never = ProviderBilling("openai")
    (openai,) = summarise_billing(YESTERDAY, TODAY, [never]).providers
    assert openai.day_usd == Unavailable("2026-11-28 not synced yet")


def test_older_days_are_final_and_today_is_partial() -> None:
    old = summarise_billing(date(2026, 11, 20), TODAY, [OPENAI])
    assert (old.provisional, old.partial) == (False, False)
    assert old.total_month_to_date_usd == Decimal("10.005")
    today = summarise_billing(
        TODAY, TODAY, [ProviderBilling("openai", days_covered=NOVEMBER | {TODAY})]
    )
    assert (today.provisional, today.partial) == (True, True)


def test_a_leap_february_forecast_uses_29_days() -> None:
    days = frozenset(date(2028, 2, d) for d in range(1, 11))
    feb = ProviderBilling(
        "openai", rows=(_row("openai", date(2028, 2, 3), "7.25"),), days_covered=days
    )
    (summary,) = summarise_billing(date(2028, 2, 10), date(2028, 2, 11), [feb]).providers
    assert summary.forecast_usd == Decimal("21.025")  # 7.25 / 10 days × 29


def test_no_connected_provider_has_no_total() -> None:
    summary = summarise_billing(YESTERDAY, TODAY, [])
    assert summary.providers == ()
    assert summary.total_day_usd == Unavailable("no billing provider connected")
    assert summary.reported_day_usd == 0


def test_from_the_fake_apis_to_the_summary_to_the_cent(fake: FakeProviders, sleeps: Sleeps) -> None:
    """The path the digest will take: fetch the sync window from both, then summarise."""
    fake.add_openai_cost(YESTERDAY, "0.8958740000000000", line_item="gpt-4o, input", project_id="p")
    fake.add_openai_cost(YESTERDAY, "0E-6176", line_item="gpt-4o, output", project_id="p")
    fake.add_openai_cost(date(2026, 11, 2), "5", line_item="gpt-4o, input", project_id="p")
    fake.add_anthropic_cost(YESTERDAY, "12345.5", description="Claude Opus 5 Usage - Input Tokens")
    fake.set_page_size("openai", 7)
    fake.set_page_size("anthropic", 5)
    start, end = sync_window(TODAY)
    assert (start, end) == (date(2026, 11, 1), TODAY)

    reports = [
        OpenAICosts(OPENAI_ADMIN_KEY, base_url=fake.openai_url, sleep=sleeps).fetch(
            start, end, now=NOW
        ),
        AnthropicCosts(ANTHROPIC_ADMIN_KEY, base_url=fake.anthropic_url, sleep=sleeps).fetch(
            start, end, now=NOW
        ),
    ]
    assert [r.pages for r in reports] == [4, 6]
    inputs = [ProviderBilling(r.provider, r.rows, frozenset(r.days)) for r in reports]
    summary = summarise_billing(YESTERDAY, TODAY, inputs)

    assert [p.day_usd for p in summary.providers] == [Decimal("0.895874"), Decimal("123.455")]
    assert summary.total_day_usd == Decimal("124.350874")
    assert summary.total_month_to_date_usd == Decimal("129.350874")
    assert summary.provisional
