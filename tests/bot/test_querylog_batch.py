"""`record_queries` (the background writer's batches) stores what `record_query` stores, on
both backends, and a batch with a bad record stores nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bot.store.database import Database
from bot.store.db import StoreError
from bot.store.queries import QueryRecord, recent_queries, record_queries, record_query
from bot.store.workspace import Workspace
from tests.db_support import count_rows

pytestmark = pytest.mark.both_backends

WS = Workspace.from_ids("T0BATCH", None, False)
AT = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def _record(n: int, **changes: object) -> QueryRecord:
    fields: dict[str, object] = dict(
        created_utc=AT, surface="command", kind="estimate", outcome="ok", workspace=WS,
        channel_id="C1", user_id=f"U{n}", model="gpt-4o", input_tokens=1000 + n,
        output_tokens=500, requests=10_000, cost_usd=Decimal("0.0075") * (n + 1),
        duration_ms=n, error=None,
    )  # fmt: skip
    fields.update(changes)
    return QueryRecord(**fields)  # type: ignore[arg-type]


def _stored(db: Database) -> list[tuple[object, ...]]:
    return sorted(
        (q.user_id, q.input_tokens, q.cost_usd, q.duration_ms, q.kind, q.created_utc)
        for q in recent_queries(db, WS, limit=100)
    )


def test_a_batch_stores_what_one_row_at_a_time_stores(db: Database) -> None:
    records = [_record(n) for n in range(5)]
    record_queries(db, records)
    batched = _stored(db)
    db.execute("DELETE FROM queries")
    for record in records:
        record_query(db, record)
    assert batched == _stored(db) and len(batched) == 5
    assert batched[0][2] == Decimal("0.0075")


def test_a_batch_with_an_unknown_kind_stores_nothing(db: Database) -> None:
    with pytest.raises(StoreError):
        record_queries(db, [_record(1), _record(2, kind="nonsense"), _record(3)])
    assert count_rows(db, "queries") == 0
    record_queries(db, [])
    assert count_rows(db, "queries") == 0


def test_the_writers_relaxed_commits_still_store_every_row(db: Database) -> None:
    """`store_rows` (the writer's transaction, commits that don't wait for the disk) stores
    its rows on both backends, and `relax_commits` leaves the connection usable."""
    from bot.store.query_writer import relax_commits, store_rows

    relax_commits(db)
    store_rows(db, [_record(n) for n in range(3)])
    store_rows(db, [_record(9)])
    assert count_rows(db, "queries") == 4
