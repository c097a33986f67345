"""What every listener and command needs at hand: settings, the catalog, the database, a clock.

Built once at start-up (`Runtime.start`) and passed down; nothing here is a module global.
`Runtime.catalog` is the live catalog's current snapshot (`bot.store.pricefeed`): take it once per
request; `serve` and `clock` refresh it in the background (`refresh_prices_in_background`).
SQLite connections are per thread (Bolt runs listeners in a thread pool); with `DATABASE_URL`
every thread shares one PostgreSQL connection pool (`bot.store.pg`).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import prices
from bot.config import Settings
from bot.store.database import Database, SqliteDatabase
from bot.store.db import open_db
from bot.store.faq_learning import active_alternates, active_drafts, learning_version
from bot.store.pricefeed import Refresher, open_live
from bot.store.queries import QueryRecord
from bot.store.query_writer import QueryLogWriter
from bot.store.workspace import Workspace
from prices.live import LiveCatalog

if TYPE_CHECKING:
    from faq.matcher import Matcher

__all__ = ["Runtime", "utc_now"]


def utc_now() -> datetime:
    """The current time, timezone-aware UTC (the production clock)."""
    return datetime.now(UTC)


def _warm_faq() -> None:
    """Load the FAQ entries and build the matcher's index (~50 ms) before the first question.

    A broken FAQ must not stop the bot (pricing works without it): the answer path reports it.
    """
    try:
        import faq

        faq.default_matcher()
    except Exception:
        logging.getLogger("tokencost").exception("FAQ could not be loaded at start-up")


@dataclass
class Runtime:
    """Shared, read-mostly state of a running bot."""

    settings: Settings
    live: LiveCatalog
    """The prices in use (bundled, plus what refreshes found); `catalog` is its snapshot."""
    clock: Callable[[], datetime] = utc_now
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _opened: list[tuple[threading.Thread, Database]] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _writer: QueryLogWriter | None = field(default=None, repr=False)
    _refresher: Refresher | None = field(default=None, repr=False)
    _shared: Database | None = field(default=None, repr=False)
    """PostgreSQL: the one pool every thread uses (None on SQLite)."""
    _matchers: OrderedDict[Workspace, tuple[str, Matcher]] = field(
        default_factory=OrderedDict, repr=False
    )

    MATCHERS_KEPT = 64
    """Workspace matchers kept built (least recently used dropped first)."""

    @property
    def catalog(self) -> prices.Catalog:
        """The catalog in use now: a snapshot that a refresh never changes under its reader."""
        return self.live.catalog

    def refresh_prices_in_background(self) -> bool:
        """Refresh prices now and every `TOKENCOST_PRICES_REFRESH` in a daemon thread (`serve`
        and `clock` only; the CLI never fetches unless asked). False when refresh is off."""
        with self._lock:
            if self._refresher is None:
                self._refresher = Refresher(self.live, self.settings)
            refresher = self._refresher
        return refresher.start()

    @classmethod
    def start(
        cls, settings: Settings, clock: Callable[[], datetime] = utc_now, *, encodings: bool = True
    ) -> Runtime:
        """Load and validate the catalog, load tokenizers (unless `encodings=False`: one-shot
        CLI commands that count nothing), migrate the database.

        Raises `prices.CatalogError` on bad price data: the bot never serves half a catalog.
        """
        migrated = open_db(settings.database)
        # Fetches nothing (`refresh_prices_in_background` does); replays the recorded changes.
        try:
            live = open_live(settings, migrated if settings.database_url is not None else None)
        except BaseException:
            migrated.close()
            raise
        if encodings:  # a long-running bot: pay every one-time cost now, not in a reply
            prices.defer_encodings()  # cached tokenizers load at their first count
            _warm_faq()
        if settings.database_url is None:
            migrated.close()
            return cls(settings=settings, live=live, clock=clock)
        return cls(settings=settings, live=live, clock=clock, _shared=migrated)

    def _connect(self) -> Database:
        if self.settings.database_url is not None:
            # The query log writer's own small pool (it closes it when it stops).
            from bot.store.pg import PgDatabase

            return PgDatabase(self.settings.database_url, min_size=1, max_size=2)
        # Not `bot.store.db.connect`: that creates a missing file, and a worker thread must
        # fail (readyz 503) rather than start an empty, unmigrated database.
        # Used by one thread only; check_same_thread=False lets close() run elsewhere. A lock
        # held longer than the busy timeout raises "database is locked", answered 503.
        timeout = self.settings.db_busy_timeout_ms / 1000
        conn = sqlite3.connect(self.settings.db_path, timeout=timeout, check_same_thread=False)
        db = SqliteDatabase(conn, execute_plugins=False)
        db.execute("PRAGMA foreign_keys = ON")
        # With WAL, NORMAL is durable against application crashes and skips an fsync per
        # commit (https://sqlite.org/pragma.html#pragma_synchronous).
        db.execute("PRAGMA synchronous = NORMAL")
        return db

    def db(self) -> Database:
        """This thread's connection to the (already migrated) database."""
        if self._shared is not None:
            return self._shared
        db: Database | None = getattr(self._local, "db", None)
        if db is None:
            db = self._connect()
            self._local.db = db
            with self._lock:
                self._opened.append((threading.current_thread(), db))
        return db

    def faq_matcher(self, ws: Workspace) -> Matcher:
        """The FAQ matcher of `ws`: bundled entries, its own entries, the phrasings it was taught.

        Cached per workspace and rebuilt when its learning rows change (`learning_version`);
        a workspace that taught nothing shares the bundled matcher. Raises what `faq` raises
        when the bundled entries are broken (the answer path reports it).
        """
        import faq

        db = self.db()
        version = learning_version(db, ws)
        with self._lock:
            cached = self._matchers.get(ws)
            if cached is not None and cached[0] == version:
                self._matchers.move_to_end(ws)
                return cached[1]
        built = faq.default_matcher()
        bundled = {entry.id for entry in built.entries}
        drafts = []
        for entry in active_drafts(db, ws):
            if entry.id in bundled:  # a bundled entry took the id since: the bundled one wins
                logging.getLogger("tokencost").warning(
                    "workspace %s: its FAQ entry %s is hidden by a bundled one", ws, entry.id
                )
            else:
                drafts.append(entry)
        if drafts:
            built = built.with_entries(drafts)
        alternates = active_alternates(db, ws)
        if alternates:
            built = built.with_alternates(alternates)
        with self._lock:
            self._matchers[ws] = (version, built)
            self._matchers.move_to_end(ws)
            while len(self._matchers) > self.MATCHERS_KEPT:
                self._matchers.popitem(last=False)
        return built

    def log_query(self, record: QueryRecord) -> None:
        """Queue a query-log row for the background writer; returns at once."""
        with self._lock:
            if self._writer is None:
                self._writer = QueryLogWriter(self._connect)
            writer = self._writer
        writer.submit(record)

    def flush_query_log(self, timeout: float = 10.0) -> bool:
        """Wait until every query-log row queued so far is stored (a graceful shutdown)."""
        with self._lock:
            writer = self._writer
        return True if writer is None else writer.flush(timeout)

    def ping(self) -> None:
        """Raise unless the database answers a query (``/readyz``)."""
        next(self.db().query("SELECT 1 AS ok"))

    def close(self) -> None:
        """Close this runtime's connections that no other live thread may still be using.

        A Bolt listener thread can still be writing the query log after its ack went out;
        closing its connection under it would pull SQLite out from under a running statement,
        so a connection owned by another live thread is left to that thread (and the process).
        """
        with self._lock:
            writer, self._writer = self._writer, None
            refresher, self._refresher = self._refresher, None
        if refresher is not None:
            refresher.stop()
        if writer is not None:
            writer.stop()
        me = threading.current_thread()
        with self._lock:
            kept = []
            for owner, db in self._opened:
                if owner is me or not owner.is_alive():
                    db.close()
                else:
                    kept.append((owner, db))
            self._opened = kept
            shared, self._shared = self._shared, None
        if shared is not None:  # a pool: in-flight statements finish before it closes
            shared.close()
        self._local = threading.local()
