"""What a workspace taught its FAQ: approved phrasings, its own entries, dismissed miss groups.

Every change names the person who made it and when. Nothing is deleted: undoing a phrasing,
deleting a draft or taking back a "not ours" fills its ``undone_*`` / ``deleted_*`` columns, so
the history stays readable (``alternate_history``). Every function takes the ``Workspace``
right after ``db`` and reads or writes that workspace's rows only.

``learning_version`` changes whenever any of these rows change; ``Runtime.faq_matcher`` keys its
cached per-workspace matcher on it. The tables (migration m007) are in
``bot.store.migrate_faq_learning``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.store.database import Database
from bot.store.db import StoreError, format_utc, is_constraint_error, parse_utc
from bot.store.workspace import SCOPE, Workspace

if TYPE_CHECKING:
    from faq.store import Entry

__all__ = [
    "AlternateRow",
    "active_alternates",
    "active_drafts",
    "alternate_history",
    "delete_draft",
    "dismiss_miss_group",
    "dismissed_keys",
    "learning_version",
    "save_draft",
    "teach_alternate",
    "undismiss_miss_group",
    "unteach_alternate",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AlternateRow:
    """One taught phrasing, in force or undone."""

    id: int
    entry_id: str
    phrasing: str
    approved_by: str
    approved_utc: datetime
    undone_by: str | None
    undone_utc: datetime | None
    source_miss_key: str | None

    @property
    def live(self) -> bool:
        """Whether it is still taught."""
        return self.undone_utc is None


def teach_alternate(
    db: Database,
    ws: Workspace,
    entry_id: str,
    phrasing: str,
    approved_by: str,
    now: datetime,
    source_miss_key: str | None = None,
) -> int:
    """Store a phrasing a person approved as a way of asking ``entry_id``; return its id.

    Check it with ``faq.teach.check_alternate`` first. Raises ``StoreError`` when the same
    phrasing is already taught in this workspace.
    """
    try:
        rows = db.query(
            "INSERT INTO faq_alternates (team_id, enterprise_id, entry_id, phrasing, approved_by,"
            " approved_utc, source_miss_key) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [*ws.params(), entry_id, phrasing, approved_by, format_utc(now), source_miss_key],
        )
        row_id = int(next(rows)["id"])
    except Exception as exc:
        if not is_constraint_error(exc):
            raise
        raise StoreError(f"“{phrasing}” is already taught in this workspace.") from exc
    return row_id


def unteach_alternate(
    db: Database, ws: Workspace, alternate_id: int, undone_by: str, now: datetime
) -> bool:
    """Undo one taught phrasing (kept as history); False when not found or already undone."""
    cursor = db.execute(
        f"UPDATE faq_alternates SET undone_by = ?, undone_utc = ? WHERE {SCOPE} AND id = ?"
        " AND undone_utc IS NULL",
        [undone_by, format_utc(now), *ws.params(), alternate_id],
    )
    return cursor.rowcount == 1


def _alternate(row: dict[str, object]) -> AlternateRow:
    undone = row["undone_utc"]
    return AlternateRow(
        id=int(str(row["id"])),
        entry_id=str(row["entry_id"]),
        phrasing=str(row["phrasing"]),
        approved_by=str(row["approved_by"]),
        approved_utc=parse_utc(str(row["approved_utc"])),
        undone_by=None if row["undone_by"] is None else str(row["undone_by"]),
        undone_utc=None if undone is None else parse_utc(str(undone)),
        source_miss_key=None if row["source_miss_key"] is None else str(row["source_miss_key"]),
    )


def alternate_history(
    db: Database, ws: Workspace, *, include_undone: bool = True, limit: int = 500
) -> list[AlternateRow]:
    """The workspace's taught phrasings, newest first (undone ones too unless told not to)."""
    live = "" if include_undone else " AND undone_utc IS NULL"
    rows = db.query(
        f"SELECT * FROM faq_alternates WHERE {SCOPE}{live} ORDER BY id DESC LIMIT ?",
        [*ws.params(), limit],
    )
    return [_alternate(row) for row in rows]


def active_alternates(db: Database, ws: Workspace) -> dict[str, tuple[str, ...]]:
    """Entry id -> phrasings in force, oldest first (for ``Matcher.with_alternates``)."""
    taught: dict[str, list[str]] = {}
    for row in db.query(
        f"SELECT entry_id, phrasing FROM faq_alternates WHERE {SCOPE} AND undone_utc IS NULL"
        " ORDER BY id",
        ws.params(),
    ):
        taught.setdefault(row["entry_id"], []).append(row["phrasing"])
    return {entry_id: tuple(texts) for entry_id, texts in taught.items()}


