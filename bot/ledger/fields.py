"""Reported usage as people and exporters send it: field names, values, and their checks.

One reported event is a mapping of fields, from a JSON object (``POST /usage``) or a CSV row
(``tokencost usage import``). Our names and the OpenTelemetry GenAI semantic-convention names
are both accepted (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/):

====================== ============================================================
ours                   OpenTelemetry
====================== ============================================================
model (required)       gen_ai.response.model, else gen_ai.request.model
input_tokens           gen_ai.usage.input_tokens (the whole prompt, cached included)
output_tokens          gen_ai.usage.output_tokens
cached_input_tokens    gen_ai.usage.cache_read.input_tokens
timestamp              (ISO 8601 with a timezone, or a bare date = midnight UTC;
                       default: when it arrives)
tag, user, id          (``id`` is the idempotency key)
====================== ============================================================

Other dotted names (``gen_ai.system``, ``server.address``...) are ignored, so an exporter's whole
attribute set can be posted as is; an unknown plain name is refused with a "did you mean",
because a typo such as ``input_token`` would otherwise store a silent zero.

Token counts are read the same way on every surface (CSV, ``POST /usage``, ``usage add``):
ints, integral floats, and text such as ``1200``, ``1,200``, ``1_200``, ``1.5k`` or ``2M``
(``bot.language.quantities.parse_number``). A bare date (``2026-11-28``) is midnight UTC that day.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from bot.errors import BotError
from bot.language.quantities import parse_number, whole

__all__ = [
    "FIELDS",
    "MAX_TEXT_CHARS",
    "EventProblems",
    "UsageEvent",
    "event_from_fields",
    "plural",
]

FIELDS = (
    "model",
    "input_tokens",
    "output_tokens",
    "cached_input_tokens",
    "timestamp",
    "tag",
    "user",
    "id",
)
"""Our field names, in the order of the CSV header."""
_OURS = frozenset(FIELDS)

_OTEL = {
    "gen_ai.request.model": "model",
    "gen_ai.response.model": "model",
    "gen_ai.usage.input_tokens": "input_tokens",
    "gen_ai.usage.output_tokens": "output_tokens",
    "gen_ai.usage.cache_read.input_tokens": "cached_input_tokens",
}
# gen_ai.response.model names the model that actually answered (often a dated id), so it wins.
_OTEL_ORDER = ("gen_ai.response.model", "gen_ai.request.model")

MAX_TEXT_CHARS = 200
"""Longest ``model``, ``tag``, ``user`` or ``id`` accepted, in characters."""

_FUTURE_SLACK = timedelta(days=1)
"""Timestamps further ahead of the server's clock than this are refused as mistakes."""

_BARE_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP_EXAMPLE = "like 2026-11-02T14:30:00Z, or 2026-11-02 for midnight UTC"


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 row``, ``2 rows``, ``1,000 rows``: a count with its noun in the right number."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


class UsageEvent(NamedTuple):
    """One reported LLM call (or a total over several), checked but not yet priced.

    Immutable and cheap to build: a ``NamedTuple`` rather than a frozen dataclass, whose
    ``__init__`` sets each field through ``object.__setattr__`` (1.2 of the 30 µs an ingested
    event cost, issue 15). Compare events with each other only.
    """

    model: str
    """The model name as reported (resolved against the catalog when priced)."""
    occurred_utc: datetime
    """When the usage happened (timezone-aware)."""
    input_tokens: int = 0
    """The whole prompt, cached part included."""
    output_tokens: int = 0
    cached_input_tokens: int = 0
    """The cached part of ``input_tokens``."""
    tag: str | None = None
    """Team or feature tag, without a leading ``#``."""
    user: str | None = None
    event_id: str | None = None
    """Idempotency key; None means the event is always new."""


