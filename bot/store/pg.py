"""The PostgreSQL backend of ``bot.store.database.Database``: psycopg 3 with a connection pool.

One ``PgDatabase`` serves every thread of a process. A statement borrows a pooled connection
(autocommit) for its own run and gives it back; ``atomic()`` and ``immediate()`` pin one
connection to the calling thread for the whole block, so the statements inside it share the
transaction. ``immediate()`` also takes a transaction-level advisory lock, the PostgreSQL
stand-in for SQLite's ``BEGIN IMMEDIATE``: blocks that read, decide and write (adopting a
workspace, claiming a digest) run one at a time, as they do on SQLite.

SQL arrives in the store's dialect (``?`` and ``:name`` placeholders) and is rewritten once
per statement text to psycopg's (``%s``, ``%(name)s``, and ``%`` doubled).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from bot.store.database import Params

__all__ = ["IMMEDIATE_LOCK", "PgDatabase", "is_pg_busy", "to_pyformat"]

IMMEDIATE_LOCK = 0x746F6B65  # "toke": the advisory lock key of immediate() blocks
"""Advisory lock key that serialises ``immediate()`` blocks across every process."""

_PLAIN_INSERT = re.compile(
    r"\s*INSERT INTO (\w+) \(([\w\s,]+)\) VALUES \((\?(?:\s*,\s*\?)*)\)"
    r"(\s+ON CONFLICT(?:\s*\([\w\s,]+\))?\s+DO NOTHING)?\s*",
    re.IGNORECASE,
)
"""``INSERT INTO t (a, b) VALUES (?, ?)``, optionally ``ON CONFLICT (...) DO NOTHING``: the
statements ``execute_many`` runs over arrays. Not ``DO UPDATE``: one statement may not update
a row twice, where one statement per row may."""
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"[^\"]*\"|::|\?|:([A-Za-z_]\w*)|%")


@functools.lru_cache(maxsize=1024)
def to_pyformat(sql: str) -> str:
    """Rewrite ``?`` and ``:name`` placeholders for psycopg; quoted text keeps its contents
    (with ``%`` doubled, as psycopg reads ``%`` everywhere once parameters are passed)."""

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        if token[0] in "'\"":
            return token.replace("%", "%%")
        if token == "::":
            return token
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        return f"%({match.group(1)})s"

    return _TOKEN.sub(swap, sql)


def _params(params: Params) -> Any:
    if params is None:
        return ()
    if isinstance(params, Mapping):
        return dict(params)
    return tuple(params)


@dataclass(frozen=True)
class PgCursor:
    """What a finished statement left: its row count and (for RETURNING) its rows."""

    rowcount: int
    rows: list[dict[str, Any]]

    def fetchone(self) -> dict[str, Any] | None:
        """The first returned row, or None."""
        return self.rows[0] if self.rows else None


class PgDatabase:
    """A pool of connections to one PostgreSQL database, shared by every thread."""

    backend = "postgresql"

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 10,
                 timeout_s: float = 10.0) -> None:  # fmt: skip
        self.url = url
        self._pool: ConnectionPool[psycopg.Connection[dict[str, Any]]] = ConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            timeout=timeout_s,
            kwargs={"autocommit": True, "row_factory": dict_row},
            open=True,
            name="tokencost",
        )
        self._local = threading.local()
        self._arrays: dict[str, str | None] = {}

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[dict[str, Any]]]:
        pinned: psycopg.Connection[dict[str, Any]] | None = getattr(self._local, "conn", None)
        if pinned is not None:
            yield pinned
            return
        with self._pool.connection() as conn:
            yield conn

    def execute(self, sql: str, parameters: Params = None) -> PgCursor:
        """Run one statement (committed at once outside a transaction block)."""
        with self._connection() as conn, conn.cursor() as cursor:
            cursor.execute(to_pyformat(sql), _params(parameters))
            rows = cursor.fetchall() if cursor.description is not None else []
            return PgCursor(cursor.rowcount, rows)

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """Run ``sql`` for every row in one transaction; the rows changed in total.

        A plain ``INSERT INTO t (columns) VALUES (?, ...)`` (with any ``ON CONFLICT`` tail)
        runs as one statement over one array per column (``unnest``, in the rows' order):
        one plan and one round trip, 2-3x the rows per second of a pipelined ``executemany``
        for 1,000 ledger rows (issue 15). Any other statement runs once per row, pipelined.
        """
        if not rows:
            return 0
        arrays = self._array_insert(sql)
        with self.atomic(), self._connection() as conn, conn.cursor() as cursor:
            if arrays is None:
                cursor.executemany(to_pyformat(sql), [tuple(row) for row in rows])
            else:
                cursor.execute(arrays, [list(column) for column in zip(*rows, strict=True)])
            return cursor.rowcount

    def _array_insert(self, sql: str) -> str | None:
        """The ``unnest`` form of a plain multi-row INSERT (None for any other statement);
        made once per statement text, with the column types read from the catalog."""
        cached = self._arrays.get(sql, self)
        if cached is not self:
            return cached  # type: ignore[return-value]  # `self` is only the not-found marker
        made: str | None = None
        match = _PLAIN_INSERT.fullmatch(sql)
        if match is not None:
            table, listed, tail = match.group(1), match.group(2), match.group(4) or ""
            columns = [name.strip() for name in listed.split(",")]
            types = {row["name"]: row["type"] for row in self.query(
                "SELECT attname AS name, format_type(atttypid, atttypmod) AS type"
                " FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0"
                " AND NOT attisdropped", [table])}  # fmt: skip
            if match.group(3).count("?") == len(columns) and all(c in types for c in columns):
                arrays = ", ".join(f"?::{types[c]}[]" for c in columns)
                names = ", ".join(columns)
                made = to_pyformat(
                    f"INSERT INTO {table} ({names}) SELECT {names} FROM unnest({arrays})"
                    f" WITH ORDINALITY AS given ({names}, given_order) ORDER BY given_order{tail}"
                )
        self._arrays[sql] = made
        return made

    def query(self, sql: str, params: Params = None) -> Iterator[dict[str, Any]]:
        """Run a statement returning rows; the rows are fetched before the connection goes
        back to the pool."""
        return iter(self.execute(sql, params).rows)

    @contextmanager
    def atomic(self) -> Iterator[PgDatabase]:
        """A transaction on a connection pinned to this thread (a savepoint when nested)."""
        pinned = getattr(self._local, "conn", None)
        if pinned is not None:
            with pinned.transaction():
                yield self
            return
        with self._pool.connection() as conn:
            self._local.conn = conn
            try:
                with conn.transaction():
                    yield self
            finally:
                self._local.conn = None

    @contextmanager
    def immediate(self) -> Iterator[PgDatabase]:
        """A transaction that first waits for the store-wide advisory lock."""
        with self.atomic():
            self.execute("SELECT pg_advisory_xact_lock(?)", [IMMEDIATE_LOCK])
            yield self

    def is_retryable(self, exc: BaseException) -> bool:
        """A deadlock victim or a serialization failure: run the transaction again."""
        return isinstance(
            exc, psycopg.errors.DeadlockDetected | psycopg.errors.SerializationFailure
        )

    def ping(self) -> None:
        """Raise unless the server answers (for ``/readyz``)."""
        self.execute("SELECT 1")

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.close()


def is_pg_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is PostgreSQL being unreachable or out of connections for now
    (answered "try again shortly", like a locked SQLite file)."""
    return isinstance(exc, PoolTimeout | psycopg.OperationalError | psycopg.errors.LockNotAvailable)
