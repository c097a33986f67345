"""The one Slack-formatting module: escaping out, entities in, limits, and its users."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from slack_bolt import App
from slack_sdk import WebClient

import prices
from bot.digest.alerts import alert_text
from bot.digest.post import send_digest_message
from bot.render import slack
from bot.store.budgets import Budget
from bot.store.digests import DigestClaim
from bot.store.workspace import Workspace
from tests.bot.slack_requests import BOT_TOKEN, command_body, dispatch
from tests.fake_slack import FakeSlack

PINGS = ("<!channel>", "<!here>", "<!everyone>", "<@U999>")


@pytest.mark.parametrize("ping", PINGS)
def test_escape_makes_special_mentions_inert(ping: str) -> None:
    escaped = slack.escape(f"tag {ping} & more")
    assert "<" not in escaped and ">" not in escaped
    assert escaped.endswith("&amp; more")


def test_unescape_incoming_is_one_pass() -> None:
    assert slack.unescape_incoming("a &lt; b &amp;&amp; c &gt; d") == "a < b && c > d"
    # A user who typed the entity itself (Slack sends `&amp;lt;`) keeps it.
    assert slack.unescape_incoming("&amp;lt;") == "&lt;"
    assert slack.unescape_incoming(slack.escape("<!here> & <b>")) == "<!here> & <b>"


def test_message_keeps_slacks_limits() -> None:
    blocks = [slack.section(str(i)) for i in range(70)]
    payload = slack.message("x" * 50_000, blocks)
    assert len(payload["text"]) == slack.MAX_TEXT_CHARS
    assert len(payload["blocks"]) == slack.MAX_BLOCKS
    assert payload["blocks"][-1] == blocks[-1]  # the small print / buttons survive a cut
    assert len(slack.section("y" * 5000)["text"]["text"]) == slack.MAX_SECTION_CHARS
    assert len(slack.header("z" * 500)["text"]["text"]) == slack.MAX_HEADER_CHARS
    assert len(slack.context(*["n"] * 12)["elements"]) == slack.MAX_CONTEXT_ELEMENTS


def test_button_refuses_a_value_slack_would_reject() -> None:
    label = slack.button("L" * 100, "a", "v")["text"]["text"]
    assert len(label) == slack.MAX_BUTTON_TEXT_CHARS
    with pytest.raises(ValueError, match="at most 2000"):
        slack.button("ok", "a", "v" * 2001)


def test_slash_command_text_is_unescaped_once_at_the_edge(
    app: App, fake_slack: FakeSlack, encodings: dict[str, str]
) -> None:
    """Slack delivers `<`, `>`, `&` as entities; the count is of what the user typed."""
    if encodings.get("o200k_base") != "ok":
        pytest.skip("needs TIKTOKEN_CACHE_DIR (the offline encoding files)")
    typed = "a < b && c > d"
    delivered = slack.escape(typed)
    body = command_body(f"count gpt-4o {delivered}", fake_slack.response_url())
    reply = json.loads(dispatch(app, body).body)
    expected = prices.count_tokens(typed, "gpt-4o").tokens
    assert expected == 7
    assert f"gpt-4o: {expected} tokens" in reply["text"]


def test_a_budget_alert_cannot_ping_the_channel() -> None:
    now = datetime(2026, 11, 2, 9, tzinfo=UTC)
    budget = Budget(1, Workspace("T1"), "<!channel>", Decimal(100), "month", "U1", now)
    text = alert_text(budget, Decimal(85), 80, date(2026, 11, 1))
    assert "<!channel>" not in text and "#&lt;!channel&gt;" in text


def test_a_digest_text_fallback_cannot_ping_the_channel(fake_slack: FakeSlack) -> None:
    client = WebClient(token=BOT_TOKEN, base_url=fake_slack.url)
    claim = DigestClaim(Workspace("T1"), "C1", date(2026, 11, 2), "clock", 1, "msg-1")
    send_digest_message(client, claim, "Top tags: <!here> $5", [slack.section("x")])
    [call] = fake_slack.calls("chat.postMessage")
    assert call.body["text"] == "Top tags: &lt;!here&gt; $5"
