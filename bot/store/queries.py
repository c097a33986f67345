"""The query log (every request the bot answered), FAQ misses and FAQ votes.

Pasted text for ``count`` is never stored: callers keep ``text_chars`` and ``text_sha256`` (see
``bot.store.db.text_fingerprint``) and the token count. FAQ questions that found no answer are not
secret and are stored verbatim in ``faq_misses`` so maintainers can write the missing entry.

Every row belongs to a workspace: a ``QueryRecord`` carries its ``workspace`` (the query log is
written in batches that mix workspaces), and every read names the ``Workspace`` it reads.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from bot.store.database import Database
from bot.store.db import StoreError, decimal_text, format_utc, parse_utc
from bot.store.workspace import SCOPE, Workspace

__all__ = [
    "KINDS",
    "SURFACES",
    "FaqMiss",
    "FaqVoteTally",
    "QueryActivity",
    "QueryRecord",
    "faq_vote_tallies",
    "popular_models",
    "query_activity",
    "recent_faq_misses",
    "recent_queries",
    "record_faq_miss",
    "record_faq_vote",
    "record_queries",
    "record_query",
]

SURFACES = frozenset(
    {"command", "mention", "dm", "cli", "home", "action", "modal", "shortcut", "assistant"}
)
"""Where a query came from."""

KINDS = frozenset(
    {
        "estimate", "compare", "count", "price", "prices", "models", "faq", "faq_miss",
        "help", "logged", "budget", "digest", "error",
    }
)  # fmt: skip
"""Result kinds, as in DESIGN §2 (``bot.render.replies`` result ``kind``)."""

OUTCOMES = frozenset({"ok", "error", "bug"})


@dataclass(frozen=True)
class QueryRecord:
    """One logged request. ``id`` is None until stored; rows read back carry it."""

    created_utc: datetime
    """When the request arrived (timezone-aware)."""
    surface: str
    """One of ``SURFACES``."""
    kind: str
    """The result kind, one of ``KINDS``."""
    workspace: Workspace = field(kw_only=True)
    """Whose query it was (required, by keyword)."""
    outcome: str = "ok"
    """``ok``; ``error`` (a user mistake, answered); ``bug`` (our failure, apologised for)."""
    channel_id: str | None = None
    user_id: str | None = None
    model: str | None = None
    """Canonical model id when the query named one."""
    input_tokens: int | None = None
    output_tokens: int | None = None
    requests: int | None = None
    """Request volume the user gave (per their period), if any."""
    cost_usd: Decimal | None = None
    """The headline cost shown, in USD."""
    duration_ms: int | None = None
    """Time to answer, in milliseconds."""
    error: str | None = None
    """The user-safe sentence shown, or an incident ref for bugs; never a traceback."""
    text_chars: int | None = None
    """Length of pasted ``count`` text, in characters (the text itself is never stored)."""
    text_sha256: str | None = None
    """sha256 hex of pasted ``count`` text."""
    count_tokens: int | None = None
    """Tokens counted for ``count``."""
    id: int | None = None


def _check_query(record: QueryRecord) -> None:
    problems = []
    if record.surface not in SURFACES:
        problems.append(f"unknown surface {record.surface!r}")
    if record.kind not in KINDS:
        problems.append(f"unknown kind {record.kind!r}")
    if record.outcome not in OUTCOMES:
        problems.append(f"unknown outcome {record.outcome!r}")
    if problems:
        raise StoreError("Query log rejected the record: " + "; ".join(problems) + ".")


_INSERT_QUERY = (
    "INSERT INTO queries (created_utc, team_id, enterprise_id, channel_id, user_id, surface,"
    " kind, model, input_tokens, output_tokens, requests, cost_usd, duration_ms, outcome,"
    " error, text_chars, text_sha256, count_tokens)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _query_params(record: QueryRecord) -> list[Any]:
    _check_query(record)
    cost = None if record.cost_usd is None else decimal_text(record.cost_usd)
    return [
        format_utc(record.created_utc), *record.workspace.params(), record.channel_id,
        record.user_id, record.surface, record.kind, record.model,
        record.input_tokens, record.output_tokens, record.requests, cost,
        record.duration_ms, record.outcome, record.error,
        record.text_chars, record.text_sha256, record.count_tokens,
    ]  # fmt: skip


def record_query(db: Database, record: QueryRecord) -> int:
    """Store one query log row and return its id. Raises ``StoreError`` on an unknown enum."""
    rows = db.query(_INSERT_QUERY + " RETURNING id", _query_params(record))
    return int(next(rows)["id"])


def record_queries(db: Database, records: Sequence[QueryRecord]) -> None:
    """Store query log rows with one prepared statement (the background writer's batches:
    one INSERT per row through the generic query path was ~8% of a command's CPU, issue 15).
    Raises ``StoreError`` before writing anything when a record has an unknown enum."""
    params = [_query_params(record) for record in records]
    if params:
        db.execute_many(_INSERT_QUERY, params)


def _query_from_row(row: dict[str, Any]) -> QueryRecord:
    cost = row["cost_usd"]
    return QueryRecord(
        id=row["id"],
        created_utc=parse_utc(row["created_utc"]),
        workspace=Workspace(row["team_id"], row["enterprise_id"]),
        channel_id=row["channel_id"],
        user_id=row["user_id"],
        surface=row["surface"],
        kind=row["kind"],
        model=row["model"],
        input_tokens=row["input_tokens"],
        output_tokens=row["output_tokens"],
        requests=row["requests"],
        cost_usd=None if cost is None else Decimal(cost),
        duration_ms=row["duration_ms"],
        outcome=row["outcome"],
        error=row["error"],
        text_chars=row["text_chars"],
        text_sha256=row["text_sha256"],
        count_tokens=row["count_tokens"],
    )


def recent_queries(
    db: Database,
    ws: Workspace,
    user_id: str | None = None,
    since: datetime | None = None,
    limit: int = 10,
) -> list[QueryRecord]:
    """Return ``ws``'s newest queries first, optionally for one user and/or since a moment."""
    where, params = [SCOPE], ws.params()
    if user_id is not None:
        where.append("user_id = ?")
        params.append(user_id)
    if since is not None:
        where.append("created_utc >= ?")
        params.append(format_utc(since))
    sql = f"SELECT * FROM queries WHERE {' AND '.join(where)} ORDER BY created_utc DESC, id DESC"
    rows = db.query(sql + " LIMIT ?", [*params, limit])
    return [_query_from_row(row) for row in rows]


@dataclass(frozen=True)
class QueryActivity:
    """Estimate activity over a window, for the digest."""

    queries: int
    """Queries answered (any kind, any outcome)."""
    people: int
    """Distinct users who asked."""
    top_models: tuple[tuple[str, int], ...]
    """``(model id, queries)`` most asked first."""


def query_activity(
    db: Database, ws: Workspace, start: datetime, end: datetime, top: int = 3
) -> QueryActivity:
    """Summarise ``ws``'s queries with ``start <= created_utc < end``."""
    window = [*ws.params(), format_utc(start), format_utc(end)]
    totals = next(
        db.query(
            "SELECT COUNT(*) AS queries, COUNT(DISTINCT user_id) AS people FROM queries"
            f" WHERE {SCOPE} AND created_utc >= ? AND created_utc < ?",
            window,
        )
    )
    models = db.query(
        f"SELECT model, COUNT(*) AS n FROM queries WHERE {SCOPE} AND created_utc >= ?"
        " AND created_utc < ? AND model IS NOT NULL GROUP BY model ORDER BY n DESC, model"
        " LIMIT ?",
        [*window, top],
    )
    return QueryActivity(
        queries=totals["queries"],
        people=totals["people"],
        top_models=tuple((row["model"], row["n"]) for row in models),
    )


@dataclass(frozen=True)
class FaqMiss:
    """A question the FAQ could not answer."""

    id: int
    created_utc: datetime
    question: str
    user_id: str | None
    suggestions: tuple[str, ...]
    """FAQ entry ids offered instead."""


def popular_models(db: Database, ws: Workspace, since: datetime, limit: int = 10) -> list[str]:
    """The models ``ws``'s people asked about most since a moment, most asked first."""
    rows = db.query(
        f"SELECT model, COUNT(*) AS n FROM queries WHERE {SCOPE} AND created_utc >= ?"
        " AND model IS NOT NULL GROUP BY model ORDER BY n DESC, model LIMIT ?",
        [*ws.params(), format_utc(since), limit],
    )
    return [row["model"] for row in rows]


def record_faq_miss(
    db: Database,
    ws: Workspace,
    question: str,
    user_id: str | None,
    suggestions: Sequence[str],
    now: datetime,
) -> int:
    """Store ``ws``'s unanswered question with the FAQ ids suggested; return the row id."""
    rows = db.query(
        "INSERT INTO faq_misses (team_id, enterprise_id, created_utc, question, user_id,"
        " suggestions) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        [*ws.params(), format_utc(now), question, user_id, json.dumps(list(suggestions))],
    )
    return int(next(rows)["id"])


def recent_faq_misses(
    db: Database, ws: Workspace, since: datetime | None = None, limit: int = 20
) -> list[FaqMiss]:
    """Return ``ws``'s unanswered questions, newest first, optionally since a moment."""
    since_text = "" if since is None else format_utc(since)
    rows = db.query(
        f"SELECT * FROM faq_misses WHERE {SCOPE} AND created_utc >= ?"
        " ORDER BY created_utc DESC, id DESC LIMIT ?",
        [*ws.params(), since_text, limit],
    )
    return [
        FaqMiss(
            id=row["id"],
            created_utc=parse_utc(row["created_utc"]),
            question=row["question"],
            user_id=row["user_id"],
            suggestions=tuple(json.loads(row["suggestions"])),
        )
        for row in rows
    ]


def record_faq_vote(
    db: Database, ws: Workspace, faq_id: str, user_id: str, helpful: bool, now: datetime
) -> None:
    """Record whether an answer helped; a second vote by the same person replaces the first."""
    db.execute(
        "INSERT INTO faq_votes (team_id, enterprise_id, created_utc, faq_id, user_id, helpful)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (team_id, enterprise_id, faq_id, user_id)"
        " DO UPDATE SET helpful = excluded.helpful, created_utc = excluded.created_utc",
        [*ws.params(), format_utc(now), faq_id, user_id, int(helpful)],
    )


@dataclass(frozen=True)
class FaqVoteTally:
    """Votes on one FAQ entry."""

    faq_id: str
    helpful: int
    not_helpful: int


def faq_vote_tallies(db: Database, ws: Workspace) -> list[FaqVoteTally]:
    """Return ``ws``'s vote counts per FAQ entry, least helpful first (the ones to rewrite)."""
    rows = db.query(
        "SELECT faq_id, SUM(helpful) AS yes, SUM(1 - helpful) AS no FROM faq_votes"
        f" WHERE {SCOPE} GROUP BY faq_id"
        # The expressions again: PostgreSQL cannot do arithmetic on output aliases.
        " ORDER BY SUM(1 - helpful) - SUM(helpful) DESC, faq_id",
        ws.params(),
    )
    return [FaqVoteTally(row["faq_id"], int(row["yes"]), int(row["no"])) for row in rows]
