"""`tokencost prices refresh` and `tokencost prices status [--json]`: fresh prices on demand.

The CLI never fetches unless asked: `refresh` is the one command that does (from
`TOKENCOST_PRICES_URL`), prints what changed and records it next to the database, where
`serve` and `clock` replay it at start-up. `status` fetches nothing: it says where the prices
come from, their as-of date, and the last refresh any process recorded.

Kept light for the CLI's cold start: the handlers import what they need when they run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prices.history import PriceChange

__all__ = ["add_prices_live_subcommands", "interval_text"]

#: Recorded price changes `status` lists (the newest).
STATUS_CHANGES = 20


def interval_text(seconds: float | None) -> str:
    """`6h`, `30m`, `1d`, or `off`: the TOKENCOST_PRICES_REFRESH value back."""
    if seconds is None:
        return "off"
    whole = int(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if whole % size == 0:
            return f"{whole // size}{unit}"
    return f"{whole}s"


def _when(text: str | None) -> str:
    """`2026-12-06 21:18 UTC` from an ISO 8601 instant (as recorded), or `?`."""
    from datetime import UTC, datetime

    try:
        return datetime.fromisoformat(text or "").astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return "?"


def _change_line(change: PriceChange) -> str:
    """`openai/gpt-4o from 2026-12-06: input $2.50 → $2.00, output $10.00 → $8.00`."""
    from prices import format_usd

    old, new = change.old, change.new
    parts = [
        f"{name} {format_usd(a) if a is not None else '-'} → "
        f"{format_usd(b) if b is not None else '-'}"
        for name, a, b in (
            ("input", old.input_per_mtok, new.input_per_mtok),
            ("output", old.output_per_mtok, new.output_per_mtok),
            ("cached input", old.cached_input_per_mtok, new.cached_input_per_mtok),
        )
        if a != b
    ]
    return f"{change.key} from {change.day.isoformat()}: " + (
        ", ".join(parts) or "other rates (tiers, batch or peak hours) changed"
    )


def _change_json(change: PriceChange) -> dict[str, Any]:
    from prices import usd_string

    def rates(p: Any) -> dict[str, str | None]:
        cached = p.cached_input_per_mtok
        return {
            "input_per_mtok": usd_string(p.input_per_mtok),
            "output_per_mtok": usd_string(p.output_per_mtok),
            "cached_input_per_mtok": usd_string(cached) if cached is not None else None,
        }

    return {"key": change.key, "day": change.day.isoformat(), "before": rates(change.old),
            "after": rates(change.new), "source": change.source}  # fmt: skip


def cmd_refresh(args: argparse.Namespace) -> int:
    """Fetch now; print what changed; 1 (one sentence on stderr) when refused or unreachable."""
    from bot.config import Settings
    from bot.store.pricefeed import open_live, refresh_and_record

    settings = Settings.from_env(os.environ)
    live = open_live(settings)
    status = refresh_and_record(live, settings)
    if status.outcome in ("refused", "unreachable"):
        print(f"tokencost: prices not refreshed: {status.message}", file=sys.stderr)
        return 1
    found = live.changes()
    new = [c for c in found if c.key in status.changed]
    print(f"Prices refreshed from {status.url}: {status.message}")
    for change in new:
        print(f"  {_change_line(change)}")
    for key in status.added:
        print(f"  {key}: new")
    print(f"{status.models} models, checked up to {status.as_of.isoformat()}.")
    return 0


def _status(args: argparse.Namespace) -> tuple[dict[str, Any], list[PriceChange]]:
    from bot.config import Settings
    from bot.store.pricefeed import open_live, read_status, status_json

    settings = Settings.from_env(os.environ)
    live = open_live(settings)  # fetches nothing; replays the recorded changes
    data = status_json(live.status())
    saved = read_status(settings)
    if saved is not None:  # the last refresh any process (serve, clock, the CLI) recorded
        data.update({k: v for k, v in saved.items() if k in data})
    data["refresh"] = interval_text(settings.prices_refresh_s)
    changes = list(live.changes())[-STATUS_CHANGES:]
    data["price_changes"] = [_change_json(c) for c in changes]
    return data, changes


def cmd_status(args: argparse.Namespace) -> int:
    """Where the prices come from, their as-of date, the last refresh and what it changed."""
    data, changes = _status(args)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    source = "bundled with this release" if data["source"] == "bundled" else data["source"]
    print(f"Prices: {data['models']} models, {source}, checked up to {data['as_of']}.")
    every = data["refresh"]
    print(
        "Background refresh in serve and clock: "
        + ("off (TOKENCOST_PRICES_REFRESH=off)" if every == "off" else f"every {every}")
        + f", from {data['url']}."
    )
    if data["outcome"] == "never":
        print("Last refresh: none recorded.")
    else:
        print(
            f"Last refresh: {data['outcome']} at {_when(data['last_attempt'])}. {data['message']}"
        )
        if data["last_success"] and data["last_success"] != data["last_attempt"]:
            print(f"Last successful refresh: {_when(data['last_success'])}.")
    if changes:
        print("Price changes found by refreshes:")
        for change in changes:
            print(f"  {_change_line(change)}")
    return 0


def add_prices_live_subcommands(
    prices_sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Register `prices refresh` and `prices status` on `tokencost prices`."""
    p_refresh = prices_sub.add_parser(
        "refresh", help="fetch prices now (TOKENCOST_PRICES_URL) and print what changed"
    )
    p_refresh.set_defaults(func=cmd_refresh)
    p_status = prices_sub.add_parser(
        "status", help="where the prices come from, their as-of date, the last refresh"
    )
    p_status.add_argument("--json", action="store_true", help="print one JSON object")
    p_status.set_defaults(func=cmd_status)
