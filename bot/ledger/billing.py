"""Evaluate ``billing`` (``/tokencost billing``, ``tokencost billing status``).

Reads only: the workspace's connected providers (fingerprints, never keys), the last sync of
each and how it ended, and yesterday's (UTC) and the month's billed spend from the store.
"""

from __future__ import annotations

from datetime import UTC, timedelta

from bot.answers.ledger_results import BillingProvider, BillingResult
from bot.billing import PROVIDERS
from bot.digest.billed import billed_summary
from bot.digest.billing_sync import connections
from bot.runtime import Runtime
from bot.store.billing import last_syncs
from bot.store.workspace import Workspace

__all__ = ["run_billing"]


def run_billing(runtime: Runtime, ws: Workspace, share: bool = False) -> BillingResult:
    """``ws``'s billing status as of ``runtime.clock()``."""
    today = runtime.clock().astimezone(UTC).date()
    day = today - timedelta(days=1)
    db = runtime.db()
    connected = {c.provider: c for c in connections(runtime, ws)}
    syncs = last_syncs(db, ws)
    summary = billed_summary(db, ws, day, today)
    figures = {p.provider: p for p in summary.providers} if summary else {}
    lines = []
    for provider in PROVIDERS:
        conn, sync, figure = connected.get(provider), syncs.get(provider), figures.get(provider)
        if conn is None and sync is None:
            continue
        lines.append(BillingProvider(
            provider=provider,
            fingerprint=conn.fingerprint if conn else None,
            source=conn.source if conn else None,
            last_sync_utc=sync.finished_utc if sync else None,
            last_sync_ok=sync.ok if sync else None,
            last_sync_message=sync.message if sync else None,
            day_usd=figure.day_usd if figure and sync else None,
            month_to_date_usd=figure.month_to_date_usd if figure and sync else None,
            provisional=bool(figure and figure.provisional),
        ))  # fmt: skip
    has_figures = summary is not None and any(p.last_sync_utc for p in lines)
    return BillingResult(
        day=day,
        providers=tuple(lines),
        total_day_usd=summary.total_day_usd if summary and has_figures else None,
        total_month_to_date_usd=(
            summary.total_month_to_date_usd if summary and has_figures else None
        ),
        share=share,
    )
