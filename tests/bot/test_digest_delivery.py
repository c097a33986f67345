"""Digest and alert delivery when Slack is slow, rate-limited for long, or refuses a channel.

Against the fake Web API with the production post client (`build_post_client`): exactly once
when a post outlasts the client timeout, no clock blocked by `Retry-After: 3600`, no second
clock taking a claim whose holder is still posting, and channels that cannot be posted to
paused with a reason instead of retried forever (issue 11).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.digest.clock import run_tick
from bot.digest.post import build_post_client, post_due_digests
from bot.runtime import Runtime
from bot.slack.listeners.home import build_home_view
from bot.store.digests import get_digest, get_subscription, set_subscription
from tests.bot.ledger_support import NOW, WS, Clock, make_runtime, seed_ledger
from tests.fake_slack import FakeSlack

pytestmark = pytest.mark.both_backends

CHANNEL = "C0DIGEST"
MONDAY = date(2026, 11, 2)


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def runtime(database: str | Path, fake_slack: FakeSlack, clock: Clock) -> Iterator[Runtime]:
    fake_slack.ts_base = int(NOW.timestamp())
    rt = make_runtime(database, clock, fake_slack.url, timezone="Europe/Berlin")
    set_subscription(rt.db(), WS, CHANNEL, "09:00", "Europe/Berlin", "U1", NOW)
    seed_ledger(rt.db(), rt.catalog)
    yield rt
    rt.close()


def digests_in(fake: FakeSlack) -> list[dict[str, object]]:
    return [m for m in fake.messages(CHANNEL) if m.get("metadata")]


def test_a_post_slower_than_the_client_timeout_is_posted_once(
    runtime: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    post_client = build_post_client(runtime, timeout=1)
    client = lambda ws: post_client  # noqa: E731 - one workspace, one token
    fake_slack.slow_next("chat.postMessage", 2.5)  # lands 1.5 s after the client gave up
    [first] = post_due_digests(runtime, client, NOW, "clock-a", sleep=Sleeps())
    assert first.status == "failed"
    assert first.error is not None and first.error.startswith("no answer from Slack")
    assert fake_slack.calls("conversations.history") == []  # no look-up before it could land
    fake_slack.wait_for("chat.postMessage", timeout=5)  # the slow post lands meanwhile
    clock.now = NOW + timedelta(minutes=1)
    assert post_due_digests(runtime, client, clock.now, "clock-a") == []  # still settling
    clock.now = NOW + timedelta(minutes=3)
    [second] = post_due_digests(runtime, client, clock.now, "clock-a")
    assert second.status == "recovered"
    assert len(digests_in(fake_slack)) == 1
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_retry_after_3600_gives_up_the_tick_and_retries_an_hour_later(
    runtime: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    post_client = build_post_client(runtime)
    client = lambda ws: post_client  # noqa: E731 - one workspace, one token
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=3600)
    outcomes: list[object] = []
    ticking = threading.Thread(
        target=lambda: outcomes.extend(run_tick(runtime, client, "clock-a", Sleeps()).digests),
        daemon=True,
    )
    started = time.monotonic()
    ticking.start()
    ticking.join(timeout=5)
    assert not ticking.is_alive(), "the tick is sleeping on Retry-After"
    assert time.monotonic() - started < 5
    [outcome] = outcomes
    assert outcome.status == "failed"  # type: ignore[attr-defined]
    record = get_digest(runtime.db(), WS, CHANNEL, MONDAY)
    assert record is not None and (record.status, record.attempts) == ("failed", 0)
    clock.now = NOW + timedelta(minutes=30)
    assert post_due_digests(runtime, client, clock.now, "clock-b") == []
    clock.now = NOW + timedelta(minutes=61)
    [posted] = post_due_digests(runtime, client, clock.now, "clock-b")
    assert posted.status == "posted"
    assert len(digests_in(fake_slack)) == 1


def test_a_second_clock_cannot_take_a_claim_while_the_first_is_still_posting(
    runtime: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    """Clock A's attempts span more than the 10-minute lease (slow 5xx with backoff); clock B
    ticks in the middle and must leave the digest alone."""
    post_client = build_post_client(runtime)
    client = lambda ws: post_client  # noqa: E731 - one workspace, one token
    fake_slack.fail_next("chat.postMessage", status=500, times=2)
    seen_by_b: list[object] = []

    def slow_backoff(seconds: float) -> None:
        clock.now += timedelta(minutes=6)  # time passes while A waits
        seen_by_b.extend(post_due_digests(runtime, client, clock.now, "clock-b"))

    [outcome] = post_due_digests(runtime, client, NOW, "clock-a", sleep=slow_backoff)
    assert outcome.status == "posted"
    assert seen_by_b == []
    assert len(digests_in(fake_slack)) == 1


@pytest.mark.parametrize("error", ["not_in_channel", "channel_not_found", "is_archived"])
def test_a_channel_that_refuses_posts_is_paused_not_retried(
    runtime: Runtime, fake_slack: FakeSlack, clock: Clock, error: str,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    post_client = build_post_client(runtime)
    client = lambda ws: post_client  # noqa: E731 - one workspace, one token
    fake_slack.respond_with("chat.postMessage", {"ok": False, "error": error})
    report = run_tick(runtime, client, "clock-a", Sleeps())
    assert [o.status for o in report.digests] == ["paused"]
    subscription = get_subscription(runtime.db(), WS, CHANNEL)
    assert subscription is not None
    assert (subscription.enabled, subscription.paused_reason) == (False, error)
    assert f"Slack refuses posts there (slack: {error}" in caplog.text
    calls = len(fake_slack.calls("chat.postMessage"))
    for minutes in (1, 2, 60):
        clock.now = NOW + timedelta(minutes=minutes)
        run_tick(runtime, client, "clock-a", Sleeps())
    assert len(fake_slack.calls("chat.postMessage")) == calls  # neither digest nor alert again
    home = str(build_home_view(runtime, "U1", WS))
    assert f"paused: Slack says `{error}`" in home
    # `digest on` there again turns it back on.
    set_subscription(runtime.db(), WS, CHANNEL, "09:00", "Europe/Berlin", "U1", clock.now)
    fake_slack.reset()
    assert [o.status for o in run_tick(runtime, client, "clock-a", Sleeps()).digests] == ["posted"]


def test_a_budget_alert_without_an_answer_is_not_sent_twice(
    runtime: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    post_client = build_post_client(runtime, timeout=1)
    client = lambda ws: post_client  # noqa: E731 - one workspace, one token
    post_due_digests(runtime, client, NOW, "clock-a")  # the digest goes out first
    fake_slack.slow_next("chat.postMessage", 2)
    [alert] = run_tick(runtime, client, "clock-a", Sleeps()).alerts
    assert (alert.channels, alert.unsure) == ((), (CHANNEL,))
    fake_slack.wait_for("chat.postMessage", count=2, timeout=5)
    clock.now = NOW + timedelta(minutes=1)
    assert run_tick(runtime, client, "clock-a", Sleeps()).alerts == ()
    alerts = [m for m in fake_slack.messages(CHANNEL) if not m.get("metadata")]
    assert len(alerts) == 1


def test_a_budget_alert_rate_limited_for_an_hour_does_not_block_the_clock(
    runtime: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    post_client = build_post_client(runtime)
    client = lambda ws: post_client  # noqa: E731 - one workspace, one token
    post_due_digests(runtime, client, NOW, "clock-a")
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=3600)
    started = time.monotonic()
    [alert] = run_tick(runtime, client, "clock-a", Sleeps()).alerts
    assert time.monotonic() - started < 5
    assert alert.channels == ()
    clock.now = NOW + timedelta(minutes=1)
    [again] = run_tick(runtime, client, "clock-a", Sleeps()).alerts
    assert again.channels == (CHANNEL,)
