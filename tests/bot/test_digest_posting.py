"""Posting digests and budget alerts against the fake Slack Web API: exactly once, retried."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.digest.build import build_digest
from bot.digest.clock import run_clock, run_tick, workspace_clients
from bot.digest.post import (
    METADATA_EVENT,
    post_due_digests,
    send_digest_message,
    send_digests,
)
from bot.digest.render import render_digest
from bot.ledger.fields import UsageEvent
from bot.ledger.pricing import record_events
from bot.runtime import Runtime
from bot.store.digests import claim_digest, get_digest, set_subscription
from tests.bot.ledger_support import NOW, WS, Clock, make_runtime, seed_ledger
from tests.fake_slack import FakeSlack

pytestmark = pytest.mark.both_backends

CHANNEL = "C0DIGEST"
MONDAY = date(2026, 11, 2)
BERLIN = ZoneInfo("Europe/Berlin")


class Sleeps(list[float]):
    """Records the backoff waits instead of sleeping."""

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
    yield rt
    rt.close()


def digests_posted(fake: FakeSlack) -> list[dict[str, object]]:
    return [m for m in fake.messages(CHANNEL) if m.get("metadata")]


def test_a_digest_is_posted_once_per_channel_and_day(runtime: Runtime, fake_slack: FakeSlack,
                                                     clock: Clock) -> None:  # fmt: skip
    seed_ledger(runtime.db(), runtime.catalog)
    client = workspace_clients(runtime)
    clock.now = NOW - timedelta(minutes=1)  # 08:59 in Berlin: not yet
    assert post_due_digests(runtime, client, clock.now) == []
    [outcome] = post_due_digests(runtime, client, NOW)
    assert (outcome.status, outcome.day) == ("posted", MONDAY)
    for minutes in (1, 30, 600):
        assert post_due_digests(runtime, client, NOW + timedelta(minutes=minutes)) == []
    [posted] = fake_slack.calls("chat.postMessage")
    assert posted.body["metadata"]["event_type"] == METADATA_EVENT
    assert posted.body["text"].startswith("LLM spend digest for Mon 2 Nov 2026")
    assert posted.body["blocks"][0]["type"] == "header"
    record = get_digest(runtime.db(), WS, CHANNEL, MONDAY)
    assert record is not None and (record.status, record.message_ts) == (
        "posted",
        outcome.message_ts,
    )


def test_two_clocks_racing_post_once(database: str | Path, runtime: Runtime,
                                     fake_slack: FakeSlack) -> None:  # fmt: skip
    seed_ledger(runtime.db(), runtime.catalog)
    other = make_runtime(database, Clock(), fake_slack.url, timezone="Europe/Berlin")
    start = threading.Barrier(2)
    outcomes: dict[str, list[str]] = {}

    def tick(rt: Runtime, clock_id: str) -> None:
        client = workspace_clients(rt)
        start.wait()
        outcomes[clock_id] = [o.status for o in post_due_digests(rt, client, NOW, clock_id)]

    threads = [threading.Thread(target=tick, args=(rt, name))
               for rt, name in ((runtime, "clock-a"), (other, "clock-b"))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    other.close()
    assert len(fake_slack.calls("chat.postMessage")) == 1
    statuses = sorted(s for found in outcomes.values() for s in found)
    assert statuses in (["held", "posted"], ["posted"])


def test_429_with_retry_after_then_success(runtime: Runtime, fake_slack: FakeSlack) -> None:
    seed_ledger(runtime.db(), runtime.catalog)
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    [outcome] = post_due_digests(runtime, workspace_clients(runtime), NOW, sleep=Sleeps())
    assert outcome.status == "posted"
    assert len(fake_slack.calls("chat.postMessage")) == 2
    assert len(digests_posted(fake_slack)) == 1


def test_500s_then_success_backs_off_and_checks_before_reposting(
    runtime: Runtime, fake_slack: FakeSlack
) -> None:
    seed_ledger(runtime.db(), runtime.catalog)
    fake_slack.fail_next("chat.postMessage", status=500, times=2)
    sleeps = Sleeps()
    [outcome] = post_due_digests(runtime, workspace_clients(runtime), NOW, sleep=sleeps)
    assert outcome.status == "posted"
    assert sleeps == [2.0, 8.0]
    assert len(fake_slack.calls("conversations.history")) == 2
    assert len(fake_slack.calls("chat.postMessage")) == 3
    assert len(digests_posted(fake_slack)) == 1


def test_a_digest_still_failing_is_retried_on_the_next_tick(
    runtime: Runtime, fake_slack: FakeSlack
) -> None:
    seed_ledger(runtime.db(), runtime.catalog)
    client = workspace_clients(runtime)
    fake_slack.fail_next("chat.postMessage", status=503, times=3)
    [failed] = post_due_digests(runtime, client, NOW, sleep=Sleeps())
    assert (failed.status, failed.error) == ("failed", "slack: fatal_error (HTTP 503)")
    assert get_digest(runtime.db(), WS, CHANNEL, MONDAY).status == "failed"  # type: ignore[union-attr]
    [retried] = post_due_digests(runtime, client, NOW + timedelta(minutes=1), sleep=Sleeps())
    assert retried.status == "posted"
    assert len(digests_posted(fake_slack)) == 1
    assert post_due_digests(runtime, client, NOW + timedelta(minutes=2)) == []


def test_a_crash_after_posting_does_not_post_again(runtime: Runtime, fake_slack: FakeSlack) -> None:
    seed_ledger(runtime.db(), runtime.catalog)
    client = workspace_clients(runtime)
    # A clock claims and posts, then dies before recording the post.
    claim = claim_digest(runtime.db(), WS, CHANNEL, MONDAY, "dead-clock", NOW)
    assert claim is not None
    digest = build_digest(runtime.db(), WS, runtime.catalog, MONDAY, BERLIN, NOW)
    assert digest is not None
    posting = client(WS)
    assert posting is not None
    ts = send_digest_message(posting, claim, *render_digest(digest))
    # While the dead clock's lease lasts, nobody touches it.
    assert post_due_digests(runtime, client, NOW + timedelta(minutes=5)) == []
    # After the lease, the next clock finds the message by its metadata instead of reposting.
    [outcome] = post_due_digests(runtime, client, NOW + timedelta(minutes=11))
    assert (outcome.status, outcome.message_ts) == ("recovered", ts)
    assert len(fake_slack.calls("chat.postMessage")) == 1
    record = get_digest(runtime.db(), WS, CHANNEL, MONDAY)
    assert record is not None and (record.status, record.message_ts) == ("posted", ts)


def test_when_history_cannot_be_read_a_reclaimed_digest_fails_rather_than_risk_a_duplicate(
    runtime: Runtime, fake_slack: FakeSlack
) -> None:
    seed_ledger(runtime.db(), runtime.catalog)
    claim_digest(runtime.db(), WS, CHANNEL, MONDAY, "dead-clock", NOW)
    fake_slack.respond_with("conversations.history", {"ok": False, "error": "missing_scope"})
    [outcome] = post_due_digests(runtime, workspace_clients(runtime), NOW + timedelta(minutes=11))
    assert (outcome.status, outcome.error) == ("failed", "slack: missing_scope (HTTP 200)")
    assert fake_slack.calls("chat.postMessage") == []


def test_an_empty_day_is_skipped_not_posted(runtime: Runtime, fake_slack: FakeSlack) -> None:
    client = workspace_clients(runtime)
    [outcome] = post_due_digests(runtime, client, NOW)
    assert outcome.status == "skipped"
    assert post_due_digests(runtime, client, NOW + timedelta(minutes=1)) == []
    assert fake_slack.calls("chat.postMessage") == []


def test_a_budget_alert_is_sent_once_per_threshold(runtime: Runtime, fake_slack: FakeSlack,
                                                   clock: Clock) -> None:  # fmt: skip
    seed_ledger(runtime.db(), runtime.catalog)
    client = workspace_clients(runtime)
    first = run_tick(runtime, client, "clock-a", sleep=Sleeps())
    assert [(a.threshold_pct, a.channels) for a in first.alerts] == [(80, (CHANNEL,))]
    clock.now = NOW + timedelta(minutes=1)
    assert run_tick(runtime, client, "clock-a").alerts == ()
    alerts = [m["text"] for m in fake_slack.messages(CHANNEL) if not m.get("metadata")]
    assert alerts == [
        "Budget alert: #search has used 86% of its $12.00/month budget: $10.27 since 1 Nov. "
        "Costs are estimates at list prices."
    ]
    more = UsageEvent("gpt-4o", NOW, 1_000_000, 0, tag="search")
    record_events(runtime.db(), WS, runtime.catalog, [more], "slack", NOW)
    clock.now = NOW + timedelta(minutes=2)
    assert [a.threshold_pct for a in run_tick(runtime, client, "clock-a").alerts] == [100]
    clock.now = NOW + timedelta(minutes=3)
    assert run_tick(runtime, client, "clock-a").alerts == ()
    assert len([m for m in fake_slack.messages(CHANNEL) if not m.get("metadata")]) == 2


def test_a_budget_alert_that_could_not_be_posted_is_sent_later(
    runtime: Runtime, fake_slack: FakeSlack, clock: Clock
) -> None:
    seed_ledger(runtime.db(), runtime.catalog)
    client = workspace_clients(runtime)
    post_due_digests(runtime, client, NOW)  # the digest goes out first
    fake_slack.fail_next("chat.postMessage", status=500)
    assert [a.channels for a in run_tick(runtime, client, "clock-a").alerts] == [()]
    clock.now = NOW + timedelta(minutes=1)
    assert [a.channels for a in run_tick(runtime, client, "clock-a").alerts] == [(CHANNEL,)]


def test_the_clock_ticks_until_stopped(runtime: Runtime, fake_slack: FakeSlack) -> None:
    seed_ledger(runtime.db(), runtime.catalog)
    stop = threading.Event()
    ticks: list[int] = []
    thread = threading.Thread(target=lambda: ticks.append(run_clock(runtime, stop, 0.01)))
    thread.start()
    fake_slack.wait_for("chat.postMessage", count=2)  # the digest and the 80% alert
    stop.set()
    thread.join(timeout=5)
    assert ticks and ticks[0] >= 1
    assert len(digests_posted(fake_slack)) == 1


def test_send_dry_run_claims_and_posts_nothing(runtime: Runtime, fake_slack: FakeSlack) -> None:
    seed_ledger(runtime.db(), runtime.catalog)
    [preview] = send_digests(runtime, None, NOW, dry_run=True)
    assert (preview.status, preview.day) == ("preview", MONDAY)
    assert preview.text is not None and preview.text.startswith("LLM spend digest")
    assert get_digest(runtime.db(), WS, CHANNEL, MONDAY) is None
    [sent] = send_digests(runtime, workspace_clients(runtime), NOW, day=date(2026, 10, 28))
    assert (sent.status, sent.day) == ("posted", date(2026, 10, 28))
    assert fake_slack.calls("chat.postMessage")[0].body["metadata"]["event_payload"]["day"] == (
        "2026-10-28"
    )
