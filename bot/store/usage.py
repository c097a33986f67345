"""The usage ledger, its spend aggregates, budgets and budget alerts.

Money in the ledger is stored twice, on purpose:

- ``cost_usd`` TEXT is the exact Decimal the row was charged, kept forever for display and audit,
  together with the per-MTok prices and the ``price_as_of`` date it was charged at.
- ``cost_nanousd`` INTEGER is the same cost in 1e-9 USD, so ``SUM()`` runs in SQL, exactly and
  fast over millions of rows (SQLite sums integers exactly; TEXT would be summed as floats).
  Catalog prices with at most 3 decimals per MTok make it exact; finer prices round half-even
  to the nano-dollar, an error under $0.0005 per million rows, far below display precision.

Sums never overflow (issue 11: 14 rows of a trillion o1-pro tokens overflowed SQLite's int64
``SUM`` and broke every budget and digest). A row is capped (``MAX_ROW_TOKENS`` per token
column, ``MAX_ROW_COST_USD``), and every sum is taken in two integer parts in SQL, the quotient
and the remainder by ``_SPLIT`` (1e9), joined exactly in Python. With the caps, each part of a
sum stays below 2^63 for any window of fewer than 9.2 billion rows (``SUM_EXACT_ROWS``), so the
totals are exact at any size a ledger can reach, and still come from the covering index.

Every read and write names the ``Workspace`` whose ledger it is; an idempotency key is unique
within one workspace's ledger. Windows are half-open ``[start, end)`` over ``occurred_utc``, and
day windows follow a timezone's local midnight, so a digest in Europe/Berlin sums Berlin days.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any, NamedTuple

from bot.store.database import Database
from bot.store.db import (
    StoreError,
    decimal_text,
    format_utc,
    from_nanousd,
    is_constraint_error,
    retry_deadlocks,
    to_nanousd,
)
from bot.store.workspace import SCOPE, Workspace

__all__ = [
    "MAX_ROW_COST_USD",
    "MAX_ROW_TOKENS",
    "SOURCES",
    "SUM_EXACT_ROWS",
    "DaySpend",
    "InsertResult",
    "SpendGroup",
    "SpendTotal",
    "UsageRejected",
    "UsageRow",
    "daily_spend",
    "insert_usage",
    "models_in_use",
    "month_to_date",
    "spend_by_model",
    "spend_by_tag",
    "spend_total",
]

SOURCES = frozenset({"http", "slack", "cli", "csv"})
"""Where a usage row was reported from."""

MAX_ROW_TOKENS = 10**12
"""Most tokens in one column of one ledger row (a trillion; a busy year of a large app)."""
MAX_ROW_COST_USD = Decimal(10_000_000)
"""Most one ledger row may cost, in USD; larger usage is reported in several rows."""
_SPLIT = 10**9
"""Sums are taken as SUM(v / _SPLIT) and SUM(v % _SPLIT): each part of a row is below 1e9
(tokens <= 1e12, cost <= 1e16 nano-USD), so neither part of a sum reaches 2^63 before ..."""
SUM_EXACT_ROWS = (2**63 - 1) // _SPLIT
"""... this many rows in one window (9.2 billion): the stated bound of exact sums."""


def row_limit_problem(input_tokens: int, output_tokens: int, cached_input_tokens: int,
                      cost_usd: Decimal) -> str | None:  # fmt: skip
    """The sentence refusing a row over the ledger's caps, or None when it fits."""
    biggest = max(input_tokens, output_tokens, cached_input_tokens)
    if biggest > MAX_ROW_TOKENS:
        return (f"{biggest:,} tokens is over the ledger's limit of {MAX_ROW_TOKENS:,} per row; "
                "report it in smaller parts.")  # fmt: skip
    if cost_usd.is_finite() and cost_usd > MAX_ROW_COST_USD:
        return (f"that usage would cost ${cost_usd:,.2f}, over the ledger's limit of "
                f"${MAX_ROW_COST_USD:,.0f} per row; report it in smaller parts.")  # fmt: skip
    return None


class UsageRow(NamedTuple):
    """One reported LLM call (or batch of calls) in the ledger.

    Immutable and cheap to build: a ``NamedTuple`` rather than a frozen dataclass, whose
    ``__init__`` sets each of these 15 fields through ``object.__setattr__`` (2 of the 30 µs an
    ingested event cost, issue 15). Compare rows with each other only.
    """

    model: str
    """Canonical model id."""
    cost_usd: Decimal
    """The cost at the prices in force on ``occurred_utc``, in USD, unrounded."""
    occurred_utc: datetime
    """When the usage happened (timezone-aware)."""
    input_tokens: int = 0
    """The whole prompt, cached part included."""
    output_tokens: int = 0
    cached_input_tokens: int = 0
    event_key: str | None = None
    """Idempotency key: a second row with the same key is not stored. None: always stored."""
    provider: str | None = None
    input_per_mtok: Decimal | None = None
    """USD per million input tokens charged."""
    output_per_mtok: Decimal | None = None
    cached_input_per_mtok: Decimal | None = None
    price_as_of: date | None = None
    """The date of the price table used."""
    tag: str | None = None
    """Team or feature tag (``search-team``)."""
    user: str | None = None
    source: str = "http"
    """One of ``SOURCES``."""


