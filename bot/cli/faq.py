"""`tokencost faq`: the stored questions, and the loop of learning from what people asked.

* `faq list [--json]`: every entry with its reviewed date and whether it is due for review.
* `faq misses [--since ...] [--limit N] [--json] [--raw]`: questions the FAQ could not answer,
  grouped by meaning with the closest entry (`--raw`: one per question asked, newest first).
  A person teaches a group to an entry (`faq teach`) or marks it not ours (`faq dismiss`);
  those commands are in `bot.cli.faq_teach` (issue 18).
* `faq votes [--json]`: "Was this helpful?" tallies per entry, least helpful first.

Only `misses` and `votes` open the database (through `Runtime.start`, as `tokencost queries`
does); `list` reads the bundled entries alone. `faq` is imported where it is used, as in
`bot.answers.faq`: a broken entries file must not take the rest of the CLI down with it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import date

from bot.cli.faq_teach import add_learning_subcommands, run_grouped
from bot.cli.queries import parse_since
from bot.cli.workspaces import add_team_option, cli_workspace
from bot.config import Settings
from bot.runtime import Runtime, utc_now
from bot.store.queries import FaqMiss, FaqVoteTally, faq_vote_tallies, recent_faq_misses

__all__ = ["add_faq_subcommand", "cmd_faq"]


def add_faq_subcommand(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `tokencost faq list|misses|votes`."""
    p_faq = sub.add_parser("faq", help="the stored FAQ: entries, unanswered questions, votes")
    faq_sub = p_faq.add_subparsers(
        dest="faq_command",
        metavar="list|misses|votes|teach|unteach|taught|dismiss|undismiss|review|drafts|withdraw",
        required=True,
    )

    p_list = faq_sub.add_parser("list", help="every entry: id, reviewed date, question")
    p_list.add_argument("--json", action="store_true", help="print a JSON list")
    p_list.set_defaults(func=cmd_faq, faq_func=_faq_list)

    p_misses = faq_sub.add_parser("misses", help="questions the FAQ could not answer")
    p_misses.add_argument("--since", help="a date (2026-11-01) or a duration back (24h, 7d)")
    p_misses.add_argument("--limit", type=int, default=50, help="at most this many (50)")
    p_misses.add_argument("--json", action="store_true", help="print a JSON list")
    p_misses.add_argument("--raw", action="store_true", help="one line per question asked")
    add_team_option(p_misses)
    p_misses.set_defaults(func=cmd_faq, faq_func=_faq_misses)

    p_votes = faq_sub.add_parser("votes", help='"Was this helpful?" tallies per entry')
    p_votes.add_argument("--json", action="store_true", help="print a JSON list")
    add_team_option(p_votes)
    p_votes.set_defaults(func=cmd_faq, faq_func=_faq_votes)
    add_learning_subcommands(faq_sub, cmd_faq)


def cmd_faq(args: argparse.Namespace) -> int:
    """`tokencost faq list|misses|votes`: dispatch to the chosen subcommand."""
    handler: Callable[[argparse.Namespace], int] = args.faq_func
    return handler(args)


def _question_of(entry_id: str) -> str | None:
    """The question of a stored entry, or None when the id is no longer in the store."""
    import faq

    try:
        return faq.get_entry(entry_id).question
    except KeyError:
        return None


def _faq_list(args: argparse.Namespace, today: date | None = None) -> int:
    """Every stored entry, in file order; `!` marks an entry past its review interval."""
    import faq

    today = today or utc_now().date()
    entries = faq.list_entries()
    if args.json:
        rows = [
            {
                "id": e.id, "question": e.question, "reviewed": e.reviewed.isoformat(),
                "review_every_days": e.review_every_days, "review_due": e.review_due(today),
                "owner": e.owner, "related": list(e.related),
            }
            for e in entries
        ]  # fmt: skip
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    width = max(len(e.id) for e in entries)
    for e in entries:
        due = "!" if e.review_due(today) else " "
        print(f"{e.id:<{width}}  {e.reviewed.isoformat()}{due}  {e.question}")
    due_count = sum(e.review_due(today) for e in entries)
    print(f"{len(entries)} entries; {due_count} due for review (marked !).", file=sys.stderr)
    return 0


def _open_runtime() -> Runtime:
    """The runtime for subcommands that read the store (no tokenizers needed)."""
    return Runtime.start(Settings.from_env(os.environ), encodings=False)


def _miss_json(miss: FaqMiss) -> dict[str, object]:
    return {
        "created_utc": miss.created_utc.isoformat(),
        "question": miss.question,
        "user_id": miss.user_id,
        "suggestions": [{"id": i, "question": _question_of(i)} for i in miss.suggestions],
    }


def _faq_misses(args: argparse.Namespace) -> int:
    """Misses grouped by meaning (`bot.cli.faq_teach`); with `--raw`, every recorded miss,
    newest first, with the entry ids that were suggested instead."""
    if not args.raw:
        return run_grouped(args)
    runtime = _open_runtime()
    try:
        since = parse_since(args.since, runtime.clock()) if args.since else None
        ws = cli_workspace(runtime, args.team)
        misses = recent_faq_misses(runtime.db(), ws, since=since, limit=args.limit)
    except ValueError as exc:
        print(f"tokencost: {exc}", file=sys.stderr)
        return 2
    finally:
        runtime.close()
    if args.json:
        print(json.dumps([_miss_json(m) for m in misses], indent=2, ensure_ascii=False))
        return 0
    for m in misses:
        offered = ", ".join(m.suggestions) or "-"
        print(f"{m.created_utc:%Y-%m-%d %H:%M} {m.user_id or '-':<10} {m.question}")
        print(f"{'':16} offered: {offered}")
    print(f"{len(misses)} unanswered questions.", file=sys.stderr)
    return 0


def _tally_json(tally: FaqVoteTally) -> dict[str, object]:
    return {
        "id": tally.faq_id,
        "question": _question_of(tally.faq_id),
        "helpful": tally.helpful,
        "not_helpful": tally.not_helpful,
    }


def _faq_votes(args: argparse.Namespace) -> int:
    """Helpful / not helpful votes per entry, least helpful first (the ones to rewrite)."""
    runtime = _open_runtime()
    try:
        tallies = faq_vote_tallies(runtime.db(), cli_workspace(runtime, args.team))
    finally:
        runtime.close()
    if args.json:
        print(json.dumps([_tally_json(t) for t in tallies], indent=2, ensure_ascii=False))
        return 0
    width = max((len(t.faq_id) for t in tallies), default=2)
    print(f"{'id':<{width}}  {'yes':>4}  {'no':>4}")
    for t in tallies:
        print(f"{t.faq_id:<{width}}  {t.helpful:>4}  {t.not_helpful:>4}")
    print(f"{len(tallies)} entries with votes.", file=sys.stderr)
    return 0
