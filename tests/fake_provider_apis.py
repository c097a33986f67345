"""The answering half of ``tests/fake_providers.py``: the two cost APIs as pure functions.

Each takes the seeded state, the query (repeated keys kept) and the headers, and returns
``(status, JSON text)``. Shapes follow shared/reference/provider-cost-apis.md §1.2, §2.2, §8.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

__all__ = [
    "ANTHROPIC_ADMIN_KEY",
    "ANTHROPIC_PATH",
    "ANTHROPIC_WORKSPACE_KEY",
    "OPENAI_ADMIN_KEY",
    "OPENAI_PATH",
    "OPENAI_PROJECT_KEY",
    "StoredCost",
    "anthropic_answer",
    "error_body",
    "openai_answer",
]

OPENAI_ADMIN_KEY = "sk-admin-FAKEfake0123456789abcdef"
OPENAI_PROJECT_KEY = "sk-proj-FAKEfake0123456789abcdef"
ANTHROPIC_ADMIN_KEY = "sk-ant-admin01-FAKEfake0123456789abcdef"
ANTHROPIC_WORKSPACE_KEY = "sk-ant-api03-FAKEfake0123456789abcdef"

OPENAI_PATH = "/v1/organization/costs"
ANTHROPIC_PATH = "/v1/organizations/cost_report"

_OPENAI_GROUPS = ("project_id", "line_item", "api_key_id")
_ANTHROPIC_GROUPS = ("workspace_id", "description")
_DESCRIPTION_FIELDS = (
    "description",
    "model",
    "cost_type",
    "token_type",
    "service_tier",
    "context_window",
    "inference_geo",
)


@dataclass(frozen=True)
class StoredCost:
    """One seeded cost row: its UTC day, the amount's wire text and its dimension fields."""

    day: date
    amount: str
    """OpenAI: JSON number text in dollars. Anthropic: the string of cents."""
    fields: Mapping[str, Any]


class _Reject(Exception):
    """A 400 with this message."""


# -- shared --------------------------------------------------------------------------------


def error_body(api: str, status: int, message: str | None = None) -> str:
    """The provider's error envelope for ``status``."""
    kind = {
        400: "invalid_request_error",
        401: "authentication_error",
        403: "permission_error",
        429: "rate_limit_error",
        529: "overloaded_error",
    }.get(status, "api_error")
    text = message or f"fake {status}"
    if api == "anthropic":
        return json.dumps({"type": "error", "error": {"type": kind, "message": text}})
    return json.dumps({"error": {"message": text, "type": kind, "param": None, "code": None}})


