"""A local stand-in for genai-prices' published data: a threaded stdlib HTTP server on 127.0.0.1.

with FakePriceSource() as source:
    source.serve(payload)                 # 200 with these bytes
    source.serve(b"", status=500)         # an error
    source.serve(payload, delay=2.0)      # a slow answer
    ... LiveCatalog(RefreshSettings(url=source.url, timeout=0.3)) ...
    assert source.requests == 1
"""

from __future__ import annotations

import copy
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from prices.upstream import dump_json

__all__ = ["FakePriceSource"]


class FakePriceSource:
    """Serves one scripted answer at `/data.json`; counts requests."""

    def __init__(self) -> None:
        self.body = b"[]"
        self.status = 200
        self.delay = 0.0
        self.requests = 0
        self._lock = threading.Lock()
        source = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with source._lock:
                    source.requests += 1
                    body, status, delay = source.body, source.status, source.delay
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    pass

            def log_message(self, *_args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/data.json"

    def serve(self, body: bytes | str, status: int = 200, delay: float = 0.0) -> None:
        """Answer every request with `body` (after `delay` seconds)."""
        with self._lock:
            self.body = body.encode() if isinstance(body, str) else body
            self.status, self.delay = status, delay

    def __enter__(self) -> FakePriceSource:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def repriced(raw: list[dict[str, Any]], model_id: str, factor: str = "0.5") -> str:
    """genai-prices' published payload with `model_id`'s OpenAI input and output prices
    scaled by `factor`, as `FakePriceSource.serve` takes it."""
    doc = copy.deepcopy(raw)
    for provider in doc:
        if provider["id"] != "openai":
            continue
        for model in provider["models"]:
            if model["id"] == model_id:
                for field in ("input_mtok", "output_mtok"):
                    model["prices"][field] = model["prices"][field] * Decimal(factor)
    return dump_json(doc)
