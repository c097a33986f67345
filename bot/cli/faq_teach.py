"""`tokencost faq misses|teach|unteach|taught|dismiss|undismiss|review|drafts`: the learning loop.

The CLI operator is trusted (they hold the database); every change is recorded as approved by
``--by NAME``, or ``cli:$USER``. Each command acts on one workspace (``--team`` when the
database holds several). See README "How the FAQ learns".
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from bot.cli.queries import parse_since
from bot.cli.workspaces import add_team_option, cli_workspace
from bot.config import Settings
from bot.runtime import Runtime
from bot.store.faq_learning import active_drafts, alternate_history
from bot.store.workspace import Workspace
from bot.teaching import changes
from bot.teaching.lists import miss_report, question_of, review_lists
from faq.errors import TeachError
from faq.learning import MissGroup

__all__ = ["add_learning_subcommands", "grouped_misses"]

Handler = Callable[[argparse.Namespace, Runtime, Workspace], int]


def _approver(args: argparse.Namespace) -> str:
    return str(args.by or f"cli:{os.environ.get('USER', 'operator')}")


def _run(handler: Handler) -> Callable[[argparse.Namespace], int]:
    """Open the runtime, resolve the workspace, run, close; one-sentence errors exit 2."""

    def run(args: argparse.Namespace) -> int:
        runtime = Runtime.start(Settings.from_env(os.environ), encodings=False)
        try:
            return handler(args, runtime, cli_workspace(runtime, args.team))
        except (TeachError, ValueError) as exc:
            print(f"tokencost: {exc}", file=sys.stderr)
            return 2
        finally:
            runtime.close()

    return run


def _group_json(group: MissGroup) -> dict[str, Any]:
    closest = group.closest
    return {
        "key": group.key, "count": group.count, "representative": group.representative,
        "phrasings": list(group.phrasings),
        "closest": None if closest is None else {
            "id": closest.entry.id, "question": closest.entry.question,
            "score": round(closest.score, 3), "coverage": round(closest.coverage, 3),
        },
    }  # fmt: skip


def grouped_misses(args: argparse.Namespace, runtime: Runtime, ws: Workspace) -> int:
    """`faq misses`: similar misses grouped, most asked first, with the closest entry."""
    since = parse_since(args.since, runtime.clock()) if args.since else None
    report = miss_report(runtime, ws, since=since)
    groups = report.groups[: args.limit]
    if args.json:
        print(json.dumps([_group_json(g) for g in groups], indent=2, ensure_ascii=False))
        return 0
    for g in groups:
        near = g.closest
        closest = f"closest: {near.entry.id} ({near.coverage:.0%})" if near else "closest: -"
        print(f"{g.count:>4}× “{g.representative}”  {closest}")
        for other in g.phrasings[1:]:
            print(f"{'':7}“{other}”")
        print(f"{'':7}key: {g.key}")
    print(f"{len(report.groups)} groups; {report.answered} answered now, {report.off_topic}"
          f" off topic, {report.dismissed} marked not ours.", file=sys.stderr)  # fmt: skip
    return 0


def _teach(args: argparse.Namespace, runtime: Runtime, ws: Workspace) -> int:
    taught = changes.teach(runtime, ws, args.question, args.entry_id, _approver(args))
    print(taught.summary(question_of(runtime, ws)))
    if taught.check.replaces is not None:
        print(f"tokencost: note: this question was answered with `{taught.check.replaces}`"
              " before; it now gets the entry you chose.", file=sys.stderr)  # fmt: skip
    print(f"Taught (id {taught.alternate_id}); undo with `tokencost faq unteach --id "
          f"{taught.alternate_id}`.", file=sys.stderr)  # fmt: skip
    return 0


def _unteach(args: argparse.Namespace, runtime: Runtime, ws: Workspace) -> int:
    if (args.id is None) == (args.question is None):
        print("tokencost: give the taught question, or --id N (see `tokencost faq taught`).",
              file=sys.stderr)  # fmt: skip
        return 2
    by = _approver(args)
    if args.id is not None:
        row = changes.unteach(runtime, ws, args.id, by)
    else:
        row = changes.unteach_question(runtime, ws, args.question, by)
    if row is None:
        print("tokencost: nothing taught matches that; `tokencost faq taught` lists what is.",
              file=sys.stderr)  # fmt: skip
        return 1
    print(f"Untaught “{row.phrasing}” (was a way of asking `{row.entry_id}`).")
    return 0


def _taught(args: argparse.Namespace, runtime: Runtime, ws: Workspace) -> int:
    rows = alternate_history(runtime.db(), ws, include_undone=args.all)
    if args.json:
        print(json.dumps([{
            "id": r.id, "entry_id": r.entry_id, "phrasing": r.phrasing,
            "approved_by": r.approved_by, "approved_utc": r.approved_utc.isoformat(),
            "undone_by": r.undone_by,
            "undone_utc": r.undone_utc.isoformat() if r.undone_utc else None,
        } for r in rows], indent=2, ensure_ascii=False))  # fmt: skip
        return 0
    for r in rows:
        undone = f"  undone {r.undone_utc:%Y-%m-%d %H:%M} by {r.undone_by}" if r.undone_utc else ""
        print(f"{r.id:>5}  “{r.phrasing}” → {r.entry_id}  "
              f"by {r.approved_by} {r.approved_utc:%Y-%m-%d %H:%M}{undone}")  # fmt: skip
    print(f"{len(rows)} taught phrasings.", file=sys.stderr)
    return 0


def _dismiss(args: argparse.Namespace, runtime: Runtime, ws: Workspace) -> int:
    if args.undo:
        done = changes.undismiss(runtime, ws, args.key, _approver(args))
        print("Shown again." if done else "That group was not marked not ours.")
    else:
        done = changes.dismiss(runtime, ws, args.key, _approver(args))
        print("Marked not ours." if done else "That group was already marked not ours.")
    return 0 if done else 1


def _review(args: argparse.Namespace, runtime: Runtime, ws: Workspace) -> int:
    lists = review_lists(runtime, ws, own_only=False)
    if args.json:
        print(json.dumps({
            "due": [{"id": d.entry.id, "owner": d.entry.owner, "due_on": d.due_on.isoformat(),
                     "days_overdue": d.days_overdue} for d in lists.due],
            "voted_down": [{"id": a.entry_id, "helpful": a.helpful,
                            "not_helpful": a.not_helpful} for a in lists.voted_down],
        }, indent=2))  # fmt: skip
        return 0
    owners: dict[str, list[str]] = {}
    for d in lists.due:
        owners.setdefault(d.entry.owner, []).append(f"{d.entry.id} ({d.days_overdue} days over)")
    print("Due for review:" if owners else "Nothing is due for review.")
    for owner in sorted(owners):
        print(f"  {owner}: " + ", ".join(owners[owner]))
    print("Voted down:" if lists.voted_down else "No answer is voted down.")
    for a in lists.voted_down:
        print(f"  {a.entry_id}: {a.helpful} helpful, {a.not_helpful} not helpful")
    return 0


def _drafts(args: argparse.Namespace, runtime: Runtime, ws: Workspace) -> int:
    entries = active_drafts(runtime.db(), ws)
    for e in entries:
        print(f"{e.id}  {e.reviewed.isoformat()}  owner {e.owner}  {e.question}")
    print(f"{len(entries)} entries of this workspace's own.", file=sys.stderr)
    return 0


def _withdraw(args: argparse.Namespace, runtime: Runtime, ws: Workspace) -> int:
    done = changes.withdraw_entry(runtime, ws, args.entry_id, _approver(args))
    print("Withdrawn." if done else f"This workspace has no entry `{args.entry_id}` of its own.")
    return 0 if done else 1


def add_learning_subcommands(faq_sub: argparse._SubParsersAction[argparse.ArgumentParser],
                             cmd: Callable[[argparse.Namespace], int]) -> None:  # fmt: skip
    """Register the learning subcommands under `tokencost faq` (`cmd` dispatches)."""

    def add(name: str, help_text: str, handler: Handler, *, by: bool = False,
            json_flag: bool = False) -> argparse.ArgumentParser:  # fmt: skip
        parser = faq_sub.add_parser(name, help=help_text)
        add_team_option(parser)
        if by:
            parser.add_argument("--by", help="who approves the change (default cli:$USER)")
        if json_flag:
            parser.add_argument("--json", action="store_true", help="print JSON")
        parser.set_defaults(func=cmd, faq_func=_run(handler))
        return parser

    p = add("teach", "teach a question as a way of asking an entry", _teach, by=True)
    p.add_argument("question", help="the question, as people ask it")
    p.add_argument("entry_id", help="the entry it should get (`tokencost faq list`)")
    p = add("unteach", "undo a taught question (the miss comes back)", _unteach, by=True)
    p.add_argument("question", nargs="?", help="the taught question (or one meaning the same)")
    p.add_argument("--id", type=int, help="the taught phrasing's id (`tokencost faq taught`)")
    p = add("taught", "taught questions: who approved them and when", _taught, json_flag=True)
    p.add_argument("--all", action="store_true", help="include undone ones")
    p = add("dismiss", 'mark a miss group "not ours" (its key from `faq misses`)', _dismiss,
            by=True)  # fmt: skip
    p.add_argument("key")
    p.set_defaults(undo=False)
    p = add("undismiss", 'take back a "not ours"', _dismiss, by=True)
    p.add_argument("key")
    p.set_defaults(undo=True)
    add("review", "entries due for review by owner, and answers voted down", _review,
        json_flag=True)  # fmt: skip
    add("drafts", "this workspace's own entries", _drafts)
    p = add("withdraw", "withdraw one of this workspace's own entries", _withdraw, by=True)
    p.add_argument("entry_id")


def run_grouped(args: argparse.Namespace) -> int:
    """`faq misses` (grouped) through `_run`."""
    return _run(grouped_misses)(args)
