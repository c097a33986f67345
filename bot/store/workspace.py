"""The workspace that owns a row: every read and write of the store names one.

A Slack app installs either into one workspace (team id ``T...``, perhaps inside an
Enterprise Grid org ``E...``) or, for an org-wide install, into a whole Grid org: then the
installation has an enterprise id and no team id. ``Workspace`` is that installation's key,
exactly as Slack's installation store keys it, so the rows it owns and the bot token that
posts for it are found with the same two ids.

Both ids are stored as text, ``''`` when absent (never NULL): a UNIQUE constraint treats NULLs
as distinct in SQLite and PostgreSQL alike, so ``''`` keeps "one budget per workspace, tag and
period" true for org installs too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["DEFAULT_WORKSPACE", "SCOPE", "Workspace"]

_TEAM = re.compile(r"^T[A-Z0-9_]+$")
_ENTERPRISE = re.compile(r"^E[A-Z0-9_]+$")

SCOPE = "team_id = ? AND enterprise_id = ?"
"""The WHERE clause every scoped query uses, with ``Workspace.params()`` as its parameters."""


@dataclass(frozen=True, order=True)
class Workspace:
    """The installation that owns data: a workspace, or a whole Grid org for org-wide installs."""

    team_id: str
    """Slack team id (``T...``); ``''`` for an org-wide install."""
    enterprise_id: str = ""
    """Enterprise Grid org id (``E...``); ``''`` outside Enterprise Grid."""

    def __post_init__(self) -> None:
        if self.team_id and not _TEAM.match(self.team_id):
            raise ValueError(f"a team id looks like T0123ABC, not {self.team_id!r}")
        if self.enterprise_id and not _ENTERPRISE.match(self.enterprise_id):
            raise ValueError(f"an enterprise id looks like E0123ABC, not {self.enterprise_id!r}")
        if not self.team_id and not self.enterprise_id:
            raise ValueError("a workspace needs a team id or, for an org install, an enterprise id")

    @classmethod
    def from_ids(
        cls, team_id: str | None, enterprise_id: str | None, is_enterprise_install: bool = False
    ) -> Workspace:
        """The workspace of a Slack request or installation (org installs key on the org)."""
        if is_enterprise_install and enterprise_id:
            return cls("", enterprise_id)
        return cls(team_id or "", enterprise_id or "")

    @property
    def is_enterprise_install(self) -> bool:
        """Whether this is an org-wide install (no single team)."""
        return not self.team_id

    @property
    def key(self) -> str:
        """The one id people type (``--team``): the team id, or the org id for org installs."""
        return self.team_id or self.enterprise_id

    def params(self) -> list[str]:
        """Parameters for ``SCOPE``."""
        return [self.team_id, self.enterprise_id]

    def __str__(self) -> str:
        if self.team_id and self.enterprise_id:
            return f"{self.team_id} (org {self.enterprise_id})"
        return self.key


DEFAULT_WORKSPACE = Workspace("T_DEFAULT")
"""Where data goes before any Slack workspace is known (console mode, or ``POST /usage`` and
the CLI before the first Slack request in single-workspace mode). In single-workspace mode
the first request from Slack moves it to the real team (``bot.store.workspaces.adopt``)."""
