"""``tokencost billing``: connect admin keys, sync billed spend, show what is stored.

- ``tokencost billing connect openai|anthropic [--team T]``: reads the admin key from
  standard input (hidden when typed at a terminal), checks it is an admin key, and stores it
  encrypted with ``TOKENCOST_SECRET_KEY``. It prints the key's fingerprint, never the key.
- ``tokencost billing disconnect openai|anthropic [--team T]``: deletes the stored key and the
  provider's sync history (the billed figures already fetched stay).
- ``tokencost billing sync [--days N] [--team T]``: fetches the month so far and at least the
  last N days (default 3, the provisional ones) for every connected provider; without
  ``--team``, every workspace with a connection. Exit 1 when a provider failed.
- ``tokencost billing status [--json] [--team T]``: the same answer as ``/tokencost billing``.

Each subparser sets ``handler``: ``(args, runtime) -> exit code``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import cast

from bot.billing import PROVIDERS, BillingError, Provider, Vault, check_admin_key, fingerprint
from bot.cli.workspaces import add_team_option, cli_workspace
from bot.digest.billing_sync import connections, sync_workspace
from bot.ledger.billing import run_billing
from bot.render.replies import render_json, render_text
from bot.runtime import Runtime
from bot.store.billing import (
    billing_workspaces,
    delete_billing_key,
    forget_syncs,
    save_billing_key,
)
from bot.store.workspace import Workspace

__all__ = ["add_billing_subcommand"]

_NAMES = {"openai": "OpenAI", "anthropic": "Anthropic"}


def _read_key(provider: str) -> str:
    """The key from standard input: hidden at a terminal, else the first line piped in."""
    if sys.stdin.isatty():
        return getpass.getpass(f"Paste the {_NAMES[provider]} admin key (not shown): ")
    return sys.stdin.readline()


def _connect(args: argparse.Namespace, runtime: Runtime) -> int:
    provider = cast(Provider, args.provider)
    ws = cli_workspace(runtime, args.team)
    key = _read_key(provider).strip()
    try:
        if not key:
            raise BillingError("No key was given; pipe or paste the admin key on standard input.")
        check_admin_key(provider, key)
        token = Vault.from_secret(runtime.settings.secret_key).encrypt(key)
    except BillingError as exc:
        print(f"tokencost: {exc}", file=sys.stderr)
        return 1
    stored = save_billing_key(runtime.db(), ws, provider, token, fingerprint(key),
                              runtime.clock())  # fmt: skip
    print(f"Connected {_NAMES[provider]} for workspace {ws} with key {stored.fingerprint} "
          "(stored encrypted; it is never shown again). Run `tokencost billing sync` to fetch "
          "the billed spend.")  # fmt: skip
    return 0


def _disconnect(args: argparse.Namespace, runtime: Runtime) -> int:
    provider = cast(Provider, args.provider)
    ws = cli_workspace(runtime, args.team)
    db = runtime.db()
    had_key = delete_billing_key(db, ws, provider)
    forget_syncs(db, ws, provider)
    name = _NAMES[provider]
    if had_key:
        print(f"Disconnected {name} from workspace {ws}: its key is deleted.")
    else:
        print(f"Workspace {ws} had no stored {name} key.")
    if runtime.settings.admin_key(provider) and not runtime.settings.oauth:
        print(f"{provider.upper()}_ADMIN_KEY is still set in the environment: unset it to stop "
              "syncing.", file=sys.stderr)  # fmt: skip
    return 0


def _sync_targets(runtime: Runtime, team: str | None) -> list[Workspace]:
    if team:
        return [cli_workspace(runtime, team)]
    stored = billing_workspaces(runtime.db())
    settings = runtime.settings
    if not settings.oauth and any(settings.admin_key(p) for p in PROVIDERS):
        only = cli_workspace(runtime, None)
        return stored if only in stored else [*stored, only]
    return stored


def _sync(args: argparse.Namespace, runtime: Runtime) -> int:
    if not 1 <= args.days <= 180:
        print("tokencost: --days takes 1 to 180.", file=sys.stderr)
        return 2
    targets = [ws for ws in _sync_targets(runtime, args.team) if connections(runtime, ws)]
    if not targets:
        print("tokencost: no billing provider is connected; set OPENAI_ADMIN_KEY or "
              "ANTHROPIC_ADMIN_KEY, or run `tokencost billing connect openai --team T`.",
              file=sys.stderr)  # fmt: skip
        return 1
    failed = False
    for ws in targets:
        for outcome in sync_workspace(runtime, ws, runtime.clock(), days=args.days):
            state = "synced" if outcome.ok else "failed"
            print(f"{ws} {_NAMES[outcome.provider]}: {state}: {outcome.message}")
            failed = failed or not outcome.ok
    return 1 if failed else 0


def _status(args: argparse.Namespace, runtime: Runtime) -> int:
    result = run_billing(runtime, cli_workspace(runtime, args.team))
    if args.json:
        print(json.dumps(render_json(result), ensure_ascii=False, indent=2))
    else:
        print(render_text(result))
    return 0


def add_billing_subcommand(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``billing connect|disconnect|sync|status``."""
    billing = sub.add_parser("billing", help="billed spend from OpenAI and Anthropic (admin keys)")
    b_sub = billing.add_subparsers(dest="billing_command", required=True)
    connect = b_sub.add_parser("connect", help="store an admin key (read from standard input)")
    connect.add_argument("provider", choices=PROVIDERS)
    add_team_option(connect)
    connect.set_defaults(handler=_connect)
    disconnect = b_sub.add_parser("disconnect", help="delete a stored admin key")
    disconnect.add_argument("provider", choices=PROVIDERS)
    add_team_option(disconnect)
    disconnect.set_defaults(handler=_disconnect)
    sync = b_sub.add_parser("sync", help="fetch billed spend: the month so far and the last days")
    sync.add_argument("--days", type=int, default=3, help="re-read at least this many days back")
    add_team_option(sync)
    sync.set_defaults(handler=_sync)
    status = b_sub.add_parser("status", help="connected providers, last sync, billed spend")
    status.add_argument("--json", action="store_true")
    add_team_option(status)
    status.set_defaults(handler=_status)
