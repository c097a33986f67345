"""The estimator modal and the "Count tokens" shortcut through signed requests and the fake
Web API (views.open, block_suggestion, view_submission, share, message shortcut)."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
from slack_bolt import App

from bot.render.count import ACTION_COUNT_MODEL, COUNT_SHORTCUT_CALLBACK
from bot.render.views import (
    ACTION_MODEL,
    ACTION_SHARE,
    ACTION_SHARE_TO,
    BLOCK_INPUT,
    BLOCK_MODEL,
    BLOCK_OUTPUT,
    BLOCK_PERIOD,
    BLOCK_REQUESTS,
    BLOCK_SHARE,
    ESTIMATOR_CALLBACK,
    EstimatorForm,
    estimator_view,
)
from bot.runtime import Runtime
from bot.slack.listeners.estimator import OPEN_TIMEOUT_S
from bot.store.queries import recent_queries
from bot.store.workspace import Workspace
from tests.bot.slack_payloads import valid_blocks, valid_view
from tests.bot.slack_requests import (
    dispatch,
    menu_action_body,
    message_action_body,
    shortcut_body,
    suggestion_body,
    view_action_body,
    view_submission_body,
)
from tests.fake_slack import FakeSlack

WS = Workspace("T123")
SECRET = "the quarterly numbers are 7b2f-unique-marker-91c3"


def _values(model: str | None, inp: str, out: str, requests: str = "",
            period: str = "day") -> dict[str, Any]:  # fmt: skip
    values: dict[str, Any] = {
        BLOCK_INPUT: {"value": {"type": "plain_text_input", "value": inp}},
        BLOCK_OUTPUT: {"value": {"type": "plain_text_input", "value": out}},
        BLOCK_REQUESTS: {"value": {"type": "plain_text_input", "value": requests}},
        BLOCK_PERIOD: {"value": {"type": "static_select", "selected_option": {
            "text": {"type": "plain_text", "text": period}, "value": period}}},
    }  # fmt: skip
    if model:
        values[BLOCK_MODEL] = {ACTION_MODEL: {"type": "external_select", "selected_option": {
            "text": {"type": "plain_text", "text": model}, "value": model}}}  # fmt: skip
    return values


def _rows(runtime: Runtime, count: int) -> list[Any]:
    deadline = time.monotonic() + 5
    while True:
        rows = recent_queries(runtime.db(), WS, limit=50)
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.02)


def test_global_shortcut_opens_the_estimator_with_the_trigger(
    app: App, fake_slack: FakeSlack
) -> None:
    started = time.perf_counter()
    response = dispatch(app, shortcut_body(ESTIMATOR_CALLBACK))
    assert response.status == 200
    assert time.perf_counter() - started < 3
    opened = fake_slack.calls("views.open")  # in the request thread: already there
    assert len(opened) == 1
    assert opened[0].body["trigger_id"] == "123.456.abc"
    view = opened[0].json_field("view")
    assert view["callback_id"] == ESTIMATOR_CALLBACK
    valid_view(view)


def test_home_button_opens_the_estimator_too(app: App, fake_slack: FakeSlack) -> None:
    home = {"type": "home", "blocks": []}
    action = {"type": "button", "action_id": "home_open_estimator", "value": "home"}
    assert dispatch(app, view_action_body(home, {}, action)).status == 200
    assert len(fake_slack.calls("views.open")) == 1


def test_a_slow_views_open_cannot_hold_the_ack_past_the_window(
    app: App, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    fake_slack.slow_next("views.open", seconds=3)
    started = time.perf_counter()
    assert dispatch(app, shortcut_body(ESTIMATOR_CALLBACK)).status == 200
    took = time.perf_counter() - started
    assert OPEN_TIMEOUT_S <= took < 3, took  # gives up at the timeout, no retries
    assert "views.open estimator failed" in caplog.text


def test_a_failed_views_open_is_logged_not_raised(
    app: App, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    fake_slack.respond_with("views.open", {"ok": False, "error": "expired_trigger_id"})
    assert dispatch(app, shortcut_body(ESTIMATOR_CALLBACK)).status == 200
    assert "expired_trigger_id" in caplog.text


def test_model_suggestions_answer_in_the_ack_quickly(app: App, runtime: Runtime) -> None:
    view = estimator_view(runtime.catalog)
    started = time.perf_counter()
    response = dispatch(app, suggestion_body(ACTION_MODEL, "claude-sonn", view=view))
    elapsed = time.perf_counter() - started
    assert response.status == 200
    options = json.loads(response.body)["options"]
    assert 0 < len(options) <= 100
    assert options[0]["value"].startswith("anthropic/claude-sonnet")
    assert elapsed < 1.0  # well within Slack's 3 s (measured ~5 ms)


def test_submission_with_bad_fields_answers_errors_in_the_ack(app: App, runtime: Runtime) -> None:
    view = estimator_view(runtime.catalog)
    response = dispatch(app, view_submission_body(view, _values(None, "lots", "")))
    assert response.status == 200
    answer = json.loads(response.body)
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {BLOCK_MODEL, BLOCK_INPUT, BLOCK_OUTPUT}
    assert answer["errors"][BLOCK_MODEL] == "Pick a model."


def test_submission_updates_the_modal_with_the_estimate_and_logs_it(
    app: App, runtime: Runtime
) -> None:
    view = estimator_view(runtime.catalog, EstimatorForm(channel_id="C222"))
    body = view_submission_body(view, _values("openai/gpt-4o", "1000", "500", "10k", "day"))
    response = dispatch(app, body)
    answer = json.loads(response.body)
    assert answer["response_action"] == "update"
    updated = answer["view"]
    valid_view(updated)
    text = json.dumps(updated["blocks"])
    assert "$0.0075" in text  # 1000 in + 500 out on gpt-4o: $0.0025 + $0.005
    share = next(b for b in updated["blocks"] if b.get("block_id") == BLOCK_SHARE)
    assert share["elements"][1]["value"] == "gpt-4o 1000 in 500 out x 10000/day"
    rows = _rows(runtime, 1)
    assert [(r.surface, r.kind, r.model, str(r.cost_usd)) for r in rows] == [
        ("modal", "estimate", "gpt-4o", "0.0075")
    ]


def _share(app: App, runtime: Runtime, channel: str) -> None:
    view = estimator_view(runtime.catalog, EstimatorForm(channel_id="C222"))
    values = _values("openai/gpt-4o", "1000", "500")
    values[BLOCK_SHARE] = {ACTION_SHARE_TO: {"type": "conversations_select",
                                             "selected_conversation": channel}}  # fmt: skip
    action = {"type": "button", "action_id": ACTION_SHARE, "value": "gpt-4o 1000 in 500 out"}
    assert dispatch(app, view_action_body(view, values, action)).status == 200


def test_share_posts_to_the_chosen_conversation_and_says_so(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    _share(app, runtime, "C999")
    posted = fake_slack.wait_for("chat.postMessage")[0]
    assert posted.body["channel"] == "C999"
    assert "$0.0075" in posted.body["text"]
    valid_blocks(posted.json_field("blocks"))
    update = fake_slack.wait_for("views.update")[0]
    assert update.body["view_id"] == "V123"
    view = update.json_field("view")
    valid_view(view)
    assert "Shared in <#C999>." in json.dumps(view)


def test_share_where_i_am_not_updates_the_modal_with_a_sentence(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    fake_slack.respond_with("chat.postMessage", {"ok": False, "error": "not_in_channel"})
    _share(app, runtime, "C999")
    view = fake_slack.wait_for("views.update")[0].json_field("view")
    valid_view(view)
    assert "not in <#C999>" in json.dumps(view)


def test_count_shortcut_replies_ephemerally_and_never_keeps_the_text(
    app: App, runtime: Runtime, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = message_action_body(COUNT_SHORTCUT_CALLBACK, SECRET, fake_slack.response_url("cnt"))
    response = dispatch(app, body)
    assert response.status == 200 and response.body == ""
    reply = fake_slack.wait_for("response/cnt")[0].body
    assert reply["response_type"] == "ephemeral"
    valid_blocks(reply["blocks"])
    assert "gpt-4o" in reply["text"]
    assert "7b2f-unique-marker" not in json.dumps(dict(reply))
    rows = _rows(runtime, 1)
    assert [(r.surface, r.kind, r.model) for r in rows] == [("shortcut", "count", "gpt-4o")]
    runtime.close()  # flush the writer, then read the file's bytes (WAL included)
    stored = b"".join(p.read_bytes() for p in runtime.settings.db_path.parent.glob("tokencost.db*"))
    assert b"7b2f-unique-marker" not in stored
    assert "7b2f-unique-marker" not in caplog.text


def test_count_reply_re_prices_from_the_counts_in_its_block_id(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    body = message_action_body(COUNT_SHORTCUT_CALLBACK, "hello world " * 50,
                               fake_slack.response_url("cnt"))  # fmt: skip
    dispatch(app, body)
    first = fake_slack.wait_for("response/cnt")[0].body
    picker = next(b for b in first["blocks"] if b["type"] == "actions")
    action = {"type": "external_select", "action_id": ACTION_COUNT_MODEL,
              "block_id": picker["block_id"], "selected_option": {
                  "text": {"type": "plain_text", "text": "claude"},
                  "value": "anthropic/claude-sonnet-4-5"}}  # fmt: skip
    dispatch(app, menu_action_body(action, fake_slack.response_url("pick")))
    again = fake_slack.wait_for("response/pick")[0].body
    assert again["replace_original"] is True
    assert "claude-sonnet-4-5" in again["text"]
    valid_blocks(again["blocks"])
    suggest = dispatch(app, suggestion_body(ACTION_COUNT_MODEL, "gpt-4o-m"))
    assert json.loads(suggest.body)["options"][0]["value"].endswith("/gpt-4o-mini")
