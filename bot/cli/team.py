"""``--team`` and the workspace a CLI command acts on (see ``bot.cli.workspaces`` for the rules).

Apart from the ``workspace`` and ``ingest-token`` commands so that ``tokencost ask`` imports
only what resolving a workspace needs (issue 15: no token hashing, no delete machinery).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from bot.store.workspace import DEFAULT_WORKSPACE, Workspace
from bot.store.workspaces import resolve_workspace

if TYPE_CHECKING:
    from bot.runtime import Runtime

__all__ = ["add_team_option", "cli_workspace"]


def add_team_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--team`` to a subcommand that touches a workspace's data."""
    parser.add_argument("--team", metavar="T...", help="the workspace (team id, or org id of an "
                        "org install); required when the database holds several")  # fmt: skip


def cli_workspace(runtime: Runtime, team: str | None) -> Workspace:
    """The workspace a CLI command acts on (``--team``, or the only one), said on stderr.

    Raises ``StoreError`` (printed by ``main`` as one sentence) for an unknown team, or for
    none given while several workspaces are held.
    """
    ws = resolve_workspace(runtime.db(), team, runtime.clock())
    if ws != DEFAULT_WORKSPACE:
        print(f"tokencost: workspace {ws}", file=sys.stderr)
    return ws
