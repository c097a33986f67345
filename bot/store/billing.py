"""Billed spend in the store: admin keys, billed days and rows, sync outcomes (issue 16).

Every function takes the ``Workspace`` right after ``db``. A sync hands ``replace_billed_days``
every day the provider answered for; each of those days is replaced whole, in one
transaction, so a re-fetch replaces provisional figures and never adds to them. A day whose
figures did not change is left as it was (its ``fetched_utc`` too), so a second identical
sync changes nothing at all.

Tables: see ``bot.store.billing_schema``. Keys are stored only as the Fernet token the caller
encrypted (``bot.billing.Vault``) and a fingerprint; nothing here ever sees a plain key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot.billing import PROVIDERS, BilledCost, Provider
from bot.store.database import Database
from bot.store.db import StoreError, decimal_text, format_utc, immediate_transaction, parse_utc
from bot.store.workspace import SCOPE, Workspace

__all__ = [
    "StoredKey",
    "SyncRecord",
    "billed_rows",
    "billing_workspaces",
    "days_covered",
    "delete_billing_key",
    "forget_syncs",
    "get_billing_key",
    "last_syncs",
    "list_billing_keys",
    "record_sync",
    "replace_billed_days",
    "reported_by_provider_day",
    "save_billing_key",
]

_SPLIT = 10**9
"""Ledger sums are taken in two parts, as ``bot.store.usage`` does, so none can overflow."""


@dataclass(frozen=True)
class StoredKey:
    """A connected provider: the encrypted key and the fingerprint shown in its place."""

    provider: Provider
    token_encrypted: str
    fingerprint: str
    connected_utc: datetime

    def __repr__(self) -> str:
        return f"StoredKey({self.provider!r}, {self.fingerprint!r})"


@dataclass(frozen=True)
class SyncRecord:
    """The outcome of one sync of one provider."""

    provider: Provider
    finished_utc: datetime
    ok: bool
    message: str
    """What it did (``ok``), or the one-sentence reason it failed."""


def _provider(name: str) -> Provider:
    if name not in PROVIDERS:
        raise StoreError(f"Billing providers are {' and '.join(PROVIDERS)}, not {name!r}.")
    return name


def save_billing_key(
    db: Database,
    ws: Workspace,
    provider: Provider,
    token_encrypted: str,
    fingerprint: str,
    now: datetime,
) -> StoredKey:
    """Store (or replace) ``ws``'s encrypted admin key for ``provider``."""
    db.execute(
        "INSERT INTO billing_keys (team_id, enterprise_id, provider, token_encrypted,"
        " fingerprint, connected_utc) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (team_id, enterprise_id, provider) DO UPDATE SET"
        " token_encrypted = excluded.token_encrypted, fingerprint = excluded.fingerprint,"
        " connected_utc = excluded.connected_utc",
        [*ws.params(), _provider(provider), token_encrypted, fingerprint, format_utc(now)],
    )
    return StoredKey(provider, token_encrypted, fingerprint, now)


def _key(row: dict[str, Any]) -> StoredKey:
    return StoredKey(_provider(row["provider"]), row["token_encrypted"], row["fingerprint"],
                     parse_utc(row["connected_utc"]))  # fmt: skip


def list_billing_keys(db: Database, ws: Workspace) -> list[StoredKey]:
    """``ws``'s stored admin keys, in ``PROVIDERS`` order."""
    rows = db.query(f"SELECT * FROM billing_keys WHERE {SCOPE}", ws.params())
    keys = {row["provider"]: _key(row) for row in rows}
    return [keys[p] for p in PROVIDERS if p in keys]


def get_billing_key(db: Database, ws: Workspace, provider: Provider) -> StoredKey | None:
    """``ws``'s stored admin key for ``provider``, or None."""
    return next((k for k in list_billing_keys(db, ws) if k.provider == provider), None)


def delete_billing_key(db: Database, ws: Workspace, provider: Provider) -> bool:
    """Forget ``ws``'s admin key for ``provider``; return whether there was one.

    The billed figures already fetched stay (they are the provider's history, not a secret).
    """
    cursor = db.execute(
        f"DELETE FROM billing_keys WHERE {SCOPE} AND provider = ?",
        [*ws.params(), _provider(provider)],
    )
    return cursor.rowcount == 1


def forget_syncs(db: Database, ws: Workspace, provider: Provider) -> int:
    """Delete ``ws``'s sync history of ``provider`` (it then stops showing); return the rows."""
    cursor = db.execute(f"DELETE FROM billing_syncs WHERE {SCOPE} AND provider = ?",
                        [*ws.params(), _provider(provider)])  # fmt: skip
    return cursor.rowcount


def billing_workspaces(db: Database) -> list[Workspace]:
    """Every workspace with a stored admin key."""
    rows = db.query("SELECT DISTINCT team_id, enterprise_id FROM billing_keys ORDER BY 1, 2")
    return [Workspace(row["team_id"], row["enterprise_id"]) for row in rows]


def _signature(rows: Iterable[tuple[str, str, str, str, int]]) -> Counter[tuple[Any, ...]]:
    """A day's rows as a multiset, to tell whether a re-fetch changed anything."""
    return Counter((line, project, model, str(Decimal(amount)), provisional)
                   for line, project, model, amount, provisional in rows)  # fmt: skip


