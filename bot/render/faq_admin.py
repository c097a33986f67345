"""App Home's "Teach the FAQ" section, for a workspace's admins: misses to teach, recent teaching
to undo, entries due for review and answers voted down, and the "New answer…" modal.

Pure: data in, Block Kit out (App Home includes `faq_admin_blocks`; handlers live in
`bot.slack.listeners.faq_teach`). Button values never carry the workspace: handlers take it from
the signed payload.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from bot.render.slack import button, context, cut, escape, header, section
from faq.learning import MissGroup
from faq.review import NegativeAnswer, ReviewDue

__all__ = [
    "ACTION_DISMISS",
    "ACTION_DRAFT_OPEN",
    "ACTION_TEACH",
    "ACTION_TEACH_PICK",
    "ACTION_UNTEACH",
    "DRAFT_CALLBACK",
    "TaughtRow",
    "draft_modal",
    "faq_admin_blocks",
]

ACTION_TEACH = "faq_teach"
ACTION_TEACH_PICK = "faq_teach_pick"
ACTION_DISMISS = "faq_dismiss"
ACTION_UNTEACH = "faq_unteach"
ACTION_DRAFT_OPEN = "faq_draft_open"
DRAFT_CALLBACK = "faq_draft"
GROUPS_SHOWN = 5
TAUGHT_SHOWN = 5
_OPTION_CHARS = 75


class TaughtRow(Protocol):
    """A taught phrasing as App Home shows it (`bot.store.faq_learning.AlternateRow`)."""

    @property
    def id(self) -> int: ...
    @property
    def entry_id(self) -> str: ...
    @property
    def phrasing(self) -> str: ...
    @property
    def approved_by(self) -> str: ...
    @property
    def approved_utc(self) -> datetime: ...


def _who(person: str) -> str:
    """A Slack user id as a mention, anything else (``cli:ada``, a team name) as text."""
    return f"<@{person}>" if person[:1] in "UW" and person.isalnum() else escape(person)


def _options(questions: Mapping[str, str]) -> list[dict[str, Any]]:
    return [
        {"text": {"type": "plain_text", "text": cut(q, _OPTION_CHARS)}, "value": entry_id}
        for entry_id, q in list(questions.items())[:100]
    ]


def _group_blocks(group: MissGroup, questions: Mapping[str, str]) -> list[dict[str, Any]]:
    closest = group.closest
    where = (
        f" · closest: {escape(closest.entry.question)} ({closest.coverage:.0%})" if closest else ""
    )
    elements: list[dict[str, Any]] = []
    if closest is not None:
        value = json.dumps({"key": group.key, "entry_id": closest.entry.id})
        elements.append(button(f"Teach as “{closest.entry.question}”", ACTION_TEACH, value))
    elements.append({
        "type": "static_select", "action_id": ACTION_TEACH_PICK,
        "placeholder": {"type": "plain_text", "text": "This is a way of asking…"},
        "options": _options(questions),
    })  # fmt: skip
    elements.append(button("Not ours", ACTION_DISMISS, group.key))
    return [
        section(f"“{escape(group.representative)}” ×{group.count}{where}"),
        # The block id names the group, so the picker's handler knows which one was taught.
        {"type": "actions", "block_id": cut(f"faqm:{group.key}", 255), "elements": elements},
    ]


def faq_admin_blocks(
    groups: Sequence[MissGroup],
    taught: Sequence[TaughtRow],
    due: Sequence[ReviewDue],
    voted_down: Sequence[NegativeAnswer],
    questions: Mapping[str, str],
    notice: str | None = None,
) -> list[dict[str, Any]]:
    """The section for admins: at most `GROUPS_SHOWN` miss groups and `TAUGHT_SHOWN` taught.

    `notice` (escaped mrkdwn) says what the last button did, or why it was refused.
    """
    blocks: list[dict[str, Any]] = [header("Teach the FAQ")]
    if notice:
        blocks.append(context(notice))
    blocks.append(section("*Unanswered questions*"))
    if not groups:
        blocks.append(context("Nothing unanswered. Questions the FAQ cannot answer show here."))
    for group in groups[:GROUPS_SHOWN]:
        blocks.extend(_group_blocks(group, questions))
    if taught:
        blocks.append(section("*Taught recently*"))
    for row in taught[:TAUGHT_SHOWN]:
        text = (
            f"“{escape(row.phrasing)}” → {escape(questions.get(row.entry_id, row.entry_id))}"
            f" · {_who(row.approved_by)}, {row.approved_utc:%Y-%m-%d %H:%M} UTC"
        )
        block = section(text)
        block["accessory"] = button("Undo", ACTION_UNTEACH, str(row.id))
        blocks.append(block)
    owners: dict[str, list[str]] = {}
    for item in due:
        owners.setdefault(item.entry.owner, []).append(
            f"{escape(item.entry.question)} ({item.days_overdue} days over)"
        )
    if owners:
        lines = [f"• {_who(owner)}: " + "; ".join(owners[owner]) for owner in sorted(owners)]
        blocks.append(section("*Due for review*\n" + "\n".join(lines)))
    if voted_down:
        lines = [
            f"• {escape(questions.get(a.entry_id, a.entry_id))}: {a.helpful} helpful,"
            f" {a.not_helpful} not helpful"
            for a in voted_down
        ]
        blocks.append(section("*Voted down*\n" + "\n".join(lines)))
    blocks.append({"type": "actions", "block_id": "faq_new",
                   "elements": [button("New answer…", ACTION_DRAFT_OPEN, "new")]})  # fmt: skip
    return blocks


def _input(block_id: str, label: str, *, multiline: bool = False,
           optional: bool = False, hint: str | None = None) -> dict[str, Any]:  # fmt: skip
    block: dict[str, Any] = {
        "type": "input", "block_id": block_id, "optional": optional,
        "label": {"type": "plain_text", "text": label},
        "element": {"type": "plain_text_input", "action_id": "value", "multiline": multiline},
    }  # fmt: skip
    if hint:
        block["hint"] = {"type": "plain_text", "text": hint}
    return block


def draft_modal(questions: Mapping[str, str], preview: str | None = None) -> dict[str, Any]:
    """The "New answer…" modal; with `preview` (rendered mrkdwn), it shows it above the inputs."""
    related: dict[str, Any] = {
        "type": "input", "block_id": "related", "optional": True,
        "label": {"type": "plain_text", "text": "Related questions"},
        "element": {"type": "multi_static_select", "action_id": "value",
                    "options": _options(questions)},
    }  # fmt: skip
    blocks: list[dict[str, Any]] = []
    if preview is not None:
        blocks += [section("*Preview, with today's figures*"), section(preview)]
        blocks.append({"type": "divider"})
    blocks += [
        _input("question", "Question"),
        _input("answer", "Answer", multiline=True,
               hint="Slack mrkdwn (*bold*, <https://x|links>); live figures like "
                    "{{price gpt-4o input}} work as in the bundled entries."),
        related,
        _input("phrasings", "Other ways of asking it (one a line)", multiline=True,
               optional=True),
    ]  # fmt: skip
    return {
        "type": "modal", "callback_id": DRAFT_CALLBACK,
        "title": {"type": "plain_text", "text": "New FAQ answer"},
        "submit": {"type": "plain_text", "text": "Check and save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }  # fmt: skip
