"""The real Bolt app dispatching signed requests, against the local fake Slack Web API."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.request import BoltRequest

from bot.config import Settings
from bot.runtime import Runtime
from bot.slack.app import build_app
from bot.store.queries import recent_queries
from bot.store.workspace import Workspace
from tests.bot.slack_requests import (
    BOT_TOKEN,
    action_body,
    command_body,
    dispatch,
    event_body,
    sign,
)
from tests.fake_slack import FakeSlack

WS = Workspace("T123")
"""The workspace these tests read and write."""


def wait_rows(runtime: Runtime, count: int, timeout: float = 5.0) -> list[Any]:
    deadline = time.monotonic() + timeout
    while True:
        rows = recent_queries(runtime.db(), WS, limit=50)
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.02)


def test_slash_command_answers_in_the_ack_ephemerally(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    body = command_body("gpt-4o 1000 in 500 out x 10k/day", fake_slack.response_url())
    response = dispatch(app, body)
    assert response.status == 200
    reply = json.loads(response.body)
    assert reply["response_type"] == "ephemeral"
    assert "gpt-4o" in reply["text"]
    assert "$0.0075" in reply["text"]
    share = [b for b in reply["blocks"] if b.get("block_id") == "share"]
    assert share[0]["elements"][0]["value"] == "gpt-4o 1000 in 500 out x 10k/day"
    rows = wait_rows(runtime, 1)
    assert rows[0].kind == "estimate"
    assert rows[0].surface == "command"
    assert rows[0].user_id == "U111"
    assert rows[0].model == "gpt-4o"
    assert str(rows[0].cost_usd) == "0.0075"


def test_share_word_posts_for_the_channel_through_response_url(
    app: App, fake_slack: FakeSlack
) -> None:
    body = command_body("gpt-4o 1000 500 share", fake_slack.response_url())
    response = dispatch(app, body)
    assert response.status == 200
    assert response.body == ""
    posted = fake_slack.wait_for("response/hook")[0]
    assert posted.body["response_type"] == "in_channel"
    assert "gpt-4o" in posted.body["text"]


def test_share_button_reposts_in_channel(app: App, fake_slack: FakeSlack) -> None:
    body = action_body("share_reply", "gpt-4o 1000 500", fake_slack.response_url("btn"))
    assert dispatch(app, body).status == 200
    calls = fake_slack.wait_for("response/btn", 2)
    assert calls[0].body["response_type"] == "in_channel"
    assert "gpt-4o" in calls[0].body["text"]
    assert calls[1].body["delete_original"] is True


def test_bad_input_gets_one_friendly_sentence(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    response = dispatch(app, command_body("gpt-4x 1000 500", fake_slack.response_url()))
    reply = json.loads(response.body)
    assert reply["response_type"] == "ephemeral"
    assert "Did you mean" in reply["text"]
    assert "Traceback" not in reply["text"]
    rows = wait_rows(runtime, 1)
    assert rows[0].outcome == "error"


BAD_SIGNATURES: dict[str, Callable[[str], dict[str, str]]] = {
    "missing-headers": lambda body: {},
    "tampered-body": lambda body: sign(body.replace("1000", "9000")),
    "wrong-secret": lambda body: sign(body, secret="wrong-secret"),
    "older-than-5-minutes": lambda body: sign(body, timestamp=int(time.time()) - 301),
}


@pytest.mark.parametrize("case", sorted(BAD_SIGNATURES))
def test_unsigned_requests_are_refused_and_not_logged(
    app: App, runtime: Runtime, fake_slack: FakeSlack, case: str
) -> None:
    body = command_body("gpt-4o 1000 500", fake_slack.response_url())
    response = dispatch(app, body, BAD_SIGNATURES[case](body))
    assert response.status == 401
    time.sleep(0.1)
    assert recent_queries(runtime.db(), WS) == []
    assert fake_slack.calls("response/hook") == []


def test_slacks_published_signing_example_is_accepted(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    # docs.slack.dev/authentication/verifying-requests-from-slack, with the clock pinned to it.
    secret = "8f742231b10e8888abcd99yyyzzz85a5"
    body = (
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
        "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook"
        "-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F39770"
        "0885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d"
        "2c447fce8b6703c"
    )
    headers: dict[str, str | Sequence[str]] = {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": "1531420618",
        "x-slack-signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    }
    settings = Settings(
        db_path=tmp_path / "t.db", bot_token=BOT_TOKEN, signing_secret=secret,
        slack_api_url=fake_slack.url,
    )  # fmt: skip
    pinned = Runtime.start(settings, clock=lambda: datetime.fromtimestamp(1531420630, UTC))
    try:
        app = build_app(pinned)
        # The command is /webhook-collect, which we don't handle: verified, then 404 (not 401).
        assert app.dispatch(BoltRequest(body=body, headers=headers)).status == 404
        tampered = body.replace("roadrunner", "coyote")
        assert app.dispatch(BoltRequest(body=tampered, headers=headers)).status == 401
    finally:
        pinned.close()


def test_mention_is_answered_in_the_thread_once_despite_retries(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    event = {
        "type": "app_mention", "user": "U111", "text": "<@UBOT> gpt-4o 1000 500",
        "ts": "1700000000.000100", "channel": "C222", "team": "T123",
    }  # fmt: skip
    body = event_body(event, event_id="EvMention1")
    assert dispatch(app, body).status == 200
    retry_headers = {**sign(body), "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"}
    assert dispatch(app, body, retry_headers).status == 200
    posted = fake_slack.wait_for("chat.postMessage")
    time.sleep(0.3)
    posted = fake_slack.calls("chat.postMessage")
    assert len(posted) == 1
    assert posted[0].body["thread_ts"] == "1700000000.000100"
    assert "gpt-4o" in posted[0].body["text"]
    assert wait_rows(runtime, 1)[0].surface == "mention"


def test_direct_message_is_answered_and_bots_are_ignored(app: App, fake_slack: FakeSlack) -> None:
    dm = {"type": "message", "channel_type": "im", "user": "U111", "text": "price gpt-4o",
          "ts": "1700000001.000200", "channel": "D333", "team": "T123"}  # fmt: skip
    bot = {**dm, "bot_id": "B999", "ts": "1700000002.000300", "text": "gpt-4o 1 1"}
    assert dispatch(app, event_body(bot, event_id="EvBot")).status == 200
    assert dispatch(app, event_body(dm, event_id="EvDm")).status == 200
    posted = fake_slack.wait_for("chat.postMessage")
    time.sleep(0.3)
    posted = fake_slack.calls("chat.postMessage")
    assert len(posted) == 1
    assert posted[0].body["channel"] == "D333"
    assert posted[0].body["thread_ts"] == "1700000001.000200"


def test_app_home_publishes_spend_estimator_and_digest(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    dispatch(app, command_body("gpt-4o 1000 500", fake_slack.response_url()))
    wait_rows(runtime, 1)
    event = {"type": "app_home_opened", "user": "U111", "channel": "D333", "tab": "home"}
    assert dispatch(app, event_body(event, event_id="EvHome")).status == 200
    call = fake_slack.wait_for("views.publish")[0]
    view = call.json_field("view")
    text = json.dumps(view)
    assert call.body["user_id"] == "U111"
    assert view["type"] == "home"
    assert "Spend today" in text
    assert "home_open_estimator" in text
    assert "Daily digest" in text


def test_digest_on_a_named_channel_is_resolved_and_subscribed(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    fake_slack.respond_with(
        "conversations.list",
        {"ok": True, "channels": [{"id": "C0COSTS1", "name": "llm-costs"}],
         "response_metadata": {"next_cursor": ""}},
    )  # fmt: skip
    text = "digest on #llm-costs at 09:00 Europe/Berlin"
    ack = dispatch(app, command_body(text, fake_slack.response_url("named")))
    assert (ack.status, ack.body) == (200, "")  # the look-ups come after the ack
    [reply] = fake_slack.wait_for("response/named")
    assert "<#C0COSTS1>" in reply.body["text"]
    assert "09:00 Europe/Berlin" in reply.body["text"]
    assert reply.body["response_type"] == "ephemeral"
    linked = "digest on <#C0COSTS2|ops> at 08:30"
    assert dispatch(app, command_body(linked, fake_slack.response_url("linked"))).body == ""
    [reply] = fake_slack.wait_for("response/linked")
    assert "<#C0COSTS2>" in reply.body["text"]
    assert len(fake_slack.calls("conversations.list")) == 1
    assert [c.body["channel"] for c in fake_slack.calls("conversations.info")] == [
        "C0COSTS1", "C0COSTS2"]  # fmt: skip


def test_digest_on_an_unknown_channel_says_what_to_do(app: App, fake_slack: FakeSlack) -> None:
    fake_slack.respond_with("conversations.list", {"ok": True, "channels": []})
    body = command_body("digest on #nowhere", fake_slack.response_url())
    assert dispatch(app, body).body == ""
    [reply] = fake_slack.wait_for("response/hook")
    assert "can't find the channel" in reply.body["text"]


def test_a_failed_query_log_write_never_fails_the_reply(
    app: App, runtime: Runtime, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    runtime.db().execute("DROP TABLE queries")
    response = dispatch(app, command_body("gpt-4o 1000 500", fake_slack.response_url()))
    assert response.status == 200
    assert "$0.0075" in json.loads(response.body)["text"]
    deadline = time.monotonic() + 5
    while "query log write failed" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "query log write failed" in caplog.text
