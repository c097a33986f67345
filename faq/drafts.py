"""A workspace's own FAQ entry, drafted by an admin (in a Slack modal or the CLI).

A draft goes through exactly the checks a bundled entry does (`faq.store.parse_entry`: a slug
id, non-empty question, Slack mrkdwn rather than Markdown, the length limit) and is rendered
with live figures (`faq.render`, the same placeholders) before it is saved, so a draft that
would fail to answer is refused while its author is still looking at it. A saved draft joins
that workspace's matcher only (`Matcher.with_entries`), its question and phrasings taught as
its own wording.

Errors are `EntryError` (its `.field` names the modal field: `id`, `question`, `answer`,
`related`, ...) or `RenderError` (a placeholder that does not resolve).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import prices
from faq.errors import EntryError
from faq.render import RenderedAnswer, render
from faq.store import Entry, parse_entry

__all__ = ["DRAFT_SOURCE", "DraftPreview", "check_draft", "draft_entry", "slug_for"]

DRAFT_SOURCE = "workspace draft"
"""Names a draft where errors name a bundled entry's file."""
_MAX_SLUG = 48


@dataclass(frozen=True, slots=True)
class DraftPreview:
    """A valid draft and its answer as it would be shown today."""

    entry: Entry
    rendered: RenderedAnswer


def slug_for(question: str, taken: set[str]) -> str:
    """An id for a drafted question: its words as a slug, cut at a word, made unique."""
    words = re.findall(r"[a-z0-9]+", question.lower())
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > _MAX_SLUG:
            break
        slug = f"{slug}-{word}" if slug else word
    slug = slug or "workspace-entry"
    unique, number = slug, 2
    while unique in taken:
        unique, number = f"{slug}-{number}", number + 1
    return unique


def draft_entry(
    *,
    question: str,
    answer: str,
    owner: str,
    today: date,
    existing: Sequence[Entry],
    related: Sequence[str] = (),
    phrasings: Sequence[str] = (),
    keywords: Sequence[str] = (),
    entry_id: str | None = None,
    review_every_days: int = 90,
) -> Entry:
    """Validate a draft against the workspace's `existing` entries (bundled and own).

    To edit a saved draft, pass `existing` without it and its `entry_id`. With no `entry_id`,
    one is made from the question. The draft is reviewed `today` and owned by `owner` (the
    Slack user id of its author, say), who is reminded when it falls due.
    """
    taken = {entry.id for entry in existing}
    if entry_id is not None and entry_id.strip() in taken:
        raise EntryError(DRAFT_SOURCE, entry_id, "id", "is already taken by another entry")
    raw = {
        "id": entry_id.strip() if entry_id is not None else slug_for(question, taken),
        "question": question,
        "phrasings": list(phrasings),
        "keywords": list(keywords),
        "answer": answer,
        "related": list(related),
        "reviewed": today,
        "owner": owner,
        "review_every_days": review_every_days,
    }
    entry = parse_entry(raw, DRAFT_SOURCE)
    for related_id in entry.related:
        if related_id == entry.id:
            raise EntryError(DRAFT_SOURCE, entry.id, "related", "an entry cannot relate to itself")
        if related_id not in taken:
            raise EntryError(DRAFT_SOURCE, entry.id, "related", f"unknown id {related_id!r}")
    return entry


def check_draft(
    entry: Entry, existing: Sequence[Entry], catalog: prices.Catalog | None = None
) -> DraftPreview:
    """Render a validated draft with live figures, as it would be answered; raises
    `RenderError` when a placeholder does not resolve or the answer grows over the limit."""
    return DraftPreview(entry, render(entry, catalog, entries=(*existing, entry)))
