"""The CLI and workspaces: ``--team``, ``tokencost workspace`` and ``tokencost ingest-token``.

Every CLI command that reads or writes a workspace's data takes ``--team T...`` (a team id, or
the org id of an Enterprise Grid org install). It is required when the database holds several
workspaces; with one it is that one, and the command says on stderr which it used.

- ``tokencost workspace list [--json]``: the workspaces held, installed or uninstalled.
- ``tokencost workspace forget TEAM_ID [--yes]``: delete all of a workspace's data (and its
  installation, in OAuth mode); without ``--yes`` it only says what would go.
- ``tokencost ingest-token create [--team T] [--label L]``: a new ``POST /usage`` token,
  printed once; ``list [--team T]``; ``revoke ID [--team T]``.

``add_team_option`` and ``cli_workspace`` live in ``bot.cli.team`` (light, for ``ask``) and
are re-exported here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from bot.cli.team import add_team_option, cli_workspace
from bot.runtime import Runtime
from bot.store.db import StoreError
from bot.store.ingest_tokens import create_ingest_token, list_ingest_tokens, revoke_ingest_token
from bot.store.workspaces import RETENTION, forget, list_workspaces, resolve_workspace

__all__ = ["add_team_option", "add_workspace_subcommands", "cli_workspace"]

Handler = Callable[[argparse.Namespace, Runtime], int]


def _workspace_list(args: argparse.Namespace, runtime: Runtime) -> int:
    records = list_workspaces(runtime.db())
    if args.json:
        print(json.dumps([{
            "team_id": r.workspace.team_id or None, "enterprise_id": r.workspace.enterprise_id
            or None, "installed_utc": r.installed_utc and r.installed_utc.isoformat(),
            "revoked_utc": r.revoked_utc and r.revoked_utc.isoformat(),
            "revoked_reason": r.revoked_reason,
        } for r in records], indent=2))  # fmt: skip
        return 0
    for r in records:
        state = (
            f"{r.revoked_reason} {r.revoked_utc:%Y-%m-%d} (data kept until "
            f"{r.revoked_utc + RETENTION:%Y-%m-%d})"
            if r.revoked_utc
            else "installed"
        )
        print(f"{r.workspace!s:<28} {state}")  # fmt: skip
    print(f"{len(records)} workspaces.", file=sys.stderr)
    return 0


def _workspace_forget(args: argparse.Namespace, runtime: Runtime) -> int:
    ws = resolve_workspace(runtime.db(), args.team_id, runtime.clock())
    if not args.yes:
        print(f"This deletes every row of workspace {ws} (ledger, budgets, digests, query log, "
              "FAQ misses and votes, ingest tokens). Run again with --yes to do it.",
              file=sys.stderr)  # fmt: skip
        return 1
    counts = forget(runtime.db(), ws)
    if runtime.settings.oauth:
        # The installation too (its tokens); slack_sdk is imported only for this.
        from bot.installations import installation_store

        installation_store(runtime).delete_all(
            enterprise_id=ws.enterprise_id or None, team_id=ws.team_id or None
        )
    print(f"Deleted workspace {ws}: {sum(counts.values()):,} rows.")
    return 0


def _token_create(args: argparse.Namespace, runtime: Runtime) -> int:
    ws = cli_workspace(runtime, args.team)
    record, token = create_ingest_token(runtime.db(), ws, args.label, runtime.clock())
    print(token)
    print(f"Ingest token {record.id} for workspace {ws}: it is shown only this once; send it as "
          "`Authorization: Bearer <token>` to POST /usage.", file=sys.stderr)  # fmt: skip
    return 0


def _token_list(args: argparse.Namespace, runtime: Runtime) -> int:
    ws = cli_workspace(runtime, args.team)
    tokens = list_ingest_tokens(runtime.db(), ws)
    for t in tokens:
        state = f"revoked {t.revoked_utc:%Y-%m-%d}" if t.revoked_utc else "live"
        print(f"{t.id:>4}  {t.hint}...  {t.created_utc:%Y-%m-%d}  {state:<18} {t.label or ''}")
    print(f"{len(tokens)} ingest tokens.", file=sys.stderr)
    return 0


def _token_revoke(args: argparse.Namespace, runtime: Runtime) -> int:
    ws = cli_workspace(runtime, args.team)
    if not revoke_ingest_token(runtime.db(), ws, args.id, runtime.clock()):
        raise StoreError(f"Workspace {ws} has no live ingest token {args.id} "
                         "(see `tokencost ingest-token list`).")  # fmt: skip
    print(f"Revoked ingest token {args.id}; POST /usage refuses it from now on.")
    return 0


def add_workspace_subcommands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Register ``workspace list|forget`` and ``ingest-token create|list|revoke``."""
    workspace = sub.add_parser("workspace", help="the workspaces this database holds")
    w_sub = workspace.add_subparsers(dest="workspace_command", required=True)
    w_list = w_sub.add_parser("list", help="every workspace, installed or uninstalled")
    w_list.add_argument("--json", action="store_true")
    w_list.set_defaults(handler=_workspace_list)
    w_forget = w_sub.add_parser("forget", help="delete all of a workspace's data")
    w_forget.add_argument("team_id", metavar="TEAM_ID")
    w_forget.add_argument("--yes", action="store_true", help="really delete")
    w_forget.set_defaults(handler=_workspace_forget)

    tokens = sub.add_parser("ingest-token", help="per-workspace tokens for POST /usage")
    t_sub = tokens.add_subparsers(dest="token_command", required=True)
    create = t_sub.add_parser("create", help="a new token, printed once")
    add_team_option(create)
    create.add_argument("--label", help="what the token is for (shown by list)")
    create.set_defaults(handler=_token_create)
    t_list = t_sub.add_parser("list", help="a workspace's tokens (never the tokens themselves)")
    add_team_option(t_list)
    t_list.set_defaults(handler=_token_list)
    revoke = t_sub.add_parser("revoke", help="stop accepting a token")
    revoke.add_argument("id", type=int, metavar="ID", help="the token's id, from list")
    add_team_option(revoke)
    revoke.set_defaults(handler=_token_revoke)