@dataclass(frozen=True)
class InsertResult:
    """What ``insert_usage`` did."""

    inserted: int
    duplicates: int
    """Rows skipped because their ``event_key`` was already stored (or repeated in the batch)."""


class UsageRejected(StoreError):
    """A usage batch was refused and nothing was stored; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("Usage not recorded: " + "; ".join(problems))
        self.problems = tuple(problems)


def _row_problems(index: int, row: UsageRow) -> list[str]:
    where = f"row {index + 1}"
    problems = []
    if not row.model:
        problems.append(f"{where}: model is required")
    for name in ("input_tokens", "output_tokens", "cached_input_tokens"):
        if getattr(row, name) < 0:
            problems.append(f"{where}: {name} must not be negative")
    if not row.cost_usd.is_finite() or row.cost_usd < 0:
        problems.append(f"{where}: cost_usd must be a non-negative amount")
    too_big = row_limit_problem(row.input_tokens, row.output_tokens, row.cached_input_tokens,
                                row.cost_usd)  # fmt: skip
    if too_big:
        problems.append(f"{where}: {too_big}")
    if row.occurred_utc.tzinfo is None:
        problems.append(f"{where}: the timestamp needs a timezone")
    if row.source not in SOURCES:
        problems.append(f"{where}: source must be one of {', '.join(sorted(SOURCES))}")
    return problems


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else decimal_text(amount)


def _utc_text(moment: datetime) -> str:
    """``format_utc`` for the rows' times: its work skipped when the time is already in UTC
    (every priced row's is); ``isoformat()`` with the zero fraction added is 0.3 µs cheaper
    than ``isoformat(timespec=...)``."""
    if moment.tzinfo is not UTC:
        return format_utc(moment)
    text = moment.isoformat()
    return text if moment.microsecond else f"{text[:19]}.000000{text[19:]}"


def _batch_params(ws: Workspace, rows: Sequence[UsageRow],
                  recorded: str) -> list[tuple[Any, ...]] | None:  # fmt: skip
    """The INSERT parameters of ``rows``, in their order, or None when a row breaks a rule of
    the ledger (``_row_problems`` words it). One loop over the batch with the rows unpacked
    (one ``POST /usage`` stores up to 10,000); the per-MTok rates and price dates repeat, so
    each one's text is made once."""
    team_id, enterprise_id = ws.team_id, ws.enterprise_id
    money: dict[Decimal | None, str | None] = {None: None}
    days: dict[date | None, str | None] = {None: None}
    params = []
    for (
        model,
        cost,
        occurred,
        input_tokens,
        output_tokens,
        cached_input_tokens,
        event_key,
        provider,
        input_rate,
        output_rate,
        cached_rate,
        price_as_of,
        tag,
        user,
        source,
    ) in rows:
        if not (  # everything _row_problems checks, without building a message
            model
            and 0 <= input_tokens <= MAX_ROW_TOKENS
            and 0 <= output_tokens <= MAX_ROW_TOKENS
            and 0 <= cached_input_tokens <= MAX_ROW_TOKENS
            and cost.is_finite()
            and 0 <= cost <= MAX_ROW_COST_USD
            and occurred.tzinfo is not None
            and source in SOURCES
        ):
            return None
        try:
            input_text, output_text = money[input_rate], money[output_rate]
            cached_text, day_text = money[cached_rate], days[price_as_of]
        except KeyError:  # the first row at these rates
            for rate in (input_rate, output_rate, cached_rate):
                money.setdefault(rate, _money(rate))
            if price_as_of not in days:
                days[price_as_of] = price_as_of.isoformat()  # type: ignore[union-attr]  # None is in
            input_text, output_text = money[input_rate], money[output_rate]
            cached_text, day_text = money[cached_rate], days[price_as_of]
        params.append((
            team_id, enterprise_id, event_key, model, provider, input_tokens, output_tokens,
            cached_input_tokens, decimal_text(cost), to_nanousd(cost), input_text, output_text,
            cached_text, day_text, tag, user, source, _utc_text(occurred), recorded,
        ))  # fmt: skip
    return params


def _usage_params(ws: Workspace, row: UsageRow, recorded: str) -> tuple[Any, ...]:
    """The INSERT parameters of one row (which must fit the ledger's rules)."""
    params = _batch_params(ws, [row], recorded)
    if params is None:
        raise UsageRejected(_row_problems(0, row))
    return params[0]


_INSERT_USAGE = (
    "INSERT INTO usage (team_id, enterprise_id, event_key, model, provider, input_tokens,"
    " output_tokens, cached_input_tokens, cost_usd, cost_nanousd, input_per_mtok,"
    " output_per_mtok, cached_input_per_mtok, price_as_of, tag, user_id, source, occurred_utc,"
    " recorded_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (team_id, enterprise_id, event_key) DO NOTHING"
)


def insert_usage(
    db: Database, ws: Workspace, rows: Sequence[UsageRow], now: datetime
) -> InsertResult:
    """Store a batch of ``ws``'s usage rows all-or-nothing, skipping rows whose ``event_key``
    ``ws`` already has.

    Every row is checked first and ``UsageRejected`` lists every problem; a constraint that
    still fails in SQLite rolls the whole batch back (also raised as ``UsageRejected``).
    ``now`` becomes ``recorded_utc``.
    """
    recorded = format_utc(now)
    if db.backend == "sqlite":
        # One writer at a time: no deadlock to avoid, so the rows go in as they came (usually
        # in time order, which keeps the time indexes' appends cheap; sorted by key they
        # were ~25% slower to insert, issue 15).
        order = list(range(len(rows)))
    else:
        # In key order: two batches with the same keys in opposite orders deadlock on
        # PostgreSQL's unique index (20 times in 20 when probed); sorted, one waits for the
        # other. A deadlock victim is still retried. Keyless rows keep their order (they
        # cannot collide).
        keys = [row.event_key for row in rows]
        texts = [key or "" for key in keys]
        order = sorted((i for i, key in enumerate(keys) if key is not None),
                       key=texts.__getitem__)  # fmt: skip
        order += [index for index, key in enumerate(keys) if key is None]
    params = _batch_params(ws, [rows[index] for index in order], recorded)
    if params is None:
        raise UsageRejected(
            [p for index, row in enumerate(rows) for p in _row_problems(index, row)]
        )
    try:
        inserted = retry_deadlocks(db, lambda: db.execute_many(_INSERT_USAGE, params))
    except Exception as exc:
        if not is_constraint_error(exc):
            raise
        where = _refused_row(db, order, params)
        raise UsageRejected([f"row {where + 1}: rejected by the ledger ({exc})"]) from exc
    return InsertResult(inserted=inserted, duplicates=len(rows) - inserted)


class _Undo(Exception):
    """Raised to roll back the row-by-row probe of ``_refused_row``."""


def _refused_row(db: Database, indexes: list[int], params: list[tuple[Any, ...]]) -> int:
    """The caller's index of the first row the database refuses (rows tried one at a time in
    a transaction that is always rolled back); 0 when none fails alone."""
    current = 0
    try:
        with db.atomic():
            for current, values in zip(indexes, params, strict=True):  # noqa: B007
                db.execute(_INSERT_USAGE, values)
            raise _Undo
    except _Undo:
        return 0
    except Exception as exc:
        if not is_constraint_error(exc):
            raise
    return current


@dataclass(frozen=True)
class SpendTotal:
    """Spend over a window."""

    cost_usd: Decimal
    rows: int
    """Ledger rows (reported calls or batches)."""
    input_tokens: int
    output_tokens: int


@dataclass(frozen=True)
class DaySpend:
    """Spend on one local calendar day."""

    day: date
    cost_usd: Decimal
    rows: int
    input_tokens: int
    output_tokens: int


@dataclass(frozen=True)
class SpendGroup:
    """Spend for one model or tag over a window."""

    key: str | None
    """The model id or tag; None for untagged usage."""
    cost_usd: Decimal
    rows: int
    input_tokens: int
    output_tokens: int


def _split_sum(column: str, alias: str) -> str:
    return (f"COALESCE(SUM({column} / {_SPLIT}), 0) AS {alias}_hi,"
            f" COALESCE(SUM({column} % {_SPLIT}), 0) AS {alias}_lo")  # fmt: skip


_SUMS = ", ".join([
    _split_sum("cost_nanousd", "nanousd"), "COUNT(usage.id) AS n",
    _split_sum("input_tokens", "input_tokens"), _split_sum("output_tokens", "output_tokens"),
])  # fmt: skip


def _total(row: Any, alias: str) -> int:
    """An exact sum from its two SQL parts (Python ints do not overflow)."""
    return int(row[f"{alias}_hi"]) * _SPLIT + int(row[f"{alias}_lo"])


def _sums(row: Any) -> tuple[Decimal, int, int, int]:
    """(cost, rows, input tokens, output tokens) of a `_SUMS` result row."""
    return (from_nanousd(_total(row, "nanousd")), row["n"], _total(row, "input_tokens"),
            _total(row, "output_tokens"))  # fmt: skip


def _window(
    ws: Workspace, start: datetime, end: datetime, tag: str | None
) -> tuple[str, list[Any]]:
    where = f"{SCOPE} AND occurred_utc >= ? AND occurred_utc < ?"
    params: list[Any] = [*ws.params(), format_utc(start), format_utc(end)]
    if tag:
        where += " AND tag = ?"
        params.append(tag)
    return where, params


def spend_total(
    db: Database, ws: Workspace, start: datetime, end: datetime, tag: str | None = None
) -> SpendTotal:
    """Sum ``ws``'s spend with ``start <= occurred_utc < end``; ``tag`` None or '' is every tag."""
    where, params = _window(ws, start, end, tag)
    row = next(db.query(f"SELECT {_SUMS} FROM usage WHERE {where}", params))
    return SpendTotal(*_sums(row))


def _spend_by(
    db: Database, ws: Workspace, column: str, start: datetime, end: datetime, limit: int
) -> list[SpendGroup]:
    where, params = _window(ws, start, end, None)
    rows = db.query(
        f"SELECT {column} AS key, {_SUMS} FROM usage WHERE {where} GROUP BY {column}",
        params,
    )
    groups = [SpendGroup(row["key"], *_sums(row)) for row in rows]
    # Ordered in Python: the exact total is only known here (groups are few: models, tags).
    groups.sort(key=lambda g: (-g.cost_usd, g.key is not None, g.key or ""))
    return groups[:limit]


def spend_by_model(
    db: Database, ws: Workspace, start: datetime, end: datetime, limit: int = 10
) -> list[SpendGroup]:
    """``ws``'s spend per model in the window, most expensive first."""
    return _spend_by(db, ws, "model", start, end, limit)


def spend_by_tag(
    db: Database, ws: Workspace, start: datetime, end: datetime, limit: int = 10
) -> list[SpendGroup]:
    """``ws``'s spend per tag in the window, most expensive first (untagged: key None)."""
    return _spend_by(db, ws, "tag", start, end, limit)


def models_in_use(db: Database, ws: Workspace, start: datetime, end: datetime) -> list[str]:
    """Distinct model ids in ``ws``'s ledger with ``start <= occurred_utc < end``."""
    rows = db.query(
        f"SELECT DISTINCT model FROM usage WHERE {SCOPE} AND occurred_utc >= ?"
        " AND occurred_utc < ? ORDER BY model",
        [*ws.params(), format_utc(start), format_utc(end)],
    )
    return [row["model"] for row in rows]


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """Return the start of ``day`` in ``tz`` as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=tz)


def daily_spend(
    db: Database,
    ws: Workspace,
    first_day: date,
    last_day: date,
    tz: tzinfo = UTC,
    tag: str | None = None,
) -> list[DaySpend]:
    """``ws``'s spend per local day, ``first_day`` to ``last_day`` inclusive, zero days included.

    One query: a VALUES list of day windows joined to the ledger on the ``occurred_utc`` index.
    """
    days = [first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    if not days:
        return []
    values = ", ".join("(?, ?, ?)" for _ in days)
    params: list[Any] = []
    for day in days:
        start = local_midnight(day, tz)
        end = local_midnight(day + timedelta(days=1), tz)
        params += [day.isoformat(), format_utc(start), format_utc(end)]
    params += ws.params()
    tag_filter = ""
    if tag:
        tag_filter = " AND usage.tag = ?"
        params.append(tag)
    rows = db.query(
        f"WITH days (day, start_utc, end_utc) AS (VALUES {values})"
        f" SELECT days.day AS day, {_SUMS} FROM days LEFT JOIN usage"
        " ON usage.team_id = ? AND usage.enterprise_id = ?"
        " AND usage.occurred_utc >= days.start_utc AND usage.occurred_utc < days.end_utc"
        f"{tag_filter} GROUP BY days.day ORDER BY days.day",
        params,
    )
    return [DaySpend(date.fromisoformat(row["day"]), *_sums(row)) for row in rows]


def month_to_date(
    db: Database, ws: Workspace, now: datetime, tz: tzinfo = UTC, tag: str | None = None
) -> SpendTotal:
    """``ws``'s spend from the start of ``now``'s local month up to ``now``."""
    local_now = now.astimezone(tz)
    return spend_total(db, ws, local_midnight(local_now.date().replace(day=1), tz), now, tag)
