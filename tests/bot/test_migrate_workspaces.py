"""Migration m004 from the previous release's schema (m002): every row keeps its data and gets
the workspace it belongs to; nothing is lost, and the result equals a fresh file's schema."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot.store import migrations
from bot.store.budgets import list_budgets
from bot.store.database import SqliteDatabase as Database
from bot.store.db import connect, open_sqlite
from bot.store.digests import get_digest, list_subscriptions
from bot.store.queries import faq_vote_tallies, recent_faq_misses, recent_queries
from bot.store.usage import spend_total
from bot.store.workspace import DEFAULT_WORKSPACE, Workspace
from bot.store.workspaces import adopt, list_workspaces

T = "2025-06-01T09:00:00.000000+00:00"
WINDOW = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
OWNED = ("queries", "usage", "digests", "digest_subscriptions", "budgets", "budget_alerts",
         "faq_misses", "faq_votes", "seen_events")  # fmt: skip


@pytest.fixture
def old(tmp_path: Path) -> Iterator[Database]:
    """A database at the previous release's schema (m001 + m002)."""
    db = connect(tmp_path / "old.db")
    assert migrations.apply(db, stop_before="m003_create_workspaces") == [
        "m001_create_tables",
        "m002_create_indexes",
    ]
    yield db
    db.close()


def _schema(db: Database) -> list[tuple[str, str]]:
    rows = db.query(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    )
    return [(row["name"], row["sql"]) for row in rows]


def _fill(db: Database, team: str | None) -> None:
    """What a single-workspace deployment wrote: Slack rows name ``team``, CLI rows none."""
    db.execute(
        "INSERT INTO queries (created_utc, team_id, user_id, surface, kind, model, outcome)"
        " VALUES (?, ?, 'U1', 'command', 'estimate', 'gpt-4o', 'ok'),"
        " (?, NULL, 'cli', 'cli', 'estimate', 'gpt-4o-mini', 'ok')",
        [T, team, T],
    )
    db.execute(
        "INSERT INTO usage (event_key, model, cost_usd, cost_nanousd, tag, user, source,"
        " occurred_utc, recorded_utc) VALUES ('e1', 'gpt-4o', '1.5', 1500000000, 'search', 'U1',"
        " 'http', ?, ?), (NULL, 'gpt-4o-mini', '0.25', 250000000, NULL, NULL, 'cli', ?, ?)",
        [T, T, T, T],
    )
    db.execute(
        "INSERT INTO budgets (id, team_id, tag, amount_usd, period, created_by, updated_utc)"
        " VALUES (1, ?, '', '100', 'month', 'U1', ?), (2, '', 'search', '10', 'day', 'cli', ?)",
        [team or "", T, T],
    )
    db.execute(
        "INSERT INTO budget_alerts (budget_id, period_start, threshold_pct, sent_utc)"
        " VALUES (1, '2025-06-01', 80, ?), (2, '2025-06-01', 100, ?)",
        [T, T],
    )
    db.execute(
        "INSERT INTO digest_subscriptions (channel_id, team_id, local_time, timezone, enabled,"
        " updated_utc) VALUES ('C1', ?, '09:00', 'Europe/Berlin', 1, ?),"
        " ('C2', NULL, '08:00', 'UTC', 1, ?)",
        [team, T, T],
    )
    db.execute(
        "INSERT INTO digests (channel_id, team_id, day, status, attempts, message_ts)"
        " VALUES ('C1', ?, '2025-05-31', 'posted', 1, '1.1'), ('C2', NULL, '2025-05-31',"
        " 'skipped', 1, NULL)",
        [team],
    )
    db.execute(
        "INSERT INTO faq_misses (created_utc, question, user_id) VALUES (?, 'what is a token?',"
        " 'U1')",
        [T],
    )
    db.execute(
        "INSERT INTO faq_votes (created_utc, faq_id, user_id, helpful) VALUES (?, 'why', 'U1', 1)",
        [T],
    )
    db.execute(
        "INSERT INTO seen_events (event_id, team_id, received_utc) VALUES ('Ev1', ?, ?)", [team, T]
    )


def _counts(db: Database) -> dict[str, int]:
    return {table: db[table].count for table in OWNED}


def _owners(db: Database) -> set[tuple[str, str]]:
    return {
        (row["team_id"], row["enterprise_id"])
        for table in OWNED
        for row in db.query(f"SELECT DISTINCT team_id, enterprise_id FROM {table}")
    }


