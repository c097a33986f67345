"""Nothing slow inside Slack's 3-second window, and failures that answer 4xx/503, never 500.

Through the real server (`python -m bot serve`) and the fake Web API: outbound calls
(response_url, chat.postMessage, conversations.*) run after the ack, so a slow or rate-limited
Slack never holds the HTTP answer; a locked database is 503 with Retry-After or one sentence.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store.db import connect
from tests.bot.live_server import INGEST_TOKEN, Server, start_server
from tests.bot.slack_requests import command_body, event_body, sign
from tests.db_support import count_rows
from tests.fake_slack import FakeSlack

FAST = 1.0
"""Seconds an ack may take here; Slack allows 3."""


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def server(slack: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("after_ack")
    with start_server(slack, tmp, TOKENCOST_DB_BUSY_TIMEOUT_MS="300") as running:
        yield running


def timed(call: object) -> tuple[object, float]:
    started = time.monotonic()
    result = call() if callable(call) else call
    return result, time.monotonic() - started


def test_share_with_a_slow_response_url_acks_at_once(server: Server, slack: FakeSlack) -> None:
    slack.slow_next("response/slow", 4)
    body = command_body("gpt-4o 1000 500 share", slack.response_url("slow"), user="USLOW")
    response, took = timed(lambda: server.slack(body))
    assert (response.status, response.body, took < FAST) == (200, b"", True), took  # type: ignore[attr-defined]
    [posted] = slack.wait_for("response/slow", timeout=8)
    assert posted.body["response_type"] == "in_channel"
    assert "gpt-4o" in posted.body["text"]


def test_a_rate_limited_lookup_runs_after_the_ack_and_honours_retry_after(
    server: Server, slack: FakeSlack
) -> None:
    slack.fail_next("conversations.list", status=429, retry_after=2)
    slack.respond_with("conversations.list", {"ok": True, "channels": [
        {"id": "C0COSTS1", "name": "llm-costs"}]})  # fmt: skip
    body = command_body("digest on #llm-costs", slack.response_url("named"), user="UNAMED")
    response, took = timed(lambda: server.slack(body))
    assert (response.status, took < FAST) == (200, True), took  # type: ignore[attr-defined]
    [answer] = slack.wait_for("response/named", timeout=8)
    _first, _second = slack.calls("conversations.list")
    assert "<#C0COSTS1>" in answer.body["text"]
    assert answer.body["text"].startswith("Daily digest in")


def test_digest_on_where_the_bot_is_not_a_member_says_so(server: Server, slack: FakeSlack) -> None:
    slack.respond_with("conversations.info", {"ok": True, "channel": {
        "id": "C0OUTSIDE", "name": "random", "is_channel": True, "is_member": False}})  # fmt: skip
    body = command_body("digest on", slack.response_url("outside"), channel="C0OUTSIDE")
    assert server.slack(body).body == b""
    [answer] = slack.wait_for("response/outside")
    assert answer.body["text"].startswith(
        "I'm not in <#C0OUTSIDE>: invite me (`/invite @tokencost`) or choose another channel."
    )
    db = connect(server.db_path)
    try:
        assert count_rows(db, "digest_subscriptions") == 0
    finally:
        db.close()


def _mention(event_id: str, channel: str, text: str = "<@UBOT> gpt-4o 1000 500") -> str:
    event = {"type": "app_mention", "user": "UMENTION", "text": text, "ts": "1700000000.000100",
             "channel": channel, "team": "T123"}  # fmt: skip
    return event_body(event, event_id=event_id)


def test_a_rate_limited_mention_reply_does_not_hold_the_ack(
    server: Server, slack: FakeSlack
) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=3)
    response, took = timed(lambda: server.slack(_mention("EvSlow429", "C0RATE")))
    assert (response.status, took < FAST) == (200, True), took  # type: ignore[attr-defined]
    calls = slack.wait_for("chat.postMessage", count=2, timeout=10)
    assert calls[1].body["channel"] == "C0RATE"


def _seen(server: Server, event_id: str) -> bool:
    db = connect(server.db_path)
    try:
        return bool(list(db.query("SELECT 1 FROM seen_events WHERE event_id = ?", [event_id])))
    finally:
        db.close()


def test_a_mention_that_cannot_be_posted_is_not_marked_seen(
    server: Server, slack: FakeSlack
) -> None:
    slack.respond_with("chat.postMessage", {"ok": False, "error": "not_in_channel"}, times=1)
    body = _mention("EvNotIn", "C0NOTIN")
    assert server.slack(body).status == 200
    slack.wait_for("chat.postMessage")
    server.wait_log("mention reply in C0NOTIN failed: not_in_channel")
    deadline = time.monotonic() + 5
    while _seen(server, "EvNotIn") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _seen(server, "EvNotIn")
    # Slack's retry of the same event is answered, now that posting works.
    retry = {**sign(body), "content-type": "application/json", "x-slack-retry-num": "1",
             "x-slack-retry-reason": "http_error"}  # fmt: skip
    assert server.slack(body, retry).status == 200
    calls = slack.wait_for("chat.postMessage", count=2)
    assert calls[1].body["channel"] == "C0NOTIN"
    assert "Traceback" not in server.stdout() + server.stderr()


def _hold_write_lock(server: Server) -> sqlite3.Connection:
    conn = sqlite3.connect(server.db_path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def test_a_locked_database_is_503_with_retry_after_never_500(
    server: Server, slack: FakeSlack
) -> None:
    usage = json.dumps({"model": "gpt-4o", "input_tokens": 10, "id": "busy-1"})
    headers = {"content-type": "application/json", "authorization": f"Bearer {INGEST_TOKEN}"}
    lock = _hold_write_lock(server)
    try:
        refused = server.request("POST", "/usage", usage, headers)
        event = server.slack(_mention("EvBusy", "C0BUSY"))
        logged = server.slack(command_body("log gpt-4o 100 50", slack.response_url("busy")))
    finally:
        lock.rollback()
        lock.close()
    for response in (refused, event):
        assert response.status == 503
        assert {k.lower(): v for k, v in response.headers.items()}["retry-after"] == "2"
    assert logged.status == 200
    assert logged.json()["text"] == (
        "The ledger is busy right now and nothing was changed; please try again in a few seconds."
    )
    assert server.request("POST", "/usage", usage, headers).status == 202
    assert "Traceback" not in server.stdout() + server.stderr()


def test_only_commands_that_may_need_slack_take_the_listener_with_a_lazy_half() -> None:
    """Every text that parses as a shared answer or a digest command (the only ones that post
    later or look channels up) fails the ack-only test, so it reaches the lazy half."""
    import yaml

    import prices
    from bot.language import commands as c
    from bot.language.errors import ParseError
    from bot.language.parse import parse_command
    from bot.slack.listeners.commands import _answered_in_the_ack

    here = Path(__file__).parent
    texts = [
        case["q"]
        for name in ("question_eval.yaml", "question_phrasings.yaml")
        for case in yaml.safe_load((here / name).read_text())["cases"]
        if "q" in case
    ]
    texts += ["gpt-4o 1000 500 share", "share gpt-4o vs claude-sonnet-4 1k 1k", "digest on",
              "digest on #costs", "digest off", "digest", "Digest On <#C123|costs>",
              "price gpt-4o --share", "compare gpt-4o gpt-4o-mini 1k 1k public", "help share",
              "post gpt-4o 1000 500", "faq why does output cost more share",
              "dig\u200best on", "sh\u202eare gpt-4o 1000 500"]  # fmt: skip
    catalog = prices.default_catalog()
    deferred = answered = 0
    for text in texts:
        try:
            command = parse_command(text, catalog)
        except ParseError:
            continue
        if command.share or isinstance(command, c.Digest):
            assert not _answered_in_the_ack({"text": text}), text
            deferred += 1
        elif _answered_in_the_ack({"text": text}):
            answered += 1
    assert deferred >= 10 and answered > 100
    assert _answered_in_the_ack({"text": "gpt-4o 1000 in 500 out x 10k/day"})
    assert _answered_in_the_ack({})  # no text: help, answered in the ack
