"""Slack's formatting, in one place: escaping, entities, size limits, buttons and the fallback.

Every message the bot sends (replies, shared answers, digests, budget alerts, App Home) is
built from these pieces, so nothing typed by a user reaches a posted `text` unescaped and
nothing exceeds a Slack limit. Nothing else in tokencost escapes mrkdwn or knows a limit.

- Escaping: Slack treats `&`, `<` and `>` as control characters in mrkdwn and in a message's
  `text`; `<!channel>`, `<!here>`, `<@U123>` are mentions. Escaping the three characters makes
  any user-typed text inert. https://docs.slack.dev/messaging/formatting-message-text#escaping
- Entities: Slack sends `&amp;`, `&lt;`, `&gt;` in the text it delivers (slash commands and
  message events alike); `unescape_incoming` turns them back once, at the edge.
- Limits: https://docs.slack.dev/reference/block-kit/blocks and chat.postMessage's docs
  (slack-facts §1.6).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "MAX_BLOCKS",
    "MAX_BUTTON_TEXT_CHARS",
    "MAX_BUTTON_VALUE_CHARS",
    "MAX_CONTEXT_ELEMENTS",
    "MAX_CONTEXT_TEXT_CHARS",
    "MAX_HEADER_CHARS",
    "MAX_SECTION_CHARS",
    "MAX_TEXT_CHARS",
    "MAX_VIEW_BLOCKS",
    "button",
    "context",
    "cut",
    "escape",
    "header",
    "message",
    "section",
    "unescape_incoming",
]

MAX_BLOCKS = 50
"""Blocks in one message."""
MAX_VIEW_BLOCKS = 100
"""Blocks in one view (App Home, modals)."""
MAX_SECTION_CHARS = 3000
"""Characters in a section's text."""
MAX_HEADER_CHARS = 150
"""Characters in a header's plain text."""
MAX_CONTEXT_ELEMENTS = 10
"""Elements in a context block."""
MAX_CONTEXT_TEXT_CHARS = 2000
"""Characters we allow one context element (Slack's own cap is the section's)."""
MAX_TEXT_CHARS = 40_000
"""Characters in a message's top-level `text` (Slack truncates beyond it)."""
MAX_BUTTON_TEXT_CHARS = 75
"""Characters in a button's label."""
MAX_BUTTON_VALUE_CHARS = 2000
"""Characters in a button's value."""

_ENTITIES = re.compile(r"&(amp|lt|gt);")
_ENTITY_CHARS = {"amp": "&", "lt": "<", "gt": ">"}


def escape(text: str) -> str:
    """Make text inert in mrkdwn and in a message's `text`: escape `&`, `<` and `>` only."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape_incoming(text: str) -> str:
    """Text as the user typed it, from text as Slack delivers it (`&lt;` -> `<`), in one pass.

    One pass over the three entities, so `&amp;lt;` (a user who typed `&lt;`) becomes `&lt;`
    and not `<`.
    """
    return _ENTITIES.sub(lambda m: _ENTITY_CHARS[m.group(1)], text)


def cut(text: str, limit: int) -> str:
    """`text` shortened to `limit` characters, with an ellipsis when it was longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(mrkdwn: str) -> dict[str, Any]:
    """A section block; `mrkdwn` must already be escaped. Cut to Slack's limit."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(mrkdwn, MAX_SECTION_CHARS)}}


def header(title: str) -> dict[str, Any]:
    """A header block from plain text (Slack shows it literally: no escaping needed)."""
    text = cut(title, MAX_HEADER_CHARS)
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": True}}


def context(*mrkdwn: str) -> dict[str, Any]:
    """A context block of up to ten escaped mrkdwn notes."""
    notes = [cut(n, MAX_CONTEXT_TEXT_CHARS) for n in mrkdwn[:MAX_CONTEXT_ELEMENTS]]
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": n} for n in notes]}


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    """A button element; the label is cut to Slack's limit, the value must fit (see
    `MAX_BUTTON_VALUE_CHARS`: callers that carry user text check it first)."""
    if len(value) > MAX_BUTTON_VALUE_CHARS:
        raise ValueError(f"a button value holds at most {MAX_BUTTON_VALUE_CHARS} characters")
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": cut(label, MAX_BUTTON_TEXT_CHARS), "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def message(text: str, blocks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The `text` + `blocks` of a message, within Slack's limits.

    `text` is the notification and accessibility fallback and must already be escaped mrkdwn
    (every renderer here escapes what it did not write). Blocks beyond the 50th are dropped,
    keeping the last one (the context small print or the buttons) when something was cut.
    """
    payload: dict[str, Any] = {"text": cut(text, MAX_TEXT_CHARS)}
    if blocks:
        if len(blocks) > MAX_BLOCKS:
            blocks = [*blocks[: MAX_BLOCKS - 1], blocks[-1]]
        payload["blocks"] = blocks
    return payload
