"""`tokencost serve`: pick the mode from the settings and run the bot.

Socket Mode when `SLACK_APP_TOKEN` is set (local, no public URL); HTTP mode behind uvicorn
when `SLACK_BOT_TOKEN` + `SLACK_SIGNING_SECRET` (or OAuth credentials) are set; with neither,
say so and return so the caller can start the console.

HTTP mode stops on SIGTERM: uvicorn stops accepting, in-flight requests finish (10 s at most),
then the query log is flushed before the process exits. With `TOKENCOST_CLOCK_IN_WEB=1` the
digest clock runs in a thread of this process (hosts with one instance); digests and alerts
stay exactly once because every post is claimed in the database first.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from bot.config import Settings
from bot.logs import configure_logging
from bot.runtime import Runtime
from bot.slack.app import build_app
from bot.slack.ingest import MAX_BODY_BYTES, make_usage_route
from bot.slack.server import Route, TokencostWSGI, serve_http

__all__ = ["build_wsgi", "http_threads", "serve"]

log = logging.getLogger("tokencost")


def build_wsgi(runtime: Runtime) -> TokencostWSGI:
    """The whole HTTP surface: Slack, OAuth install pages, `/usage`, `/healthz`."""
    routes: dict[tuple[str, str], Route] = {}
    routes[("POST", "/usage")] = make_usage_route(runtime)
    return TokencostWSGI(build_app(runtime), runtime, routes)


def http_threads(settings: Settings) -> int:
    """Worker threads for HTTP mode (`WEB_CONCURRENCY` x 4, at least 4)."""
    return max(4, settings.web_workers * 4)


@contextmanager
def clock_in_web(runtime: Runtime) -> Iterator[None]:
    """Run the digest clock in a thread for the block when `TOKENCOST_CLOCK_IN_WEB=1`."""
    if not runtime.settings.clock_in_web:
        yield
        return
    from bot.digest.clock import run_clock

    stop = threading.Event()
    thread = threading.Thread(target=run_clock, args=(runtime, stop), name="clock", daemon=True)
    thread.start()
    log.info("digest clock running inside the web process (TOKENCOST_CLOCK_IN_WEB=1)")
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)


def _freeze_startup_objects() -> None:
    """Move what start-up built (catalog, FAQ index, Bolt app: ~50k tracked objects) out of
    the collector's reach, so a full collection walks only what requests create: one took
    ~25 ms, a pause any request could land in (issue 15's paced p99). The catalog holds no
    reference cycles, so a catalog a refresh replaces is still freed by reference counting,
    once the bounded price caches (`prices.fast`) let go of its models."""
    gc.collect()
    gc.freeze()


def serve(runtime: Runtime, out: TextIO = sys.stderr) -> bool:
    """Run Slack-facing mode until stopped; returns False (at once) in console mode."""
    settings = runtime.settings
    if settings.mode != "console":
        configure_logging(settings)
        # Prices stay fresh while the bot runs (TOKENCOST_PRICES_REFRESH, default 6h); every
        # request reads `runtime.catalog`, the current snapshot. `runtime.close` stops it.
        runtime.refresh_prices_in_background()
    if settings.mode == "socket":
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        print("tokencost: Socket Mode (SLACK_APP_TOKEN set), connecting to Slack...", file=out)
        handler = SocketModeHandler(build_app(runtime), settings.app_token)
        with clock_in_web(runtime):
            handler.start()  # type: ignore[no-untyped-call]  # slack_bolt: start() unannotated
        return True
    if settings.mode == "http":
        print(
            f"tokencost: HTTP mode on port {settings.port}: POST /slack/events, POST /usage, "
            "GET /healthz, GET /readyz" + (", GET /slack/install" if settings.oauth else ""),
            file=out,
        )
        wsgi = build_wsgi(runtime)
        _freeze_startup_objects()
        with clock_in_web(runtime):
            serve_http(
                wsgi,
                settings.port,
                threads=http_threads(settings),
                timeout_s=settings.http_timeout_s,
                body_caps={"/usage": MAX_BODY_BYTES},
            )
        # Stopped (SIGTERM): requests have drained; store every query-log row they queued.
        if not runtime.flush_query_log(timeout=10):
            log.warning("shutdown: the query log could not be flushed within 10 s")
        return True
    print(
        "tokencost: no Slack credentials (set SLACK_APP_TOKEN + SLACK_BOT_TOKEN for Socket Mode, "
        "or SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET for HTTP); starting the local console.",
        file=out,
    )
    return False
