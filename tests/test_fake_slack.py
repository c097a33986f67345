"""The fake Slack Web API records what it is sent and answers like Slack, scripted failures too."""

from __future__ import annotations

import json
import threading
import time
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from tests.fake_slack import FakeSlack


def _client(fake: FakeSlack, **kwargs: object) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.url, **kwargs)  # type: ignore[arg-type]


def test_url_is_loopback_with_trailing_slash(fake_slack: FakeSlack) -> None:
    assert fake_slack.url.startswith("http://127.0.0.1:")
    assert fake_slack.url.endswith("/")
    assert fake_slack.response_url() == fake_slack.url + "response/hook"


def test_records_requests_and_answers_defaults(fake_slack: FakeSlack) -> None:
    client = _client(fake_slack)
    assert client.auth_test()["team_id"] == "T123"
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*$0.0075*"}}]
    first = client.chat_postMessage(channel="C1", text="digest", blocks=blocks)
    second = client.chat_postMessage(channel="C1", text="again")
    assert first["channel"] == "C1"
    assert first["ts"] < second["ts"]
    assert first["message"]["blocks"] == blocks

    (auth,) = fake_slack.calls("auth.test")
    assert auth.token == "xoxb-test"
    posts = fake_slack.calls("chat.postMessage")
    assert [p.body["text"] for p in posts] == ["digest", "again"]
    assert posts[0].json_field("blocks") == blocks
    assert posts[0].path == "/chat.postMessage"
    assert [c.method for c in fake_slack.calls()] == ["auth.test", *["chat.postMessage"] * 2]


def test_form_encoded_bodies_are_parsed(fake_slack: FakeSlack) -> None:
    client = _client(fake_slack)
    info = client.users_info(user="U42")
    assert info["user"]["id"] == "U42"
    assert fake_slack.calls("users.info")[0].body == {"user": "U42"}
    view = {"type": "home", "blocks": []}
    assert client.views_publish(user_id="U42", view=view)["view"]["type"] == "home"
    assert fake_slack.calls("views.publish")[0].json_field("view") == view
    assert client.api_call("bots.info")["ok"] is True  # anything else: {"ok": true}


def test_response_url_posts_are_captured(fake_slack: FakeSlack) -> None:
    webhook = WebhookClient(fake_slack.response_url("cmd1"))
    assert webhook.send(text="ephemeral answer", response_type="ephemeral").status_code == 200
    (call,) = fake_slack.wait_for("response/cmd1")
    assert call.body == {"text": "ephemeral answer", "response_type": "ephemeral"}


def test_rate_limit_is_retried_after_retry_after(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    client = _client(fake_slack, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    started = time.monotonic()
    response = client.chat_postMessage(channel="C1", text="digest")
    assert response["ok"] is True
    assert time.monotonic() - started >= 1
    assert len(fake_slack.calls("chat.postMessage")) == 2


def test_rate_limit_without_retry_handler_surfaces(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as caught:
        _client(fake_slack, retry_handlers=[]).chat_postMessage(channel="C1", text="x")
    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "7"


def test_server_errors_and_scripted_answers(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.update", status=500, times=2)
    client = _client(fake_slack, retry_handlers=[])
    for _ in range(2):
        with pytest.raises(SlackApiError):
            client.chat_update(channel="C1", ts="1.1", text="x")
    assert client.chat_update(channel="C1", ts="1.1", text="x")["ts"] == "1.1"

    fake_slack.respond_with("conversations.info", {"ok": False, "error": "channel_not_found"})
    for _ in range(2):
        with pytest.raises(SlackApiError, match="channel_not_found"):
            client.conversations_info(channel="C404")
    fake_slack.reset()
    assert client.conversations_info(channel="C1")["channel"]["id"] == "C1"
    assert [c.method for c in fake_slack.calls()] == ["conversations.info"]


def test_concurrent_requests_are_all_recorded(fake_slack: FakeSlack) -> None:
    def post(n: int) -> None:
        data = json.dumps({"channel": "C1", "text": str(n)}).encode()
        request = urllib.request.Request(
            fake_slack.url + "chat.postMessage",
            data=data,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.load(response)["ok"] is True

    threads = [threading.Thread(target=post, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    calls = fake_slack.wait_for("chat.postMessage", count=20)
    assert sorted(int(c.body["text"]) for c in calls) == list(range(20))


def test_wait_for_times_out_with_what_it_saw(fake_slack: FakeSlack) -> None:
    _client(fake_slack).auth_test()
    with pytest.raises(AssertionError, match=r"chat.postMessage.*auth.test"):
        fake_slack.wait_for("chat.postMessage", timeout=0.05)


def test_stop_leaves_no_threads_behind() -> None:
    before = set(threading.enumerate())
    with FakeSlack() as fake:
        _client(fake).auth_test()
    assert set(threading.enumerate()) <= before
