"""The rows behind the live catalog's `prices.live.PriceState`: `PriceStore` (migration m009's
tables, `bot.store.migrations_prices`) and the one-time import of the JSON files earlier
releases kept beside the SQLite file. `bot.store.pricefeed` wires it to the live catalog.

These rows are global, not workspace-owned: prices are the same for every workspace, so these
functions take no `Workspace` (the one exception to the store's rule).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import prices
from bot.config import Settings
from bot.store.database import Database
from bot.store.db import format_utc, open_db, parse_utc, retry_deadlocks
from prices.history import PriceChange, change_from_doc, load_changes, period_doc
from prices.live import RefreshStatus

__all__ = [
    "CHANGES_FILE",
    "FEED",
    "STATUS_FILE",
    "PriceStore",
    "import_legacy_files",
    "status_json",
]

log = logging.getLogger("tokencost.prices")

CHANGES_FILE = "prices-changes.json"
"""The legacy file of dated price changes (imported once, then left in place)."""
STATUS_FILE = "prices-status.json"
"""The legacy file of the last refresh's outcome (imported once, then left in place)."""

FEED = "live"
"""The key of the one status row."""

_FAILED = ("refused", "unreachable")


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


def _utc(text: str | None) -> str | None:
    """An ISO 8601 moment (a status file's) as the store's fixed-width UTC text."""
    return format_utc(datetime.fromisoformat(text)) if text else None


def _iso(text: str | None) -> str | None:
    return parse_utc(text).isoformat() if text else None


_STATUS_COLUMNS = (
    "feed, source, url, as_of, models, outcome, message, last_attempt_utc, last_success_utc,"
    " changed, added, missing, updated_utc"
)
_NEWER = "WHERE price_refresh_status.last_attempt_utc IS NULL OR excluded.last_attempt_utc >="
_NEWER += " price_refresh_status.last_attempt_utc"
_UPSERT_SUCCESS = (
    f"INSERT INTO price_refresh_status ({_STATUS_COLUMNS}) VALUES ({', '.join('?' * 13)})"
    " ON CONFLICT (feed) DO UPDATE SET source = excluded.source, url = excluded.url,"
    " as_of = excluded.as_of, models = excluded.models, outcome = excluded.outcome,"
    " message = excluded.message, last_attempt_utc = excluded.last_attempt_utc,"
    " last_success_utc = excluded.last_success_utc, changed = excluded.changed,"
    f" added = excluded.added, missing = excluded.missing, updated_utc = excluded.updated_utc "
    f"{_NEWER}"
)
# A failed attempt says so, and keeps what the last success (of any process) found.
_UPSERT_FAILURE = (
    f"INSERT INTO price_refresh_status ({_STATUS_COLUMNS}) VALUES ({', '.join('?' * 13)})"
    " ON CONFLICT (feed) DO UPDATE SET outcome = excluded.outcome, message = excluded.message,"
    f" last_attempt_utc = excluded.last_attempt_utc, updated_utc = excluded.updated_utc {_NEWER}"
)
_INSERT_STATUS = (
    f"INSERT INTO price_refresh_status ({_STATUS_COLUMNS}) VALUES ({', '.join('?' * 13)})"
    " ON CONFLICT (feed) DO NOTHING"
)
_INSERT_CHANGE = (
    "INSERT INTO price_changes (model_key, day, before_doc, after_doc, source, found_utc,"
    " recorded_utc) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (model_key, day) DO NOTHING"
)


def _status_row(doc: dict[str, Any], now: datetime) -> list[Any]:
    """A `status_json` document as a `price_refresh_status` row."""
    return [
        FEED, doc["source"], doc["url"], doc["as_of"], int(doc["models"]), doc["outcome"],
        doc["message"], _utc(doc["last_attempt"]), _utc(doc["last_success"]),
        json.dumps(list(doc["changed"])), json.dumps(list(doc["added"])),
        json.dumps(list(doc["missing"])), format_utc(now),
    ]  # fmt: skip


def _change_row(change: PriceChange, now: datetime) -> list[Any]:
    return [
        change.key, change.day.isoformat(),
        json.dumps([period_doc(p) for p in change.before]),
        json.dumps([period_doc(p) for p in change.after]),
        change.source, format_utc(change.found), format_utc(now),
    ]  # fmt: skip


def _insert_changes(db: Database, changes: Sequence[PriceChange], now: datetime) -> int:
    # Sorted: two processes inserting the same keys take their locks in one order (no deadlock).
    rows = [_change_row(c, now) for c in sorted(changes, key=lambda c: (c.key, c.day))]
    return db.execute_many(_INSERT_CHANGE, rows) if rows else 0


