"""The one database interface the store is written against, and its SQLite implementation.

Two backends satisfy ``Database``: SQLite through sqlite-utils (``SqliteDatabase``, the
embedded default) and PostgreSQL through psycopg 3 with a pool (``bot.store.pg.PgDatabase``,
when ``DATABASE_URL`` is set). Store modules write SQL once, in the dialect both accept:

- ``?`` placeholders (or ``:name`` with a mapping); the PostgreSQL backend rewrites them.
- ``INSERT ... RETURNING id`` instead of ``lastrowid``; ``ON CONFLICT`` upserts.
- ``ORDER BY`` on columns or repeated expressions, never arithmetic on output aliases.
- No reserved words as names (``user`` is ``user_id``); sums of money are integers.

``execute`` runs one statement and commits it unless a transaction is open; ``query`` returns
dict rows; ``atomic()`` is a transaction (a savepoint when nested); ``immediate()`` is a
transaction that first takes the database's write lock, so a read-then-write decision
cannot race another process. Nothing outside ``bot.store`` knows which backend runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

from sqlite_utils import Database as _SqliteUtilsDatabase

__all__ = ["Cursor", "Database", "Params", "SqliteDatabase"]

Params = Sequence[Any] | dict[str, Any] | None
"""Statement parameters: a sequence for ``?``, a mapping for ``:name``."""


class Cursor(Protocol):
    """What ``Database.execute`` returns: how many rows the statement changed."""

    @property
    def rowcount(self) -> int:
        """Rows inserted, updated or deleted by the statement."""


class Database(Protocol):
    """A connection (or pool) to the tokencost database, whichever backend."""

    backend: str
    """``sqlite`` or ``postgresql``."""

    def execute(self, sql: str, parameters: Params = None) -> Cursor:
        """Run one statement; committed at once unless inside ``atomic``/``immediate``."""

    def query(self, sql: str, params: Params = None) -> Iterator[dict[str, Any]]:
        """Run a statement that returns rows; one dict per row."""

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run the statement for every parameter row, all or nothing; rows changed in total
        (a backend may send them as one statement: PostgreSQL inserts over arrays)."""

    def atomic(self) -> AbstractContextManager[Any]:
        """A transaction (a savepoint when nested): all or nothing."""

    def immediate(self) -> AbstractContextManager[Any]:
        """A transaction holding the database's write lock from its start."""

    def is_retryable(self, exc: BaseException) -> bool:
        """Whether a failed transaction may simply be run again (a deadlock victim)."""

    def close(self) -> None:
        """Release the connection(s)."""


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
