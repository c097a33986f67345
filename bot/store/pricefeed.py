"""The bot's side of fresh prices: one `prices.live.LiveCatalog` per process, refreshed in a
background thread by `serve` and `clock`, its price changes and last outcome kept on disk.

Two files sit in the SQLite file's folder (`TOKENCOST_DB`; with `DATABASE_URL`, the same folder
when it exists, else nothing is kept): `prices-changes.json` (the dated price changes,
replayed at start-up so a change keeps its day across restarts, see `prices.live`) and
`prices-status.json` (the last refresh's outcome, so `tokencost prices status` in another
process can say how the running bot's prices were last refreshed). The CLI never fetches
unless asked (`tokencost prices refresh`); only `serve` and `clock` start a `Refresher`.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import prices
from bot.config import Settings
from prices.live import LiveCatalog, RefreshStatus

__all__ = [
    "CHANGES_FILE",
    "STATUS_FILE",
    "Refresher",
    "open_live",
    "read_status",
    "refresh_and_record",
    "status_json",
]

log = logging.getLogger("tokencost.prices")

CHANGES_FILE = "prices-changes.json"
STATUS_FILE = "prices-status.json"


@dataclass(frozen=True)
class _Paths:
    changes: Path
    status: Path


def _paths(settings: Settings) -> _Paths:
    folder = settings.db_path.parent
    return _Paths(folder / CHANGES_FILE, folder / STATUS_FILE)


def open_live(settings: Settings) -> LiveCatalog:
    """The live catalog for this process: bundled prices (with the operator's overrides) plus
    the price changes earlier refreshes recorded. Fetches nothing.

    Raises `prices.CatalogError` on bad bundled or override data; a broken changes file is
    logged and set aside (the bundled prices are served, the next refresh records afresh)."""
    if settings.prices_overrides is not None:
        catalog = prices.load_catalog(overrides=settings.prices_overrides)
    else:
        catalog = prices.default_catalog()
    changes = _paths(settings).changes
    # No data folder yet (a CLI run elsewhere): nothing to replay or keep.
    state = changes if changes.parent.is_dir() else None
    try:
        return LiveCatalog(settings.prices_refresh, catalog=catalog, state_path=state)
    except prices.CatalogError as exc:
        log.warning("price changes not replayed: %s", exc.message)
        return LiveCatalog(settings.prices_refresh, catalog=catalog)


def status_json(status: RefreshStatus) -> dict[str, Any]:
    """A status as a JSON object (dates ISO 8601, lists of `provider/id` keys)."""

    def when(moment: datetime | date | None) -> str | None:
        return moment.isoformat() if moment is not None else None

    return {
        "source": status.source,
        "url": status.url,
        "as_of": when(status.as_of),
        "models": status.models,
        "outcome": status.outcome,
        "message": status.message,
        "last_attempt": when(status.last_attempt),
        "last_success": when(status.last_success),
        "changed": list(status.changed),
        "added": list(status.added),
        "missing": list(status.missing),
    }


def refresh_and_record(live: LiveCatalog, settings: Settings) -> RefreshStatus:
    """Refresh once and write the outcome to `prices-status.json` (never raises for a bad or
    missing payload; a status file that cannot be written is logged)."""
    status = live.refresh()
    path = _paths(settings).status
    if path.parent.is_dir():
        tmp = path.with_name(f"{path.name}.{threading.get_ident()}.tmp")
        try:
            tmp.write_text(json.dumps(status_json(status), indent=1), encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            log.warning("could not write %s: %s", path, exc)
    return status


def read_status(settings: Settings) -> dict[str, Any] | None:
    """The last refresh any process recorded, or None (never refreshed, or unreadable)."""
    path = _paths(settings).status
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


class Refresher:
    """A daemon thread refreshing `live` every `settings.prices_refresh_s` seconds until
    `stop()`; does nothing when refresh is off."""

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
                refresh_and_record(self.live, self.settings)
            except Exception:  # a bug must not end the thread: the next tick retries
                log.exception("prices refresh failed")
            self.stop_event.wait(interval)

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to end and wait for it (a refresh in flight ends at its timeout)."""
        self.stop_event.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