class PriceStore:
    """`prices.live.PriceState` over the tokencost database named by `settings`.

    Each call opens what it needs and closes it (a SQLite connection is bound to its thread,
    and refreshes run in their own): pass `db` to share an open PostgreSQL pool instead. A
    SQLite file is created (and migrated) only by a write, and only when its folder exists."""

    def __init__(self, settings: Settings, db: Database | None = None) -> None:
        self.settings = settings
        self._db = db
        self._imported = False
        self._lock = threading.Lock()

    @contextmanager
    def _session(self, *, create: bool) -> Iterator[Database | None]:
        """The migrated database, or None when there is none to read (or to create)."""
        if self._db is not None:
            yield self._db
        elif self.settings.database_url is not None:
            db = open_db(self.settings.database_url)
            try:
                yield db
            finally:
                db.close()
        else:
            path = self.settings.db_path
            if not (path.exists() or (create and path.parent.is_dir())):
                yield None
                return
            db = open_db(path)
            try:
                yield db
            finally:
                db.close()

    def _ready(self, db: Database) -> None:
        """Import the legacy files once per process (and once per file content, ever)."""
        with self._lock:
            if self._imported:
                return
            self._imported = True
        try:
            import_legacy_files(db, self.settings, datetime.now(UTC))
        except Exception as exc:  # the files stay; the next start tries again
            log.warning("legacy price files not imported (%s): %s", type(exc).__name__, exc)

    def load_changes(self) -> list[PriceChange]:
        """Every recorded change, oldest day first; a broken row is logged and left out."""
        with self._session(create=False) as db:
            if db is None:
                return []
            self._ready(db)
            rows = list(db.query(
                "SELECT model_key, day, before_doc, after_doc, source, found_utc"
                " FROM price_changes ORDER BY day, id"))  # fmt: skip
        found = []
        for row in rows:
            try:
                found.append(change_from_doc("price_changes", {
                    "key": row["model_key"], "day": row["day"], "source": row["source"],
                    "before": json.loads(row["before_doc"], parse_float=Decimal),
                    "after": json.loads(row["after_doc"], parse_float=Decimal),
                    "found": _iso(row["found_utc"]),
                }))  # fmt: skip
            except (prices.CatalogError, ValueError) as exc:
                message = getattr(exc, "message", str(exc))
                log.warning("price change %s %s not replayed: %s", row["model_key"], row["day"],
                            message)  # fmt: skip
        return found

    def record(self, changes: Sequence[PriceChange], status: RefreshStatus) -> None:
        """Keep `changes` (once per model and day) and `status`, in one transaction."""
        now = datetime.now(UTC)
        sql = _UPSERT_FAILURE if status.outcome in _FAILED else _UPSERT_SUCCESS
        row = _status_row(status_json(status), now)
        with self._session(create=True) as db:
            if db is None:
                return
            self._ready(db)

            def work() -> None:
                with db.atomic():
                    _insert_changes(db, changes, now)
                    db.execute(sql, row)

            retry_deadlocks(db, work)

    def read_status(self) -> dict[str, Any] | None:
        """The newest refresh any process recorded (as `status_json` gives it), or None."""
        with self._session(create=False) as db:
            if db is None:
                return None
            self._ready(db)
            found = next(db.query("SELECT * FROM price_refresh_status WHERE feed = ?", [FEED]),
                         None)  # fmt: skip
        if found is None:
            return None
        return {
            "source": found["source"], "url": found["url"], "as_of": found["as_of"],
            "models": int(found["models"]), "outcome": found["outcome"],
            "message": found["message"], "last_attempt": _iso(found["last_attempt_utc"]),
            "last_success": _iso(found["last_success_utc"]),
            "changed": json.loads(found["changed"]), "added": json.loads(found["added"]),
            "missing": json.loads(found["missing"]),
        }  # fmt: skip


def import_legacy_files(db: Database, settings: Settings, now: datetime) -> int:
    """Import `CHANGES_FILE` and `STATUS_FILE` from the SQLite file's folder when they are
    there and this content was never imported; the files are left in place. Rows imported.

    A change already stored (same model and day) and a status already stored win over the
    files'. Raises `prices.CatalogError` (logged by the caller) for a broken file."""
    folder = settings.db_path.parent
    imported = 0
    for name in (CHANGES_FILE, STATUS_FILE):
        path = folder / name
        if not path.is_file():
            continue
        content = path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        done = db.query("SELECT 1 AS done FROM price_imports WHERE file_sha256 = ?", [digest])
        if next(done, None) is not None:
            continue
        with db.atomic():
            if name == CHANGES_FILE:
                rows = _insert_changes(db, load_changes(path), now)
            else:
                doc = json.loads(content.decode("utf-8"))
                rows = db.execute(_INSERT_STATUS, _status_row(doc, now)).rowcount
            db.execute(
                "INSERT INTO price_imports (file_sha256, file_name, rows_imported, imported_utc)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (file_sha256) DO NOTHING",
                [digest, name, max(rows, 0), format_utc(now)],
            )
        log.info("imported %s into the database (%d rows); the file is left in place", name, rows)
        imported += max(rows, 0)
    return imported
