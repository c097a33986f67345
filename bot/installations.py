"""Installations: where OAuth installs are kept, and the bot token that posts for a workspace.

- ``installation_store(runtime)``: the installation store on the tokencost database (Bolt's
  SQLite store on the SQLite file; ``bot.oauth_store`` on PostgreSQL), which also enters each
  installing workspace in our registry (``bot.store.workspaces``).
- ``WorkspaceClients``: the Web API client that posts a workspace's digests and budget alerts,
  with that workspace's own bot token. Scheduled posts have no request to take a token from,
  so the token is looked up by team and enterprise id (slack-facts §4 and §9). In
  single-workspace mode every workspace posts with ``SLACK_BOT_TOKEN``. A workspace that
  uninstalled the app or lost its token gets ``None``: nothing is posted, and a log line says so.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation, InstallationStore
from slack_sdk.oauth.installation_store.sqlite3 import SQLite3InstallationStore

from bot.oauth_store import DatabaseInstallationStore
from bot.runtime import Runtime
from bot.store.workspace import Workspace
from bot.store.workspaces import get_workspace, record_workspace

__all__ = [
    "PgInstallationStore",
    "TokencostInstallationStore",
    "WorkspaceClients",
    "installation_store",
]

log = logging.getLogger("tokencost.installations")


class TokencostInstallationStore(SQLite3InstallationStore):
    """Bolt's SQLite store, plus: an install enters (or re-activates) the workspace."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(
            database=str(runtime.settings.db_path), client_id=str(runtime.settings.client_id)
        )
        self.runtime = runtime

    def save(self, installation: Installation) -> None:
        """Store the installation, then record the workspace as installed now."""
        super().save(installation)
        _installed(self.runtime, installation)


class PgInstallationStore(DatabaseInstallationStore):
    """The installation store on PostgreSQL, plus: an install enters the workspace."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(runtime.db, str(runtime.settings.client_id))
        self.runtime = runtime

    def save(self, installation: Installation) -> None:
        """Store the installation, then record the workspace as installed now."""
        super().save(installation)
        _installed(self.runtime, installation)


def _installed(runtime: Runtime, installation: Installation) -> None:
    ws = Workspace.from_ids(
        installation.team_id,
        installation.enterprise_id,
        bool(installation.is_enterprise_install),
    )
    record_workspace(runtime.db(), ws, runtime.clock(), installed=True)
    log.info("workspace %s installed the app", ws)


def installation_store(runtime: Runtime) -> InstallationStore:
    """The OAuth installation store on the tokencost database, whichever backend."""
    if runtime.settings.database_url is not None:
        return PgInstallationStore(runtime)
    return TokencostInstallationStore(runtime)


class WorkspaceClients:
    """``clients(ws)``: a client posting with ``ws``'s own bot token, or None (not posted to).

    ``make_client(token)`` builds a client (``bot.digest.post.build_post_client``); one client
    is kept per token. Why a workspace is not posted to is logged once per instance (the clock
    keeps one for its life), not on every tick.
    """

    def __init__(self, runtime: Runtime, make_client: Callable[[str], WebClient]) -> None:
        self.runtime = runtime
        self.make_client = make_client
        self.store = installation_store(runtime) if runtime.settings.oauth else None
        self._clients: dict[str, WebClient] = {}
        self._lock = threading.Lock()
        self._said: set[tuple[Workspace, str]] = set()

    def _say(self, ws: Workspace, level: int, message: str) -> None:
        with self._lock:
            if (ws, message) in self._said:
                return
            self._said.add((ws, message))
        log.log(level, "not posting to workspace %s: %s", ws, message)

    def token(self, ws: Workspace) -> str | None:
        """``ws``'s bot token; None when it revoked the app or has no installation."""
        record = get_workspace(self.runtime.db(), ws)
        if record is not None and record.revoked_utc is not None:
            self._say(ws, logging.INFO, f"{record.revoked_reason} on {record.revoked_utc:%Y-%m-%d}")
            return None
        if self.store is None:
            token = self.runtime.settings.bot_token
        else:
            bot = self.store.find_bot(
                enterprise_id=ws.enterprise_id or None,
                team_id=ws.team_id or None,
                is_enterprise_install=ws.is_enterprise_install,
            )
            token = bot.bot_token if bot is not None else None
        if not token:
            self._say(ws, logging.WARNING, "no bot token (the app is not installed there, or "
                      "was uninstalled)")  # fmt: skip
        return token or None

    def __call__(self, ws: Workspace) -> WebClient | None:
        token = self.token(ws)
        if token is None:
            return None
        with self._lock:
            client = self._clients.get(token)
            if client is None:
                client = self._clients[token] = self.make_client(token)
        return client
