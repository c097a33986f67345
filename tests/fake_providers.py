"""A local stand-in for OpenAI's and Anthropic's cost APIs: threaded stdlib HTTP, 127.0.0.1:0.

One server answers both documented endpoints (shapes per shared/reference/provider-cost-apis.md
§8): ``GET {openai_url}/organization/costs`` and
``GET {anthropic_url}/v1/organizations/cost_report``.
It checks auth the way the providers do, validates parameters (400 on a misaligned Anthropic
``ending_at``, a bad ``limit`` or ``group_by``, a cursor replayed with other parameters), pages
with ``has_more`` / ``next_page``, returns empty buckets for days without spend, aggregates
rows by the ``group_by`` asked for, and writes OpenAI amounts as *raw JSON number text*
(``0E-6176`` stays exactly that on the wire). Requests are recorded; answers can be scripted:

    with FakeProviders() as fake:
        fake.add_openai_cost(date(2026, 11, 1), "0.8958740000000000", line_item="gpt-4o, input")
        fake.add_anthropic_cost(date(2026, 11, 1), "12345.5", description="Claude ... Input")
        fake.fail_next("openai", 429, retry_after="1")
        fake.delay_next("anthropic", 0.5)
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import MappingProxyType, TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fake_provider_apis import (
    ANTHROPIC_ADMIN_KEY,
    ANTHROPIC_PATH,
    ANTHROPIC_WORKSPACE_KEY,
    OPENAI_ADMIN_KEY,
    OPENAI_PATH,
    OPENAI_PROJECT_KEY,
    StoredCost,
    anthropic_answer,
    error_body,
    openai_answer,
)

__all__ = [
    "ANTHROPIC_ADMIN_KEY",
    "ANTHROPIC_WORKSPACE_KEY",
    "OPENAI_ADMIN_KEY",
    "OPENAI_PROJECT_KEY",
    "FakeProviders",
    "ProviderCall",
    "StoredCost",
]


@dataclass(frozen=True)
class ProviderCall:
    """One request the fake received."""

    api: str
    """``openai``, ``anthropic``, or ``other`` for an unknown path."""
    path: str
    """The request path."""
    query: tuple[tuple[str, str], ...]
    """Query parameters in order, repeated keys kept."""
    headers: Mapping[str, str]
    """Request headers, keys lower-cased."""

    def param(self, name: str) -> str | None:
        """The first value of query parameter ``name``."""
        return next((v for k, v in self.query if k == name), None)

    def params(self, name: str) -> list[str]:
        """Every value of query parameter ``name`` (``group_by[]`` and ``group_by`` both count)."""
        names = {name, name.removesuffix("[]"), name.removesuffix("[]") + "[]"}
        return [v for k, v in self.query if k in names]


@dataclass
class _Script:
    status: int
    retry_after: str | None
    delay_s: float
    times: int
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _State:
    """What the answering functions read; guarded by the server's lock."""

    costs: dict[str, list[StoredCost]] = field(
        default_factory=lambda: {"openai": [], "anthropic": []}
    )
    page_size: dict[str, int | None] = field(
        default_factory=lambda: {"openai": None, "anthropic": None}
    )
    wrong_key_status: dict[str, int] = field(
        default_factory=lambda: {"openai": 401, "anthropic": 401}
    )


class _Server(ThreadingHTTPServer):
    request_queue_size = 128