def _one(query: Sequence[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in query if k == name]
    if len(values) > 1:
        raise _Reject(f"{name} given twice")
    return values[0] if values else None


def _groups(query: Sequence[tuple[str, str]], allowed: Sequence[str]) -> tuple[str, ...]:
    """``group_by[]=x`` and ``group_by=x`` both accepted (the SDK and curl forms)."""
    groups = tuple(v for k, v in query if k in ("group_by", "group_by[]"))
    bad = [g for g in groups if g not in allowed]
    if bad:
        raise _Reject(f"invalid group_by value: {bad[0]}")
    return groups


def _limit(query: Sequence[tuple[str, str]], maximum: int) -> int:
    raw = _one(query, "limit")
    try:
        limit = 7 if raw is None else int(raw)
    except ValueError as exc:
        raise _Reject("limit must be an integer") from exc
    if not 1 <= limit <= maximum:
        raise _Reject(f"limit must be between 1 and {maximum}")
    return limit


def _signature(query: Sequence[tuple[str, str]]) -> str:
    return json.dumps(sorted((k, v) for k, v in query if k != "page"))


def _cursor(day: date, signature: str) -> str:
    raw = json.dumps({"day": day.isoformat(), "q": signature}).encode()
    return "page_" + base64.urlsafe_b64encode(raw).decode()


def _page_days(
    query: Sequence[tuple[str, str]], start: date, end: date, limit: int, cap: int | None
) -> tuple[list[date], str | None]:
    """The days on this page and the next cursor; a cursor must come with the same query."""
    first = start
    page = _one(query, "page")
    if page is not None:
        try:
            raw = json.loads(base64.urlsafe_b64decode(page.removeprefix("page_")))
            first, signature = date.fromisoformat(raw["day"]), raw["q"]
        except (ValueError, KeyError, TypeError) as exc:
            raise _Reject("invalid page cursor") from exc
        if signature != _signature(query):
            raise _Reject("the page cursor belongs to a different query")
    size = min(limit, cap) if cap else limit
    days = [first + timedelta(days=n) for n in range(size) if first + timedelta(days=n) < end]
    following = first + timedelta(days=size)
    return days, (_cursor(following, _signature(query)) if following < end else None)


def _aggregate(
    rows: Sequence[StoredCost], grouped: Sequence[str], dimensions: Sequence[str]
) -> list[tuple[dict[str, Any], str, StoredCost | None]]:
    """Merge rows that agree on the grouped fields: (fields, amount text, the row if alone)."""
    merged: dict[tuple[Any, ...], list[StoredCost]] = {}
    for row in rows:
        key = tuple(row.fields.get(d) if d in grouped else None for d in dimensions)
        merged.setdefault(key, []).append(row)
    out: list[tuple[dict[str, Any], str, StoredCost | None]] = []
    for key, group in merged.items():
        fields = dict(zip(dimensions, key, strict=True))
        if len(group) == 1:
            out.append((fields, group[0].amount, group[0]))
        else:
            total = sum(
                (Decimal(json.loads(r.amount, parse_float=Decimal)) for r in group), Decimal(0)
            )
            out.append((fields, str(total), None))
    return out


# -- OpenAI --------------------------------------------------------------------------------


def openai_answer(
    state: Mapping[str, Any], query: Sequence[tuple[str, str]], headers: Mapping[str, str]
) -> tuple[int, str]:
    """``GET /v1/organization/costs``."""
    auth = headers.get("authorization", "")
    token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
    if token != OPENAI_ADMIN_KEY:
        if token and token.startswith(("sk-proj-", "sk-svcacct-")):
            status = state["wrong_key_status"]["openai"]
            return status, error_body("openai", status, "This endpoint requires an admin key.")
        return 401, error_body("openai", 401, "Incorrect API key provided.")
    try:
        return 200, _openai_page(state, query)
    except _Reject as exc:
        return 400, error_body("openai", 400, str(exc))


def _openai_page(state: Mapping[str, Any], query: Sequence[tuple[str, str]]) -> str:
    try:
        start_time = int(_one(query, "start_time") or "")
        end_raw = _one(query, "end_time")
        end_time = int(end_raw) if end_raw is not None else None
    except ValueError as exc:
        raise _Reject("start_time is required and times are integers") from exc
    if _one(query, "bucket_width") not in (None, "1d"):
        raise _Reject("bucket_width must be 1d for costs")
    limit = _limit(query, 180)
    grouped = _groups(query, _OPENAI_GROUPS)
    start = datetime.fromtimestamp(start_time, UTC).date()
    if end_time is None:
        end = start + timedelta(days=limit)
    else:
        moment = datetime.fromtimestamp(end_time, UTC)
        end = moment.date() + timedelta(days=1 if moment.time() != time(0) else 0)
    days, cursor = _page_days(query, start, end, limit, state["page_size"]["openai"])
    raws: list[str] = []
    buckets = []
    for day in days:
        results = []
        rows = [r for r in state["costs"]["openai"] if r.day == day]
        for fields, amount, alone in _aggregate(rows, grouped, _OPENAI_GROUPS):
            raws.append(amount)
            extra = (
                {k: v for k, v in alone.fields.items() if k not in _OPENAI_GROUPS} if alone else {}
            )
            results.append(
                {
                    "object": "organization.costs.result",
                    "amount": {"value": f"@@RAW{len(raws) - 1}@@", "currency": "usd"},
                    **fields,
                    "quantity": None,
                    "organization_id": "org-fake",  # a field clients do not know: stay tolerant
                    **extra,
                }
            )
        begin = int(datetime.combine(day, time(0), tzinfo=UTC).timestamp())
        buckets.append(
            {"object": "bucket", "start_time": begin, "end_time": begin + 86400, "results": results}
        )
    text = json.dumps(
        {"object": "page", "data": buckets, "has_more": cursor is not None, "next_page": cursor}
    )
    for index, raw in enumerate(raws):  # amounts as raw JSON number text, exactly as seeded
        text = text.replace(f'"@@RAW{index}@@"', raw, 1)
    return text


# -- Anthropic -----------------------------------------------------------------------------


def anthropic_answer(
    state: Mapping[str, Any], query: Sequence[tuple[str, str]], headers: Mapping[str, str]
) -> tuple[int, str]:
    """``GET /v1/organizations/cost_report``."""
    key = headers.get("x-api-key")
    if key != ANTHROPIC_ADMIN_KEY:
        if key and key.startswith("sk-ant-api"):
            status = state["wrong_key_status"]["anthropic"]
            return status, error_body("anthropic", status, "Admin API key required.")
        return 401, error_body("anthropic", 401, "invalid x-api-key")
    if headers.get("anthropic-version") != "2023-06-01":
        return 400, error_body("anthropic", 400, "anthropic-version: header is required")
    try:
        return 200, _anthropic_page(state, query)
    except _Reject as exc:
        return 400, error_body("anthropic", 400, str(exc))


def _rfc3339(text: str | None, name: str) -> datetime:
    if text is None:
        raise _Reject(f"{name} is required")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise _Reject(f"{name} is not an RFC 3339 timestamp") from exc
    if moment.tzinfo is None:
        raise _Reject(f"{name} needs a time zone")
    return moment.astimezone(UTC)


def _anthropic_page(state: Mapping[str, Any], query: Sequence[tuple[str, str]]) -> str:
    start = _rfc3339(_one(query, "starting_at"), "starting_at").date()  # snapped to the day
    if _one(query, "bucket_width") not in (None, "1d"):
        raise _Reject("bucket_width must be 1d")
    limit = _limit(query, 31)
    grouped = _groups(query, _ANTHROPIC_GROUPS)
    ending_raw = _one(query, "ending_at")
    if ending_raw is None:
        end = start + timedelta(days=limit)
    else:
        ending = _rfc3339(ending_raw, "ending_at")
        if ending.time() != time(0):
            raise _Reject("ending_at must be aligned to the bucket width (UTC midnight)")
        end = ending.date()
    days, cursor = _page_days(query, start, end, limit, state["page_size"]["anthropic"])
    dimensions = ("workspace_id", *_DESCRIPTION_FIELDS)
    # Grouping by description fills every description field; by workspace, workspace_id.
    as_grouped = [
        d
        for d in dimensions
        if d in grouped or ("description" in grouped and d in _DESCRIPTION_FIELDS)
    ]
    buckets = []
    for day in days:
        rows = [r for r in state["costs"]["anthropic"] if r.day == day]
        results = []
        for fields, cents, _alone in _aggregate(rows, as_grouped, dimensions):
            results.append({"amount": cents, "currency": "USD", **fields})
        buckets.append(
            {
                "starting_at": f"{day.isoformat()}T00:00:00Z",
                "ending_at": f"{(day + timedelta(days=1)).isoformat()}T00:00:00Z",
                "results": results,
            }
        )
    return json.dumps({"data": buckets, "has_more": cursor is not None, "next_page": cursor})
