"""The FAQ through Slack: real Bolt dispatch of signed requests, a real SQLite file, the fake Slack.

A question via `/tokencost` is answered ephemerally with related-question buttons and the
"Was this helpful?" pair; clicking a related question answers it in place; votes are stored
one per person and entry; an unanswerable question is a recorded miss with suggestions; an
off-topic one is declined; and an @-mention gets the same answers in its thread.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from slack_bolt import App

import faq
from bot.runtime import Runtime
from bot.store.queries import FaqVoteTally, faq_vote_tallies, recent_faq_misses, recent_queries
from bot.store.workspace import Workspace
from tests.bot.slack_requests import (
    action_body,
    command_body,
    dispatch,
    event_body,
)
from tests.fake_slack import FakeSlack, SlackCall

QUESTION = "why do output tokens cost more than input tokens?"
ANSWER_ID = "why-output-costs-more"
UNANSWERABLE = "what does it cost?"
"""On topic but too vague to answer: a miss with suggestions."""
OFF_TOPIC = "what's the weather in Paris?"

WS = Workspace("T123")
"""The workspace these tests read and write."""


def ask(app: App, fake_slack: FakeSlack, text: str) -> dict[str, Any]:
    """Send `/tokencost <text>` and return the ephemeral reply carried in the ack."""
    response = dispatch(app, command_body(text, fake_slack.response_url()))
    assert response.status == 200
    reply: dict[str, Any] = json.loads(response.body)
    assert reply["response_type"] == "ephemeral"
    return reply


def click(app: App, fake_slack: FakeSlack, action_id: str, value: str, hook: str,
          user: str = "U111") -> None:  # fmt: skip
    """Click a button on a message whose `response_url` is the fake's `response/<hook>`."""
    body = action_body(action_id, value, fake_slack.response_url(hook), user=user)
    assert dispatch(app, body).status == 200


def actions(blocks: list[dict[str, Any]], block_id: str) -> list[dict[str, Any]]:
    """The buttons of the actions block `block_id` (empty when there is none)."""
    for block in blocks:
        if block.get("type") == "actions" and block.get("block_id") == block_id:
            elements: list[dict[str, Any]] = block["elements"]
            return elements
    return []


