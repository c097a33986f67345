"""Helpers for the ledger and digest tests: a frozen catalog, a settable clock, a runtime."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import prices
from bot.config import Settings
from bot.ledger.fields import UsageEvent
from bot.ledger.pricing import record_events
from bot.runtime import Runtime
from bot.store.budgets import set_budget
from bot.store.db import Database, open_db
from bot.store.queries import QueryRecord, record_faq_miss, record_query
from bot.store.workspace import Workspace
from bot.store.workspaces import record_workspace
from prices.live import LiveCatalog, RefreshSettings

CATALOG_DIR = Path(__file__).parent / "ledger_catalog"
NOW = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
"""Tuesday 3 November 2026, 09:00 in Berlin."""
INGEST_TOKEN = "ingest-secret-123"
WS = Workspace("T1")
"""The workspace the ledger tests fill."""


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
    database: str | Path, clock: Clock, slack_url: str | None = None, **settings: object
) -> Runtime:
    """A runtime on a migrated database (a SQLite file, or a PostgreSQL URL) with the frozen
    catalog and the given clock."""
    migrated = open_db(database)
    shared = None if migrated.backend == "sqlite" else migrated
    if shared is None:
        migrated.close()
    values: dict[str, object] = {
        "db_path": database if isinstance(database, Path) else Path("unused.db"),
        "database_url": database if isinstance(database, str) else None,
        "bot_token": "xoxb-test",
        "slack_api_url": slack_url,
        "ingest_token": INGEST_TOKEN,
        **settings,
    }
    live = LiveCatalog(RefreshSettings(interval=None), catalog=ledger_catalog())
    return Runtime(settings=Settings(**values), live=live, clock=clock,  # type: ignore[arg-type]
                   _shared=shared)  # fmt: skip


def seed_ledger(db: Database, catalog: prices.Catalog) -> None:
    """Two weeks of usage ending Monday 2 November 2026 (Berlin), budgets, queries and a miss,
    all of workspace ``WS`` (entered in the registry, as a Slack request would)."""
    record_workspace(db, WS, NOW)
    events = [
        UsageEvent(
            "gpt-4o-mini", datetime(2026, 10, day, 12, tzinfo=UTC), 1_000_000, 200_000, tag="search"
        )
        for day in range(20, 32)
    ]
    events += [
        UsageEvent("gpt-4o-mini", datetime(2026, 11, 1, 12, tzinfo=UTC), 1_000_000, 200_000,
                   tag="search"),
        UsageEvent("gpt-4o", datetime(2026, 10, 28, 9, tzinfo=UTC), 1_000_000, 100_000,
                   tag="search"),
        UsageEvent("gpt-4o", datetime(2026, 11, 2, 9, tzinfo=UTC), 2_000_000, 500_000,
                   tag="search"),
        UsageEvent("gpt-4o-mini", datetime(2026, 11, 2, 15, tzinfo=UTC), 1_000_000, 200_000,
                   tag="support"),
        UsageEvent("gpt-3.5-turbo", datetime(2026, 11, 2, 22, 30, tzinfo=UTC), 100_000, 10_000),
        # 23:30 UTC on 2 Nov is 00:30 on 3 Nov in Berlin: not in Monday's digest.
        UsageEvent("gpt-4o", datetime(2026, 11, 2, 23, 30, tzinfo=UTC), 1_000_000, 0),
    ]  # fmt: skip
    record_events(db, WS, catalog, events, "http", NOW)
    set_budget(db, WS, None, Decimal(100), "month", "U1", NOW)
    set_budget(db, WS, "search", Decimal(12), "month", "U1", NOW)
    monday = datetime(2026, 11, 2, 10, tzinfo=UTC)
    for user, model in (("U1", "gpt-4o"), ("U2", "gpt-4o"), ("U1", "gpt-4o-mini"), ("U2", None)):
        record_query(db, QueryRecord(created_utc=monday, surface="command", kind="estimate",
                                     user_id=user, model=model, workspace=WS))  # fmt: skip
    record_faq_miss(db, WS, "why is <o1> so pricey & slow?", "U2", [], monday)
