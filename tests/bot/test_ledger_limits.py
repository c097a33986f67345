"""Ledger caps and sums that cannot overflow (issue 11).

Fourteen `log o1-pro 1000000000000 in 1000000000000 out` used to overflow SQLite's 64-bit SUM,
after which every budget, `log` and the digest failed until someone edited the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.digest.build import build_digest
from bot.pipeline import Asker, answer
from bot.runtime import Runtime
from bot.store.budgets import set_budget
from bot.store.usage import (
    MAX_ROW_COST_USD,
    SUM_EXACT_ROWS,
    UsageRejected,
    UsageRow,
    daily_spend,
    insert_usage,
    spend_by_model,
    spend_total,
)
from tests.bot.ledger_support import NOW, WS, Clock, make_runtime
from tests.db_support import count_rows

pytestmark = pytest.mark.both_backends

SLACK = Asker(surface="command", workspace=WS, channel_id="C1", user_id="U1")
DAY = timedelta(days=1)


@pytest.fixture
def runtime(database: str | Path) -> Iterator[Runtime]:
    rt = make_runtime(database, Clock())
    yield rt
    rt.close()


def test_fourteen_huge_logs_are_refused_and_nothing_breaks(runtime: Runtime) -> None:
    set_budget(runtime.db(), WS, None, Decimal(100), "month", "U1", NOW)
    for _ in range(14):
        reply = answer(runtime, "log gpt-4o 1000000000000 in 1000000000000 out", SLACK)
        assert reply.is_error
        assert reply.data["error"] == (
            "That usage would cost $12,500,000.00, over the ledger's limit of $10,000,000 per "
            "row; report it in smaller parts."
        )
    assert count_rows(runtime.db(), "usage") == 0
    logged = answer(runtime, "log gpt-4o 1000 in 500 out", SLACK)
    assert logged.kind == "logged", logged.text
    assert "Workspace: $0.0075 of $100.00/month" in logged.text
    assert answer(runtime, "budget", SLACK).kind == "budget"


def _row(cost: Decimal, tokens: int = 0) -> UsageRow:
    return UsageRow("gpt-4o", cost, NOW - timedelta(hours=1), input_tokens=tokens, source="cli")


def test_the_store_refuses_a_row_over_the_cost_cap(runtime: Runtime) -> None:
    with pytest.raises(UsageRejected, match=r"row 1: that usage would cost \$10,000,000.01"):
        insert_usage(runtime.db(), WS, [_row(MAX_ROW_COST_USD + Decimal("0.01"))], NOW)
    with pytest.raises(UsageRejected, match=r"row 2: 2,000,000,000,000 tokens is over the ledger"):
        insert_usage(runtime.db(), WS, [_row(Decimal(1)), _row(Decimal(1), 2 * 10**12)], NOW)
    assert count_rows(runtime.db(), "usage") == 0


def test_sums_stay_exact_far_past_a_64_bit_integer(runtime: Runtime) -> None:
    db = runtime.db()
    top = MAX_ROW_COST_USD - Decimal("0.000000001")
    insert_usage(db, WS, [_row(top, 10**12) for _ in range(1000)], NOW)
    expected = top * 1000  # 9,999,999,999.999999 USD = ~1e19 nano-USD > 2^63
    assert expected * 10**9 > 2**63
    total = spend_total(db, WS, NOW - DAY, NOW)
    assert (total.cost_usd, total.rows, total.input_tokens) == (expected, 1000, 10**15)
    [group] = spend_by_model(db, WS, NOW - DAY, NOW)
    assert group.cost_usd == expected
    [day] = daily_spend(
        db, WS, (NOW - timedelta(hours=1)).date(), (NOW - timedelta(hours=1)).date()
    )
    assert day.cost_usd == expected
    assert build_digest(db, WS, runtime.catalog, day.day, NOW.tzinfo, NOW) is not None  # type: ignore[arg-type]


def test_rows_stored_before_the_caps_still_sum_exactly(runtime: Runtime) -> None:
    """A database written before the caps may hold bigger rows: their sums are exact too."""
    db = runtime.db()
    for _ in range(3):
        db.execute(
            "INSERT INTO usage (team_id, enterprise_id, model, input_tokens, cost_usd,"
            " cost_nanousd, source, occurred_utc, recorded_utc)"
            " VALUES ('T1', '', 'gpt-4o', ?, '4000000000', ?, 'cli', ?, ?)",
            [4 * 10**18, 4 * 10**18, (NOW - DAY / 2).isoformat(), NOW.isoformat()],
        )
    total = spend_total(db, WS, NOW - DAY, NOW)
    assert total.input_tokens == 12 * 10**18
    assert total.cost_usd == Decimal(12 * 10**9)


def test_the_stated_bound_is_billions_of_rows() -> None:
    assert SUM_EXACT_ROWS > 9 * 10**9
