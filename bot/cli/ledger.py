"""CLI subcommands for the ledger and the digest, added to ``bot.cli.main`` by ``add_subcommands``.

- ``tokencost usage add MODEL INPUT [OUTPUT] [--cached N] [--tag T] [--user U] [--id ID]
  [--at TIMESTAMP] [--json]`` (counts and times read as in ``bot.ledger.fields``, like a CSV cell
  or a ``POST /usage`` field)
- ``tokencost usage import FILE [--json]``
- ``tokencost digest send [--date YYYY-MM-DD] [--dry-run] [--team T]`` (every workspace's
  digests, each posted with its own token, unless ``--team`` names one)
- ``tokencost clock [--interval SECONDS]``

Each subparser sets ``handler``: ``(args, runtime) -> exit code`` (0 ok, 1 refused or failed,
2 a bad argument, as argparse's own usage errors).
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading
from datetime import date, timedelta
from pathlib import Path
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from bot.cli.workspaces import add_team_option, cli_workspace
from bot.digest.build import build_digest
from bot.digest.render import render_digest
from bot.ledger.csv_import import ImportRefused, import_usage_csv
from bot.ledger.fields import EventProblems, event_from_fields
from bot.ledger.pricing import UsageRefused, record_events
from bot.runtime import Runtime
from bot.store.db import decimal_text
from prices import format_usd

__all__ = ["DATE_HELP", "add_subcommands"]

DATE_HELP = "--date takes a day as YYYY-MM-DD, like 2026-11-28."
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _emit(args: argparse.Namespace, text: str, data: dict[str, Any]) -> None:
    print(json.dumps(data) if getattr(args, "json", False) else text)


def handle_usage_add(args: argparse.Namespace, runtime: Runtime) -> int:
    """``usage add``: record one usage event at the prices of its time."""
    now = runtime.clock()
    fields: dict[str, object] = {
        "model": args.model, "input_tokens": args.input_tokens,
        "output_tokens": args.output_tokens, "cached_input_tokens": args.cached,
        "tag": args.tag, "user": args.user, "id": args.id, "timestamp": args.at,
    }  # fmt: skip
    try:
        event = event_from_fields({k: v for k, v in fields.items() if v is not None}, now)
        ws = cli_workspace(runtime, args.team)
        result, batch = record_events(runtime.db(), ws, runtime.catalog, [event], "cli", now)
    except EventProblems as exc:
        _emit(args, "Not recorded: " + "; ".join(exc.problems) + ".",
              {"kind": "error", "error": "; ".join(exc.problems), "suggestions": []})  # fmt: skip
        return 1
    except UsageRefused as exc:
        # The same sentence and suggestions as `/tokencost log`, CSV rows and POST /usage.
        message = exc.errors[0][1]
        found = runtime.catalog.find(args.model)
        suggestions = list(runtime.catalog.suggest(args.model)) if found is None else []
        _emit(args, f"Not recorded: {message}",
              {"kind": "error", "error": message, "suggestions": suggestions})  # fmt: skip
        return 1
    row = batch.rows[0]
    status = "recorded" if result.inserted else "already recorded with this id, not counted again"
    _emit(
        args,
        f"{row.model}: {row.input_tokens:,} in, {row.output_tokens:,} out = "
        f"{format_usd(row.cost_usd)} ({status}).",
        {"kind": "logged", "model": row.model, "cost_usd": decimal_text(row.cost_usd),
         "duplicate": not result.inserted},
    )  # fmt: skip
    return 0


def handle_usage_import(args: argparse.Namespace, runtime: Runtime) -> int:
    """``usage import``: good rows in, bad rows listed by line; exit 1 if any was refused."""
    try:
        ws = cli_workspace(runtime, args.team)
        summary = import_usage_csv(
            runtime.db(), ws, runtime.catalog, args.file, runtime.clock(), progress=sys.stderr
        )
    except (ImportRefused, OSError) as exc:
        message = exc.message if isinstance(exc, ImportRefused) else f"Cannot read {args.file}."
        _emit(args, message, {"kind": "error", "error": message})
        return 1
    _emit(args, summary.as_text(), {
        "kind": "import", "imported": summary.imported, "duplicates": summary.duplicates,
        "refused": [{"line": line, "error": reason} for line, reason in summary.refused],
        "without_id": summary.without_id,
    })  # fmt: skip
    return 1 if summary.refused else 0


def handle_digest_send(args: argparse.Namespace, runtime: Runtime) -> int:
    """``digest send``: post (or with ``--dry-run`` print) every subscribed channel's digest."""
    now = runtime.clock()
    day = None
    if args.date is not None:
        try:
            if not _DAY.fullmatch(args.date.strip()):
                raise ValueError(args.date)
            day = date.fromisoformat(args.date.strip())
        except ValueError:
            print(DATE_HELP, file=sys.stderr)
            return 2
    if not args.dry_run and not runtime.settings.bot_token and not runtime.settings.oauth:
        print("Posting needs SLACK_BOT_TOKEN (or an OAuth install); use --dry-run to print the "
              "digest.", file=sys.stderr)  # fmt: skip
        return 1
    # slack_sdk: only when posting
    from bot.digest.clock import workspace_clients
    from bot.digest.post import send_digests

    only = [cli_workspace(runtime, args.team)] if args.team else None
    clients = None if args.dry_run else workspace_clients(runtime)
    outcomes = send_digests(runtime, clients, now, day=day, dry_run=args.dry_run, workspaces=only)
    if not outcomes:
        zone = ZoneInfo(runtime.settings.timezone)
        day = day or now.astimezone(zone).date() - timedelta(days=1)
        print("No channel has the digest on (`/tokencost digest on`).", file=sys.stderr)
        if args.dry_run:
            ws = only[0] if only else cli_workspace(runtime, None)
            digest = build_digest(runtime.db(), ws, runtime.catalog, day, zone, now)
            print(render_digest(digest)[0] if digest else f"Nothing to report for {day}.")
        return 0
    for outcome in outcomes:
        if outcome.text is not None:
            print(f"-- {outcome.channel_id} {outcome.day}\n{outcome.text}")
        else:
            detail = outcome.message_ts or outcome.error or ""
            print(f"{outcome.channel_id} {outcome.day}: {outcome.status} {detail}".rstrip())
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def handle_clock(args: argparse.Namespace, runtime: Runtime) -> int:
    """``clock``: tick until SIGTERM/SIGINT, posting digests and budget alerts when due."""
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    from bot.digest.clock import run_clock  # slack_sdk: only for the clock
    from bot.logs import configure_logging

    configure_logging(runtime.settings)  # a long-running process: its log goes to stdout
    runtime.refresh_prices_in_background()  # TOKENCOST_PRICES_REFRESH; `runtime.close` stops it
    run_clock(runtime, stop, interval_s=args.interval)
    return 0


