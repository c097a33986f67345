"""``SqliteDatabase``: the SQLite backend of ``bot.store.database.Database``, through sqlite-utils.

Kept apart from the protocol so that importing the protocol (every store module does) costs
nothing: sqlite-utils and what it pulls in are loaded only by code that opens or migrates a
database this way (issue 15: `tokencost ask` must start faster than a peer library imports).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlite_utils import Database as _SqliteUtilsDatabase

__all__ = ["SqliteDatabase"]


class SqliteDatabase(_SqliteUtilsDatabase):
    """sqlite-utils' ``Database`` with the two things the store needs beyond it."""

    backend = "sqlite"

    @contextmanager
    def immediate(self) -> Iterator[SqliteDatabase]:
        """``BEGIN IMMEDIATE``: the write lock is taken up front (it waits on the busy
        timeout), so a read-then-write decision cannot race another connection."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        self.conn.execute("COMMIT")

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """``executemany`` in a transaction (a savepoint when nested)."""
        with self.atomic():
            return int(self.conn.executemany(sql, rows).rowcount)

    def is_retryable(self, exc: BaseException) -> bool:
        """SQLite has one writer at a time: no deadlock victims (busy is answered 503)."""
        return False
