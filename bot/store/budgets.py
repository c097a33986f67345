"""Budgets (a spending limit per workspace or tag and period) and their one-time alerts.

A workspace-wide budget has tag ``''``: SQLite treats NULLs as distinct in a UNIQUE constraint,
so ``None`` is normalised to ``''`` to keep one budget per (workspace, tag, period). Every
function names the ``Workspace`` whose budgets it reads or writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from bot.store.database import Database
from bot.store.db import StoreError, decimal_text, format_utc, parse_utc
from bot.store.workspace import SCOPE, Workspace

__all__ = [
    "BASES",
    "PERIODS",
    "Budget",
    "claim_budget_alert",
    "delete_budget",
    "get_budget",
    "list_budgets",
    "period_window",
    "release_budget_alert",
    "set_budget",
]

PERIODS = ("day", "week", "month")
"""Budget periods. Weeks start on Monday; months are calendar months in the budget's timezone."""
BASES = ("reported", "billed")
"""What a budget counts: spend reported to the ledger, or what the providers billed (monthly,
UTC calendar months, workspace-wide only: billed spend has no tags)."""


@dataclass(frozen=True)
class Budget:
    """A spending limit."""

    id: int
    workspace: Workspace
    tag: str
    """``''`` for the whole workspace."""
    amount_usd: Decimal
    period: str
    """One of ``PERIODS``."""
    created_by: str | None
    updated_utc: datetime
    basis: str = "reported"
    """One of ``BASES``."""


def _budget_from_row(row: dict[str, Any]) -> Budget:
    return Budget(
        id=row["id"],
        workspace=Workspace(row["team_id"], row["enterprise_id"]),
        tag=row["tag"],
        amount_usd=Decimal(row["amount_usd"]),
        period=row["period"],
        created_by=row["created_by"],
        updated_utc=parse_utc(row["updated_utc"]),
        basis=row.get("basis") or "reported",
    )


def set_budget(
    db: Database,
    ws: Workspace,
    tag: str | None,
    amount_usd: Decimal,
    period: str,
    created_by: str | None,
    now: datetime,
    basis: str = "reported",
) -> Budget:
    """Create or replace ``ws``'s budget for (tag, period) and return it (its id is stable).

    A ``billed`` budget replaces a reported one of the same (tag, period), and back.
    """
    if basis not in BASES:
        raise StoreError(f"A budget counts {' or '.join(BASES)} spend, not {basis!r}.")
    if basis == "billed" and (tag or period != "month"):
        raise StoreError("A billed budget is monthly and for the whole workspace.")
    if period not in PERIODS:
        raise StoreError(f"A budget period is one of {', '.join(PERIODS)}, not {period!r}.")
    if not amount_usd.is_finite() or amount_usd <= 0:
        raise StoreError("A budget needs a positive amount in USD.")
    db.execute(
        "INSERT INTO budgets (team_id, enterprise_id, tag, amount_usd, period, created_by,"
        " updated_utc, basis) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (team_id, enterprise_id, tag, period) DO UPDATE SET"
        " amount_usd = excluded.amount_usd, created_by = excluded.created_by,"
        " updated_utc = excluded.updated_utc, basis = excluded.basis",
        [*ws.params(), tag or "", decimal_text(amount_usd), period, created_by,
         format_utc(now), basis],
    )  # fmt: skip
    budget = get_budget(db, ws, tag, period)
    if budget is None:  # pragma: no cover - the row was just written
        raise StoreError("The budget could not be saved.")
    return budget


def get_budget(db: Database, ws: Workspace, tag: str | None, period: str) -> Budget | None:
    """Return ``ws``'s budget for (tag, period), or None."""
    rows = list(
        db.query(
            f"SELECT * FROM budgets WHERE {SCOPE} AND tag = ? AND period = ?",
            [*ws.params(), tag or "", period],
        )
    )
    return _budget_from_row(rows[0]) if rows else None


def list_budgets(db: Database, ws: Workspace) -> list[Budget]:
    """Return ``ws``'s budgets, the workspace-wide ones first, then by tag and period."""
    rows = db.query(
        f"SELECT * FROM budgets WHERE {SCOPE} ORDER BY tag, "
        "CASE period WHEN 'day' THEN 0 WHEN 'week' THEN 1 ELSE 2 END",
        ws.params(),
    )
    return [_budget_from_row(row) for row in rows]


def delete_budget(db: Database, ws: Workspace, tag: str | None, period: str) -> bool:
    """Delete one of ``ws``'s budgets and its alert history; return whether one existed."""
    with db.atomic():
        rows = list(
            db.query(
                f"SELECT id FROM budgets WHERE {SCOPE} AND tag = ? AND period = ?",
                [*ws.params(), tag or "", period],
            )
        )
        if not rows:
            return False
        db.execute("DELETE FROM budget_alerts WHERE budget_id = ?", [rows[0]["id"]])
        db.execute("DELETE FROM budgets WHERE id = ?", [rows[0]["id"]])
    return True


def period_window(period: str, now: datetime, tz: tzinfo = UTC) -> tuple[datetime, datetime]:
    """Return the aware ``[start, end)`` of the day, week (Monday) or month containing ``now``."""
    local_day = now.astimezone(tz).date()
    if period == "day":
        first, after = local_day, local_day + timedelta(days=1)
    elif period == "week":
        first = local_day - timedelta(days=local_day.weekday())
        after = first + timedelta(days=7)
    elif period == "month":
        first = local_day.replace(day=1)
        after = (first + timedelta(days=32)).replace(day=1)
    else:
        raise StoreError(f"A budget period is one of {', '.join(PERIODS)}, not {period!r}.")
    return _midnight(first, tz), _midnight(after, tz)


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def claim_budget_alert(
    db: Database,
    ws: Workspace,
    budget_id: int,
    period_start: date,
    threshold_pct: int,
    now: datetime,
) -> bool:
    """Claim the right to send the ``threshold_pct`` alert for a budget period.

    Insert-or-ignore: True for exactly one caller per (budget, period, threshold), ever, so an
    alert is never repeated, even with two processes checking at once.
    """
    cursor = db.execute(
        "INSERT INTO budget_alerts (budget_id, team_id, enterprise_id, period_start,"
        " threshold_pct, sent_utc) SELECT id, team_id, enterprise_id, ?, ?, ? FROM budgets"
        f" WHERE id = ? AND {SCOPE} ON CONFLICT DO NOTHING",
        [period_start.isoformat(), threshold_pct, format_utc(now), budget_id, *ws.params()],
    )
    return cursor.rowcount == 1


def release_budget_alert(
    db: Database, ws: Workspace, budget_id: int, period_start: date, threshold_pct: int
) -> bool:
    """Give back a claimed alert whose message could not be posted, so a later check sends it.

    Return whether a claim was released.
    """
    cursor = db.execute(
        f"DELETE FROM budget_alerts WHERE {SCOPE} AND budget_id = ? AND period_start = ?"
        " AND threshold_pct = ?",
        [*ws.params(), budget_id, period_start.isoformat(), threshold_pct],
    )
    return cursor.rowcount == 1
