"""What a workspace's FAQ needs looked at: misses grouped, entries due, answers voted down.

The same lists feed `tokencost faq misses` / `faq review`, App Home (admins) and the digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.runtime import Runtime
from bot.store.database import Database
from bot.store.faq_learning import active_drafts, dismissed_keys
from bot.store.queries import faq_vote_tallies, recent_faq_misses
from bot.store.workspace import Workspace
from faq.learning import MissReport, group_misses
from faq.review import NegativeAnswer, ReviewDue, due_for_review, negative_answers

__all__ = [
    "MISSES_READ",
    "ReviewLists",
    "miss_report",
    "question_of",
    "review_lists",
    "workspace_review",
]

MISSES_READ = 5000
"""The newest misses read for grouping (5,000 group in about 0.65 s; docs/faq-learning.md)."""


def miss_report(
    runtime: Runtime, ws: Workspace, since: datetime | None = None, limit: int = MISSES_READ
) -> MissReport:
    """`ws`'s recorded misses grouped by meaning with its own matcher, "not ours" left out.

    Questions the workspace's matcher answers now (taught since) drop out of the groups, so
    teaching removes a group and undoing brings it back.
    """
    db = runtime.db()
    misses = recent_faq_misses(db, ws, since=since, limit=limit)
    return group_misses(
        (m.question for m in misses), runtime.faq_matcher(ws), dismissed=dismissed_keys(db, ws)
    )


@dataclass(frozen=True)
class ReviewLists:
    """Entries past their review date (bundled and the workspace's own), answers voted down."""

    due: tuple[ReviewDue, ...]
    voted_down: tuple[NegativeAnswer, ...]


def workspace_review(db: Database, ws: Workspace, today: date) -> ReviewLists:
    """`ws`'s own entries past review, and the answers its people voted down (any entry).

    What App Home's admins and the digest are shown: bundled entries are reviewed by their
    maintainers (`tokencost faq review` lists them too).
    """
    due = due_for_review(active_drafts(db, ws), today)
    return ReviewLists(due, negative_answers(faq_vote_tallies(db, ws)))


def review_lists(
    runtime: Runtime, ws: Workspace, today: date | None = None, *, own_only: bool = True
) -> ReviewLists:
    """What `ws` should review `today` (default: the runtime's UTC day); with
    `own_only=False`, the bundled entries past review as well (the CLI operator's list)."""
    today = today or runtime.clock().date()
    if own_only:
        return workspace_review(runtime.db(), ws, today)
    entries = runtime.faq_matcher(ws).entries
    tallies = faq_vote_tallies(runtime.db(), ws)
    return ReviewLists(due_for_review(entries, today), negative_answers(tallies))


def question_of(runtime: Runtime, ws: Workspace) -> dict[str, str]:
    """Entry id -> question, for every entry `ws` answers with (bundled and its own)."""
    return {entry.id: entry.question for entry in runtime.faq_matcher(ws).entries}