def save_draft(db: Database, ws: Workspace, entry: Entry, by: str, now: datetime) -> int:
    """Store a validated workspace entry (``faq.drafts.draft_entry``); return its row id.

    Raises ``StoreError`` when the workspace already has a live entry with that id.
    """
    stamp = format_utc(now)
    try:
        rows = db.query(
            "INSERT INTO faq_drafts (team_id, enterprise_id, entry_id, question, answer,"
            " phrasings, keywords, related, owner, reviewed, review_every_days, created_by,"
            " created_utc, updated_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING id",
            [
                *ws.params(), entry.id, entry.question, entry.answer,
                json.dumps(list(entry.phrasings)), json.dumps(list(entry.keywords)),
                json.dumps(list(entry.related)), entry.owner, entry.reviewed.isoformat(),
                entry.review_every_days, by, stamp, stamp,
            ],
        )  # fmt: skip
        row_id = int(next(rows)["id"])
    except Exception as exc:
        if not is_constraint_error(exc):
            raise
        raise StoreError(f"This workspace already has an entry `{entry.id}`.") from exc
    return row_id


def delete_draft(db: Database, ws: Workspace, entry_id: str, by: str, now: datetime) -> bool:
    """Withdraw a workspace entry (kept as history); False when there is no live one."""
    stamp = format_utc(now)
    cursor = db.execute(
        "UPDATE faq_drafts SET deleted_by = ?, deleted_utc = ?, updated_utc = ?"
        f" WHERE {SCOPE} AND entry_id = ? AND deleted_utc IS NULL",
        [by, stamp, stamp, *ws.params(), entry_id],
    )
    return cursor.rowcount == 1


def active_drafts(db: Database, ws: Workspace) -> list[Entry]:
    """The workspace's own entries in force, oldest first, each validated again.

    A row that no longer validates is logged and skipped, never served.
    """
    from faq.errors import EntryError  # the FAQ loads with the first question (issue 15)
    from faq.store import parse_entry

    entries = []
    for row in db.query(
        f"SELECT * FROM faq_drafts WHERE {SCOPE} AND deleted_utc IS NULL ORDER BY id",
        ws.params(),
    ):
        raw = {
            "id": row["entry_id"],
            "question": row["question"],
            "phrasings": json.loads(row["phrasings"]),
            "keywords": json.loads(row["keywords"]),
            "answer": row["answer"],
            "related": json.loads(row["related"]),
            "reviewed": date.fromisoformat(row["reviewed"]),
            "owner": row["owner"],
            "review_every_days": row["review_every_days"],
        }
        try:
            entries.append(parse_entry(raw, "faq_drafts", row["id"]))
        except EntryError:
            log.exception("workspace %s: stored FAQ entry %s is skipped", ws, row["entry_id"])
    return entries


def dismiss_miss_group(db: Database, ws: Workspace, key: str, by: str, now: datetime) -> bool:
    """Mark a miss group "not ours"; False when it already is."""
    try:
        db.execute(
            "INSERT INTO faq_miss_dismissals (team_id, enterprise_id, group_key, dismissed_by,"
            " dismissed_utc) VALUES (?, ?, ?, ?, ?)",
            [*ws.params(), key, by, format_utc(now)],
        )
    except Exception as exc:
        if not is_constraint_error(exc):
            raise
        return False
    return True


def undismiss_miss_group(db: Database, ws: Workspace, key: str, by: str, now: datetime) -> bool:
    """Take back a "not ours"; False when the group was not dismissed."""
    cursor = db.execute(
        f"UPDATE faq_miss_dismissals SET undone_by = ?, undone_utc = ? WHERE {SCOPE}"
        " AND group_key = ? AND undone_utc IS NULL",
        [by, format_utc(now), *ws.params(), key],
    )
    return cursor.rowcount == 1


def dismissed_keys(db: Database, ws: Workspace) -> tuple[str, ...]:
    """Keys of the miss groups marked "not ours" and not taken back, oldest first."""
    rows = db.query(
        f"SELECT group_key FROM faq_miss_dismissals WHERE {SCOPE} AND undone_utc IS NULL"
        " ORDER BY id",
        ws.params(),
    )
    return tuple(row["group_key"] for row in rows)


def learning_version(db: Database, ws: Workspace) -> str:
    """A text that changes whenever the workspace's learning rows change (a cache key).

    Rows are only inserted or given an undo/delete time, so the highest id and the latest
    change time of each table identify its state.
    """
    parts = []
    for table, changed in (
        ("faq_alternates", "undone_utc"),
        ("faq_drafts", "updated_utc"),
        ("faq_miss_dismissals", "undone_utc"),
    ):
        row = next(
            db.query(
                f"SELECT COALESCE(MAX(id), 0) AS top, COALESCE(MAX({changed}), '') AS changed,"
                f" COUNT({changed}) AS n FROM {table} WHERE {SCOPE}",
                ws.params(),
            )
        )
        parts.append(f"{row['top']}.{row['n']}.{row['changed']}")
    return "/".join(parts)
