"""The workspace registry: which workspaces this database holds, their install state, and
the two operations that move or delete a whole workspace's rows (``adopt``, ``forget``).

A workspace is entered when the app is installed through OAuth, when a request from it first
arrives, or by migration m004 for the data that was already here. Uninstalling the app
(``app_uninstalled``) or revoking its bot token (``tokens_revoked``) marks it revoked: nothing
is posted to it any more, and its rows are kept for ``RETENTION`` so a re-install finds them;
after that the clock deletes them (``expired``), and ``tokencost workspace forget`` deletes
them at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.store.database import Database
from bot.store.db import StoreError, format_utc, immediate_transaction, parse_utc
from bot.store.workspace import DEFAULT_WORKSPACE, SCOPE, Workspace

__all__ = [
    "OWNED_TABLES",
    "RETENTION",
    "WorkspaceRecord",
    "adopt",
    "expired",
    "forget",
    "get_workspace",
    "list_workspaces",
    "mark_revoked",
    "record_workspace",
    "resolve_workspace",
]

RETENTION = timedelta(days=30)
"""How long a revoked workspace's data is kept before the clock deletes it."""

OWNED_TABLES = ("budget_alerts", "budgets", "digests", "digest_subscriptions", "usage",
                "queries", "faq_misses", "faq_votes", "seen_events",
                "ingest_tokens", "billed_costs", "billed_days", "billing_keys",
                "billing_syncs")  # fmt: skip
"""Every table whose rows belong to one workspace (children before parents)."""


@dataclass(frozen=True)
class WorkspaceRecord:
    """A workspace this database holds data for."""

    workspace: Workspace
    first_seen_utc: datetime
    installed_utc: datetime | None
    """The last OAuth install, if it came through ``/slack/install``."""
    revoked_utc: datetime | None
    """When the app was uninstalled or its bot token revoked; None while installed."""
    revoked_reason: str | None
    """``app_uninstalled`` or ``tokens_revoked``."""

    @property
    def active(self) -> bool:
        """Whether the app may post to this workspace."""
        return self.revoked_utc is None


def _optional(text: str | None) -> datetime | None:
    return None if text is None else parse_utc(text)


def _record(row: dict[str, Any]) -> WorkspaceRecord:
    return WorkspaceRecord(
        workspace=Workspace(row["team_id"], row["enterprise_id"]),
        first_seen_utc=parse_utc(row["first_seen_utc"]),
        installed_utc=_optional(row["installed_utc"]),
        revoked_utc=_optional(row["revoked_utc"]),
        revoked_reason=row["revoked_reason"],
    )


def list_workspaces(db: Database) -> list[WorkspaceRecord]:
    """Every workspace held, by key."""
    rows = db.query("SELECT * FROM workspaces ORDER BY team_id, enterprise_id")
    return sorted((_record(row) for row in rows), key=lambda r: r.workspace.key)


def get_workspace(db: Database, ws: Workspace) -> WorkspaceRecord | None:
    """One workspace's record, or None if this database never saw it."""
    rows = list(db.query(f"SELECT * FROM workspaces WHERE {SCOPE}", ws.params()))
    return _record(rows[0]) if rows else None


def record_workspace(db: Database, ws: Workspace, now: datetime, installed: bool = False) -> None:
    """Enter a workspace that installed the app (``installed``) or sent a request; either
    proves the app is installed there, so a revocation mark is cleared."""
    stamp = format_utc(now)
    db.execute(
        "INSERT INTO workspaces (team_id, enterprise_id, first_seen_utc, installed_utc)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (team_id, enterprise_id) DO UPDATE SET"
        " installed_utc = COALESCE(excluded.installed_utc, workspaces.installed_utc),"
        " revoked_utc = NULL, revoked_reason = NULL",
        [*ws.params(), stamp, stamp if installed else None],
    )


def mark_revoked(db: Database, ws: Workspace, reason: str, now: datetime) -> None:
    """Record that the app was uninstalled from ``ws`` or lost its bot token there."""
    db.execute(
        "INSERT INTO workspaces (team_id, enterprise_id, first_seen_utc, revoked_utc,"
        " revoked_reason) VALUES (?, ?, ?, ?, ?) ON CONFLICT (team_id, enterprise_id)"
        " DO UPDATE SET revoked_utc = excluded.revoked_utc,"
        " revoked_reason = excluded.revoked_reason",
        [*ws.params(), format_utc(now), format_utc(now), reason],
    )


