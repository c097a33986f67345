"""The assistant split view through signed events: prompts, titles, answers in the thread,
Slack's feedback buttons on FAQ answers stored as votes; the help reply's estimator button."""

from __future__ import annotations

import json
import time
from typing import Any

from slack_bolt import App

from bot.runtime import Runtime
from bot.slack.decorate import ACTION_FAQ_FEEDBACK
from bot.store.queries import faq_vote_tallies, recent_queries
from bot.store.workspace import Workspace
from tests.bot.slack_payloads import valid_blocks
from tests.bot.slack_requests import command_body, dispatch, event_body, menu_action_body
from tests.fake_slack import FakeSlack

WS = Workspace("T123")
THREAD = "1729999327.187299"


def _thread_message(text: str, ts: str = "1729999400.000100") -> dict[str, Any]:
    return {"type": "message", "user": "U111", "text": text, "ts": ts, "thread_ts": THREAD,
            "channel": "D333", "channel_type": "im", "event_ts": ts}  # fmt: skip


def test_a_new_thread_gets_a_greeting_and_suggested_prompts(
    app: App, fake_slack: FakeSlack
) -> None:
    event = {"type": "assistant_thread_started", "event_ts": THREAD, "assistant_thread": {
        "user_id": "U111", "channel_id": "D333", "thread_ts": THREAD,
        "context": {"channel_id": "C222", "team_id": "T123"}}}  # fmt: skip
    assert dispatch(app, event_body(event, event_id="EvStart")).status == 200
    prompts = fake_slack.wait_for("assistant.threads.setSuggestedPrompts")[0]
    assert prompts.body["thread_ts"] == THREAD
    messages = [p["message"] for p in prompts.json_field("prompts")]
    assert "What would 10k requests/day on gpt-4o cost?" in messages
    assert "Why do output tokens cost more?" in messages
    greeting = fake_slack.wait_for("chat.postMessage")[0]
    assert greeting.body["thread_ts"] == THREAD


def test_a_question_is_answered_in_the_thread_with_title_and_feedback(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    body = event_body(_thread_message("Why do output tokens cost more?"), event_id="EvQ")
    assert dispatch(app, body).status == 200
    title = fake_slack.wait_for("assistant.threads.setTitle")[0]
    assert title.body["title"] == "Why do output tokens cost more?"
    assert fake_slack.wait_for("assistant.threads.setStatus")
    posted = fake_slack.wait_for("chat.postMessage")[0]
    assert posted.body["thread_ts"] == THREAD
    blocks = posted.json_field("blocks")
    valid_blocks(blocks)
    feedback = [b for b in blocks if b["type"] == "context_actions"]
    assert feedback, "an FAQ answer carries Slack's feedback buttons"
    buttons = feedback[0]["elements"][0]
    yes = buttons["positive_button"]["value"]
    assert yes.endswith(":yes")
    action = {"type": "feedback_buttons", "action_id": ACTION_FAQ_FEEDBACK, "value": yes}
    assert dispatch(app, menu_action_body(action, fake_slack.response_url())).status == 200
    deadline = time.monotonic() + 5
    while not faq_vote_tallies(runtime.db(), WS) and time.monotonic() < deadline:
        time.sleep(0.02)
    tallies = faq_vote_tallies(runtime.db(), WS)
    assert [(t.faq_id, t.helpful, t.not_helpful) for t in tallies] == [(yes[:-4], 1, 0)]
    while not recent_queries(runtime.db(), WS) and time.monotonic() < deadline + 5:
        time.sleep(0.02)  # the query log is written by a background writer
    rows = recent_queries(runtime.db(), WS, limit=5)
    assert [r.surface for r in rows] == ["assistant"]


def test_an_estimate_in_the_thread_is_priced(app: App, fake_slack: FakeSlack) -> None:
    body = event_body(_thread_message("gpt-4o 1000 in 500 out"), event_id="EvE")
    dispatch(app, body)
    posted = fake_slack.wait_for("chat.postMessage")[0]
    assert "$0.0075" in posted.body["text"]
    assert "context_actions" not in json.dumps(posted.json_field("blocks"))


def test_help_offers_the_estimator_button(app: App, fake_slack: FakeSlack) -> None:
    reply = json.loads(dispatch(app, command_body("help", fake_slack.response_url())).body)
    valid_blocks(reply["blocks"])
    ids = [e.get("action_id") for b in reply["blocks"] for e in b.get("elements", [])]
    assert "home_open_estimator" in ids
