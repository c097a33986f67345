"""The HTTP server: Slack at `/slack/events`, OAuth install pages, usage ingestion, health.

A small WSGI router in front of Bolt's WSGI adapter, served by gunicorn (gthread workers) in
production; Bolt's own development server (`app.start()`) is never used.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.runtime import Runtime

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["Route", "TokencostWSGI", "serve_http"]

log = logging.getLogger("tokencost.http")

#: A plain route: (environ) -> (status code, headers, body bytes).
Route = Callable[["WSGIEnvironment"], tuple[int, list[tuple[str, str]], bytes]]

_REASONS = {200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized",
            404: "Not Found", 405: "Method Not Allowed", 413: "Content Too Large",
            500: "Internal Server Error"}  # fmt: skip


def json_response(status: int, payload: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """A JSON response triple for a `Route`."""
    body = json.dumps(payload).encode()
    return status, [("Content-Type", "application/json")], body


class TokencostWSGI:
    """Route `/healthz` and our own routes; everything under `/slack/` goes to Bolt."""

    def __init__(self, app: App, runtime: Runtime, routes: dict[tuple[str, str], Route]) -> None:
        self.bolt = SlackRequestHandler(app, path="/slack/events")
        self.runtime = runtime
        self.routes = {("GET", "/healthz"): self._healthz, **routes}

    def _healthz(self, environ: WSGIEnvironment) -> tuple[int, list[tuple[str, str]], bytes]:
        return json_response(200, {"ok": True, "models": len(self.runtime.catalog)})

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        path = str(environ.get("PATH_INFO", "/"))
        route = self.routes.get((method, path))
        if route is None and path.startswith("/slack/"):
            return self.bolt(environ, start_response)
        if route is None:
            known = {p for (_, p) in self.routes}
            status, headers, body = json_response(
                405 if path in known else 404,
                {"error": "method not allowed" if path in known else "not found"},
            )
        else:
            try:
                status, headers, body = route(environ)
            except Exception:
                log.exception("route %s %s failed", method, path)
                status, headers, body = json_response(500, {"error": "internal error"})
        start_response(f"{status} {_REASONS.get(status, '')}".strip(), headers)
        return [body]


def serve_http(wsgi: WSGIApplication, port: int, threads: int = 8, host: str = "0.0.0.0") -> None:
    """Serve with gunicorn in this process: one worker (SQLite, one catalog), gthread threads.

    `wsgi` is normally a `TokencostWSGI`; any WSGI app is accepted so a benchmark can serve a
    bare Bolt app with exactly the same server settings (bench/ack.py)."""
    from gunicorn.app.base import BaseApplication

    class _Gunicorn(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type hints
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", 1)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", threads)
            self.cfg.set("timeout", 30)
            self.cfg.set("keepalive", 5)
            self.cfg.set("accesslog", None)
            # No ~/.gunicorn/gunicorn.ctl: one shared path per user, so a second server on the
            # same host (a test, a benchmark) would unlink the first one's socket.
            if "control_socket_disable" in self.cfg.settings:  # gunicorn >= 25.1
                self.cfg.set("control_socket_disable", True)

        def load(self) -> WSGIApplication:
            return wsgi

    _Gunicorn().run()
