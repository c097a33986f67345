"""Billed spend for the digest and ``billing status``: read from the store, said in words.

``billed_summary`` gathers a ``bot.billing.BilledSummary`` for one UTC day: the billed rows
and the days each sync answered for, the last sync's failure, and the ledger's reported spend
per provider for the reconciliation. ``billed_lines`` says it as the digest's opening lines.

A provider is shown when it has a stored key or has been synced (an environment key shows
from its first sync); ``billing disconnect`` forgets its sync history, so it stops showing.
Figures are to the cent here; the store keeps every digit the provider sent.
"""

from __future__ import annotations

from datetime import date

from bot.billing import PROVIDERS, BilledSummary, Figure, ProviderBilling, Unavailable
from bot.billing import summarise_billing as _summarise
from bot.render.billing import NAMES, cents
from bot.store.billing import (
    billed_rows,
    days_covered,
    last_syncs,
    list_billing_keys,
    reported_by_provider_day,
)
from bot.store.database import Database
from bot.store.workspace import Workspace

__all__ = ["billed_lines", "billed_summary", "figure_text"]


def figure_text(figure: Figure) -> str:
    """A figure to the cent, or "billing data unavailable (reason)"."""
    return str(figure) if isinstance(figure, Unavailable) else cents(figure)


def billed_summary(db: Database, ws: Workspace, day: date, today: date) -> BilledSummary | None:
    """``ws``'s billed figures for UTC ``day`` as seen on UTC ``today``; None when no provider
    is connected or was ever synced."""
    syncs = last_syncs(db, ws)
    stored = {k.provider for k in list_billing_keys(db, ws)}
    shown = [p for p in PROVIDERS if p in stored or p in syncs]
    if not shown:
        return None
    first = day.replace(day=1)
    reported = reported_by_provider_day(db, ws, first, day)
    inputs = []
    for provider in shown:
        sync = syncs.get(provider)
        inputs.append(ProviderBilling(
            provider,
            billed_rows(db, ws, provider, first, day),
            days_covered(db, ws, provider, first, day),
            None if sync is None or sync.ok else sync.message.rstrip("."),
            reported.get(provider, {}),
        ))  # fmt: skip
    return _summarise(day, today, inputs)


def _marks(provisional: bool, partial: bool) -> str:
    return " (so far today)" if partial else " (provisional)" if provisional else ""


def billed_lines(summary: BilledSummary) -> dict[str, str]:
    """The digest's billed statements, plain text: the day, the month, the reconciliation."""
    day = f"{summary.day:%a} {summary.day.day} {summary.day:%b}"
    parts = []
    for p in summary.providers:
        name = NAMES.get(p.provider, p.provider)
        mark = "" if isinstance(p.day_usd, Unavailable) else _marks(p.provisional, p.partial)
        parts.append(f"{name} {figure_text(p.day_usd)}{mark}")
    total = summary.total_day_usd
    total_mark = "" if isinstance(total, Unavailable) else _marks(summary.provisional,
                                                                  summary.partial)  # fmt: skip
    lines = {
        "billed": f"Billed on {day} (UTC day): " + ", ".join(parts)
        + f"; total {figure_text(total)}{total_mark}.",
        "billed_month": f"Billed month to date: {figure_text(summary.total_month_to_date_usd)};"
        f" forecast for {summary.day:%B}: {figure_text(summary.total_forecast_usd)}"
        " on billed figures (calendar month).",
    }  # fmt: skip
    gaps = []
    for p in summary.providers:
        name = NAMES.get(p.provider, p.provider)
        if isinstance(p.day_usd, Unavailable):
            gaps.append(f"{name} reported {cents(p.reported_day_usd)}, billed unavailable")
            continue
        gaps.append(f"{name} reported {cents(p.reported_day_usd)} vs billed "
                    f"{cents(p.day_usd)}, gap {figure_text(p.gap_day_usd)}")  # fmt: skip
    lines["reconcile"] = (
        "Reconciliation (reported via the ledger vs billed): " + "; ".join(gaps) + "."
    )
    return lines
