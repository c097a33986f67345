"""One background thread that writes the query log, so no Slack listener waits on SQLite.

Listener threads hand finished rows to a queue and return; the writer drains the queue and
stores whatever has gathered in one transaction (one fsync for many rows). A failed write is
logged and only the rows that failed are dropped: the query log must never fail or slow down
a reply. `flush()` waits until everything queued so far is stored; `stop()` flushes and ends
the thread (also run at interpreter exit, before daemon threads are frozen).
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
from collections.abc import Callable

from bot.store.database import Database
from bot.store.queries import QueryRecord, record_queries

__all__ = ["QueryLogWriter", "store_rows"]

log = logging.getLogger("tokencost.querylog")

#: Rows stored per transaction at most.
MAX_BATCH = 500
#: Seconds the writer waits after a row before storing, so the rows of the next moment share
#: one transaction: a commit costs ~0.1-0.2 ms of CPU, which at 200 requests a second and a
#: 20 ms wait was a commit every 4 replies (issue 15). `flush()` and `stop()` cut it short.
LINGER_S = 0.25


class _Flush:
    """A marker in the queue: set when every row before it has been handled."""

    def __init__(self) -> None:
        self.done = threading.Event()


_STOP = object()


class QueryLogWriter:
    """The single writer of the `queries` table for one runtime."""

    def __init__(self, connect: Callable[[], Database]) -> None:
        self._connect = connect
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._wake = threading.Event()
        """Set by `flush()` and `stop()`: the writer stops lingering and stores at once."""
        self._waiting = 0
        """Flush and stop markers queued and not yet handled: while any is, nothing lingers."""
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="querylog-writer", daemon=True)
        self._stopped = False
        self._thread.start()
        atexit.register(self.stop)

    def submit(self, record: QueryRecord) -> None:
        """Queue one row; returns at once."""
        if self._stopped:
            raise RuntimeError("the query log writer is stopped")
        self._queue.put(record)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every row queued before this call is stored (or failed)."""
        if self._stopped or not self._thread.is_alive():
            return True
        marker = _Flush()
        self._urgent(+1)
        self._queue.put(marker)
        self._wake.set()
        return marker.done.wait(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Store what is queued, then end the thread."""
        if self._stopped:
            return
        self._stopped = True
        self._urgent(+1)
        self._queue.put(_STOP)
        self._wake.set()
        self._thread.join(timeout)
        atexit.unregister(self.stop)

    def _urgent(self, change: int) -> int:
        with self._lock:
            self._waiting += change
            return self._waiting

    def _run(self) -> None:
        db = self._connect()
        relax_commits(db)
        try:
            while True:
                item = self._queue.get()
                if (
                    isinstance(item, QueryRecord)
                    and self._queue.qsize() < MAX_BATCH
                    and not self._urgent(0)
                ):
                    # Let the rows of the next moment gather: one transaction for all of them.
                    # A wait on an event, not a sleep: a flush or stop cuts it short, and a
                    # row's `put` wakes nothing (no thread switch per reply). No wait when a
                    # full batch is already queued or a flush is pending: the writer keeps up
                    # with any rate its inserts can (a fixed wait capped it at 2,000 rows/s).
                    self._wake.wait(LINGER_S)
                    self._wake.clear()
                batch: list[QueryRecord] = []
                markers: list[_Flush] = []
                stop = False
                while True:
                    if isinstance(item, QueryRecord):
                        batch.append(item)
                    elif isinstance(item, _Flush):
                        markers.append(item)
                    else:
                        stop = True
                    if stop or len(batch) >= MAX_BATCH:
                        break
                    try:
                        item = self._queue.get_nowait()
                    except queue.Empty:
                        break
                self._write(db, batch)
                for marker in markers:
                    self._urgent(-1)
                    marker.done.set()
                if stop:
                    return
        finally:
            db.close()

    @staticmethod
    def _write(db: Database, batch: list[QueryRecord]) -> None:
        if not batch:
            return
        try:
            store_rows(db, batch)  # one transaction: one fsync for the batch
        except Exception:
            if len(batch) == 1:
                log.exception("query log write failed; the reply was sent")
                return
            # One bad row must not take the others with it: store them one by one.
            for record in batch:
                try:
                    store_rows(db, [record])
                except Exception:
                    log.exception("query log write failed (kind=%s); the reply was sent",
                                  record.kind)  # fmt: skip


def relax_commits(db: Database) -> None:
    """The writer's connection: on SQLite WAL with `synchronous = NORMAL` (as every connection
    the runtime opens: durable when the bot crashes; a power cut may lose the last commits,
    never corrupt the file), set here too so a connection opened some other way writes the
    query log the same way. On PostgreSQL `store_rows` turns `synchronous_commit` off for its
    own transactions only (a server crash may lose the last query-log rows, never corrupt)."""
    if db.backend == "sqlite":
        db.execute("PRAGMA synchronous = NORMAL")


def store_rows(db: Database, records: list[QueryRecord]) -> None:
    """Store query-log rows in one transaction (the writer's batches; the CLI's one row)."""
    with db.immediate() if db.backend == "sqlite" else db.atomic():
        # SQLite: take the write lock up front (waits on the busy timeout). PostgreSQL: a
        # plain transaction, as the inserts decide nothing and need no store-wide lock, whose
        # commit does not wait for the WAL flush (see `relax_commits`).
        if db.backend != "sqlite":
            db.execute("SET LOCAL synchronous_commit TO OFF")
        record_queries(db, records)
