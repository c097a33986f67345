"""The HTTP surface: Slack at `/slack/events`, OAuth install pages, usage ingestion, health.

A small WSGI router in front of Bolt's WSGI adapter. In production it runs in the thread pool
of `bot.slack.asgi` (uvicorn reads every request first, with timeouts and body caps); Bolt's
own development server (`app.start()`) is never used.

Before Bolt sees a Slack request, `_slack_problem` refuses what Bolt would choke on before its
signature check (a timestamp that is not a number, a body that is not UTF-8, JSON that is not
JSON): 400 with one log line, never a 500 with a traceback. A store that stays locked past its
busy timeout is 503 with Retry-After, on every route.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.runtime import Runtime
from bot.slack.access import request_team
from bot.slack.listeners.guard import log_incident
from bot.store.db import is_busy_error

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["BUSY_RETRY_AFTER_S", "Route", "TokencostWSGI", "json_response", "serve_http"]

log = logging.getLogger("tokencost.http")

#: A plain route: (environ) -> (status code, headers, body bytes).
Route = Callable[["WSGIEnvironment"], tuple[int, list[tuple[str, str]], bytes]]

BUSY_RETRY_AFTER_S = 2
"""Retry-After (seconds) on a 503 because the database stayed locked."""

_REASONS = {200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized",
            404: "Not Found", 405: "Method Not Allowed", 413: "Content Too Large",
            500: "Internal Server Error", 503: "Service Unavailable"}  # fmt: skip


def json_response(status: int, payload: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """A JSON response triple for a `Route`."""
    body = json.dumps(payload).encode()
    return status, [("Content-Type", "application/json")], body


def busy_response() -> tuple[int, list[tuple[str, str]], bytes]:
    """503 with Retry-After: the store is busy; nothing was done, the client may retry."""
    status, headers, body = json_response(
        503, {"error": "The database is busy; nothing was stored. Retry shortly."}
    )
    return status, [*headers, ("Retry-After", str(BUSY_RETRY_AFTER_S))], body


def _json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


def _slack_problem(environ: WSGIEnvironment) -> str | None:
    """Why a POST to Slack's path cannot be a Slack request, or None; notes its team.

    Reads the body and puts it back (`wsgi.input`) for Bolt. Mirrors what Bolt parses before
    it checks the signature (`slack_bolt.request.payload_utils.parse_body`).
    """
    length = str(environ.get("CONTENT_LENGTH") or "0")
    raw = environ["wsgi.input"].read(int(length)) if length.isdigit() else b""
    environ["wsgi.input"] = io.BytesIO(raw)
    environ["CONTENT_LENGTH"] = str(len(raw))
    stamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
    if stamp is not None and not str(stamp).strip().isdigit():
        return "X-Slack-Request-Timestamp is not a number"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    content_type = str(environ.get("CONTENT_TYPE") or "")
    if text and (content_type.startswith("application/json") or text.startswith("{")):
        if not _json_object(text):
            return "the body is not a JSON object"
    elif "payload" in text:
        payload = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
        if payload is not None and not _json_object(payload):
            return "the payload field is not a JSON object"
    environ["tokencost.team"] = request_team(raw, content_type)
    return None


class TokencostWSGI:
    """Route `/healthz`, `/readyz` and our own routes; everything under `/slack/` goes to Bolt.

    `/healthz` is liveness (the process answers; it touches nothing); `/readyz` is readiness
    (the database answers a query), for load balancers and orchestrators to route by."""

    def __init__(self, app: App, runtime: Runtime, routes: dict[tuple[str, str], Route]) -> None:
        self.bolt = SlackRequestHandler(app, path="/slack/events")
        self.runtime = runtime
        self.routes = {("GET", "/healthz"): self._healthz, ("GET", "/readyz"): self._readyz,
                       **routes}  # fmt: skip

    def _healthz(self, environ: WSGIEnvironment) -> tuple[int, list[tuple[str, str]], bytes]:
        return json_response(200, {"ok": True, "models": len(self.runtime.catalog)})

    def _readyz(self, environ: WSGIEnvironment) -> tuple[int, list[tuple[str, str]], bytes]:
        backend = "postgresql" if self.runtime.settings.database_url else "sqlite"
        try:
            self.runtime.ping()
        except Exception as exc:  # any failure means "not ready"; the reason goes to the log
            log.warning("readyz: the %s database did not answer: %s", backend,
                        type(exc).__name__)  # fmt: skip
            return json_response(503, {"ok": False, "database": backend,
                                       "error": "the database did not answer"})  # fmt: skip
        return json_response(200, {"ok": True, "database": backend})

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        path = str(environ.get("PATH_INFO", "/"))
        route = self.routes.get((method, path))
        if route is None and path.startswith("/slack/"):
            problem = _slack_problem(environ) if method == "POST" else None
            if problem is None:
                return self.bolt(environ, start_response)
            environ["tokencost.reason"] = problem
            route = lambda _environ: json_response(400, {"error": problem})  # noqa: E731
        if route is None:
            known = {p for (_, p) in self.routes}
            status, headers, body = json_response(
                405 if path in known else 404,
                {"error": "method not allowed" if path in known else "not found"},
            )
        else:
            status, headers, body = self._run(route, environ, f"{method} {path}")
        start_response(f"{status} {_REASONS.get(status, '')}".strip(), headers)
        return [body]

    @staticmethod
    def _run(route: Route, environ: WSGIEnvironment, where: str) -> tuple[
        int, list[tuple[str, str]], bytes
    ]:  # fmt: skip
        try:
            return route(environ)
        except Exception as exc:
            if is_busy_error(exc):
                environ["tokencost.reason"] = "database busy"
                return busy_response()
            ref = log_incident(where, exc)
            return json_response(500, {"error": f"internal error (ref {ref})"})


def serve_http(
    wsgi: WSGIApplication,
    port: int,
    threads: int = 8,
    host: str = "0.0.0.0",
    timeout_s: float = 10.0,
    body_caps: Mapping[str, int] | None = None,
) -> None:
    """Serve `wsgi` with uvicorn in this process until SIGTERM (see `bot.slack.asgi`).

    `wsgi` is normally a `TokencostWSGI`; any WSGI app is accepted so a benchmark can serve a
    bare Bolt app with exactly the same server settings (bench/ack.py)."""
    from bot.slack.asgi import HttpLimits, WSGIBridge, run_uvicorn

    limits = HttpLimits(threads=threads, timeout_s=timeout_s, body_caps=dict(body_caps or {}),
                        queue=max(64, threads * 8))  # fmt: skip
    run_uvicorn(WSGIBridge(wsgi, limits), host, port)
