"""The words and JSON of ``billing``: providers, last sync, billed spend (UTC days).

Keys appear only as fingerprints; a missing figure reads "billing data unavailable
(reason)", never $0.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bot.answers.ledger_results import BillingProvider, BillingResult
from bot.billing import Figure, Unavailable
from bot.render.style import Parts, Style
from prices import usd_string

__all__ = ["NAMES", "billing_json", "billing_parts", "cents"]

NAMES = {"openai": "OpenAI", "anthropic": "Anthropic"}
NONE_CONNECTED = (
    "No billing provider is connected. Set OPENAI_ADMIN_KEY or ANTHROPIC_ADMIN_KEY, or run "
    "`tokencost billing connect openai --team T` (docs/billing.md says how to make an admin key)."
)


def cents(amount: Decimal) -> str:
    """``$1,234.57``: a billed figure to the cent (half up), ``-$1.20`` below zero."""
    rounded = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{'-' if rounded < 0 else ''}${abs(rounded):,}"


def _usd(figure: Figure | None) -> str:
    if figure is None:
        return "not synced yet"
    return str(figure) if isinstance(figure, Unavailable) else cents(figure)


def _provider_line(p: BillingProvider, day: str) -> str:
    name = NAMES.get(p.provider, p.provider)
    key = (f"{p.fingerprint} ({'environment' if p.source == 'environment' else 'stored'})"
           if p.fingerprint else "no key connected")  # fmt: skip
    if p.last_sync_utc is None:
        sync = "never synced (run `tokencost billing sync`)"
    else:
        outcome = "ok" if p.last_sync_ok else "failed"
        sync = (f"last sync {p.last_sync_utc:%Y-%m-%d %H:%M} UTC {outcome}: "
                f"{(p.last_sync_message or '').rstrip('.')}")  # fmt: skip
    mark = " (provisional)" if p.provisional and isinstance(p.day_usd, Decimal) else ""
    return (f"{name}, key {key}; {sync}. {day}: {_usd(p.day_usd)}{mark}; month to date: "
            f"{_usd(p.month_to_date_usd)}.")  # fmt: skip


def billing_parts(result: BillingResult, s: Style) -> Parts:
    """The reply: one line per provider, then the totals."""
    if not result.providers:
        return Parts("", [s.esc(NONE_CONNECTED)])
    day = f"Billed {result.day:%a} {result.day.day} {result.day:%b} (UTC)"
    body = [s.esc(_provider_line(p, day)) for p in result.providers]
    if result.total_day_usd is not None:
        total = (f"Total: {_usd(result.total_day_usd)} on {result.day.isoformat()}; "
                 f"{_usd(result.total_month_to_date_usd)} this month to date.")  # fmt: skip
        body.append(s.esc(total))
    return Parts("Billed spend (the providers' own figures)", body)


def _json_figure(figure: Figure | None) -> dict[str, Any]:
    if figure is None:
        return {"usd": None, "unavailable": "not synced yet"}
    if isinstance(figure, Unavailable):
        return {"usd": None, "unavailable": figure.reason}
    return {"usd": usd_string(figure), "unavailable": None}


def billing_json(result: BillingResult) -> dict[str, Any]:
    """The ``--json`` object: money as exact decimal strings, keys as fingerprints only."""
    return {
        "kind": result.kind,
        "day": result.day.isoformat(),
        "providers": [{
            "provider": p.provider, "fingerprint": p.fingerprint, "source": p.source,
            "last_sync_utc": p.last_sync_utc.isoformat() if p.last_sync_utc else None,
            "last_sync_ok": p.last_sync_ok, "last_sync_message": p.last_sync_message,
            "day": _json_figure(p.day_usd), "month_to_date": _json_figure(p.month_to_date_usd),
            "provisional": p.provisional,
        } for p in result.providers],
        "total_day": _json_figure(result.total_day_usd),
        "total_month_to_date": _json_figure(result.total_month_to_date_usd),
    }  # fmt: skip
