"""The shared GET: Retry-After in both forms, unreachable hosts, and the https rule."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from bot.billing import BillingError, ProviderUnavailable, RateLimited, RetryPolicy
from bot.billing.transport import check_base_url, get_json
from tests.billing.conftest import Sleeps
from tests.fake_providers import FakeProviders

POLICY = RetryPolicy(attempts=3, backoff_s=0.25, max_retry_after_s=30, timeout_s=2)


def _get(fake: FakeProviders, sleeps: Sleeps) -> int:
    answer = get_json(
        f"{fake.url}/v1/organization/costs", {}, name="OpenAI", policy=POLICY, sleep=sleeps
    )
    return answer.status


def test_retry_after_as_an_http_date_in_the_past_means_now(
    fake: FakeProviders, sleeps: Sleeps
) -> None:
    past = format_datetime(datetime.now(UTC) - timedelta(minutes=5), usegmt=True)
    fake.fail_next("openai", 429, retry_after=past)
    assert _get(fake, sleeps) == 401  # the fake's answer without a key, on the retry
    assert sleeps.waits == [0.0]


def test_retry_after_as_a_far_http_date_gives_up(fake: FakeProviders, sleeps: Sleeps) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)
    fake.fail_next("openai", 429, retry_after=later)
    with pytest.raises(RateLimited) as caught:
        _get(fake, sleeps)
    assert caught.value.retry_after_s is not None and caught.value.retry_after_s > 7000


def test_unparseable_retry_after_falls_back_to_backoff(fake: FakeProviders, sleeps: Sleeps) -> None:
    fake.fail_next("openai", 429, retry_after="soon")
    assert _get(fake, sleeps) == 401
    assert sleeps.waits == [0.25]


def test_an_unreachable_host_is_unavailable(sleeps: Sleeps) -> None:
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ProviderUnavailable) as caught:
        get_json(f"http://127.0.0.1:{port}/", {}, name="Anthropic", policy=POLICY, sleep=sleeps)
    assert str(caught.value) == (
        "could not reach Anthropic: ConnectionRefusedError after 3 tries; "
        "billing data is unavailable for now."
    )
    assert caught.value.provider == "anthropic"
    assert sleeps.waits == [0.25, 0.5]


@pytest.mark.parametrize(
    ("url", "cleaned"),
    [
        ("https://api.openai.com/v1/", "https://api.openai.com/v1"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://localhost/v1", "http://localhost/v1"),
    ],
)
def test_base_urls_accepted(url: str, cleaned: str) -> None:
    assert check_base_url(url, "X") == cleaned


def test_plain_http_elsewhere_would_send_the_key_in_clear() -> None:
    with pytest.raises(BillingError, match=r"^X must be an https:// URL"):
        check_base_url("http://proxy.internal/v1", "X")
