"""The production HTTP server: uvicorn (asyncio) reads requests, a bounded thread pool answers.

Why (issue 11, measured in README "Behaviour under load"): gunicorn's gthread worker gave each
new connection a thread while it waited for the request, so 60 idle connections plus 10
half-sent requests held all 8 threads and a signed command got no answer. Here the event loop
reads every request: an idle or slow client costs a socket, not a thread. Only a complete
request, body included, reaches `WSGIBridge`'s thread pool, where our WSGI app
(`bot.slack.server.TokencostWSGI`: Bolt, `/usage`, `/healthz`) runs as before.

Limits, each answered before any thread is used:

- headers: a connection must deliver a request's headers within `HttpLimits.timeout_s` of
  opening (or of its first byte after a keep-alive), or it is closed (`_GuardedH11`);
- body: refused with 413 from `Content-Length` before it is read, or once the bytes read pass
  the path's cap (chunked bodies); 408 when it is not complete within `timeout_s`;
- work: at most `HttpLimits.queue` requests queued or running; more get 503 with Retry-After;
- connections: uvicorn's `limit_concurrency` answers 503 beyond `max_connections`.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import FrameType
from typing import TYPE_CHECKING, Any

from bot.slack.access import log_request

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

__all__ = ["DEFAULT_BODY_CAP", "HttpLimits", "WSGIBridge", "run_uvicorn"]

log = logging.getLogger("tokencost.http")

DEFAULT_BODY_CAP = 1024 * 1024
"""Largest request body on any path without its own cap (Slack sends a few KB), in bytes."""

Message = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[Message], Any]
Answer = tuple[int, list[tuple[str, str]], bytes]


@dataclass(frozen=True)
class HttpLimits:
    """What the server allows one client and all of them together."""

    threads: int = 8
    """Worker threads running the WSGI app."""
    timeout_s: float = 10.0
    """Seconds for a request's headers, and again for its body."""
    body_caps: Mapping[str, int] = field(default_factory=dict)
    """Path -> largest body in bytes; other paths get `DEFAULT_BODY_CAP`."""
    queue: int = 64
    """Requests queued or running at once; beyond that 503 with Retry-After."""
    max_connections: int = 1000
    """Open connections at once (uvicorn `limit_concurrency`); beyond that 503."""
    keepalive_s: int = 5
    """Seconds an idle kept-alive connection stays open."""

    def cap(self, path: str) -> int:
        """The body cap for `path`."""
        return self.body_caps.get(path, DEFAULT_BODY_CAP)


def _plain(status: int, text: str, retry_after: int | None = None) -> Answer:
    headers = [("content-type", "text/plain; charset=utf-8"), ("connection", "close")]
    if retry_after is not None:
        headers.append(("retry-after", str(retry_after)))
    return status, headers, text.encode()


