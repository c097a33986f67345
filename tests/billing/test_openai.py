"""The OpenAI connector against the fake `/v1/organization/costs`: pages, exact dollars, errors."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

import pytest

from bot.billing import (
    AuthError,
    BadResponse,
    BilledCost,
    BillingError,
    OpenAICosts,
    ProviderUnavailable,
    RateLimited,
    RetryPolicy,
)
from tests.billing.conftest import NOW, Sleeps
from tests.fake_providers import OPENAI_ADMIN_KEY, OPENAI_PROJECT_KEY, FakeProviders

START, END = date(2026, 11, 20), date(2026, 11, 29)  # nine days, end exclusive
FAST = RetryPolicy(attempts=3, backoff_s=0.5, max_retry_after_s=30, timeout_s=2)


def _seed(fake: FakeProviders) -> None:
    fake.add_openai_cost(
        date(2026, 11, 20), "0.8958740000000000", line_item="gpt-4o-2024-08-06, input",
        project_id="proj_a",
    )  # fmt: skip
    fake.add_openai_cost(
        date(2026, 11, 20), "0.34090000000000000", line_item="gpt-4o-2024-08-06, output",
        project_id="proj_a",
    )  # fmt: skip
    # 2026-11-21 has no spend: an empty bucket.
    fake.add_openai_cost(
        date(2026, 11, 22), "0E-6176", line_item="gpt-image-1.5-2025-12-16 text, input",
        project_id="proj_b",
    )  # fmt: skip
    fake.add_openai_cost(
        date(2026, 11, 22), "1.5E+1", line_item="gpt-image-1 image, output", project_id="proj_b"
    )
    fake.add_openai_cost(
        date(2026, 11, 25), "0.0001050000000000000000000000000000000",
        line_item="text-embedding-3-small, input", project_id="proj_a",
        quantity=1050, quantity_unit="tokens",
    )  # fmt: skip
    fake.add_openai_cost(
        date(2026, 11, 27), "1234.567890123456789012345678901234", line_item="o3, output",
        project_id="proj_a",
    )  # fmt: skip
    fake.add_openai_cost(date(2026, 11, 28), "0.06")  # an all-null (organisation total) row


def _source(
    fake: FakeProviders, sleeps: Sleeps, key: str = OPENAI_ADMIN_KEY, **kw: object
) -> OpenAICosts:
    return OpenAICosts(key, base_url=fake.openai_url, policy=FAST, sleep=sleeps, **kw)  # type: ignore[arg-type]


def test_every_page_is_read_and_the_total_is_exact_to_the_last_digit(
    fake: FakeProviders, sleeps: Sleeps
) -> None:
    _seed(fake)
    report = _source(fake, sleeps, page_limit=4).fetch(START, END, now=NOW)

    assert report.pages == 3  # 4 + 4 + 1 days
    assert report.days == tuple(date(2026, 11, d) for d in range(20, 29))
    exact = Decimal("1250.864769123456789012345678901234")
    assert report.total_usd() == exact
    assert report.total_usd() != sum((r.amount_usd for r in report.rows), Decimal(0))  # 28 digits
    assert report.total_usd(date(2026, 11, 20)) == Decimal("1.236774")
    assert report.total_usd(date(2026, 11, 21)) == 0  # the empty day is covered, and $0
    assert sleeps.waits == []


def test_rows_are_typed_with_the_provisional_flag_on_the_last_three_days(
    fake: FakeProviders, sleeps: Sleeps
) -> None:
    _seed(fake)
    rows = _source(fake, sleeps).fetch(START, END, now=NOW).rows

    assert rows[0] == BilledCost(
        provider="openai",
        day=date(2026, 11, 20),
        line_item="gpt-4o-2024-08-06, input",
        project="proj_a",
        model=None,
        amount_usd=Decimal("0.8958740000000000"),
        provisional=False,
    )
    zero = next(r for r in rows if r.line_item.startswith("gpt-image-1.5"))
    assert zero.amount_usd == 0 and str(zero.amount_usd) == "0"  # 0E-6176, normalised
    assert next(r for r in rows if r.line_item == "gpt-image-1 image, output").amount_usd == 15
    assert {r.day: r.provisional for r in rows} == {
        date(2026, 11, 20): False,
        date(2026, 11, 22): False,
        date(2026, 11, 25): False,
        date(2026, 11, 27): True,  # today is the 29th: the 27th, 28th and 29th are provisional
        date(2026, 11, 28): True,
    }
    org_total = next(r for r in rows if r.day == date(2026, 11, 28))
    assert (org_total.line_item, org_total.project) == ("(all line items)", None)
    assert all(isinstance(r.amount_usd, Decimal) for r in rows)


def test_a_client_that_ignored_the_cursor_would_under_count(
    fake: FakeProviders, sleeps: Sleeps
) -> None:
    _seed(fake)
    fake.set_page_size("openai", 2)  # the server gives fewer buckets than the limit asked for
    report = _source(fake, sleeps, page_limit=31).fetch(START, END, now=NOW)

    assert report.pages == 5
    assert len(report.days) == 9
    first_page_only = Decimal("1.236774")  # what page one alone holds (20th and 21st)
    assert report.total_usd() == Decimal("1250.864769123456789012345678901234") != first_page_only


def test_each_page_repeats_the_same_query_plus_the_cursor(
    fake: FakeProviders, sleeps: Sleeps
) -> None:
    _seed(fake)
    _source(fake, sleeps, page_limit=4).fetch(START, END, now=NOW)

    calls = fake.calls("openai")
    assert len(calls) == 3
    first = calls[0].query
    assert dict(first)["start_time"] == str(calendar.timegm((2026, 11, 20, 0, 0, 0)))
    assert dict(first)["end_time"] == str(calendar.timegm((2026, 11, 29, 0, 0, 0)))
    assert dict(first)["bucket_width"] == "1d" and dict(first)["limit"] == "4"
    assert calls[0].params("group_by[]") == ["project_id", "line_item"]
    assert calls[0].param("page") is None
    for call in calls[1:]:
        assert tuple(p for p in call.query if p[0] != "page") == first
        assert call.param("page")
    assert calls[1].param("page") != calls[2].param("page")


def test_the_admin_key_goes_as_a_bearer_token(fake: FakeProviders, sleeps: Sleeps) -> None:
    _source(fake, sleeps).fetch(START, END, now=NOW)

    headers = fake.calls("openai")[0].headers
    assert headers["authorization"] == f"Bearer {OPENAI_ADMIN_KEY}"
    assert headers["user-agent"].startswith("tokencost-bot/")
    assert "x-api-key" not in headers


@pytest.mark.parametrize("status", [401, 403])
def test_a_project_key_is_explained_in_one_sentence(
    fake: FakeProviders, sleeps: Sleeps, status: int
) -> None:
    fake.set_wrong_key_status("openai", status)
    with pytest.raises(AuthError) as caught:
        _source(fake, sleeps, key=OPENAI_PROJECT_KEY).fetch(START, END, now=NOW)

    message = str(caught.value)
    assert message.startswith("That's a project key; billing needs an admin key sk-admin-...")
    assert OPENAI_PROJECT_KEY not in message and "FAKE" not in message
    assert caught.value.provider == "openai"
    assert len(fake.calls("openai")) == 1  # an auth error is not retried


def test_a_rejected_admin_key_says_so(fake: FakeProviders, sleeps: Sleeps) -> None:
    fake.respond_next("openai", '{"error": {"message": "Incorrect API key"}}', status=401)
    with pytest.raises(AuthError, match=r"OpenAI rejected the admin key \(401\)"):
        _source(fake, sleeps).fetch(START, END, now=NOW)


def test_a_restricted_admin_key_gets_the_scope_hint(fake: FakeProviders, sleeps: Sleeps) -> None:
    fake.respond_next("openai", '{"error": {"message": "insufficient scopes"}}', status=403)
    with pytest.raises(AuthError, match=r"\(403\): give it read access to usage"):
        _source(fake, sleeps).fetch(START, END, now=NOW)


def test_429_waits_as_long_as_retry_after_asks_then_carries_on(
    fake: FakeProviders, sleeps: Sleeps
) -> None:
    _seed(fake)
    fake.fail_next("openai", 429, retry_after="7")
    report = _source(fake, sleeps, page_limit=4).fetch(START, END, now=NOW)

    assert sleeps.waits == [7.0]
    assert report.pages == 3 and len(fake.calls("openai")) == 4
    assert report.total_usd() == Decimal("1250.864769123456789012345678901234")


def test_429_asking_for_more_than_the_cap_gives_up_at_once(
    fake: FakeProviders, sleeps: Sleeps
) -> None:
    fake.fail_next("openai", 429, retry_after="3600")
    with pytest.raises(RateLimited) as caught:
        _source(fake, sleeps).fetch(START, END, now=NOW)

    assert caught.value.retry_after_s == 3600
    assert "asks to wait 3600 s" in str(caught.value)
    assert sleeps.waits == [] and len(fake.calls("openai")) == 1


def test_429_every_time_ends_as_rate_limited(fake: FakeProviders, sleeps: Sleeps) -> None:
    fake.fail_next("openai", 429, retry_after="2", times=5)
    with pytest.raises(RateLimited, match="still rate-limiting billing requests after 3 tries"):
        _source(fake, sleeps).fetch(START, END, now=NOW)

    assert sleeps.waits == [2.0, 2.0]


def test_429_without_retry_after_backs_off(fake: FakeProviders, sleeps: Sleeps) -> None:
    fake.fail_next("openai", 429, times=2)
    _source(fake, sleeps).fetch(START, END, now=NOW)

    assert sleeps.waits == [0.5, 1.0]


def test_5xx_is_retried_with_backoff(fake: FakeProviders, sleeps: Sleeps) -> None:
    _seed(fake)
    fake.fail_next("openai", 503, times=2)
    report = _source(fake, sleeps).fetch(START, END, now=NOW)

    assert sleeps.waits == [0.5, 1.0]
    assert report.total_usd() == Decimal("1250.864769123456789012345678901234")


def test_5xx_every_time_is_unavailable_never_zero(fake: FakeProviders, sleeps: Sleeps) -> None:
    fake.fail_next("openai", 500, times=3)
    with pytest.raises(ProviderUnavailable) as caught:
        _source(fake, sleeps).fetch(START, END, now=NOW)

    assert str(caught.value) == (
        "OpenAI answered HTTP 500 after 3 tries; billing data is unavailable for now."
    )
    assert sleeps.waits == [0.5, 1.0]


def test_a_slow_answer_times_out_and_is_retried(fake: FakeProviders, sleeps: Sleeps) -> None:
    _seed(fake)
    fake.delay_next("openai", 0.6)
    policy = RetryPolicy(attempts=2, backoff_s=0.1, timeout_s=0.2)
    source = OpenAICosts(OPENAI_ADMIN_KEY, base_url=fake.openai_url, policy=policy, sleep=sleeps)
    report = source.fetch(START, END, now=NOW)

    assert sleeps.waits == [0.1]
    assert report.total_usd() == Decimal("1250.864769123456789012345678901234")


def test_always_slow_is_unavailable(fake: FakeProviders, sleeps: Sleeps) -> None:
    fake.delay_next("openai", 0.5, times=2)
    policy = RetryPolicy(attempts=2, backoff_s=0.1, timeout_s=0.2)
    source = OpenAICosts(OPENAI_ADMIN_KEY, base_url=fake.openai_url, policy=policy, sleep=sleeps)
    with pytest.raises(ProviderUnavailable, match=r"OpenAI did not answer within 0\.2 s"):
        source.fetch(START, END, now=NOW)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("<html>502 from a proxy</html>", "a body that is not JSON"),
        ('{"object": "page", "data": []}', "without the documented data and has_more"),
        ('{"error": {"message": "oops"}}', "without the documented data and has_more"),
        ('{"data": [{"start_time": "x", "results": []}], "has_more": false}', "bucket we cannot"),
        ('{"data": [], "has_more": true, "next_page": null}', "sent no next_page cursor"),
    ],
)
def test_a_malformed_200_is_an_error_not_zero_spend(
    fake: FakeProviders, sleeps: Sleeps, body: str, problem: str
) -> None:
    fake.respond_next("openai", body)
    with pytest.raises(BadResponse, match=problem):
        _source(fake, sleeps).fetch(START, END, now=NOW)


def _one_row(amount: str, currency: str = "usd", kind: str = "organization.costs.result") -> str:
    return (
        '{"object": "page", "has_more": false, "next_page": null, "data": [{"object": "bucket", '
        f'"start_time": {calendar.timegm((2026, 11, 20, 0, 0, 0))}, "results": [{{"object": '
        f'"{kind}", "amount": {{"value": {amount}, "currency": "{currency}"}}}}]}}]}}'
    )


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (_one_row("1.5", currency="eur"), "in eur, not USD"),
        (_one_row('"1.5"'), "amount is not a number"),
        (_one_row("NaN"), "not JSON"),
        (_one_row("1.5", kind="organization.usage.completions.result"), "where a cost was"),
    ],
)
def test_an_unusable_amount_is_refused(
    fake: FakeProviders, sleeps: Sleeps, body: str, problem: str
) -> None:
    fake.respond_next("openai", body)
    with pytest.raises(BadResponse, match=problem):
        _source(fake, sleeps).fetch(START, END, now=NOW)


def test_a_bucket_outside_the_range_is_refused(fake: FakeProviders, sleeps: Sleeps) -> None:
    fake.respond_next("openai", _one_row("1").replace("1795132800", "1794960000"))
    with pytest.raises(BadResponse, match="2026-11-18, outside the 2026-11-20 to 2026-11-29"):
        _source(fake, sleeps).fetch(START, END, now=NOW)


def test_a_400_quotes_the_provider_without_any_key(fake: FakeProviders, sleeps: Sleeps) -> None:
    body = '{"error": {"message": "bad limit for key sk-admin-abcdef123456.\\nTry again."}}'
    fake.respond_next("openai", body, status=400)
    with pytest.raises(BadResponse) as caught:
        _source(fake, sleeps).fetch(START, END, now=NOW)

    assert str(caught.value) == (
        "OpenAI rejected the billing query (HTTP 400: bad limit for key sk-… Try again)."
    )


def test_a_redirect_is_not_followed(fake: FakeProviders, sleeps: Sleeps) -> None:
    fake.respond_next("openai", "{}", status=302, headers={"Location": "http://example.invalid/"})
    with pytest.raises(BadResponse, match=r"HTTP 302"):
        _source(fake, sleeps).fetch(START, END, now=NOW)
    assert len(fake.calls()) == 1


def test_the_key_never_shows_in_a_repr() -> None:
    source = OpenAICosts(OPENAI_ADMIN_KEY)
    assert OPENAI_ADMIN_KEY not in repr(source) and "FAKE" not in repr(source)
    assert source.base_url == "https://api.openai.com/v1"


@pytest.mark.parametrize("url", ["http://api.example.com/v1", "ftp://x/", "not a url"])
def test_a_base_url_must_be_https_except_on_loopback(url: str) -> None:
    with pytest.raises(BillingError, match="TOKENCOST_OPENAI_API_URL must be an https:// URL"):
        OpenAICosts(OPENAI_ADMIN_KEY, base_url=url)


def test_an_empty_range_is_a_programming_error(sleeps: Sleeps) -> None:
    with pytest.raises(ValueError, match="range is empty"):
        OpenAICosts(OPENAI_ADMIN_KEY, sleep=sleeps).fetch(END, START, now=NOW)


def test_a_404_with_an_html_body_is_still_one_sentence(fake: FakeProviders, sleeps: Sleeps) -> None:
    fake.respond_next("openai", "<html>Not Found</html>", status=404)
    with pytest.raises(BadResponse) as caught:
        _source(fake, sleeps).fetch(START, END, now=NOW)
    assert str(caught.value) == "OpenAI rejected the billing query (HTTP 404)."


def test_the_singular_result_key_of_some_doc_renderings_is_read(
    fake: FakeProviders, sleeps: Sleeps
) -> None:
    fake.respond_next("openai", _one_row("0.25").replace('"results"', '"result"'))
    assert _source(fake, sleeps).fetch(START, END, now=NOW).total_usd() == Decimal("0.25")


def test_a_bucket_without_results_is_refused(fake: FakeProviders, sleeps: Sleeps) -> None:
    fake.respond_next("openai", '{"has_more": false, "data": [{"start_time": 1795132800}]}')
    with pytest.raises(BadResponse, match="a bucket without a results list"):
        _source(fake, sleeps).fetch(START, END, now=NOW)


def test_page_limit_is_bounded_by_the_documented_180() -> None:
    with pytest.raises(ValueError, match="page_limit must be 1-180"):
        OpenAICosts(OPENAI_ADMIN_KEY, page_limit=181)
