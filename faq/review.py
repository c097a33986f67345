"""What needs a person's attention: entries past their review date, answers voted down.

Guru gives every card a verifier and an interval (90 days by default); Tettra lists stale
pages on a dashboard (shared/reference/faq-bots.md §1.2-1.3). Each `Entry` carries an `owner`
and `review_every_days`; these pure functions turn entries and vote tallies into the lists the
digest, App Home and `tokencost faq list` show. Figures in answers are always live, so only
the prose needs review.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from faq.store import Entry

__all__ = [
    "NegativeAnswer",
    "ReviewDue",
    "VoteTally",
    "by_owner",
    "due_for_review",
    "negative_answers",
]


@dataclass(frozen=True, slots=True)
class ReviewDue:
    """An entry past its review interval."""

    entry: Entry
    due_on: date
    """The last day the review was on time: reviewed + review_every_days."""
    days_overdue: int
    """Days since `due_on` (1 on the first day it is due)."""


def due_for_review(entries: Iterable[Entry], today: date) -> tuple[ReviewDue, ...]:
    """Entries past their review interval on `today`, most overdue first, then by id."""
    due = []
    for entry in entries:
        due_on = entry.reviewed + timedelta(days=entry.review_every_days)
        if entry.review_due(today):
            due.append(ReviewDue(entry, due_on, (today - due_on).days))
    return tuple(sorted(due, key=lambda item: (-item.days_overdue, item.entry.id)))


def by_owner(items: Iterable[ReviewDue]) -> dict[str, tuple[ReviewDue, ...]]:
    """Items grouped by the entry's owner (owners sorted), each group in the given order."""
    grouped: dict[str, list[ReviewDue]] = {}
    for item in items:
        grouped.setdefault(item.entry.owner, []).append(item)
    return {owner: tuple(grouped[owner]) for owner in sorted(grouped)}


class VoteTally(Protocol):
    """Votes on one entry; `bot.store.queries.FaqVoteTally` has this shape."""

    @property
    def faq_id(self) -> str: ...
    @property
    def helpful(self) -> int: ...
    @property
    def not_helpful(self) -> int: ...


@dataclass(frozen=True, slots=True)
class NegativeAnswer:
    """An answer more people found unhelpful than helpful."""

    entry_id: str
    helpful: int
    not_helpful: int

    @property
    def net(self) -> int:
        """Helpful minus unhelpful votes (negative)."""
        return self.helpful - self.not_helpful


def negative_answers(
    tallies: Iterable[VoteTally], *, min_votes: int = 3
) -> tuple[NegativeAnswer, ...]:
    """Answers whose votes turned negative: more "not helpful" than "helpful", with at least
    `min_votes` votes so one grumpy click does not flag an entry. Worst first (lowest net,
    then the larger share unhelpful, then id).

    A person's second vote replaces their first in the store, so a tally is the current
    opinion of everyone who voted; an entry leaves this list when opinion turns back.
    """
    flagged = [
        NegativeAnswer(t.faq_id, t.helpful, t.not_helpful)
        for t in tallies
        if t.not_helpful > t.helpful and t.helpful + t.not_helpful >= min_votes
    ]
    return tuple(
        sorted(
            flagged,
            key=lambda a: (a.net, -a.not_helpful / (a.helpful + a.not_helpful), a.entry_id),
        )
    )