class WSGIBridge:
    """An ASGI app that reads the whole request on the loop, then runs a WSGI app in a thread."""

    def __init__(self, wsgi: WSGIApplication, limits: HttpLimits) -> None:
        self.wsgi = wsgi
        self.limits = limits
        self.executor = ThreadPoolExecutor(limits.threads, thread_name_prefix="tokencost-http")
        self.in_flight = 0

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":  # websockets: not served
            return
        started = time.perf_counter()
        environ: dict[str, Any] = {}
        answer = await self._answer(scope, receive, environ)
        status, headers, body = answer
        encoded = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        await send({"type": "http.response.start", "status": status, "headers": encoded})
        await send({"type": "http.response.body", "body": body})
        log_request(scope["method"], scope["path"], status, time.perf_counter() - started,
                    environ.get("tokencost.team"), environ.get("tokencost.reason"))  # fmt: skip

    async def _answer(self, scope: Message, receive: Receive, environ: dict[str, Any]) -> Answer:
        path = str(scope["path"])
        cap = self.limits.cap(path)
        body = await self._body(scope, receive, cap, environ)
        if not isinstance(body, bytes):
            return body
        if self.in_flight >= self.limits.queue:
            environ["tokencost.reason"] = "too many requests in progress"
            return _plain(503, "Busy: too many requests in progress; retry shortly.", 1)
        environ.update(_environ(scope, body))
        self.in_flight += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self.executor, _call_wsgi, self.wsgi, environ)
        finally:
            self.in_flight -= 1

    async def _body(
        self, scope: Message, receive: Receive, cap: int, environ: dict[str, Any]
    ) -> bytes | Answer:
        """The request body, or the answer refusing it (413 over the cap, 408 too slow)."""
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.isdigit():
                environ["tokencost.reason"] = "bad Content-Length"
                return _plain(400, "Bad Content-Length.")
            if int(declared) > cap:
                environ["tokencost.reason"] = f"declared body {int(declared):,} > cap {cap:,}"
                return _plain(413, f"The body is over {cap:,} bytes.")
        chunks: list[bytes] = []
        size = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.limits.timeout_s
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
            except TimeoutError:
                environ["tokencost.reason"] = "body not received in time"
                return _plain(408, "The request body did not arrive in time.")
            if message["type"] == "http.disconnect":
                environ["tokencost.reason"] = "client went away"
                return _plain(400, "Client went away.")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cap:
                environ["tokencost.reason"] = f"body over cap {cap:,}"
                return _plain(413, f"The body is over {cap:,} bytes.")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _header(scope: Message, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return bytes(value).decode("latin-1").strip()
    return None


def _environ(scope: Message, body: bytes) -> dict[str, Any]:
    """A PEP 3333 environ for a fully read request."""
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": "",
        "PATH_INFO": str(scope["path"]).encode("utf-8").decode("latin-1"),
        "QUERY_STRING": bytes(scope.get("query_string", b"")).decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": str(client[0]),
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for raw_key, raw_value in scope["headers"]:
        key = bytes(raw_key).decode("latin-1").upper().replace("-", "_")
        value = bytes(raw_value).decode("latin-1")
        if key in ("CONTENT_LENGTH", "TRANSFER_ENCODING"):
            continue  # the body is complete: its length is the one above
        name = key if key == "CONTENT_TYPE" else f"HTTP_{key}"
        environ[name] = f"{environ[name]},{value}" if name in environ else value
    return environ


def _call_wsgi(wsgi: WSGIApplication, environ: dict[str, Any]) -> Answer:
    """Run the WSGI app in this (pool) thread and collect its whole answer."""
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started["status"], started["headers"] = int(status.split()[0]), headers
        return lambda data: None

    try:
        result: Iterable[bytes] = wsgi(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
    except Exception:
        log.exception("unhandled error in %s %s", environ["REQUEST_METHOD"], environ["PATH_INFO"])
        return _plain(500, "Internal error.")
    return started["status"], list(started["headers"]), body


def run_uvicorn(bridge: WSGIBridge, host: str, port: int) -> None:
    """Serve `bridge` until SIGTERM/SIGINT; in-flight requests finish first (10 s at most)."""
    import uvicorn

    from bot.slack.guarded_h11 import guarded_protocol

    limits = bridge.limits
    config = uvicorn.Config(
        bridge,
        host=host,
        port=port,
        http=guarded_protocol(limits.timeout_s),
        ws="none",
        lifespan="off",
        interface="asgi3",
        log_config=None,  # our logging (bot.logs) is already set up
        access_log=False,  # one line per request comes from bot.slack.access instead
        server_header=False,
        limit_concurrency=limits.max_connections,
        timeout_keep_alive=limits.keepalive_s,
        timeout_graceful_shutdown=10,
        backlog=2048,
        h11_max_incomplete_event_size=16 * 1024,
    )

    class _Server(uvicorn.Server):
        """SIGTERM is the normal way to stop: finish, then exit 0 (uvicorn would re-raise it)."""

        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            super().handle_exit(sig, frame)
            self._captured_signals.clear()  # private (uvicorn 0.55): the re-raise list

    try:
        _Server(config).run()
    finally:
        bridge.executor.shutdown(wait=False, cancel_futures=True)
