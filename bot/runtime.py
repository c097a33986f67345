"""What every listener and command needs at hand: settings, the catalog, the database, a clock.

Built once at start-up (`Runtime.start`) and passed down; nothing here is a module global.
SQLite connections are per thread (Bolt runs listeners in a thread pool).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import prices

from .config import Settings
from .store import Database, open_db

__all__ = ["Runtime", "utc_now"]


def utc_now() -> datetime:
    """The current time, timezone-aware UTC (the production clock)."""
    return datetime.now(UTC)


@dataclass
class Runtime:
    """Shared, read-mostly state of a running bot."""

    settings: Settings
    catalog: prices.Catalog
    clock: Callable[[], datetime] = utc_now
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _opened: list[Database] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def start(
        cls, settings: Settings, clock: Callable[[], datetime] = utc_now, *, encodings: bool = True
    ) -> Runtime:
        """Load and validate the catalog, load tokenizers (unless `encodings=False`: one-shot
        CLI commands that count nothing), migrate the database.

        Raises `prices.CatalogError` on bad price data: the bot never serves half a catalog.
        """
        if settings.prices_overrides is not None:
            catalog = prices.load_catalog(overrides=settings.prices_overrides)
        else:
            catalog = prices.default_catalog()
        if encodings:
            prices.load_encodings()
        open_db(settings.db_path).close()
        return cls(settings=settings, catalog=catalog, clock=clock)

    def db(self) -> Database:
        """This thread's connection to the (already migrated) database."""
        db: Database | None = getattr(self._local, "db", None)
        if db is None:
            # Used by this thread only; check_same_thread=False lets close() run elsewhere.
            conn = sqlite3.connect(self.settings.db_path, timeout=10, check_same_thread=False)
            db = Database(conn, execute_plugins=False)
            db.execute("PRAGMA foreign_keys = ON")
            self._local.db = db
            with self._lock:
                self._opened.append(db)
        return db

    def close(self) -> None:
        """Close every connection this runtime opened."""
        with self._lock:
            for db in self._opened:
                db.close()
            self._opened.clear()
        self._local = threading.local()
