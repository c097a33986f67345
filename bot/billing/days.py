"""UTC days: which ones to fetch, which are still provisional, and their wire forms.

Both providers bucket cost by UTC day and revise recent buckets for a while, so every sync
re-fetches a trailing window and replaces those days whole.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

__all__ = [
    "PROVISIONAL_DAYS",
    "is_partial",
    "is_provisional",
    "rfc3339_midnight",
    "sync_window",
    "unix_midnight",
    "utc_day",
]

PROVISIONAL_DAYS = 3
"""Today and the two days before it may still change (OpenAI keeps revising recent buckets;
Anthropic's data usually lands within minutes, but not always)."""


def is_provisional(day: date, today: date) -> bool:
    """True when the provider may still revise ``day`` (one of the last three UTC days)."""
    return day > today - timedelta(days=PROVISIONAL_DAYS)


def is_partial(day: date, today: date) -> bool:
    """True when ``day`` has not ended yet (UTC), so its figure is a running total."""
    return day >= today


def sync_window(today: date, trailing_days: int = PROVISIONAL_DAYS) -> tuple[date, date]:
    """Days a sync should fetch: ``(start, end)``, end exclusive, ending with yesterday.

    Starts on the first of yesterday's month or ``trailing_days`` back, whichever is earlier,
    so month-to-date is always complete and provisional days are always re-read.
    """
    if trailing_days < 1:
        raise ValueError("trailing_days must be at least 1")
    yesterday = today - timedelta(days=1)
    start = min(yesterday.replace(day=1), today - timedelta(days=trailing_days))
    return start, today


def unix_midnight(day: date) -> int:
    """Unix seconds of ``day``'s UTC midnight (OpenAI's ``start_time`` / ``end_time``)."""
    return int(datetime.combine(day, time(0), tzinfo=UTC).timestamp())


def rfc3339_midnight(day: date) -> str:
    """RFC 3339 UTC midnight of ``day`` (Anthropic's ``starting_at`` / ``ending_at``)."""
    return f"{day.isoformat()}T00:00:00Z"


def utc_day(moment: datetime | int) -> date:
    """The UTC day of an aware datetime or of Unix seconds."""
    if isinstance(moment, int):
        return datetime.fromtimestamp(moment, tz=UTC).date()
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no UTC day")
    return moment.astimezone(UTC).date()