def add_subcommands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``usage``, ``digest`` and ``clock`` on the CLI's subparsers."""
    usage = subparsers.add_parser("usage", help="record LLM usage in the ledger")
    usage_sub = usage.add_subparsers(dest="usage_command", required=True)
    add = usage_sub.add_parser("add", help="record one usage event")
    add.add_argument("model")
    add.add_argument("input_tokens", help="input tokens, cached included (1000, 1.5k, 2M)")
    add.add_argument("output_tokens", nargs="?", default="0")
    add.add_argument("--cached", default="0", help="cached part of the input tokens")
    add.add_argument("--tag")
    add.add_argument("--user")
    add.add_argument("--id", help="idempotency key: the same id is stored once")
    add.add_argument("--at", help="when it happened: ISO 8601 with a timezone, or a bare "
                     "YYYY-MM-DD for midnight UTC (default now)")  # fmt: skip
    add.add_argument("--json", action="store_true")
    add_team_option(add)
    add.set_defaults(handler=handle_usage_add)
    imp = usage_sub.add_parser("import", help="import a CSV with a header row")
    imp.add_argument("file", type=Path)
    imp.add_argument("--json", action="store_true")
    add_team_option(imp)
    imp.set_defaults(handler=handle_usage_import)

    digest = subparsers.add_parser("digest", help="the daily spend digest")
    digest_sub = digest.add_subparsers(dest="digest_command", required=True)
    send = digest_sub.add_parser("send", help="post every subscribed channel's digest now")
    # Checked in the handler, so a bad day gets one sentence instead of argparse's wording.
    send.add_argument("--date", help="day to report (YYYY-MM-DD)")
    send.add_argument("--dry-run", action="store_true", help="print it; claim and post nothing")
    add_team_option(send)
    send.set_defaults(handler=handle_digest_send)

    clock = subparsers.add_parser("clock", help="post digests and budget alerts when due")
    clock.add_argument("--interval", type=float, default=60.0, help="seconds between ticks")
    clock.set_defaults(handler=handle_clock)
