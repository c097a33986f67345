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
import time
from collections.abc import Callable

from bot.store.db import Database
from bot.store.queries import QueryRecord, record_queries

__all__ = ["QueryLogWriter"]

log = logging.getLogger("tokencost.querylog")

#: Rows stored per transaction at most.
MAX_BATCH = 500
#: Seconds the writer waits after a row before storing, so rows arriving together share a
#: transaction; `flush()` waits at most this much longer.
LINGER_S = 0.02


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
        self._queue.put(marker)
        return marker.done.wait(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Store what is queued, then end the thread."""
        if self._stopped:
            return
        self._stopped = True
        self._queue.put(_STOP)
        self._thread.join(timeout)
        atexit.unregister(self.stop)

    def _run(self) -> None:
        db = self._connect()
        try:
            while True:
                item = self._queue.get()
                if isinstance(item, QueryRecord):
                    # Let a burst gather: one transaction for the rows of the next few ms,
                    # not one per reply (each commit was ~15% of a reply's CPU, issue 15).
                    time.sleep(LINGER_S)
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
            _store(db, batch)  # one transaction: one fsync for the batch
        except Exception:
            if len(batch) == 1:
                log.exception("query log write failed; the reply was sent")
                return
            # One bad row must not take the others with it: store them one by one.
            for record in batch:
                try:
                    _store(db, [record])
                except Exception:
                    log.exception("query log write failed (kind=%s); the reply was sent",
                                  record.kind)  # fmt: skip


def _store(db: Database, records: list[QueryRecord]) -> None:
    with db.immediate() if db.backend == "sqlite" else db.atomic():
        # SQLite: take the write lock up front (waits on the busy timeout). PostgreSQL: a
        # plain transaction, as the inserts decide nothing and need no store-wide lock.
        record_queries(db, records)
