"""``POST /usage``: teams report the LLM usage they actually ran (DESIGN §6).

- Auth: ``Authorization: Bearer <token>``. The token names the workspace whose ledger gets the
  events: a per-workspace token from ``tokencost ingest-token create --team T`` (found by its
  sha256, ``bot.store.ingest_tokens``), or, in single-workspace mode only, the
  ``TOKENCOST_INGEST_TOKEN`` (compared in constant time; it stands for the one workspace).
  With neither configured ingestion is off and the route answers 404 saying so; a missing,
  wrong or revoked token is 401.
- Body: one JSON object, a JSON array of objects, or JSON lines (one object per line), at most
  ``MAX_BODY_BYTES`` (413 above, checked on Content-Length and on the bytes actually read) and
  ``MAX_EVENTS`` events. Field names: ``bot.ledger.fields``.
- All-or-nothing: 202 ``{"accepted": n, "duplicates": d, "cost_usd": "..."}``, or 400
  ``{"errors": [{"index": i, "error": "..."}, ...]}`` listing every problem, nothing stored.
  ``index`` is 0-based in the batch; JSON lines errors also carry the 1-based ``line``.
- Idempotency: an event's ``id`` is stored once, however often it is sent; an event without
  an ``id`` is always new (we do not guess duplicates from content: two identical calls in the
  same second are real).
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import TYPE_CHECKING, Any

from bot.errors import BotError
from bot.ledger.fields import EventProblems, UsageEvent, event_from_fields
from bot.ledger.pricing import UsageRefused, price_events
from bot.runtime import Runtime
from bot.slack.server import Route, json_response
from bot.store.db import StoreError, decimal_text
from bot.store.ingest_tokens import TOKEN_PREFIX, find_ingest_workspace, has_ingest_tokens
from bot.store.usage import UsageRejected, insert_usage
from bot.store.workspace import Workspace
from bot.store.workspaces import resolve_workspace

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_EVENTS",
    "UsageBodyError",
    "make_usage_route",
    "parse_usage_body",
]

log = logging.getLogger("tokencost.ingest")

MAX_BODY_BYTES = 5 * 1024 * 1024
"""Largest request body accepted, in bytes (about 25,000 typical events)."""
MAX_EVENTS = 10_000
"""Most events in one request."""

Response = tuple[int, list[tuple[str, str]], bytes]
Problem = dict[str, Any]


class UsageBodyError(BotError):
    """The body cannot be read as events; ``problems`` are the 400 ``errors``."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(str(problems))
        self.problems = problems


def _bearer(environ: WSGIEnvironment) -> str | None:
    header = str(environ.get("HTTP_AUTHORIZATION", ""))
    scheme, _, given = header.partition(" ")
    return given.strip() if scheme.lower() == "bearer" and given.strip() else None


def _unauthorized(message: str) -> Response:
    status, headers, payload = json_response(401, {"error": message})
    return status, [*headers, ("WWW-Authenticate", 'Bearer realm="tokencost"')], payload


def _workspace(runtime: Runtime, given: str | None) -> Workspace | Response:
    """The workspace a bearer token stands for, or the 401 to answer."""
    if given is not None and given.startswith(TOKEN_PREFIX):
        found = find_ingest_workspace(runtime.db(), given)
        if found is not None:
            return found
    legacy = runtime.settings.ingest_token
    if given is None or not legacy or not hmac.compare_digest(given.encode(), legacy.encode()):
        return _unauthorized("Send Authorization: Bearer <token>, a token from `tokencost "
                             "ingest-token create` (or TOKENCOST_INGEST_TOKEN).")  # fmt: skip
    if runtime.settings.oauth:
        return _unauthorized("TOKENCOST_INGEST_TOKEN only works in single-workspace mode; "
                             "create a token per workspace with `tokencost ingest-token "
                             "create --team T...`.")  # fmt: skip
    try:
        return resolve_workspace(runtime.db(), None, runtime.clock())
    except StoreError:
        return _unauthorized(
            "This database holds several workspaces, so TOKENCOST_INGEST_TOKEN "
            "cannot say whose usage this is; use a per-workspace token."
        )


def _read_body(environ: WSGIEnvironment) -> bytes | None:
    """The body bytes, or None when it is over the limit (by header or by what was read)."""
    declared = str(environ.get("CONTENT_LENGTH") or "").strip()
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    stream = environ["wsgi.input"]
    chunked = "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower()
    if not declared.isdigit() and not chunked:
        return b""  # no length and not chunked: no body (reading would wait for the socket)
    # Chunked bodies have no length up front: read one byte past the limit to catch them.
    limit = int(declared) if declared.isdigit() else MAX_BODY_BYTES + 1
    body: bytes = stream.read(min(limit, MAX_BODY_BYTES + 1)) if limit else b""
    return None if len(body) > MAX_BODY_BYTES else body


