"""The live catalog for one-shot CLI commands (`ask`, `prices show|list`), read quickly.

The prices in use are the bundled catalog plus the price changes recorded in the database
(`bot.store.pricefeed`). On a current SQLite file those are read through the standard library
(`bot.store.lite`) instead of sqlite-utils and the migrations (issue 15: these commands must
start faster than a peer library imports); a missing or old file, or `DATABASE_URL`, is read
the usual way (`open_live` opens, and if need be migrates, it).
"""

from __future__ import annotations

from bot.config import Settings
from bot.store.lite import LiteDatabase, open_current
from bot.store.pricefeed import open_live
from prices.live import LiveCatalog

__all__ = ["open_quick", "quick_live"]


def open_quick(settings: Settings) -> LiteDatabase | None:
    """The SQLite file opened with the standard library when it is current, else None."""
    if settings.database_url is not None:
        return None
    return open_current(settings.db_path, settings.db_busy_timeout_ms / 1000)


def quick_live(settings: Settings, db: LiteDatabase | None) -> LiveCatalog:
    """`open_live` reading the recorded changes through `db` when given (the caller closes
    it), else opening the database itself."""
    return open_live(settings) if db is None else open_live(settings, db)
