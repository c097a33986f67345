"""The store: opening the database, shared codecs, and Slack event dedupe.

The store is SQLite through sqlite-utils by default, or PostgreSQL (psycopg 3) when given a
``postgresql://`` URL (``DATABASE_URL``); both behind ``bot.store.database.Database``. Its
tables are created by ``bot.store.migrations`` (SQLite) and ``bot.store.pg_migrations``
(PostgreSQL); the typed reads and writes live next to their idea:

- ``bot.store.db`` (this module): ``open_db``, time and money codecs, ``seen_events``.
- ``bot.store.queries``: the query log, FAQ misses and FAQ votes.
- ``bot.store.usage``: the usage ledger, spend aggregates, budgets and budget alerts.
- ``bot.store.digests``: digest subscriptions and the exactly-once digest claims.
- ``bot.store.workspace``: ``Workspace``, the owner every read and write names;
  ``bot.store.workspaces``: the registry of workspaces held; ``bot.store.ingest_tokens``.

Conventions: every function reading or writing a workspace's rows takes its ``Workspace`` as
the argument after ``db`` (or inside the record it writes), so no caller can forget the scope;
time is always passed in (``now: datetime``, timezone-aware) and stored as fixed-width
ISO 8601 UTC text, so string order is time order; money goes in and out as ``Decimal``.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bot.errors import BotError
from bot.store.database import Database
from bot.store.workspace import Workspace

if TYPE_CHECKING:
    from bot.store.sqlite import SqliteDatabase

__all__ = [
    "SEEN_EVENTS_TTL",
    "Database",
    "StoreError",
    "connect",
    "decimal_text",
    "forget_event",
    "format_utc",
    "from_nanousd",
    "immediate_transaction",
    "is_busy_error",
    "is_constraint_error",
    "mark_event_seen",
    "open_db",
    "open_sqlite",
    "parse_utc",
    "prune_seen_events",
    "retry_deadlocks",
    "text_fingerprint",
    "to_nanousd",
]

T = TypeVar("T")

SEEN_EVENTS_TTL = timedelta(hours=1)
"""How long an event id is remembered; Slack's last retry comes about 5 minutes after the first."""

_NANO = Decimal("1e-9")


class StoreError(BotError):
    """A store operation was refused; ``message`` is safe to show to a user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _enable_wal(db: SqliteDatabase, attempts: int = 50) -> None:
    """Switch a file to WAL. Changing the journal mode of a fresh file can fail with "database
    is locked" without waiting on the busy timeout when several processes open it at once, so
    it is retried briefly; a file already in WAL mode needs no lock at all."""
    for attempt in range(attempts):
        try:
            db.enable_wal()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.02 * (attempt + 1))


def _private_file(path: Path) -> None:
    """Create the database file (and its folder) readable by its owner only: it holds OAuth
    bot tokens and what people asked. A file that exists with wider rights is narrowed (SQLite
    gives its -wal and -shm files the same rights as the database file)."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
        path.parent.chmod(0o700)  # mkdir's mode is filtered by the umask
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
            path.chmod(0o600)


def connect(path: str | Path) -> SqliteDatabase:
    """Open the SQLite file at ``path`` without migrating it (``open_db`` is the usual entry).

    Creates the file private (0600) in a private folder (0700) when they do not exist, turns
    on WAL mode for files and foreign keys for every connection. ``":memory:"`` gives a
    private in-memory database.
    """
    from bot.store.sqlite import SqliteDatabase  # sqlite-utils: only when opening this way

    if str(path) == ":memory:":
        db = SqliteDatabase(memory=True, execute_plugins=False)
    else:
        _private_file(Path(path))
        db = SqliteDatabase(path, execute_plugins=False)
        # WAL lets the web process read while the clock writes: https://sqlite.org/wal.html
        _enable_wal(db)
    db.execute("PRAGMA foreign_keys = ON")
    return db


def open_db(target: str | Path) -> Database:
    """Open the database at ``target`` and apply pending migrations: a SQLite file (created
    if needed), or a PostgreSQL database when ``target`` is a ``postgresql://`` URL."""
    if isinstance(target, str) and target.startswith(("postgres://", "postgresql://")):
        from bot.store import pg, pg_migrations

        pg_db = pg.PgDatabase(target)
        try:
            pg_migrations.apply(pg_db)
        except BaseException:
            pg_db.close()
            raise
        return pg_db
    return open_sqlite(target)


