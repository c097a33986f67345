"""`tokencost queries`: read the query log from the terminal."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime, timedelta

import prices
from bot.cli.workspaces import add_team_option, cli_workspace
from bot.config import Settings
from bot.runtime import Runtime
from bot.store.queries import QueryRecord, recent_queries

__all__ = ["add_queries_subcommand", "cmd_queries", "parse_since"]


def add_queries_subcommand(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `tokencost queries [--since ...] [--user U] [--limit N] [--json]`."""
    p_queries = sub.add_parser("queries", help="the query log, newest first")
    p_queries.add_argument("--since", help="a date (2026-11-01) or a duration back (24h, 7d)")
    p_queries.add_argument("--user", help="only this Slack user id")
    p_queries.add_argument("--limit", type=int, default=50, help="at most this many (50)")
    p_queries.add_argument("--json", action="store_true", help="print a JSON list")
    add_team_option(p_queries)
    p_queries.set_defaults(func=cmd_queries)


def cmd_queries(args: argparse.Namespace) -> int:
    """`tokencost queries`: the query log, newest first."""
    runtime = Runtime.start(Settings.from_env(os.environ), encodings=False)
    try:
        since = parse_since(args.since, runtime.clock()) if args.since else None
        ws = cli_workspace(runtime, args.team)
        rows = recent_queries(runtime.db(), ws, user_id=args.user, since=since, limit=args.limit)
    except ValueError as exc:
        print(f"tokencost: {exc}", file=sys.stderr)
        return 2
    finally:
        runtime.close()
    if args.json:
        print(json.dumps([_query_json(q) for q in rows], indent=2))
        return 0
    for q in rows:
        cost = prices.format_usd(q.cost_usd) if q.cost_usd is not None else "-"
        print(
            f"{q.created_utc:%Y-%m-%d %H:%M:%S} {q.surface:<8} {q.kind:<9} {q.outcome:<5} "
            f"{q.model or '-':<22} {cost:>12} {q.duration_ms or 0:>5} ms  {q.user_id or '-'}"
        )
    print(f"{len(rows)} queries.", file=sys.stderr)
    return 0


def parse_since(text: str, now: datetime) -> datetime:
    """`--since`: an ISO date/time, or a duration back from now (`24h`, `7d`, `30m`)."""
    units = {"m": "minutes", "h": "hours", "d": "days"}
    if text[:-1].isdigit() and text[-1:] in units:
        return now - timedelta(**{units[text[-1]]: int(text[:-1])})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"--since takes a date (2026-11-01) or a duration (24h, 7d), not {text!r}"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _query_json(q: QueryRecord) -> dict[str, object]:
    return {
        "created_utc": q.created_utc.isoformat(), "surface": q.surface, "kind": q.kind,
        "outcome": q.outcome, "team_id": q.workspace.team_id or None,
        "enterprise_id": q.workspace.enterprise_id or None, "channel_id": q.channel_id,
        "user_id": q.user_id, "model": q.model, "input_tokens": q.input_tokens,
        "output_tokens": q.output_tokens, "requests": q.requests,
        "cost_usd": prices.usd_string(q.cost_usd) if q.cost_usd is not None else None,
        "duration_ms": q.duration_ms, "error": q.error, "text_chars": q.text_chars,
        "count_tokens": q.count_tokens,
    }  # fmt: skip
