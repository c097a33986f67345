"""The runtime of a one-shot CLI command (`tokencost ask`): the bot's `Runtime`, opened quickly.

Issue 15: `tokencost ask` must finish before a peer library has imported. A current SQLite file
is opened with the standard library (`bot.store.lite`), not sqlite-utils, and the query-log row
is stored when the command closes its runtime, after the answer is printed, in the main thread
rather than through the background writer (which lingers up to 250 ms to batch a burst that a
one-shot command never has). Everything else is the bot's: the same catalog, the same store
functions, the same `answer` and `log_reply`.

A database that is missing, old or not private, or a PostgreSQL `DATABASE_URL`, takes the
usual path (`Runtime.start`: sqlite-utils, migrations), so it is created or migrated exactly
as before; the next command is quick again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.cli.live import open_quick, quick_live
from bot.config import Settings
from bot.runtime import Runtime
from bot.store.database import Database
from bot.store.lite import LiteDatabase, open_current
from bot.store.queries import QueryRecord
from bot.store.query_writer import store_rows

__all__ = ["QuickRuntime", "cli_runtime"]

log = logging.getLogger("tokencost.querylog")


@dataclass
class QuickRuntime(Runtime):
    """A `Runtime` on a current SQLite file opened with the standard library."""

    _first: LiteDatabase | None = field(default=None, repr=False)
    """The connection `open_current` checked, handed to the first thread that asks."""

    def _connect(self) -> Database:
        db, self._first = self._first, None
        if db is None:  # another thread (the CLI has none): its own connection
            db = open_current(self.settings.db_path, self.settings.db_busy_timeout_ms / 1000)
        if db is None:
            raise RuntimeError(f"{self.settings.db_path} changed under tokencost; run it again")
        return db

    _rows: list[QueryRecord] = field(default_factory=list, repr=False)
    """Query-log rows to store at `close`, after the answer is printed (as the writer does)."""

    def log_query(self, record: QueryRecord) -> None:
        """Keep the row for `close`; returns at once."""
        self._rows.append(record)

    def flush_query_log(self, timeout: float = 10.0) -> bool:
        """Store the rows kept so far, in one transaction; a failure is logged, never raised
        (the query log must never fail a reply)."""
        rows, self._rows = self._rows, []
        if rows:
            try:
                store_rows(self.db(), rows)
            except Exception:
                log.exception("query log write failed; the reply was sent")
        return True

    def close(self) -> None:
        """Store the kept rows, then close the connection (also one checked but never used)."""
        try:
            self.flush_query_log()
        finally:
            first, self._first = self._first, None
            if first is not None:
                first.close()
            super().close()


def cli_runtime(settings: Settings) -> Runtime:
    """The runtime for a one-shot command that counts nothing (no tokenizers are loaded):
    quick on a current SQLite file, else `Runtime.start` (which creates or migrates it)."""
    db = open_quick(settings)
    if db is None and settings.database_url is None:
        Runtime.start(settings, encodings=False).close()  # creates, narrows, migrates
        db = open_quick(settings)
    if db is None:  # PostgreSQL, or e.g. a schema newer than this code: the usual runtime
        return Runtime.start(settings, encodings=False)
    try:
        # The recorded price changes are read through the same connection.
        return QuickRuntime(settings=settings, live=quick_live(settings, db), _first=db)
    except BaseException:
        db.close()
        raise
