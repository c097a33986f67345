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

from bot.config import Settings
from bot.digest.alerts import AlertOutcome, post_budget_alerts
from bot.digest.billing_sync import SyncOutcome, sync_before_digests
from bot.digest.post import (
    Clients,
    PostOutcome,
    Sleep,
    build_post_client,
    new_clock_id,
    post_due_digests,
)
from bot.installations import WorkspaceClients
from bot.logs import configure_logging
from bot.runtime import Runtime
from bot.store.workspaces import expired, forget

__all__ = ["TickReport", "forget_expired", "run_clock", "run_once", "run_tick",
           "workspace_clients"]  # fmt: skip

log = logging.getLogger("tokencost.clock")


@dataclass(frozen=True)
class TickReport:
    """What one tick did."""

    digests: tuple[PostOutcome, ...]
    alerts: tuple[AlertOutcome, ...]
    billing: tuple[SyncOutcome, ...] = ()
    """Billed-spend syncs run before the digests (a failure is shown in the digest, not here)."""

    @property
    def failed(self) -> bool:
        """Whether a digest or an alert could not be posted (they are retried next tick)."""
        return any(o.status in ("failed", "paused") for o in self.digests) or any(
            not a.channels and not a.unsure for a in self.alerts
        )


def workspace_clients(runtime: Runtime) -> WorkspaceClients:
    """Posting clients with each workspace's own bot token (``SLACK_BOT_TOKEN`` in single mode)."""
    return WorkspaceClients(runtime, lambda token: build_post_client(runtime, token))


def forget_expired(runtime: Runtime) -> list[str]:
    """Delete the data of workspaces revoked longer ago than ``RETENTION``; return their keys."""
    gone = []
    for ws in expired(runtime.db(), runtime.clock()):
        counts = forget(runtime.db(), ws)
        log.info("workspace %s: uninstalled more than the retention period ago; deleted %d rows",
                 ws, sum(counts.values()))  # fmt: skip
        gone.append(ws.key)
    return gone


def run_tick(
    runtime: Runtime, clients: Clients, clock_id: str, sleep: Sleep = time.sleep
) -> TickReport:
    """One tick at ``runtime.clock()``: billed spend synced for the workspaces with a digest due
    (never fatal), due digests, then budget alerts (each workspace's with its own token), then
    the data of long-uninstalled workspaces goes."""
    now = runtime.clock()
    billing = sync_before_digests(runtime, now, sleep)
    digests = post_due_digests(runtime, clients, now, clock_id, sleep)
    alerts = post_budget_alerts(runtime, clients, now)
    forget_expired(runtime)
    for outcome in digests:
        log.info("digest %s %s: %s %s", outcome.channel_id, outcome.day, outcome.status,
                 outcome.error or "")  # fmt: skip
    return TickReport(tuple(digests), tuple(alerts), tuple(billing))


def run_clock(
    runtime: Runtime,
    stop_event: threading.Event,
    interval_s: float = 60,
    clients: Clients | None = None,
) -> int:
    """Tick every ``interval_s`` seconds until ``stop_event`` is set; return the tick count.

    A tick that raises is logged and the clock goes on: the next tick retries what failed.
    """
    clients = clients or workspace_clients(runtime)
    clock_id = new_clock_id()
    ticks = 0
    while not stop_event.is_set():
        try:
            run_tick(runtime, clients, clock_id, sleep=stop_event.wait)
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
        report = run_tick(runtime, workspace_clients(runtime), new_clock_id())
    finally:
        runtime.close()
    return 1 if report.failed else 0
