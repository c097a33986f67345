"""Fetch billed spend from the providers into the store: ``billing sync`` and the clock.

Which providers a workspace has: the admin keys stored with ``tokencost billing connect``
(decrypted with ``TOKENCOST_SECRET_KEY``) and, in a single-workspace deployment (no OAuth),
``OPENAI_ADMIN_KEY`` / ``ANTHROPIC_ADMIN_KEY``; a stored key wins over the environment's.

A sync reads the days ``bot.billing.sync_window`` names (the month so far, and at least the
provisional days) and replaces each day the provider answered for, whole
(``bot.store.billing.replace_billed_days``). Every outcome is recorded in ``billing_syncs``,
failures with their one-sentence reason; nothing here raises, so the clock goes on and the
digest shows "billing data unavailable (reason)". Keys never reach a log line or a message.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from bot.billing import (
    PROVIDERS,
    PROVISIONAL_DAYS,
    BillingError,
    Provider,
    Vault,
    cost_source,
    fingerprint,
    sync_window,
)
from bot.config import Settings
from bot.runtime import Runtime
from bot.store.billing import last_syncs, list_billing_keys, record_sync, replace_billed_days
from bot.store.digests import due_digests, subscribed_workspaces
from bot.store.workspace import Workspace

__all__ = [
    "SYNC_MAX_AGE",
    "Connection",
    "SyncOutcome",
    "connections",
    "sync_before_digests",
    "sync_workspace",
]

log = logging.getLogger("tokencost.billing")

SYNC_MAX_AGE = timedelta(hours=1)
"""Before a digest, the clock syncs again when the last sync is older than this."""

Sleep = Callable[[float], object]


@dataclass(frozen=True)
class Connection:
    """A provider a workspace reads billed spend from, and where its key comes from."""

    provider: Provider
    fingerprint: str
    """The only form of the key ever shown (``sk-admin-…1a2b3c4d``)."""
    source: Literal["stored", "environment"]
    connected_utc: datetime | None = None
    """When it was connected (stored keys only)."""
    _secret: str = field(default="", repr=False)
    """The Fernet token (stored) or the key itself (environment)."""

    def api_key(self, settings: Settings) -> str:
        """The plain admin key, for one request; raises ``VaultError`` when it cannot be read."""
        if self.source == "environment":
            return self._secret
        return Vault.from_secret(settings.secret_key).decrypt(self._secret)


@dataclass(frozen=True)
class SyncOutcome:
    """How one provider's sync ended."""

    provider: Provider
    ok: bool
    message: str
    """What it fetched (``ok``), or the one-sentence reason it failed."""
    changed_days: int = 0
    """Days whose figures changed (0 when the provider said the same again)."""


def connections(runtime: Runtime, ws: Workspace) -> list[Connection]:
    """``ws``'s connected providers, in ``PROVIDERS`` order."""
    settings = runtime.settings
    stored = {k.provider: k for k in list_billing_keys(runtime.db(), ws)}
    found = []
    for provider in PROVIDERS:
        key = stored.get(provider)
        env_key = settings.admin_key(provider)
        if key is not None:
            found.append(Connection(provider, key.fingerprint, "stored", key.connected_utc,
                                    key.token_encrypted))  # fmt: skip
        elif env_key and not settings.oauth:
            found.append(Connection(provider, fingerprint(env_key), "environment", None, env_key))
    return found


def _sync_one(
    runtime: Runtime, ws: Workspace, connection: Connection, now: datetime, days: int,
    sleep: Sleep,
) -> SyncOutcome:  # fmt: skip
    provider = connection.provider
    settings = runtime.settings
    start, end = sync_window(now.astimezone(UTC).date(), days)

    def wait(seconds: float) -> None:  # the clock passes Event.wait, which returns a bool
        sleep(seconds)

    try:
        source = cost_source(provider, connection.api_key(settings),
                             base_url=settings.billing_api_url(provider), sleep=wait)  # fmt: skip
        report = source.fetch(start, end, now=now)
        changed = replace_billed_days(runtime.db(), ws, provider, report.days, report.rows,
                                      report.fetched_utc)  # fmt: skip
    except BillingError as exc:
        outcome = SyncOutcome(provider, False, str(exc))
    except Exception:
        ref = uuid.uuid4().hex[:6]
        log.exception("billing sync of %s for %s failed (ref %s)", provider, ws, ref)
        outcome = SyncOutcome(provider, False, f"an unexpected error (ref {ref})")
    else:
        last = end - timedelta(days=1)
        outcome = SyncOutcome(
            provider, True,
            f"{len(report.days)} days ({start.isoformat()} to {last.isoformat()}), "
            f"{len(report.rows)} line items, {changed} days changed",
            changed,
        )  # fmt: skip
    record_sync(runtime.db(), ws, provider, runtime.clock(), outcome.ok, outcome.message)
    log.info("billing sync %s %s: %s %s", ws, provider, "ok" if outcome.ok else "failed",
             outcome.message)  # fmt: skip
    return outcome


def sync_workspace(
    runtime: Runtime,
    ws: Workspace,
    now: datetime,
    days: int = PROVISIONAL_DAYS,
    providers: tuple[Provider, ...] = PROVIDERS,
    sleep: Sleep = time.sleep,
) -> list[SyncOutcome]:
    """Sync each of ``ws``'s connected ``providers``: the month so far and ``days`` back."""
    return [_sync_one(runtime, ws, c, now, days, sleep)
            for c in connections(runtime, ws) if c.provider in providers]  # fmt: skip


def sync_before_digests(
    runtime: Runtime, now: datetime, sleep: Sleep = time.sleep
) -> list[SyncOutcome]:
    """The clock's step before posting: sync each workspace with a digest due, unless it was
    synced within ``SYNC_MAX_AGE``. Never raises: a failure is recorded and logged."""
    outcomes: list[SyncOutcome] = []
    db = runtime.db()
    for ws in subscribed_workspaces(db):
        try:
            connected = connections(runtime, ws)
            if not connected or not due_digests(db, ws, now):
                continue
            synced = last_syncs(db, ws)
            if all(c.provider in synced and now - synced[c.provider].finished_utc < SYNC_MAX_AGE
                   for c in connected):  # fmt: skip
                continue
            outcomes += sync_workspace(runtime, ws, now, sleep=sleep)
        except Exception:
            log.exception("billing sync before the digest of %s failed; posting anyway", ws)
    return outcomes
