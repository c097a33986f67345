"""The Anthropic connector against the fake ``cost_report``: cents, pages, headers, errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.billing import (
    AnthropicCosts,
    AuthError,
    BadResponse,
    BilledCost,
    ProviderUnavailable,
    RetryPolicy,
)
from tests.billing.conftest import NOW, Sleeps
from tests.fake_providers import ANTHROPIC_ADMIN_KEY, ANTHROPIC_WORKSPACE_KEY, FakeProviders

START, END = date(2026, 11, 1), date(2026, 11, 29)  # 28 days, end exclusive
FAST = RetryPolicy(attempts=3, backoff_s=0.5, max_retry_after_s=30, timeout_s=2)
OPUS_IN = "Claude Opus 5 Usage - Input Tokens"


def _seed(fake: FakeProviders) -> None:
    fake.add_anthropic_cost(
        date(2026, 11, 1), "12345.5", description=OPUS_IN, model="claude-opus-5",
        token_type="uncached_input_tokens", service_tier="standard", context_window="0-200k",
        inference_geo="global", workspace_id="wrkspc_01Search",
    )  # fmt: skip
    fake.add_anthropic_cost(
        date(2026, 11, 1),
        "123.78912",
        description="Claude Opus 5 Usage - Output Tokens",
        model="claude-opus-5",
        token_type="output_tokens",
        service_tier="batch",
    )  # fmt: skip  (default workspace: workspace_id null)
    fake.add_anthropic_cost(
        date(2026, 11, 9), "41280.000000", description="Claude Sonnet 5 Usage - Cache Write",
        model="claude-sonnet-5", token_type="cache_creation.ephemeral_1h_input_tokens",
        context_window="200k-1M", inference_geo="us", workspace_id="wrkspc_01Search",
    )  # fmt: skip
    fake.add_anthropic_cost(
        date(2026, 11, 15), "1000", description="Web Search Usage", cost_type="web_search"
    )
    fake.add_anthropic_cost(
        date(2026, 11, 27), "0.000001", description="Code Execution Usage",
        cost_type="code_execution", workspace_id="wrkspc_01Search",
    )  # fmt: skip


def _source(
    fake: FakeProviders, sleeps: Sleeps, key: str = ANTHROPIC_ADMIN_KEY, **kw: object
) -> AnthropicCosts:
    return AnthropicCosts(key, base_url=fake.anthropic_url, policy=FAST, sleep=sleeps, **kw)  # type: ignore[arg-type]


def test_cents_become_dollars_exactly_the_100x_trap(fake: FakeProviders, sleeps: Sleeps) -> None:
    _seed(fake)
    report = _source(fake, sleeps).fetch(START, END, now=NOW)

    by_item = {r.line_item: r.amount_usd for r in report.rows}
    assert by_item[OPUS_IN] == Decimal("123.455")  # "12345.5" cents, not $12,345.50
    assert by_item["Claude Opus 5 Usage - Output Tokens (batch)"] == Decimal("1.2378912")
    assert by_item["Claude Sonnet 5 Usage - Cache Write (200k-1M, us)"] == Decimal("412.8")
    assert by_item["Web Search Usage"] == Decimal("10")
    assert by_item["Code Execution Usage"] == Decimal("0.00000001")
    assert report.total_usd() == Decimal("547.49289121")
    assert by_item[OPUS_IN] * 100 == Decimal("12345.5")  # the wire figure is cents


def test_several_pages_with_empty_days_between(fake: FakeProviders, sleeps: Sleeps) -> None:
    _seed(fake)
    report = _source(fake, sleeps, page_limit=10).fetch(START, END, now=NOW)

    assert report.pages == 3  # 10 + 10 + 8 days
    assert (
        len(report.days) == 28 and report.days[0] == START and report.days[-1] == date(2026, 11, 28)
    )
    assert report.total_usd(date(2026, 11, 2)) == 0
    assert report.total_usd() == Decimal("547.49289121")
    calls = fake.calls("anthropic")
    assert [c.param("page") is None for c in calls] == [True, False, False]
    for call in calls[1:]:
        assert tuple(p for p in call.query if p[0] != "page") == calls[0].query


def test_rows_carry_workspace_model_and_provisional(fake: FakeProviders, sleeps: Sleeps) -> None:
    _seed(fake)
    rows = _source(fake, sleeps).fetch(START, END, now=NOW).rows

    assert rows[0] == BilledCost(
        provider="anthropic",
        day=date(2026, 11, 1),
        line_item="Claude Opus 5 Usage - Output Tokens (batch)",
        project=None,  # the default workspace is null, not "default"
        model="claude-opus-5",
        amount_usd=Decimal("1.2378912"),
        provisional=False,
    )
    assert rows[1].project == "wrkspc_01Search"
    web = next(r for r in rows if r.line_item == "Web Search Usage")
    assert web.model is None
    assert [r.provisional for r in rows if r.day == date(2026, 11, 27)] == [True]


def test_the_query_is_day_aligned_with_the_documented_headers(
    fake: FakeProviders, sleeps: Sleeps
) -> None:
    _source(fake, sleeps).fetch(START, END, now=NOW)

    call = fake.calls("anthropic")[0]
    assert call.param("starting_at") == "2026-11-01T00:00:00Z"
    assert call.param("ending_at") == "2026-11-29T00:00:00Z"  # midnight, or Anthropic says 400
    assert call.param("bucket_width") == "1d" and call.param("limit") == "31"
    assert call.params("group_by[]") == ["workspace_id", "description"]
    assert call.headers["x-api-key"] == ANTHROPIC_ADMIN_KEY
    assert call.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in call.headers


def test_rows_that_differ_only_in_unshown_fields_are_added_not_dropped(
    fake: FakeProviders, sleeps: Sleeps
) -> None:
    for cents in ("0.5", "0.25"):
        fake.add_anthropic_cost(
            date(2026, 11, 3), cents, description=OPUS_IN, token_type="uncached_input_tokens",
            inference_geo="not_available" if cents == "0.5" else "global",
        )  # fmt: skip
    rows = _source(fake, sleeps).fetch(START, END, now=NOW).rows

    assert [(r.line_item, r.amount_usd) for r in rows] == [(OPUS_IN, Decimal("0.0075"))]


@pytest.mark.parametrize("status", [401, 403])
def test_a_workspace_key_is_explained(fake: FakeProviders, sleeps: Sleeps, status: int) -> None:
    fake.set_wrong_key_status("anthropic", status)
    with pytest.raises(AuthError) as caught:
        _source(fake, sleeps, key=ANTHROPIC_WORKSPACE_KEY).fetch(START, END, now=NOW)

    assert str(caught.value).startswith(
        "That's a workspace API key; billing needs an admin key sk-ant-admin..."
    )
    assert "FAKE" not in str(caught.value)


def test_a_revoked_admin_key_is_explained(fake: FakeProviders, sleeps: Sleeps) -> None:
    with pytest.raises(AuthError, match=r"Anthropic rejected the admin key \(401\)"):
        _source(fake, sleeps, key="sk-ant-admin01-revoked").fetch(START, END, now=NOW)


def test_overloaded_529_is_retried_then_unavailable(fake: FakeProviders, sleeps: Sleeps) -> None:
    fake.fail_next("anthropic", 529, times=3)
    with pytest.raises(ProviderUnavailable, match="Anthropic answered HTTP 529 after 3 tries"):
        _source(fake, sleeps).fetch(START, END, now=NOW)
    assert sleeps.waits == [0.5, 1.0]


def test_a_429_mid_pagination_resumes_on_the_same_page(fake: FakeProviders, sleeps: Sleeps) -> None:
    _seed(fake)
    source = _source(fake, sleeps, page_limit=10)
    source.fetch(START, END, now=NOW)  # first run: 3 pages
    fake.fail_next("anthropic", 429, retry_after="1")
    report = source.fetch(START, END, now=NOW)

    assert sleeps.waits == [1.0]
    assert report.pages == 3 and report.total_usd() == Decimal("547.49289121")


@pytest.mark.parametrize(
    ("amount", "currency", "problem"),
    [
        ("12.5", "USD", "not a decimal string of cents"),  # a bare number: unit unknown
        ('"twelve"', "USD", "not a decimal number"),
        ('"12.5"', "EUR", "in EUR, not USD"),
    ],
)
def test_an_unusable_amount_is_refused(
    fake: FakeProviders, sleeps: Sleeps, amount: str, currency: str, problem: str
) -> None:
    body = (
        '{"has_more": false, "next_page": null, "data": [{"starting_at": "2026-11-01T00:00:00Z",'
        f' "ending_at": "2026-11-02T00:00:00Z", "results": [{{"amount": {amount},'
        f' "currency": "{currency}"}}]}}]}}'
    )
    fake.respond_next("anthropic", body)
    with pytest.raises(BadResponse, match=problem):
        _source(fake, sleeps).fetch(START, END, now=NOW)


def test_the_same_day_twice_is_refused_rather_than_counted_double(
    fake: FakeProviders, sleeps: Sleeps
) -> None:
    bucket = (
        '{"starting_at": "2026-11-01T00:00:00Z", "results": [{"amount": "1", "currency": "USD"}]}'
    )
    fake.respond_next("anthropic", f'{{"has_more": false, "data": [{bucket}, {bucket}]}}')
    with pytest.raises(BadResponse, match="same day twice"):
        _source(fake, sleeps).fetch(START, END, now=NOW)


def test_a_cursor_that_never_ends_is_refused(fake: FakeProviders, sleeps: Sleeps) -> None:
    fake.respond_next("anthropic", '{"data": [], "has_more": true, "next_page": "page_x"}', times=2)
    with pytest.raises(BadResponse, match="the cursor does not end"):
        _source(fake, sleeps).fetch(START, END, now=NOW)
    assert len(fake.calls("anthropic")) == 2


def test_the_key_never_shows_in_a_repr() -> None:
    source = AnthropicCosts(ANTHROPIC_ADMIN_KEY)
    assert "FAKE" not in repr(source)
    assert source.base_url == "https://api.anthropic.com"


def test_page_limit_is_bounded_by_the_documented_31() -> None:
    with pytest.raises(ValueError, match="page_limit must be 1-31"):
        AnthropicCosts(ANTHROPIC_ADMIN_KEY, page_limit=32)


def test_a_400_is_a_bad_response_quoting_anthropic(fake: FakeProviders, sleeps: Sleeps) -> None:
    body = '{"type": "error", "error": {"type": "invalid_request_error", "message": "bad"}}'
    fake.respond_next("anthropic", body, status=400)
    with pytest.raises(BadResponse) as caught:
        _source(fake, sleeps).fetch(START, END, now=NOW)
    assert str(caught.value) == "Anthropic rejected the billing query (HTTP 400: bad)."


@pytest.mark.parametrize(
    "bucket",
    ['{"results": []}', '{"starting_at": "2026-11-01T00:00:00Z"}', '{"starting_at": "yesterday"}'],
)
def test_a_bucket_without_its_fields_is_refused(
    fake: FakeProviders, sleeps: Sleeps, bucket: str
) -> None:
    fake.respond_next("anthropic", f'{{"has_more": false, "data": [{bucket}]}}')
    with pytest.raises(BadResponse, match="sent a cost bucket we cannot read"):
        _source(fake, sleeps).fetch(START, END, now=NOW)