def resolve_workspace(db: Database, key: str | None, now: datetime) -> Workspace:
    """The workspace a CLI command (or the ``TOKENCOST_INGEST_TOKEN``) acts on: the one named
    (team id, or org id for an org install), else the only one held. A database holding none
    gets ``DEFAULT_WORKSPACE`` entered and returned, so that once a second workspace arrives
    ``--team`` is required.

    Raises ``StoreError`` naming the choices when ``key`` is unknown, or missing while the
    database holds several workspaces.
    """
    held = [record.workspace for record in list_workspaces(db)]
    names = ", ".join(ws.key for ws in held)
    if key is not None:
        wanted = key.strip().upper()
        for ws in held:
            if wanted in (ws.key, ws.team_id):
                return ws
        known = f"; this database holds {names}" if held else "; this database holds none yet"
        raise StoreError(f"No workspace {key.strip()}{known}.")
    if not held:
        record_workspace(db, DEFAULT_WORKSPACE, now)
        return DEFAULT_WORKSPACE
    if len(held) > 1:
        raise StoreError(f"This database holds {len(held)} workspaces ({names}); name one "
                         "with --team.")  # fmt: skip
    return held[0]


# Rows of ``DEFAULT_WORKSPACE`` that would collide with the adopting workspace's own: the
# workspace's row wins (it came from Slack, the other from before the team was known).
_COLLISIONS = (
    ("usage", "event_key IS NOT NULL AND event_key IN (SELECT event_key FROM usage WHERE {s})"),
    ("budgets", "EXISTS (SELECT 1 FROM budgets b WHERE {s} AND b.tag = budgets.tag"
                " AND b.period = budgets.period)"),
    ("digest_subscriptions", "channel_id IN (SELECT channel_id FROM digest_subscriptions"
                             " WHERE {s})"),
    ("digests", "EXISTS (SELECT 1 FROM digests d WHERE {s} AND d.channel_id = digests.channel_id"
                " AND d.day = digests.day)"),
    ("faq_votes", "EXISTS (SELECT 1 FROM faq_votes v WHERE {s} AND v.faq_id = faq_votes.faq_id"
                  " AND v.user_id = faq_votes.user_id)"),
)  # fmt: skip


def adopt(db: Database, ws: Workspace, now: datetime) -> int:
    """Move every row of ``DEFAULT_WORKSPACE`` to ``ws``; return how many rows moved.

    Single-workspace mode only: there, data written before the team was known (console,
    ``POST /usage``, the CLI, or migration m004) belongs to the bot token's one workspace.
    """
    moved = 0
    old = DEFAULT_WORKSPACE.params()
    with immediate_transaction(db):
        if not list(db.query(f"SELECT 1 FROM workspaces WHERE {SCOPE}", old)):
            return 0
        for table, clash in _COLLISIONS:
            inner = clash.format(s="team_id = ? AND enterprise_id = ?")
            db.execute(f"DELETE FROM {table} WHERE {SCOPE} AND {inner}", [*old, *ws.params()])
        for table in OWNED_TABLES:
            cursor = db.execute(
                f"UPDATE {table} SET team_id = ?, enterprise_id = ? WHERE {SCOPE}",
                [*ws.params(), *old],
            )
            moved += cursor.rowcount
        db.execute(f"DELETE FROM workspaces WHERE {SCOPE}", old)
        db.execute(
            "INSERT INTO workspaces (team_id, enterprise_id, first_seen_utc) VALUES (?, ?, ?)"
            " ON CONFLICT (team_id, enterprise_id) DO NOTHING",
            [*ws.params(), format_utc(now)],
        )
    return moved


def forget(db: Database, ws: Workspace) -> dict[str, int]:
    """Delete every row ``ws`` owns, its ingest tokens and its registry entry, in one
    transaction; return the rows deleted per table."""
    deleted: dict[str, int] = {}
    with immediate_transaction(db):
        for table in OWNED_TABLES:
            deleted[table] = db.execute(f"DELETE FROM {table} WHERE {SCOPE}", ws.params()).rowcount
        db.execute(f"DELETE FROM workspaces WHERE {SCOPE}", ws.params())
    return deleted


def expired(db: Database, now: datetime, retention: timedelta = RETENTION) -> list[Workspace]:
    """Workspaces revoked more than ``retention`` before ``now``: their data is due to go."""
    rows = db.query(
        "SELECT team_id, enterprise_id FROM workspaces WHERE revoked_utc IS NOT NULL"
        " AND revoked_utc < ? ORDER BY team_id, enterprise_id",
        [format_utc(now - retention)],
    )
    return [Workspace(row["team_id"], row["enterprise_id"]) for row in rows]
