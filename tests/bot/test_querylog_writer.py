"""The background query-log writer: rows arrive, in batches, and failures never propagate."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot.store.db import Database, connect, open_db
from bot.store.queries import QueryRecord, recent_queries
from bot.store.query_writer import QueryLogWriter
from bot.store.workspace import Workspace

NOW = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)

WS = Workspace("T1")
"""The workspace these tests read and write."""


def _row(n: int, kind: str = "estimate") -> QueryRecord:
    return QueryRecord(created_utc=NOW, surface="command", kind=kind, user_id=f"U{n}",
                       model="gpt-4o", cost_usd=Decimal("0.0075"), workspace=WS)  # fmt: skip


def test_rows_are_stored_and_flush_waits_for_them(db_path: Path) -> None:
    open_db(db_path).close()
    statements: list[str] = []

    def opener() -> Database:
        db = connect(db_path)
        db.conn.set_trace_callback(statements.append)
        return db

    writer = QueryLogWriter(opener)
    for n in range(50):
        writer.submit(_row(n))
    assert writer.flush()
    writer.stop()
    db = connect(db_path)
    try:
        assert len(recent_queries(db, WS, limit=100)) == 50
    finally:
        db.close()
    # batched: far fewer commits than rows
    assert 1 <= statements.count("COMMIT") < 50


def test_a_failed_write_is_logged_not_raised(
    db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    open_db(db_path).close()
    writer = QueryLogWriter(lambda: connect(db_path))
    writer.submit(_row(1, kind="not-a-kind"))  # refused by the store
    writer.submit(_row(2))
    assert writer.flush()
    writer.stop()
    assert "query log write failed" in caplog.text
    db = connect(db_path)
    try:
        assert [q.user_id for q in recent_queries(db, WS)] == ["U2"]  # the good row survived
    finally:
        db.close()
    with pytest.raises(RuntimeError, match="stopped"):
        writer.submit(_row(3))


def test_stop_stores_what_is_queued(db_path: Path) -> None:
    open_db(db_path).close()
    writer = QueryLogWriter(lambda: connect(db_path))
    for n in range(10):
        writer.submit(_row(n))
    writer.stop()
    db = connect(db_path)
    try:
        assert len(recent_queries(db, WS, limit=100)) == 10
    finally:
        db.close()


def test_a_flush_cuts_the_writers_wait_short(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows wait to share a transaction (`LINGER_S`), but a flush stores them at once: with a
    wait longer than the flush's own timeout, the flush still succeeds. The writer's
    connection commits without waiting for the disk (`synchronous = NORMAL`)."""
    import bot.store.query_writer as query_writer

    open_db(db_path).close()
    monkeypatch.setattr(query_writer, "LINGER_S", 60.0)
    statements: list[str] = []

    def opener() -> Database:
        db = connect(db_path)
        db.conn.set_trace_callback(statements.append)
        return db

    writer = QueryLogWriter(opener)
    writer.submit(_row(1))
    writer.submit(_row(2))
    assert writer.flush(timeout=10)
    assert "PRAGMA synchronous = NORMAL" in statements
    writer.submit(_row(3))
    writer.stop(timeout=10)
    db = connect(db_path)
    try:
        assert len(recent_queries(db, WS, limit=10)) == 3
    finally:
        db.close()


def test_a_backlog_is_stored_without_waiting_between_batches(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More rows than one batch holds: the writer stores batch after batch without lingering
    between them (a fixed wait per batch capped it at 500 rows a wait), and one flush gets
    them all stored."""
    import bot.store.query_writer as query_writer

    open_db(db_path).close()
    monkeypatch.setattr(query_writer, "LINGER_S", 60.0)
    writer = QueryLogWriter(lambda: connect(db_path))
    rows = 5 * query_writer.MAX_BATCH + 7
    for n in range(rows):
        writer.submit(_row(n))
    assert writer.flush(timeout=20)
    writer.stop(timeout=10)
    db = connect(db_path)
    try:
        assert int(next(db.query("SELECT COUNT(*) AS n FROM queries"))["n"]) == rows
    finally:
        db.close()
