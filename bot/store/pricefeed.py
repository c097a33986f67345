"""The bot's side of fresh prices: one `prices.live.LiveCatalog` per process, refreshed in a
background thread by `serve` and `clock`, its price changes and last outcome kept in the database.

`PriceStore` (`bot.store.pricefeed_rows`, which holds the SQL) is the live catalog's
`prices.live.PriceState` over the tokencost database (SQLite or PostgreSQL, tables of
migration m009, `bot.store.migrations_prices`): the dated price
changes (replayed at start-up, so a change keeps its day; a refresh first catches up with
what other processes recorded) and the newest refresh outcome (so `tokencost prices status`
in another process, a one-off dyno included, sees how the running bot's prices were last
refreshed). A refresh's changes and its status are written in one transaction; a change is
unique per model and day, so `web` and `clock` refreshing alike record it once.

These rows are global, not workspace-owned: prices are the same for every workspace, so these
functions take no `Workspace` (the one exception to the store's rule).

Earlier releases kept the same facts in two files beside the SQLite file (`CHANGES_FILE`,
`STATUS_FILE`). When they are there, the first process that opens the store imports them once
(by content hash, recorded in `price_imports`) and leaves the files where they are; delete
them once `tokencost prices status` shows the imported changes.

The CLI never fetches unless asked (`tokencost prices refresh`); only `serve` and `clock` start
a `Refresher`. A CLI run with no database yet (no SQLite folder) keeps nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import prices
from bot.config import Settings
from bot.store.database import Database
from bot.store.pricefeed_rows import CHANGES_FILE, STATUS_FILE, PriceStore, status_json
from prices.live import LiveCatalog, RefreshStatus

__all__ = [
    "CHANGES_FILE",
    "STATUS_FILE",
    "PriceStore",
    "Refresher",
    "open_live",
    "read_status",
    "refresh_and_record",
    "status_json",
]

log = logging.getLogger("tokencost.prices")


def open_live(
    settings: Settings,
    db: Database | None = None,
    *,
    clock: Callable[[], datetime] | None = None,
) -> LiveCatalog:
    """The live catalog for this process: bundled prices (with the operator's overrides) plus
    the price changes recorded in the database. Fetches nothing. `db`: an open PostgreSQL
    pool to share (SQLite connections are opened per call); `clock`: tests only.

    Raises `prices.CatalogError` on bad bundled or override data; unreadable recorded changes
    are logged and left out (the bundled prices are served, the next refresh catches up)."""
    if settings.prices_overrides is not None:
        catalog = prices.load_catalog(overrides=settings.prices_overrides)
    else:
        catalog = prices.default_catalog()
    store = PriceStore(settings, db)
    if clock is None:
        return LiveCatalog(settings.prices_refresh, catalog=catalog, state=store)
    return LiveCatalog(settings.prices_refresh, catalog=catalog, state=store, clock=clock)


def refresh_and_record(live: LiveCatalog, settings: Settings) -> RefreshStatus:
    """Refresh once; the live catalog's store records the changes and the outcome (never
    raises for a bad or missing payload; a store that cannot be written is logged)."""
    del settings  # the live catalog from `open_live` records through its own store
    return live.refresh()


def read_status(settings: Settings, db: Database | None = None) -> dict[str, Any] | None:
    """The last refresh any process recorded, or None (never refreshed, or no database)."""
    return PriceStore(settings, db).read_status()


class Refresher:
    """A daemon thread refreshing `live` every `settings.prices_refresh_s` seconds until
    `stop()`, and between refreshes replaying every `SYNC_EVERY` seconds the changes other
    processes recorded (so `web`'s App Home and `clock`'s digest agree within minutes, and a
    `tokencost prices refresh` run elsewhere reaches both); does nothing when refresh is off."""

    SYNC_EVERY = 300.0
    """Seconds between catch-ups with the database (one small read)."""

    def __init__(self, live: LiveCatalog, settings: Settings) -> None:
        self.live = live
        self.settings = settings
        self.stop_event = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Start refreshing (the first refresh runs at once, in the thread); False when off."""
        interval = self.settings.prices_refresh_s
        if interval is None:
            log.info("prices refresh is off (TOKENCOST_PRICES_REFRESH=off): bundled prices")
            return False
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, args=(interval,), name="prices-refresh", daemon=True
            )
            self._thread.start()
        return True

    def _run(self, interval: float) -> None:
        while not self.stop_event.is_set():
            try:
                self.live.refresh()
            except Exception:  # a bug must not end the thread: the next tick retries
                log.exception("prices refresh failed")
            deadline = time.monotonic() + interval
            while (left := deadline - time.monotonic()) > 0:
                if self.stop_event.wait(min(left, self.SYNC_EVERY)):
                    return
                if deadline - time.monotonic() > 0:
                    self.live.sync()  # never raises: an unreadable store is logged

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to end and wait for it (a refresh in flight ends at its timeout)."""
        self.stop_event.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