def open_sqlite(path: str | Path) -> SqliteDatabase:
    """``open_db`` for a SQLite file, typed as such (tools and tests that use sqlite-utils)."""
    from bot.store import migrations  # sqlite-utils' migrations: only when opening this way

    db = connect(path)
    migrations.apply(db)
    return db


def immediate_transaction(db: Database) -> AbstractContextManager[Database]:
    """Run a block holding the write lock from its start, so a read-then-write decision
    cannot race another connection (SQLite ``BEGIN IMMEDIATE``; a PostgreSQL advisory lock)."""
    return db.immediate()


def retry_deadlocks(db: Database, work: Callable[[], T], attempts: int = 5) -> T:
    """Run a transaction (``work``) again when the database picked it as a deadlock victim
    (PostgreSQL; never on SQLite). The last failure is raised."""
    for attempt in range(attempts):
        try:
            return work()
        except Exception as exc:
            if attempt == attempts - 1 or not db.is_retryable(exc):
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def format_utc(moment: datetime) -> str:
    """Format an aware datetime as fixed-width ISO 8601 UTC text.

    For example ``2025-06-01T09:00:00.000000+00:00``; fixed width so text order is time order.
    Raises ``ValueError`` for a naive datetime: we never guess a timezone.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got naive {moment.isoformat()}")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_utc(text: str) -> datetime:
    """Parse text written by ``format_utc`` back into an aware UTC datetime."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def decimal_text(amount: Decimal) -> str:
    """Render a finite Decimal as plain decimal text (never exponent notation), for TEXT columns."""
    if not amount.is_finite():
        raise ValueError(f"money must be a finite Decimal, got {amount}")
    text = format(amount, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def to_nanousd(amount: Decimal) -> int:
    """Convert USD to integer nano-USD (1e-9 USD), rounding half-even below that precision."""
    # Scaled first, then rounded to a whole number: the same half-even rounding at the 9th
    # decimal as quantize(1e-9), ~0.3 µs cheaper (one is made per ingested event).
    return int(amount.scaleb(9).to_integral_value(ROUND_HALF_EVEN))


def from_nanousd(nanousd: int) -> Decimal:
    """Convert integer nano-USD back to a USD Decimal (exact)."""
    return Decimal(nanousd).scaleb(-9)


def text_fingerprint(text: str) -> tuple[int, str]:
    """Return ``(length in characters, sha256 hex)`` of text we must not store (``count``)."""
    return len(text), hashlib.sha256(text.encode("utf-8")).hexdigest()


def mark_event_seen(db: Database, ws: Workspace, event_id: str, now: datetime) -> bool:
    """Record a Slack ``event_id``; return True the first time, False for a retry already seen.

    Insert-or-ignore on the primary key, so two workers racing on the same retry agree.
    See slack-facts §6: dedupe on ``event_id``, never drop a request just for X-Slack-Retry-Num.
    """
    cursor = db.execute(
        "INSERT INTO seen_events (event_id, team_id, enterprise_id, received_utc)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
        [event_id, *ws.params(), format_utc(now)],
    )
    return cursor.rowcount == 1


def forget_event(db: Database, ws: Workspace, event_id: str) -> bool:
    """Drop ``ws``'s Slack ``event_id`` whose handling failed, so Slack's retry is answered."""
    cursor = db.execute(
        "DELETE FROM seen_events WHERE event_id = ? AND team_id = ? AND enterprise_id = ?",
        [event_id, *ws.params()],
    )
    return cursor.rowcount == 1


def prune_seen_events(db: Database, now: datetime, ttl: timedelta = SEEN_EVENTS_TTL) -> int:
    """Delete event ids received more than ``ttl`` before ``now``; return how many went."""
    cursor = db.execute("DELETE FROM seen_events WHERE received_utc < ?", [format_utc(now - ttl)])
    return cursor.rowcount


def is_busy_error(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite giving up on a lock ("database is locked" / "busy"), or
    PostgreSQL out of reach or out of pooled connections, which a caller should answer as
    "try again shortly" (HTTP 503), not as a bug."""
    message = str(exc).lower()
    if isinstance(exc, sqlite3.OperationalError):
        return "locked" in message or "busy" in message
    if "bot.store.pg" in sys.modules:  # only a PostgreSQL deployment can raise its errors
        from bot.store.pg import is_pg_busy

        return is_pg_busy(exc)
    return False


def is_constraint_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a constraint refusing a row (a CHECK, a foreign key), on either
    backend."""
    if isinstance(exc, sqlite3.IntegrityError):
        return True
    if "psycopg" in sys.modules:
        import psycopg

        return isinstance(exc, psycopg.IntegrityError)
    return False