class EventProblems(BotError):
    """An event's fields are wrong; ``problems`` lists every user-safe reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


def _merge_names(fields: Mapping[str, object], problems: list[str]) -> Mapping[str, object]:
    if _OURS.issuperset(fields):  # only our names (the usual case): nothing to merge
        return fields
    merged: dict[str, object] = {}
    for name, value in fields.items():
        if name in FIELDS:
            merged[name] = value
        elif name not in _OTEL and "." not in name:
            close = difflib.get_close_matches(name, FIELDS, n=1)
            hint = f"; did you mean {close[0]}?" if close else f"; known: {', '.join(FIELDS)}"
            problems.append(f"unknown field {name[:40]!r}{hint}")
    otel = [n for n in _OTEL_ORDER if fields.get(n) not in (None, "")]
    otel += [n for n in _OTEL if n not in _OTEL_ORDER and fields.get(n) not in (None, "")]
    for name in otel:
        ours = _OTEL[name]
        value = fields[name]
        current = merged.get(ours)
        if current in (None, ""):
            merged[ours] = value
        elif ours != "model" and current != value and str(current) != str(value):
            problems.append(f"{ours} and {name} disagree ({current!r} vs {value!r})")
    return merged


def _count(name: str, value: object, problems: list[str]) -> int:
    if type(value) is int and value >= 0:  # the usual case, before the general checks
        return value
    if value is None or value == "":
        return 0
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = value.strip().replace("_", "")
        negative = text.startswith("-")
        parsed = parse_number(text[1:] if negative else text)
        number = whole(parsed) if parsed is not None else None
        if number is not None and negative:
            number = -number
    if number is None:
        problems.append(
            f"{name} must be a whole number of tokens (like 1200, 1,200 or 1.5k), "
            f"not {str(value)[:40]!r}"
        )
        return 0
    if number < 0:
        problems.append(f"{name} can't be negative ({number:,})")
    return number


def _text(name: str, value: object, problems: list[str]) -> str | None:
    if value is None:
        return None
    if type(value) is str:
        text = value.strip()
    elif isinstance(value, bool) or not isinstance(value, str | int):
        problems.append(f"{name} must be text")
        return None
    else:
        text = str(value).strip()
    if name == "tag":
        text = text.lstrip("#")
    if len(text) > MAX_TEXT_CHARS:
        problems.append(f"{name} is longer than {MAX_TEXT_CHARS} characters")
        return None
    return text or None


def _timestamp(value: object, now: datetime, problems: list[str]) -> datetime:
    if value is None or value == "":
        return now
    if not isinstance(value, str):
        problems.append(f"timestamp must be ISO 8601 text, {_TIMESTAMP_EXAMPLE}")
        return now
    text = value.strip()
    try:
        # a day without a time: midnight UTC, on every surface
        if len(text) == 10 and _BARE_DATE.fullmatch(text):
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        problems.append(f"timestamp {value[:40]!r} is not an ISO 8601 time ({_TIMESTAMP_EXAMPLE})")
        return now
    if moment.tzinfo is None or moment.utcoffset() is None:
        problems.append(f"timestamp {value[:40]!r} needs a timezone (Z or +01:00)")
        return now
    if moment > now + _FUTURE_SLACK:
        problems.append(f"timestamp {value[:40]!r} is in the future")
    return moment


def _plain_text(value: object) -> str | bool | None:
    """A text field of the usual shape, as ``_text`` reads it (None when absent or blank);
    False when ``_text`` must look at it (not text, or too long)."""
    if value is None:
        return None
    if type(value) is not str:
        return False
    text = value.strip()
    return False if len(text) > MAX_TEXT_CHARS else text or None


def _usual_event(fields: Mapping[str, object], now: datetime) -> UsageEvent | None:
    """The event, when every field has the usual shape and passes its checks: only our names,
    counts as ints, text as str, a full ISO 8601 time. None sends the fields through the
    general checks, which accept every other shape and word every problem. Same result as
    ``event_from_fields`` whenever it gives one (tests/bot/test_ledger_fast.py)."""
    if not _OURS.issuperset(fields):
        return None
    get = fields.get
    model = _plain_text(get("model"))
    input_tokens = get("input_tokens", 0)
    output_tokens = get("output_tokens", 0)
    cached = get("cached_input_tokens", 0)
    tag = get("tag")
    if type(tag) is str:
        tag = tag.strip().lstrip("#")
        tag = False if len(tag) > MAX_TEXT_CHARS else tag or None
    elif tag is not None:
        return None
    user = _plain_text(get("user"))
    event_id = _plain_text(get("id"))
    if (
        not model
        or type(input_tokens) is not int
        or type(output_tokens) is not int
        or type(cached) is not int
        or input_tokens < 0
        or output_tokens < 0
        or not 0 <= cached <= input_tokens
        or tag is False
        or user is False
        or event_id is False
    ):
        return None
    stamp = get("timestamp")
    if stamp is None or stamp == "":
        moment = now
    elif type(stamp) is str and len(text := stamp.strip()) > 10:  # bare dates: general path
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
        if moment.tzinfo is None or moment.utcoffset() is None or moment > now + _FUTURE_SLACK:
            return None
    else:
        return None
    return UsageEvent(model, moment, input_tokens, output_tokens, cached, tag, user, event_id)  # type: ignore[arg-type]  # False was ruled out above


def event_from_fields(fields: Mapping[str, object], now: datetime) -> UsageEvent:
    """Check one event's fields and return it; raise ``EventProblems`` listing every problem.

    Token counts take ints, integral floats and number text (``1,200``, ``1.5k``; OTLP/JSON
    sends int64 as text); a bare date is midnight UTC; ``now`` is the default timestamp and
    the reference for "in the future".
    """
    return _usual_event(fields, now) or _checked_event(fields, now)


def _checked_event(fields: Mapping[str, object], now: datetime) -> UsageEvent:
    """``event_from_fields`` for any shape of fields: every check, every problem worded."""
    problems: list[str] = []
    merged = _merge_names(fields, problems)
    model = _text("model", merged.get("model"), problems)
    if model is None and not any(p.startswith("model") for p in problems):
        problems.append("model is required (or gen_ai.request.model)")
    input_tokens = _count("input_tokens", merged.get("input_tokens"), problems)
    output_tokens = _count("output_tokens", merged.get("output_tokens"), problems)
    cached = _count("cached_input_tokens", merged.get("cached_input_tokens"), problems)
    if cached > input_tokens >= 0:
        problems.append(
            f"cached_input_tokens ({cached:,}) is part of the prompt, "
            f"so it can't exceed input_tokens ({input_tokens:,})"
        )
    event_id = _text("id", merged.get("id"), problems)
    # Positional, in field order: the batch path builds one of these per event.
    event = UsageEvent(
        model or "",
        _timestamp(merged.get("timestamp"), now, problems),
        input_tokens,
        output_tokens,
        cached,
        _text("tag", merged.get("tag"), problems),
        _text("user", merged.get("user"), problems),
        event_id,
    )
    if problems:
        raise EventProblems(problems)
    return event
