"""``LiteDatabase``: the SQLite backend of ``bot.store.database.Database`` through the standard
library alone, for one-shot CLI commands (issue 15: `tokencost ask` starts faster than a peer
library imports, and sqlite-utils with what it pulls in cost more than the whole answer).

It opens only a file that exists and whose schema is current (``open_current``): creating or
migrating a database stays with ``bot.store.db.open_db`` (sqlite-utils' migrations), which the
caller runs first when ``open_current`` says no. The store modules work on it unchanged: they
are written against the ``Database`` protocol only.

``SCHEMA`` names the migrations of a current database; ``tests/bot/test_cli_quick.py``
checks it against ``bot.store.migrations.MIGRATIONS``, so a new migration cannot be missed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.store.database import Params

__all__ = ["SCHEMA", "LiteDatabase", "open_current"]

SCHEMA = (
    "m001_create_tables",
    "m002_create_indexes",
    "m003_create_workspaces",
    "m004_scope_rows_by_workspace",
    "m005_add_delivery_state",
    "m006_add_billing",
    "m007_create_faq_learning",
    "m009_store_price_feed",
)
"""The migrations (``bot.store.migrations``) a current SQLite database has applied (in any
order: a migration numbered lower may land after a higher one, see ``bot.store.migrations``)."""


class LiteDatabase:
    """A ``Database`` over one ``sqlite3`` connection in autocommit mode: a statement outside
    ``atomic``/``immediate`` commits on its own, as with ``SqliteDatabase``."""

    backend = "sqlite"

    def __init__(self, conn: sqlite3.Connection) -> None:
        conn.isolation_level = None  # transactions only where atomic/immediate open them
        self.conn = conn
        self._savepoints = 0

    def execute(self, sql: str, parameters: Params = None) -> sqlite3.Cursor:
        """Run one statement; committed at once unless inside ``atomic``/``immediate``."""
        return self.conn.execute(sql, () if parameters is None else parameters)

    def query(self, sql: str, params: Params = None) -> Iterator[dict[str, Any]]:
        """Run a statement that returns rows; one dict per row. The rows are fetched at once,
        so an ``INSERT ... RETURNING`` has finished (and committed) when this returns."""
        cursor = self.conn.execute(sql, () if params is None else params)
        if cursor.description is None:
            raise ValueError("query() can only be used with SQL that returns rows")
        names = [column[0] for column in cursor.description]
        return iter([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """``executemany`` in a transaction (a savepoint when nested)."""
        with self.atomic():
            return int(self.conn.executemany(sql, rows).rowcount)

    @contextmanager
    def atomic(self) -> Iterator[LiteDatabase]:
        """A transaction, or a savepoint inside one: all or nothing."""
        if not self.conn.in_transaction:
            with self._transaction("BEGIN"):
                yield self
            return
        self._savepoints += 1
        name = f"lite_{self._savepoints}"
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:  # a RAISE(ROLLBACK) may have ended it already
                self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self.conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        self.conn.execute(f"RELEASE SAVEPOINT {name}")

    @contextmanager
    def immediate(self) -> Iterator[LiteDatabase]:
        """``BEGIN IMMEDIATE``: the write lock is taken up front (it waits on the busy
        timeout), so a read-then-write decision cannot race another connection."""
        with self._transaction("BEGIN IMMEDIATE"):
            yield self

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[None]:
        self.conn.execute(begin)
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def is_retryable(self, exc: BaseException) -> bool:
        """SQLite has one writer at a time: no deadlock victims (busy is answered 503)."""
        return False

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def open_current(path: Path, busy_timeout_s: float = 5.0) -> LiteDatabase | None:
    """The SQLite file at ``path`` opened with the standard library, or None when it does not
    exist, is not private to its owner, or has not applied exactly ``SCHEMA`` (then the caller
    opens it with ``bot.store.db.open_db``, which creates, narrows and migrates it).

    Costs one ``stat`` and one small query: no sqlite-utils, no migration machinery."""
    try:
        status = path.stat()
    except OSError:
        return None
    if status.st_mode & 0o077:  # open_db narrows it to 0600: let it
        return None
    # mode=rw: never create a file here (a missing one is open_db's to create, private).
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True,
                           timeout=busy_timeout_s, check_same_thread=False)  # fmt: skip
    try:
        applied = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = 'tokencost'"
            )
        ]
    except sqlite3.Error:  # no migrations table: an empty or foreign file
        conn.close()
        return None
    current = len(applied) == len(SCHEMA) and set(applied) == set(SCHEMA)
    if not current or conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.close()  # open_db migrates it, or turns WAL on
        return None
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils sets it
    # With WAL (set when open_db created the file), NORMAL is durable against application
    # crashes and skips an fsync per commit (https://sqlite.org/pragma.html#pragma_synchronous).
    conn.execute("PRAGMA synchronous = NORMAL")
    return LiteDatabase(conn)