def _json_lines(text: str) -> tuple[list[object], dict[int, int]]:
    items: list[object] = []
    lines: dict[int, int] = {}
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append({"index": len(items) + len(problems), "line": number,
                             "error": f"line {number} is not valid JSON ({exc.msg})"})  # fmt: skip
            continue
        lines[len(items)] = number
        items.append(item)
    if problems:
        raise UsageBodyError(problems)
    return items, lines


def parse_usage_body(body: bytes) -> tuple[list[object], dict[int, int]]:
    """Split a body into its items, and for JSON lines each item's 1-based line number by its
    index (empty for a JSON array or object).

    Raises ``UsageBodyError`` for bytes that are not UTF-8 JSON, JSON lines, or are empty.
    """
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageBodyError([{"index": None, "error": "The body is not UTF-8 text."}]) from exc
    if not text.strip():
        raise UsageBodyError([{"index": None, "error": "The body is empty; send usage events."}])
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        if len([line for line in text.splitlines() if line.strip()]) > 1:
            return _json_lines(text)
        error = f"The body is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})."
        raise UsageBodyError([{"index": None, "error": error}]) from exc
    return (parsed if isinstance(parsed, list) else [parsed]), {}


def _events(
    items: list[object], runtime: Runtime
) -> tuple[list[UsageEvent | None], list[tuple[int, str]]]:
    now = runtime.clock()
    events: list[UsageEvent | None] = []
    errors: list[tuple[int, str]] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors.append((index, "each event must be a JSON object"))
            events.append(None)
            continue
        try:
            events.append(event_from_fields(item, now))
        except EventProblems as exc:
            errors.extend((index, problem) for problem in exc.problems)
            events.append(None)
    return events, errors


def _seen_twice(events: list[UsageEvent | None]) -> list[tuple[int, str]]:
    # The same id with different content in one batch is a client bug, not a retry.
    first: dict[str, UsageEvent] = {}
    errors = []
    for index, event in enumerate(events):
        if event is None or event.event_id is None:
            continue
        earlier = first.setdefault(event.event_id, event)
        if earlier is not event and earlier != event:
            errors.append((index, f"id {event.event_id!r} is repeated with different fields"))
    return errors


def _ingest(runtime: Runtime, ws: Workspace, body: bytes) -> Response:
    try:
        items, lines = parse_usage_body(body)
    except UsageBodyError as exc:
        return json_response(400, {"errors": exc.problems})
    if len(items) > MAX_EVENTS:
        message = f"At most {MAX_EVENTS:,} events per request; split the batch."
        return json_response(413, {"errors": [{"index": None, "error": message}]})
    if not items:
        return json_response(400, {"errors": [{"index": None, "error": "The batch is empty."}]})
    events, errors = _events(items, runtime)
    errors += _seen_twice(events)
    try:
        batch = price_events(runtime.catalog, events, "http", errors)
        result = insert_usage(runtime.db(), ws, batch.rows, runtime.clock())
    except UsageRefused as exc:
        errors = list(exc.errors)
    except UsageRejected as exc:
        errors = [(0, problem) for problem in exc.problems]
    if errors:
        problems: list[Problem] = []
        for index, message in errors:
            problem: Problem = {"index": index, "error": message}
            if index in lines:
                problem["line"] = lines[index]
            problems.append(problem)
        return json_response(400, {"errors": problems})
    return json_response(
        202,
        {"accepted": result.inserted, "duplicates": result.duplicates,
         "cost_usd": decimal_text(batch.cost_usd)},
    )  # fmt: skip


def make_usage_route(runtime: Runtime) -> Route:
    """Build the ``POST /usage`` route for ``TokencostWSGI(routes={("POST", "/usage"): ...})``."""

    def usage_route(environ: WSGIEnvironment) -> Response:
        if not runtime.settings.ingest_token and not has_ingest_tokens(runtime.db()):
            return json_response(404, {"error": "Usage ingestion is off: create a token with "
                                       "`tokencost ingest-token create --team T...` (or set "
                                       "TOKENCOST_INGEST_TOKEN) to enable it."})  # fmt: skip
        ws = _workspace(runtime, _bearer(environ))
        if not isinstance(ws, Workspace):
            return ws
        body = _read_body(environ)
        if body is None:
            return json_response(
                413, {"error": f"The body is over {MAX_BODY_BYTES:,} bytes; split the batch."}
            )
        return _ingest(runtime, ws, body)

    return usage_route