def test_single_workspace_data_moves_to_its_team_without_loss(
    old: Database, tmp_path: Path
) -> None:
    _fill(old, "T123")
    before = _counts(old)
    assert migrations.apply(old) == [
        "m003_create_workspaces", "m004_scope_rows_by_workspace", "m005_add_delivery_state",
        "m006_add_billing",
        "m007_create_faq_learning",
        "m009_store_price_feed",
    ]  # fmt: skip
    assert _counts(old) == before
    ws = Workspace("T123")
    assert _owners(old) == {("T123", "")}
    assert [r.workspace for r in list_workspaces(old)] == [ws]
    # Read back through the scoped API: everything is the workspace's own.
    assert spend_total(old, ws, *WINDOW).cost_usd == Decimal("1.75")
    assert {q.model for q in recent_queries(old, ws)} == {"gpt-4o", "gpt-4o-mini"}
    assert [(b.id, b.tag, b.period) for b in list_budgets(old, ws)] == [
        (1, "", "month"),
        (2, "search", "day"),
    ]
    assert [s.channel_id for s in list_subscriptions(old, ws)] == ["C1", "C2"]
    record = get_digest(old, ws, "C1", datetime(2025, 5, 31).date())
    assert record is not None and (record.status, record.message_ts) == ("posted", "1.1")
    assert [m.question for m in recent_faq_misses(old, ws)] == ["what is a token?"]
    assert [t.faq_id for t in faq_vote_tallies(old, ws)] == ["why"]
    assert [r["user_id"] for r in old.query("SELECT user_id FROM usage ORDER BY id")] == [
        "U1",
        None,
    ]
    alerts = old.query("SELECT budget_id, team_id FROM budget_alerts ORDER BY budget_id")
    assert [(r["budget_id"], r["team_id"]) for r in alerts] == [(1, "T123"), (2, "T123")]
    assert next(old.query("PRAGMA foreign_key_check"), None) is None
    fresh = open_sqlite(tmp_path / "fresh.db")
    try:
        assert _schema(old) == _schema(fresh)
    finally:
        fresh.close()


def test_data_of_no_known_team_goes_to_the_default_and_is_adopted_later(old: Database) -> None:
    _fill(old, None)
    before = _counts(old)
    migrations.apply(old)
    assert _owners(old) == {("T_DEFAULT", "")}
    assert [r.workspace for r in list_workspaces(old)] == [DEFAULT_WORKSPACE]
    # Single-workspace mode: the first request from Slack names the team.
    ws = Workspace("T999")
    moved = adopt(old, ws, datetime(2025, 6, 2, tzinfo=UTC))
    assert moved == sum(before.values())
    assert _owners(old) == {("T999", "")}
    assert [r.workspace for r in list_workspaces(old)] == [ws]
    assert spend_total(old, ws, *WINDOW).cost_usd == Decimal("1.75")
    assert adopt(old, Workspace("T888"), datetime(2025, 6, 2, tzinfo=UTC)) == 0


def test_rows_of_several_teams_keep_theirs_and_unowned_rows_go_to_the_default(
    old: Database,
) -> None:
    _fill(old, "T1")
    old.execute(
        "INSERT INTO queries (created_utc, team_id, user_id, surface, kind, outcome)"
        " VALUES (?, 'T2', 'U9', 'command', 'help', 'ok')",
        [T],
    )
    old.execute(
        "INSERT INTO digest_subscriptions (channel_id, team_id, local_time, timezone, enabled,"
        " updated_utc) VALUES ('C9', 'T2', '09:00', 'UTC', 1, ?)",
        [T],
    )
    before = _counts(old)
    migrations.apply(old)
    assert _counts(old) == before
    assert {r.workspace.key for r in list_workspaces(old)} == {"T1", "T2", "T_DEFAULT"}
    assert [s.channel_id for s in list_subscriptions(old, Workspace("T2"))] == ["C9"]
    assert [s.channel_id for s in list_subscriptions(old, Workspace("T1"))] == ["C1"]
    # The ledger never said whose it was: it is kept apart, under the default.
    assert spend_total(old, Workspace("T1"), *WINDOW).rows == 0
    assert spend_total(old, DEFAULT_WORKSPACE, *WINDOW).rows == 2
    assert [q.user_id for q in recent_queries(old, Workspace("T2"))] == ["U9"]


def test_an_org_install_in_slacks_installation_table_gives_the_enterprise_id(
    old: Database,
) -> None:
    _fill(old, "T5")
    old.execute(
        "CREATE TABLE slack_bots (id INTEGER PRIMARY KEY, client_id TEXT, enterprise_id TEXT,"
        " team_id TEXT, bot_token TEXT)"
    )
    old.execute(
        "INSERT INTO slack_bots (client_id, enterprise_id, team_id, bot_token)"
        " VALUES ('1.2', 'E7', 'T5', 'xoxb-x')"
    )
    migrations.apply(old)
    assert _owners(old) == {("T5", "E7")}
    assert [r.workspace for r in list_workspaces(old)] == [Workspace("T5", "E7")]
