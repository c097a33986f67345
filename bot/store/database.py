"""The one database interface the store is written against, and its SQLite implementation.

Three classes satisfy ``Database``: SQLite through sqlite-utils
(``bot.store.sqlite.SqliteDatabase``, the embedded default), SQLite through the standard
library alone (``bot.store.lite.LiteDatabase``, the CLI's quick path: no sqlite-utils to import)
and PostgreSQL through psycopg 3 with a pool (``bot.store.pg.PgDatabase``, when
``DATABASE_URL`` is set). This module imports neither driver library. Store modules write SQL
once, in the dialect all accept:

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
from contextlib import AbstractContextManager
from typing import Any, Protocol

__all__ = ["Cursor", "Database", "Params"]

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
