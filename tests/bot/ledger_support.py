"""Helpers for the ledger and digest tests: a frozen catalog, a settable clock, a runtime."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import prices
from bot.config import Settings
from bot.runtime import Runtime
from bot.store import open_db

CATALOG_DIR = Path(__file__).parent / "ledger_catalog"
NOW = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
"""Tuesday 3 November 2026, 09:00 in Berlin."""
INGEST_TOKEN = "ingest-secret-123"


def ledger_catalog() -> prices.Catalog:
    """The frozen test catalog (gpt-4o drops from $5/$15 to $2.50/$10 on 2026-11-01)."""
    return prices.load_catalog(data_dir=CATALOG_DIR)


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = field(default=NOW)

    def __call__(self) -> datetime:
        return self.now


def make_runtime(
    db_path: Path, clock: Clock, slack_url: str | None = None, **settings: object
) -> Runtime:
    """A runtime on a migrated SQLite file with the frozen catalog and the given clock."""
    open_db(db_path).close()
    values: dict[str, object] = {
        "db_path": db_path,
        "bot_token": "xoxb-test",
        "slack_api_url": slack_url,
        "ingest_token": INGEST_TOKEN,
        **settings,
    }
    return Runtime(settings=Settings(**values), catalog=ledger_catalog(), clock=clock)  # type: ignore[arg-type]
