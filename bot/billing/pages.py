"""What both cost APIs share: bucket pages with a ``has_more`` / ``next_page`` cursor.

Every page is asked for with the same parameters plus ``page=<next_page>``, until
``has_more`` is false. A 200 without the documented envelope is an error, never "no spend".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Inexact
from typing import Any

from bot.billing.errors import BadResponse
from bot.billing.models import BilledCost
from bot.billing.money import exact_sum

__all__ = ["MAX_PAGES", "Bucket", "check_range", "collect", "error_message", "merge_rows"]

MAX_PAGES = 400
"""More pages than any real range needs: a cursor that never ends is a provider bug."""

_KEYLIKE = re.compile(r"sk-[A-Za-z0-9_*.-]{4,}")


@dataclass(frozen=True)
class Bucket:
    """One daily bucket as the provider sent it."""

    day: date
    """The bucket's UTC day."""
    results: tuple[dict[str, Any], ...]
    """Its result rows, still raw (empty on a day without spend)."""


def check_range(start: date, end: date, name: str) -> None:
    """Raise ValueError unless ``start`` is before ``end`` (whole UTC days, end exclusive)."""
    if end <= start:
        raise ValueError(f"{name} billing range is empty: {start} to {end} (end is exclusive)")


def collect(
    get_page: Callable[[str | None], Any],
    parse_bucket: Callable[[Any], Bucket],
    name: str,
    start: date,
    end: date,
) -> tuple[list[Bucket], int]:
    """Follow the cursor from the first page to the last; return the buckets and page count."""
    buckets: list[Bucket] = []
    cursor: str | None = None
    seen: set[str] = set()
    pages = 0
    while True:
        payload = get_page(cursor)
        pages += 1
        if (
            not isinstance(payload, dict)
            or not isinstance(payload.get("data"), list)
            or not isinstance(payload.get("has_more"), bool)
        ):
            raise BadResponse(f"{name} answered without the documented data and has_more fields.")
        try:
            buckets.extend(parse_bucket(raw) for raw in payload["data"])
        except ValueError as exc:
            raise BadResponse(f"{name} sent a cost bucket we cannot read ({exc}).") from exc
        if not payload["has_more"]:
            break
        cursor = payload.get("next_page")
        if not isinstance(cursor, str) or not cursor:
            raise BadResponse(f"{name} said more pages follow but sent no next_page cursor.")
        if cursor in seen or pages >= MAX_PAGES:
            raise BadResponse(f"{name} kept sending pages ({pages}); the cursor does not end.")
        seen.add(cursor)
    _check_days(buckets, name, start, end)
    return buckets, pages


def _check_days(buckets: list[Bucket], name: str, start: date, end: date) -> None:
    days = [b.day for b in buckets]
    if len(set(days)) != len(days):
        raise BadResponse(f"{name} sent the same day twice; its figures would count double.")
    stray = [d for d in days if not start <= d < end]
    if stray:
        raise BadResponse(f"{name} sent {stray[0]}, outside the {start} to {end} range asked for.")


def error_message(name: str, status: int, payload: Any) -> str:
    """One sentence for a 4xx answer, quoting the provider's own message (key-like text cut)."""
    detail = ""
    if isinstance(payload, dict) and isinstance(payload.get("error"), dict):
        message = payload["error"].get("message")
        if isinstance(message, str):
            detail = _KEYLIKE.sub("sk-…", " ".join(message.split()))[:160].rstrip(". ")
    suffix = f": {detail}" if detail else ""
    return f"{name} rejected the billing query (HTTP {status}{suffix})."


def merge_rows(rows: Iterable[BilledCost], name: str) -> tuple[BilledCost, ...]:
    """One row per (day, project, line item, model), amounts added exactly; sorted."""
    groups: dict[tuple[date, str, str, str], list[BilledCost]] = {}
    for row in rows:
        key = (row.day, row.project or "", row.line_item, row.model or "")
        groups.setdefault(key, []).append(row)
    merged = []
    for key in sorted(groups):
        group = groups[key]
        try:
            total = exact_sum(r.amount_usd for r in group)
        except Inexact as exc:  # pragma: no cover - needs amounts ~400 digits apart
            raise BadResponse(f"{name} sent amounts too far apart to add exactly.") from exc
        merged.append(group[0] if len(group) == 1 else replace(group[0], amount_usd=total))
    return tuple(merged)