def replace_billed_days(
    db: Database,
    ws: Workspace,
    provider: Provider,
    days: Sequence[date],
    rows: Sequence[BilledCost],
    fetched_utc: datetime,
) -> int:
    """Replace ``ws``'s billed figures of ``provider`` for each of ``days``, whole, atomically.

    ``days`` are the days the provider answered for (empty ones included); ``rows`` must all
    fall on them. Return how many days changed (0 when a re-fetch found the same figures).
    """
    wanted = set(days)
    stray = [r for r in rows if r.day not in wanted or r.provider != provider]
    if stray:
        raise StoreError(f"A billed row for {stray[0].day} is outside the days fetched.")
    fetched = format_utc(fetched_utc)
    changed = 0
    with immediate_transaction(db):
        for day in sorted(wanted):
            new = [(r.line_item, r.project or "", r.model or "", decimal_text(r.amount_usd),
                    int(r.provisional)) for r in rows if r.day == day]  # fmt: skip
            where = f"{SCOPE} AND provider = ? AND day = ?"
            params = [*ws.params(), provider, day.isoformat()]
            old = [(o["line_item"], o["project"], o["model"], o["amount_usd"], o["provisional"])
                   for o in db.query("SELECT line_item, project, model, amount_usd, provisional"
                                     f" FROM billed_costs WHERE {where}", params)]  # fmt: skip
            known = next(db.query(f"SELECT 1 AS x FROM billed_days WHERE {where}", params), None)
            if known is not None and _signature(old) == _signature(new):
                continue
            changed += 1
            db.execute(f"DELETE FROM billed_costs WHERE {where}", params)
            for line_item, project, model, amount, provisional in new:
                db.execute(
                    "INSERT INTO billed_costs (team_id, enterprise_id, provider, day, line_item,"
                    " project, model, amount_usd, provisional, fetched_utc)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [*params, line_item, project, model, amount, provisional, fetched],
                )
            db.execute(
                "INSERT INTO billed_days (team_id, enterprise_id, provider, day, fetched_utc)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (team_id, enterprise_id, provider, day)"
                " DO UPDATE SET fetched_utc = excluded.fetched_utc",
                [*params, fetched],
            )
    return changed


def billed_rows(
    db: Database, ws: Workspace, provider: Provider, first: date, last: date
) -> tuple[BilledCost, ...]:
    """``ws``'s stored billed rows of ``provider`` from ``first`` to ``last`` (inclusive)."""
    rows = db.query(
        "SELECT day, line_item, project, model, amount_usd, provisional FROM billed_costs"
        f" WHERE {SCOPE} AND provider = ? AND day >= ? AND day <= ? ORDER BY day, line_item, id",
        [*ws.params(), provider, first.isoformat(), last.isoformat()],
    )
    return tuple(
        BilledCost(provider, date.fromisoformat(r["day"]), r["line_item"], r["project"] or None,
                   r["model"] or None, Decimal(r["amount_usd"]), bool(r["provisional"]))
        for r in rows
    )  # fmt: skip


def days_covered(
    db: Database, ws: Workspace, provider: Provider, first: date, last: date
) -> frozenset[date]:
    """The days from ``first`` to ``last`` (inclusive) that a sync of ``provider`` answered for."""
    rows = db.query(
        f"SELECT day FROM billed_days WHERE {SCOPE} AND provider = ? AND day >= ? AND day <= ?",
        [*ws.params(), provider, first.isoformat(), last.isoformat()],
    )
    return frozenset(date.fromisoformat(r["day"]) for r in rows)


def record_sync(
    db: Database, ws: Workspace, provider: Provider, finished_utc: datetime, ok: bool, message: str
) -> None:
    """Record how a sync of ``provider`` ended (``message``: what it did, or why it failed)."""
    db.execute(
        "INSERT INTO billing_syncs (team_id, enterprise_id, provider, finished_utc, ok, message)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [*ws.params(), _provider(provider), format_utc(finished_utc), int(ok), message[:500]],
    )


def last_syncs(db: Database, ws: Workspace) -> dict[Provider, SyncRecord]:
    """The latest sync of each provider ``ws`` has synced, by provider."""
    found: dict[Provider, SyncRecord] = {}
    for provider in PROVIDERS:
        query = (f"SELECT finished_utc, ok, message FROM billing_syncs WHERE {SCOPE}"
                 " AND provider = ? ORDER BY finished_utc DESC, id DESC LIMIT 1")  # fmt: skip
        row = next(db.query(query, [*ws.params(), provider]), None)
        if row is not None:
            found[provider] = SyncRecord(provider, parse_utc(row["finished_utc"]),
                                         bool(row["ok"]), row["message"])  # fmt: skip
    return found


def reported_by_provider_day(
    db: Database, ws: Workspace, first: date, last: date
) -> dict[str, dict[date, Decimal]]:
    """The ledger's reported spend per provider and UTC day, ``first`` to ``last`` inclusive.

    Exact: summed in nano-USD integers in two parts, like every ledger sum.
    """
    rows = db.query(
        "SELECT provider, substr(occurred_utc, 1, 10) AS day,"
        f" COALESCE(SUM(cost_nanousd / {_SPLIT}), 0) AS hi,"
        f" COALESCE(SUM(cost_nanousd % {_SPLIT}), 0) AS lo"
        f" FROM usage WHERE {SCOPE} AND occurred_utc >= ? AND occurred_utc < ?"
        " AND provider IS NOT NULL GROUP BY provider, substr(occurred_utc, 1, 10)",
        [*ws.params(), first.isoformat(), date.fromordinal(last.toordinal() + 1).isoformat()],
    )
    found: dict[str, dict[date, Decimal]] = {}
    for row in rows:
        nano = int(row["hi"]) * _SPLIT + int(row["lo"])
        found.setdefault(row["provider"], {})[date.fromisoformat(row["day"])] = Decimal(
            nano
        ).scaleb(-9)
    return found