def wait_until(condition: Any, timeout: float = 5.0) -> Any:
    """Poll `condition()` until it is truthy (listeners finish after the ack), then return it."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


def mention(app: App, fake_slack: FakeSlack, text: str, ts: str) -> SlackCall:
    """@-mention the bot with `text` and return its threaded reply."""
    event = {
        "type": "app_mention", "user": "U111", "text": f"<@UBOT> {text}", "ts": ts,
        "channel": "C222", "team": "T123",
    }  # fmt: skip
    before = len(fake_slack.calls("chat.postMessage"))
    assert dispatch(app, event_body(event, event_id=f"Ev{ts}")).status == 200
    posted = fake_slack.wait_for("chat.postMessage", before + 1)[before]
    assert posted.body["thread_ts"] == ts
    return posted


# -- /tokencost --------------------------------------------------------------------------------


def test_a_question_is_answered_ephemerally_with_related_and_vote_buttons(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    reply = ask(app, fake_slack, QUESTION)
    entry = faq.get_entry(ANSWER_ID)
    assert entry.question in reply["text"]
    assert "{{" not in reply["text"]
    related = actions(reply["blocks"], "faq_related")
    assert [b["value"] for b in related] == list(entry.related)
    assert [b["action_id"] for b in related] == [f"faq_related_{i}" for i in range(len(related))]
    assert [b["text"]["text"] for b in related] == [
        faq.get_entry(i).question for i in entry.related
    ]
    votes = actions(reply["blocks"], "faq_vote")
    assert [(b["action_id"], b["value"]) for b in votes] == [
        ("faq_vote_yes", f"{ANSWER_ID}:yes"),
        ("faq_vote_no", f"{ANSWER_ID}:no"),
    ]
    assert any("Was this helpful?" in json.dumps(b) for b in reply["blocks"])
    rows = wait_until(lambda: recent_queries(runtime.db(), WS))
    assert rows[0].kind == "faq" and rows[0].surface == "command"


def test_clicking_a_related_question_answers_it_in_place(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    related_id = faq.get_entry(ANSWER_ID).related[0]
    click(app, fake_slack, "faq_related_0", related_id, "related")
    posted = fake_slack.wait_for("response/related")[0].body
    related = faq.get_entry(related_id)
    assert posted["replace_original"] is True
    assert related.question in posted["text"]
    votes = actions(posted["blocks"], "faq_vote")
    assert [b["value"] for b in votes] == [f"{related_id}:yes", f"{related_id}:no"]
    assert [b["value"] for b in actions(posted["blocks"], "faq_related")] == list(related.related)
    rows = wait_until(lambda: recent_queries(runtime.db(), WS))
    assert rows[0].kind == "faq" and rows[0].surface == "action"


def test_a_vote_is_stored_and_a_second_vote_by_the_same_person_replaces_it(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    click(app, fake_slack, "faq_vote_yes", f"{ANSWER_ID}:yes", "vote")
    thanks = fake_slack.wait_for("response/vote")[0].body
    assert thanks["replace_original"] is False
    assert thanks["response_type"] == "ephemeral"
    assert faq_vote_tallies(runtime.db(), WS) == [FaqVoteTally(ANSWER_ID, 1, 0)]

    click(app, fake_slack, "faq_vote_no", f"{ANSWER_ID}:no", "vote")
    fake_slack.wait_for("response/vote", 2)
    assert faq_vote_tallies(runtime.db(), WS) == [FaqVoteTally(ANSWER_ID, 0, 1)]

    click(app, fake_slack, "faq_vote_yes", f"{ANSWER_ID}:yes", "vote", user="U999")
    fake_slack.wait_for("response/vote", 3)
    assert faq_vote_tallies(runtime.db(), WS) == [FaqVoteTally(ANSWER_ID, 1, 1)]


@pytest.mark.parametrize("value", ["", ":yes", f"{ANSWER_ID}", f"{ANSWER_ID}:maybe", "nope:yes"])
def test_a_malformed_vote_is_not_stored(
    app: App, runtime: Runtime, fake_slack: FakeSlack, value: str
) -> None:
    click(app, fake_slack, "faq_vote_yes", value, "bad")
    reply = fake_slack.wait_for("response/bad")[0].body
    assert reply["replace_original"] is False
    assert "Traceback" not in reply["text"]
    assert faq_vote_tallies(runtime.db(), WS) == []


def test_an_unanswerable_question_is_a_recorded_miss_with_suggestions(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    reply = ask(app, fake_slack, UNANSWERABLE)
    assert "I don't have a stored answer for that yet" in reply["text"]
    assert actions(reply["blocks"], "faq_vote") == []
    misses = wait_until(lambda: recent_faq_misses(runtime.db(), WS))
    assert [m.question for m in misses] == [UNANSWERABLE]
    assert misses[0].user_id == "U111"
    assert 1 <= len(misses[0].suggestions) <= 3
    for entry_id in misses[0].suggestions:
        assert faq.get_entry(entry_id).question in reply["text"]
    # the suggestions are buttons too: one click answers the question in place
    buttons = actions(reply["blocks"], "faq_related")
    assert [b["value"] for b in buttons] == list(misses[0].suggestions)
    rows = wait_until(lambda: recent_queries(runtime.db(), WS))
    assert rows[0].kind == "faq_miss"


def test_an_off_topic_question_is_declined_and_not_recorded_as_a_miss(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    reply = ask(app, fake_slack, OFF_TOPIC)
    assert "doesn't look like a question I can answer" in reply["text"]
    for entry in faq.list_entries():
        assert entry.question not in reply["text"]
    assert actions(reply["blocks"], "faq_vote") == []
    assert actions(reply["blocks"], "faq_related") == []
    rows = wait_until(lambda: recent_queries(runtime.db(), WS))
    assert rows[0].kind == "faq_miss"
    assert recent_faq_misses(runtime.db(), WS) == []


# -- @-mentions --------------------------------------------------------------------------------


def test_a_mention_answers_a_question_in_its_thread_with_buttons(
    app: App, fake_slack: FakeSlack
) -> None:
    posted = mention(app, fake_slack, QUESTION, "1700000000.000100")
    assert faq.get_entry(ANSWER_ID).question in posted.body["text"]
    blocks = posted.json_field("blocks")
    assert [b["value"] for b in actions(blocks, "faq_related")] == list(
        faq.get_entry(ANSWER_ID).related
    )
    assert [b["value"] for b in actions(blocks, "faq_vote")] == [
        f"{ANSWER_ID}:yes",
        f"{ANSWER_ID}:no",
    ]


def test_a_mention_with_an_unanswerable_question_is_a_recorded_miss(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    posted = mention(app, fake_slack, UNANSWERABLE, "1700000000.000200")
    assert "I don't have a stored answer for that yet" in posted.body["text"]
    misses = wait_until(lambda: recent_faq_misses(runtime.db(), WS))
    assert [m.question for m in misses] == [UNANSWERABLE]


def test_a_mention_with_an_off_topic_question_is_declined(
    app: App, runtime: Runtime, fake_slack: FakeSlack
) -> None:
    posted = mention(app, fake_slack, OFF_TOPIC, "1700000000.000300")
    assert "doesn't look like a question I can answer" in posted.body["text"]
    assert actions(posted.json_field("blocks") or [], "faq_vote") == []
    time.sleep(0.1)
    assert recent_faq_misses(runtime.db(), WS) == []
