"""Slack-only additions to a reply: the "Share in channel" button and the FAQ buttons.

FAQ answers get their related questions and the "Was this helpful?" pair; FAQ misses get
their closest questions, so a miss is one click from an answer.

Kept apart from the renderers so the same reply stays identical across surfaces; only the
interactive parts depend on where it is shown.
"""

from __future__ import annotations

from typing import Any

from bot.render.slack import MAX_BLOCKS, MAX_BUTTON_VALUE_CHARS, button
from bot.reply import Reply

__all__ = [
    "ACTION_FAQ_FEEDBACK",
    "ACTION_FAQ_RELATED",
    "ACTION_FAQ_VOTE",
    "ACTION_SHARE",
    "decorate",
    "feedback_block",
]

ACTION_SHARE = "share_reply"
ACTION_FAQ_RELATED = "faq_related"
ACTION_FAQ_VOTE = "faq_vote"
ACTION_FAQ_FEEDBACK = "faq_feedback"
"""Slack's thumbs up/down (`feedback_buttons`) on FAQ answers in the assistant thread; the
values are `<faq id>:yes` / `<faq id>:no`, stored like the "Was this helpful?" buttons."""
ACTION_OPEN_ESTIMATOR = "home_open_estimator"
"""Same action id as App Home's button (`bot.render.home.ACTION_ESTIMATE`): opens the modal."""


def feedback_block(faq_id: str) -> dict[str, Any]:
    """A `context_actions` block with Slack's feedback buttons for one FAQ answer."""

    def side(label: str, verdict: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": label}, "value": f"{faq_id}:{verdict}",
                "accessibility_label": f"{label}: this answer"}  # fmt: skip

    return {"type": "context_actions", "block_id": "faq_feedback", "elements": [{
        "type": "feedback_buttons", "action_id": ACTION_FAQ_FEEDBACK,
        "positive_button": side("Helpful", "yes"), "negative_button": side("Not helpful", "no"),
    }]}  # fmt: skip


_SHAREABLE = {"estimate", "compare", "count", "price", "models", "faq"}


def decorate(reply: Reply, surface: str, typed_text: str) -> list[dict[str, Any]]:
    """The reply's blocks plus the buttons that fit where it is shown.

    `typed_text` is what the user typed; the share button carries it so the shared answer is
    computed again rather than copied.
    """
    blocks = list(reply.blocks)
    rows: list[dict[str, Any]] = []
    if reply.kind == "faq" and reply.data.get("id"):
        faq_id = str(reply.data["id"])
        related = [
            button(question, f"{ACTION_FAQ_RELATED}_{i}", rid)
            for i, (rid, question) in enumerate(reply.related[:5])
        ]
        if related:
            rows.append({"type": "actions", "block_id": "faq_related", "elements": related})
        rows.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": "Was this helpful?"}]})  # fmt: skip
        rows.append({
            "type": "actions",
            "block_id": "faq_vote",
            "elements": [
                button("Yes", f"{ACTION_FAQ_VOTE}_yes", f"{faq_id}:yes", "primary"),
                button("No", f"{ACTION_FAQ_VOTE}_no", f"{faq_id}:no"),
            ],
        })  # fmt: skip
    if reply.kind == "faq_miss":
        # The closest questions as buttons too: one click answers it in place (faq-bots §7).
        suggested = [
            button(str(s["question"]), f"{ACTION_FAQ_RELATED}_{i}", str(s["id"]))
            for i, s in enumerate(reply.data.get("suggestions") or [])
            if s.get("id") and s.get("question")
        ]
        if suggested:
            rows.append({"type": "actions", "block_id": "faq_related", "elements": suggested})
    if reply.kind == "help" and surface in ("command", "dm", "mention"):
        rows.append({"type": "actions", "block_id": "help_estimator", "elements": [
            button("Estimate LLM cost", ACTION_OPEN_ESTIMATOR, "help")]})  # fmt: skip
    share_text = typed_text.strip()
    if (
        surface == "command"
        and not reply.share
        and reply.kind in _SHAREABLE
        and share_text
        and len(share_text) <= MAX_BUTTON_VALUE_CHARS
    ):
        rows.append({
            "type": "actions",
            "block_id": "share",
            "elements": [button("Share in channel", ACTION_SHARE, share_text)],
        })  # fmt: skip
    room = MAX_BLOCKS - len(blocks)
    return blocks + rows[: max(room, 0)]