class FakeProviders:
    """Fake OpenAI + Anthropic cost APIs. Use as a context manager, or ``start()`` / ``stop()``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[ProviderCall] = []
        self._scripts: dict[str, list[_Script]] = {"openai": [], "anthropic": []}
        self.state = _State()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeProviders:
        """Bind to 127.0.0.1 on a free port and serve in a background thread."""
        server = _Server(("127.0.0.1", 0), self._handler_class())
        server.daemon_threads = False  # server_close() joins handler threads: nothing leaks
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-providers"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close the socket and join every thread."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> FakeProviders:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("FakeProviders is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def openai_url(self) -> str:
        """What ``TOKENCOST_OPENAI_API_URL`` would be: the root including ``/v1``."""
        return f"{self.url}/v1"

    @property
    def anthropic_url(self) -> str:
        """What ``TOKENCOST_ANTHROPIC_API_URL`` would be: the root without ``/v1``."""
        return self.url

    # -- seeding ---------------------------------------------------------------------------
    def add_openai_cost(
        self,
        day: date,
        value: str,
        *,
        line_item: str | None = None,
        project_id: str | None = None,
        api_key_id: str | None = None,
        **extra: Any,
    ) -> None:
        """Seed a cost row; ``value`` is the JSON number text of ``amount.value`` (dollars)."""
        json.loads(value, parse_float=Decimal)  # fail the test early on bad JSON text
        fields = {"line_item": line_item, "project_id": project_id, "api_key_id": api_key_id}
        with self._lock:
            self.state.costs["openai"].append(StoredCost(day, value, {**fields, **extra}))

    def add_anthropic_cost(
        self,
        day: date,
        cents: str,
        *,
        description: str | None = None,
        workspace_id: str | None = None,
        model: str | None = None,
        cost_type: str | None = "tokens",
        token_type: str | None = None,
        service_tier: str | None = None,
        context_window: str | None = None,
        inference_geo: str | None = None,
    ) -> None:
        """Seed a cost row; ``cents`` is the decimal string Anthropic sends (in cents)."""
        fields = {
            "workspace_id": workspace_id,
            "description": description,
            "model": model,
            "cost_type": cost_type,
            "token_type": token_type,
            "service_tier": service_tier,
            "context_window": context_window,
            "inference_geo": inference_geo,
        }
        with self._lock:
            self.state.costs["anthropic"].append(StoredCost(day, cents, fields))

    def set_page_size(self, api: str, buckets: int | None) -> None:
        """Cap buckets per page below the client's ``limit`` (None: honour ``limit``)."""
        with self._lock:
            self.state.page_size[api] = buckets

    def set_wrong_key_status(self, api: str, status: int) -> None:
        """Status for a project / workspace key: 401 (default) or 403; both are seen live."""
        with self._lock:
            self.state.wrong_key_status[api] = status

    # -- scripting -------------------------------------------------------------------------
    def fail_next(
        self, api: str, status: int, *, retry_after: str | None = None, times: int = 1
    ) -> None:
        """Answer the next ``times`` requests to ``api`` with HTTP ``status`` (429, 5xx, ...)."""
        with self._lock:
            self._scripts[api].append(_Script(status, retry_after, 0.0, times))

    def respond_next(
        self,
        api: str,
        body: str,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests to ``api`` with this exact body and status."""
        with self._lock:
            self._scripts[api].append(_Script(status, None, 0.0, times, body, dict(headers or {})))

    def delay_next(self, api: str, seconds: float, *, times: int = 1) -> None:
        """Sleep ``seconds`` before answering the next ``times`` requests to ``api``."""
        with self._lock:
            self._scripts[api].append(_Script(200, None, seconds, times))

    # -- reading ---------------------------------------------------------------------------
    def calls(self, api: str | None = None) -> list[ProviderCall]:
        """Requests received so far, optionally only those to one API."""
        with self._lock:
            return [c for c in self._calls if api is None or c.api == api]

    # -- serving ---------------------------------------------------------------------------
    def _take_script(self, api: str) -> _Script | None:
        queue = self._scripts.get(api, [])
        if not queue:
            return None
        script = queue[0]
        script.times -= 1
        if script.times <= 0:
            queue.pop(0)
        return script

    def _answer(self, call: ProviderCall) -> tuple[int, str, dict[str, str]]:
        with self._lock:
            self._calls.append(call)
            script = self._take_script(call.api)
        if script is not None and script.delay_s:
            time.sleep(script.delay_s)
        if script is not None and script.body is not None:
            return script.status, script.body, script.headers
        if script is not None and script.status != 200:
            headers = {"Retry-After": script.retry_after} if script.retry_after else {}
            return script.status, error_body(call.api, script.status), headers
        with self._lock:
            if call.api == "openai":
                return (*openai_answer(self.state_view(), call.query, call.headers), {})
            if call.api == "anthropic":
                return (*anthropic_answer(self.state_view(), call.query, call.headers), {})
        return 404, json.dumps({"error": {"message": "no such path"}}), {}

    def state_view(self) -> Mapping[str, Any]:
        """A read-only view of the seeded state for the answering functions."""
        return MappingProxyType(
            {
                "costs": self.state.costs,
                "page_size": self.state.page_size,
                "wrong_key_status": self.state.wrong_key_status,
            }
        )

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        answer = self._answer

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                split = urlsplit(self.path)
                api = {OPENAI_PATH: "openai", ANTHROPIC_PATH: "anthropic"}.get(split.path, "other")
                call = ProviderCall(
                    api=api,
                    path=split.path,
                    query=tuple(parse_qsl(split.query, keep_blank_values=True)),
                    headers=MappingProxyType({k.lower(): v for k, v in self.headers.items()}),
                )
                status, body, headers = answer(call)
                data = body.encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and left: what a slow answer is for

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        return Handler
