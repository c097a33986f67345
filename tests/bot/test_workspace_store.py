"""The store's workspace scoping, registry, adoption, forgetting and ingest tokens."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from bot.store.budgets import claim_budget_alert, list_budgets, release_budget_alert, set_budget
from bot.store.db import Database, StoreError
from bot.store.digests import claim_digest, get_subscription, set_subscription
from bot.store.ingest_tokens import (
    create_ingest_token,
    find_ingest_workspace,
    has_ingest_tokens,
    list_ingest_tokens,
    revoke_ingest_token,
)
from bot.store.usage import UsageRow, insert_usage, spend_total
from bot.store.workspace import DEFAULT_WORKSPACE, Workspace
from bot.store.workspaces import (
    adopt,
    expired,
    forget,
    get_workspace,
    list_workspaces,
    mark_revoked,
    record_workspace,
    resolve_workspace,
)

NOW = datetime(2026, 11, 2, 10, tzinfo=UTC)
A, B = Workspace("T0AAA"), Workspace("T0BBB")
ORG = Workspace.from_ids("T0CCC", "E0ORG", is_enterprise_install=True)
WINDOW = (NOW - timedelta(days=1), NOW + timedelta(days=1))


def _row(key: str | None, cost: str = "1") -> UsageRow:
    return UsageRow(model="gpt-4o", cost_usd=Decimal(cost), occurred_utc=NOW, event_key=key)


def test_a_workspace_is_a_team_or_an_org_install() -> None:
    assert Workspace("", "E0ORG") == ORG and ORG.is_enterprise_install and ORG.key == "E0ORG"
    assert str(Workspace("T1", "E1")) == "T1 (org E1)"
    assert Workspace.from_ids("T1", None) == Workspace("T1")
    for bad in (("", ""), ("team-a", ""), ("T1", "org")):
        with pytest.raises(ValueError):
            Workspace(*bad)


def test_the_same_keys_in_two_workspaces_never_meet(db: Database) -> None:
    assert insert_usage(db, A, [_row("k1", "2")], NOW).inserted == 1
    assert insert_usage(db, B, [_row("k1", "5")], NOW).inserted == 1  # not a duplicate
    assert insert_usage(db, ORG, [_row("k1", "7")], NOW).inserted == 1
    assert [spend_total(db, ws, *WINDOW).cost_usd for ws in (A, B, ORG)] == [2, 5, 7]
    set_budget(db, A, None, Decimal(10), "month", "U1", NOW)
    budget = set_budget(db, B, None, Decimal(20), "month", "U1", NOW)
    assert [b.amount_usd for b in list_budgets(db, A)] == [10]
    # A budget alert can only be claimed (or released) by the budget's own workspace.
    assert claim_budget_alert(db, A, budget.id, date(2026, 11, 1), 80, NOW) is False
    assert claim_budget_alert(db, B, budget.id, date(2026, 11, 1), 80, NOW) is True
    assert release_budget_alert(db, A, budget.id, date(2026, 11, 1), 80) is False
    # A shared channel can have each workspace's digest; neither sees the other's.
    set_subscription(db, A, "C0SHARED1", "09:00", "UTC", "U1", NOW)
    assert get_subscription(db, B, "C0SHARED1") is None
    set_subscription(db, B, "C0SHARED1", "10:00", "UTC", "U1", NOW)
    claim_a = claim_digest(db, A, "C0SHARED1", NOW.date(), "clock", NOW)
    claim_b = claim_digest(db, B, "C0SHARED1", NOW.date(), "clock", NOW)
    assert claim_a is not None and claim_b is not None
    assert claim_a.client_msg_id != claim_b.client_msg_id  # found apart in the channel


def test_resolve_names_the_only_workspace_or_asks_for_one(db: Database) -> None:
    assert resolve_workspace(db, None, NOW) == DEFAULT_WORKSPACE  # and enters it
    assert [r.workspace for r in list_workspaces(db)] == [DEFAULT_WORKSPACE]
    forget(db, DEFAULT_WORKSPACE)
    record_workspace(db, A, NOW)
    assert resolve_workspace(db, None, NOW) == A
    record_workspace(db, ORG, NOW)
    with pytest.raises(StoreError, match=r"holds 2 workspaces \(E0ORG, T0AAA\); name one"):
        resolve_workspace(db, None, NOW)
    assert resolve_workspace(db, "e0org", NOW) == ORG
    with pytest.raises(StoreError, match="No workspace T0ZZZ; this database holds E0ORG, T0AAA"):
        resolve_workspace(db, "T0ZZZ", NOW)


def test_revocation_is_recorded_cleared_by_a_reinstall_and_expires(db: Database) -> None:
    record_workspace(db, A, NOW, installed=True)
    mark_revoked(db, A, "app_uninstalled", NOW)
    record = get_workspace(db, A)
    assert record is not None and not record.active and record.installed_utc == NOW
    assert expired(db, NOW + timedelta(days=29)) == []
    assert expired(db, NOW + timedelta(days=31)) == [A]
    record_workspace(db, A, NOW + timedelta(days=2), installed=True)
    record = get_workspace(db, A)
    assert record is not None and record.active
    assert expired(db, NOW + timedelta(days=31)) == []


def test_adopt_moves_the_default_workspaces_rows_and_keeps_the_teams_own(db: Database) -> None:
    resolve_workspace(db, None, NOW)  # enters DEFAULT_WORKSPACE
    insert_usage(db, DEFAULT_WORKSPACE, [_row("same", "1"), _row("only-default", "2")], NOW)
    set_budget(db, DEFAULT_WORKSPACE, None, Decimal(10), "month", "cli", NOW)
    set_budget(db, DEFAULT_WORKSPACE, "x", Decimal(3), "day", "cli", NOW)
    insert_usage(db, A, [_row("same", "4")], NOW)
    set_budget(db, A, None, Decimal(99), "month", "U1", NOW)
    assert adopt(db, A, NOW) == 2  # of two usage rows and two budgets, one each clashes
    assert spend_total(db, A, *WINDOW).cost_usd == Decimal(6)  # A's "same" row wins
    assert [(b.tag, b.amount_usd) for b in list_budgets(db, A)] == [
        ("", Decimal(99)),
        ("x", Decimal(3)),
    ]
    assert spend_total(db, DEFAULT_WORKSPACE, *WINDOW).rows == 0
    assert [r.workspace for r in list_workspaces(db)] == [A]


def test_forget_deletes_one_workspace_only(db: Database) -> None:
    for ws in (A, B):
        record_workspace(db, ws, NOW)
        insert_usage(db, ws, [_row("k")], NOW)
        set_budget(db, ws, None, Decimal(1), "day", "U1", NOW)
        create_ingest_token(db, ws, None, NOW)
    counts = forget(db, A)
    assert (counts["usage"], counts["budgets"], counts["ingest_tokens"]) == (1, 1, 1)
    assert spend_total(db, B, *WINDOW).rows == 1
    assert [r.workspace for r in list_workspaces(db)] == [B]


def test_ingest_tokens_are_stored_hashed_found_by_hash_and_revocable(db: Database) -> None:
    assert not has_ingest_tokens(db)
    record, token = create_ingest_token(db, A, "  ci  ", NOW)
    assert token.startswith("tcu_") and len(token) > 40
    assert (record.label, record.hint, record.workspace) == ("ci", token[:12], A)
    [stored] = db.query("SELECT token_sha256 FROM ingest_tokens")
    assert stored["token_sha256"] == hashlib.sha256(token.encode()).hexdigest()
    assert has_ingest_tokens(db)
    assert find_ingest_workspace(db, token) == A
    assert find_ingest_workspace(db, token + "x") is None
    assert find_ingest_workspace(db, "not-ours") is None
    assert revoke_ingest_token(db, B, record.id, NOW) is False  # not B's to revoke
    assert revoke_ingest_token(db, A, record.id, NOW) is True
    assert find_ingest_workspace(db, token) is None
    assert [t.revoked_utc for t in list_ingest_tokens(db, A)] == [NOW]
    assert list_ingest_tokens(db, B) == []
    with pytest.raises(StoreError, match="at most 100"):
        create_ingest_token(db, A, "x" * 101, NOW)
