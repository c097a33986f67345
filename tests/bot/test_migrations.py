"""Migrations run from a blank file and from every earlier schema, and re-running is a no-op."""

from __future__ import annotations

import threading
from pathlib import Path

from bot.store import migrations
from bot.store.database import SqliteDatabase as Database
from bot.store.db import connect, open_sqlite
from tests.db_support import count_rows

ALL = [
    "m001_create_tables",
    "m002_create_indexes",
    "m003_create_workspaces",
    "m004_scope_rows_by_workspace",
    "m005_add_delivery_state",
    "m006_add_billing",
    "m007_create_faq_learning",
    "m009_store_price_feed",
]
TABLES = {
    "queries",
    "usage",
    "digests",
    "digest_subscriptions",
    "budgets",
    "budget_alerts",
    "faq_misses",
    "faq_votes",
    "seen_events",
    "workspaces",
    "ingest_tokens",
    "billed_costs",
    "billed_days",
    "billing_keys",
    "billing_syncs",
    "faq_alternates",
    "faq_drafts",
    "faq_miss_dismissals",
    "price_changes",
    "price_refresh_status",
    "price_imports",
}


def _schema(db: Database) -> list[tuple[str, str]]:
    rows = db.query(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    )
    return [(row["name"], row["sql"]) for row in rows]


def test_blank_file_gets_every_table_and_index(tmp_path: Path) -> None:
    db = connect(tmp_path / "blank.db")
    try:
        assert migrations.apply(db) == ALL
        assert set(db.table_names()) >= TABLES
        assert "idx_usage_occurred_utc" in {i.name for i in db.table("usage").indexes}
        assert {"idx_queries_team", "idx_queries_user_id"} <= {
            i.name for i in db.table("queries").indexes
        }
    finally:
        db.close()


def test_reapplying_is_a_no_op(db: Database) -> None:
    before = _schema(db)
    assert migrations.apply(db) == []
    assert _schema(db) == before
    applied = db.query("SELECT name FROM _sqlite_migrations WHERE migration_set = 'tokencost'")
    assert [row["name"] for row in applied] == ALL


def test_upgrades_from_the_schema_after_m001_keeping_data(tmp_path: Path) -> None:
    db = connect(tmp_path / "old.db")
    try:
        assert migrations.apply(db, stop_before="m002_create_indexes") == ["m001_create_tables"]
        assert "idx_usage_occurred_utc" not in {i.name for i in db.table("usage").indexes}
        db.execute(
            "INSERT INTO usage (model, cost_usd, cost_nanousd, source, occurred_utc,"
            " recorded_utc) VALUES ('gpt-4o', '0.01', 10000000, 'cli',"
            " '2025-06-01T00:00:00.000000+00:00', '2025-06-01T00:00:00.000000+00:00')"
        )
        assert migrations.apply(db) == ALL[1:]
        assert count_rows(db, "usage") == 1
        fresh = open_sqlite(tmp_path / "fresh.db")
        try:
            assert _schema(db) == _schema(fresh)
        finally:
            fresh.close()
    finally:
        db.close()


def test_file_databases_use_wal_and_parent_dirs_are_created(tmp_path: Path) -> None:
    db = open_sqlite(tmp_path / "nested" / "dir" / "tokencost.db")
    try:
        assert db.journal_mode == "wal"
        assert next(db.query("PRAGMA foreign_keys"))["foreign_keys"] == 1
    finally:
        db.close()


def test_memory_database_works(tmp_path: Path) -> None:
    db = open_sqlite(":memory:")
    try:
        assert set(db.table_names()) >= TABLES
    finally:
        db.close()


def test_spend_window_query_uses_the_occurred_utc_index(db: Database) -> None:
    plan = " ".join(
        row["detail"]
        for row in db.query(
            "EXPLAIN QUERY PLAN SELECT SUM(cost_nanousd) FROM usage"
            " WHERE team_id = ? AND enterprise_id = ? AND occurred_utc >= ? AND occurred_utc < ?",
            ["T1", "", "2025-06-01", "2025-06-02"],
        )
    )
    assert "COVERING INDEX idx_usage_occurred_utc" in plan


def test_two_processes_opening_a_fresh_file_migrate_it_once(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def start() -> None:
        try:
            barrier.wait(timeout=5)
            open_sqlite(path).close()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    db = connect(path)
    try:
        assert [row["name"] for row in db.query("SELECT name FROM _sqlite_migrations")] == ALL
    finally:
        db.close()
