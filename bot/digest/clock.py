"""The clock: every minute, post the digests that are due and the budget alerts that crossed.

``tokencost clock`` (the Procfile ``clock:`` line) runs ``run_clock`` until stopped;
``python -m bot.digest`` runs one tick (``run_once``) for a platform scheduler. Both are
safe to run side by side, any number of times: see ``bot.digest.post`` for why nothing posts twice.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass

from slack_sdk import WebClient

from bot.config import Settings
from bot.digest.post import PostOutcome, Sleep, build_post_client, new_clock_id, post_due_digests
from bot.ledger.alerts import AlertOutcome, post_budget_alerts
from bot.logs import configure_logging
from bot.runtime import Runtime

__all__ = ["TickReport", "run_clock", "run_once", "run_tick"]

log = logging.getLogger("tokencost.clock")


@dataclass(frozen=True)
class TickReport:
    """What one tick did."""

    digests: tuple[PostOutcome, ...]
    alerts: tuple[AlertOutcome, ...]

    @property
    def failed(self) -> bool:
        """Whether a digest or an alert could not be posted (they are retried next tick)."""
        return any(o.status in ("failed", "paused") for o in self.digests) or any(
            not a.channels and not a.unsure for a in self.alerts
        )


def run_tick(
    runtime: Runtime, client: WebClient, clock_id: str, sleep: Sleep = time.sleep
) -> TickReport:
    """One tick at ``runtime.clock()``: due digests, then budget alerts."""
    now = runtime.clock()
    digests = post_due_digests(runtime, client, now, clock_id, sleep)
    alerts = post_budget_alerts(runtime, client, now)
    for outcome in digests:
        log.info("digest %s %s: %s %s", outcome.channel_id, outcome.day, outcome.status,
                 outcome.error or "")  # fmt: skip
    return TickReport(tuple(digests), tuple(alerts))


def run_clock(
    runtime: Runtime,
    stop_event: threading.Event,
    interval_s: float = 60,
    client: WebClient | None = None,
) -> int:
    """Tick every ``interval_s`` seconds until ``stop_event`` is set; return the tick count.

    A tick that raises is logged and the clock goes on: the next tick retries what failed.
    """
    client = client or build_post_client(runtime)
    clock_id = new_clock_id()
    ticks = 0
    while not stop_event.is_set():
        try:
            run_tick(runtime, client, clock_id, sleep=stop_event.wait)
        except Exception:
            log.exception("clock tick failed; retrying in %ss", interval_s)
        ticks += 1
        stop_event.wait(interval_s)
    return ticks


def run_once() -> int:
    """``python -m bot.digest``: one tick from the environment; 1 if anything failed."""
    settings = Settings.from_env(os.environ)
    configure_logging(settings)
    runtime = Runtime.start(settings)
    try:
        report = run_tick(runtime, build_post_client(runtime), new_clock_id())
    finally:
        runtime.close()
    return 1 if report.failed else 0
