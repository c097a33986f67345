"""``bot.store.billing``: days replaced whole and atomically, keys and syncs per workspace."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from bot.billing import BilledCost
from bot.store.billing import (
    billed_rows,
    billing_workspaces,
    days_covered,
    delete_billing_key,
    get_billing_key,
    last_syncs,
    list_billing_keys,
    record_sync,
    replace_billed_days,
    reported_by_provider_day,
    save_billing_key,
)
from bot.store.db import Database, StoreError
from bot.store.usage import UsageRow, insert_usage
from bot.store.workspace import Workspace
from bot.store.workspaces import forget

pytestmark = pytest.mark.both_backends

A = Workspace("TAAA1")
B = Workspace("TBBB2")
NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
D1, D2, D3 = date(2026, 11, 26), date(2026, 11, 27), date(2026, 11, 28)
BIG = Decimal("1234.567890123456789012345678901234")


def row(day: date, amount: str, line: str = "gpt-4o, input", project: str | None = "p1",
        provisional: bool = True) -> BilledCost:  # fmt: skip
    return BilledCost("openai", day, line, project, None, Decimal(amount), provisional)


def _all(db: Database) -> list[tuple[object, ...]]:
    return [tuple(r.values()) for r in db.query("SELECT * FROM billed_costs ORDER BY id")]


def test_a_day_is_replaced_whole_and_a_same_refetch_changes_nothing(db: Database) -> None:
    first = [row(D1, "1.5"), row(D1, "0.25", "gpt-4o, output"), row(D2, str(BIG))]
    assert replace_billed_days(db, A, "openai", [D1, D2, D3], first, NOW) == 3
    snapshot = _all(db)
    later = NOW + timedelta(hours=1)
    assert replace_billed_days(db, A, "openai", [D1, D2, D3], first, later) == 0
    assert _all(db) == snapshot  # not even fetched_utc moved
    # The provider revised D1 (one line item gone, the other changed): replaced, never added.
    assert replace_billed_days(db, A, "openai", [D1], [row(D1, "2")], later) == 1
    rows = billed_rows(db, A, "openai", D1, D3)
    assert [(r.day, r.amount_usd) for r in rows] == [(D1, Decimal(2)), (D2, BIG)]
    assert rows[1].amount_usd == BIG  # every digit kept
    assert days_covered(db, A, "openai", D1, D3) == {D1, D2, D3}  # D3: a real $0 day


def test_rows_outside_the_days_fetched_are_refused_and_nothing_is_written(db: Database) -> None:
    with pytest.raises(StoreError):
        replace_billed_days(db, A, "openai", [D1], [row(D1, "1"), row(D2, "1")], NOW)
    assert _all(db) == [] and days_covered(db, A, "openai", D1, D3) == frozenset()


def test_workspaces_never_see_each_others_billing(db: Database) -> None:
    replace_billed_days(db, A, "openai", [D1], [row(D1, "7")], NOW)
    save_billing_key(db, A, "openai", "gAAAA-token", "sk-admin-…1a2b3c4d", NOW)
    record_sync(db, A, "openai", NOW, False, "OpenAI rejected the admin key (401).")
    assert billed_rows(db, B, "openai", D1, D3) == ()
    assert days_covered(db, B, "openai", D1, D3) == frozenset()
    assert list_billing_keys(db, B) == [] and last_syncs(db, B) == {}
    assert billing_workspaces(db) == [A]
    [sync] = last_syncs(db, A).values()
    assert not sync.ok and sync.message.startswith("OpenAI rejected")


def test_keys_are_replaced_deleted_and_never_repr_the_token(db: Database) -> None:
    save_billing_key(db, A, "anthropic", "token-1", "sk-ant-admin01-…00000001", NOW)
    save_billing_key(db, A, "anthropic", "token-2", "sk-ant-admin01-…00000002", NOW)
    key = get_billing_key(db, A, "anthropic")
    assert key is not None and key.token_encrypted == "token-2"
    assert "token" not in repr(key)
    assert delete_billing_key(db, A, "anthropic") and not delete_billing_key(db, A, "anthropic")


def test_forgetting_a_workspace_deletes_its_billing_too(db: Database) -> None:
    replace_billed_days(db, A, "openai", [D1], [row(D1, "7")], NOW)
    save_billing_key(db, A, "openai", "t", "f", NOW)
    record_sync(db, A, "openai", NOW, True, "ok")
    counts = forget(db, A)
    assert counts["billed_costs"] == 1 and counts["billing_keys"] == 1
    assert counts["billed_days"] == 1 and counts["billing_syncs"] == 1


def test_reported_spend_is_summed_per_provider_and_utc_day_exactly(db: Database) -> None:
    def usage(model: str, provider: str, cost: str, at: datetime) -> UsageRow:
        return UsageRow(model=model, provider=provider, input_tokens=1, cost_usd=Decimal(cost),
                        source="cli", occurred_utc=at)  # fmt: skip

    at = datetime(2026, 11, 28, 23, 59, 59, tzinfo=UTC)
    insert_usage(db, A, [
        usage("gpt-4o", "openai", "0.000000001", at), usage("gpt-4o", "openai", "2.5", at),
        usage("claude-sonnet-4-5", "anthropic", "1", at + timedelta(seconds=1)),
    ], NOW)  # fmt: skip
    found = reported_by_provider_day(db, A, D1, D3)
    assert found == {"openai": {D3: Decimal("2.500000001")}}  # the Anthropic row is on the 29th
    assert reported_by_provider_day(db, B, D1, D3) == {}
