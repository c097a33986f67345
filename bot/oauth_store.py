"""OAuth installations and state kept in the tokencost database when it is PostgreSQL.

On SQLite, slack_sdk's own ``SQLite3InstallationStore`` and ``SQLite3OAuthStateStore`` keep
them in the same file as everything else (``bot.installations``). slack_sdk's only stores for
a database server are SQLAlchemy-based; pulling in SQLAlchemy (a second connection pool, its
own ``create_all`` racing between ``web`` and ``clock`` outside our migration lock) for two
small tables is not worth it, so these two stores are written on our ``Database`` interface:
their tables come from the PostgreSQL migrations (``p001_create_oauth_tables``), and they
share the pool, the transactions and the backups of the rest of the data.

An installation (and its bot) is kept whole as JSON next to the ids it is looked up by, so
every field slack_sdk has, or adds later, round-trips. Look-ups follow slack_sdk's SQLite
store: the newest row for (client, enterprise, team[, user]); an org-wide install is found
by its enterprise id alone. Absent ids are stored as ``''``.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore

from bot.store.database import Database

__all__ = ["DatabaseInstallationStore", "DatabaseOAuthStateStore"]

log = logging.getLogger("tokencost.oauth")


def _jsonable(values: dict[str, Any]) -> str:
    """slack_sdk's dict of an installation or bot, datetimes as POSIX seconds."""

    def plain(value: Any) -> Any:
        return value.timestamp() if isinstance(value, datetime) else value

    return json.dumps({key: plain(value) for key, value in values.items()})


def _keys(enterprise_id: str | None, team_id: str | None,
          is_enterprise_install: bool | None) -> tuple[str, str]:  # fmt: skip
    """(enterprise_id, team_id) as stored; an org-wide install is keyed on the org alone."""
    if is_enterprise_install or (enterprise_id and not team_id):
        return enterprise_id or "", ""
    return enterprise_id or "", team_id or ""


class DatabaseInstallationStore(InstallationStore):
    """slack_sdk's installation store interface on the tokencost database."""

    def __init__(self, db: Callable[[], Database], client_id: str) -> None:
        self._db = db
        self.client_id = client_id

    @property
    def logger(self) -> logging.Logger:
        """The logger slack_sdk expects a store to have."""
        return log

    def save(self, installation: Installation) -> None:
        """Keep an installation and, when it has one, its bot."""
        enterprise_id, team_id = _keys(installation.enterprise_id, installation.team_id,
                                       installation.is_enterprise_install)  # fmt: skip
        self._db().execute(
            "INSERT INTO oauth_installations (client_id, enterprise_id, team_id, user_id,"
            " installed_at, data) VALUES (?, ?, ?, ?, ?, ?)",
            [self.client_id, enterprise_id, team_id, installation.user_id or "",
             installation.installed_at, _jsonable(installation.to_dict_for_copying())],
        )  # fmt: skip
        if installation.bot_token:
            self.save_bot(installation.to_bot())

    def save_bot(self, bot: Bot) -> None:
        """Keep a bot installation."""
        enterprise_id, team_id = _keys(bot.enterprise_id, bot.team_id, bot.is_enterprise_install)
        self._db().execute(
            "INSERT INTO oauth_bots (client_id, enterprise_id, team_id, installed_at, data)"
            " VALUES (?, ?, ?, ?, ?)",
            [self.client_id, enterprise_id, team_id, bot.installed_at,
             _jsonable(bot.to_dict_for_copying())],
        )  # fmt: skip

    def find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                 is_enterprise_install: bool | None = False) -> Bot | None:  # fmt: skip
        """The newest bot of a workspace or org, or None."""
        keys = _keys(enterprise_id, team_id, is_enterprise_install)
        rows = list(self._db().query(
            "SELECT data FROM oauth_bots WHERE client_id = ? AND enterprise_id = ? AND team_id = ?"
            " ORDER BY installed_at DESC, id DESC LIMIT 1", [self.client_id, *keys]))  # fmt: skip
        return Bot(**json.loads(rows[0]["data"])) if rows else None

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        """The newest installation of a workspace or org (by ``user_id`` when given)."""
        keys = _keys(enterprise_id, team_id, is_enterprise_install)
        sql = "SELECT data FROM oauth_installations WHERE client_id = ? AND enterprise_id = ?"
        sql += " AND team_id = ?"
        params: list[Any] = [self.client_id, *keys]
        if user_id is not None:
            sql += " AND user_id = ?"
            params.append(user_id)
        rows = list(self._db().query(sql + " ORDER BY installed_at DESC, id DESC LIMIT 1", params))
        if not rows:
            return None
        installation = Installation(**json.loads(rows[0]["data"]))
        if user_id is not None:
            # As slack_sdk's stores do: the bot token is the latest one, not the user's own.
            bot = self.find_bot(enterprise_id=enterprise_id, team_id=team_id,
                                is_enterprise_install=is_enterprise_install)  # fmt: skip
            if bot is not None:
                installation.bot_token = bot.bot_token
                installation.bot_id = bot.bot_id
                installation.bot_user_id = bot.bot_user_id
                installation.bot_scopes = bot.bot_scopes
                installation.bot_refresh_token = bot.bot_refresh_token
                installation.bot_token_expires_at = bot.bot_token_expires_at
        return installation

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Forget a workspace's (or org's) bots."""
        self._db().execute(
            "DELETE FROM oauth_bots WHERE client_id = ? AND enterprise_id = ? AND team_id = ?",
            [self.client_id, enterprise_id or "", team_id or ""],
        )

    def delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                            user_id: str | None = None) -> None:  # fmt: skip
        """Forget a workspace's installations (one user's, when ``user_id`` is given)."""
        sql = "DELETE FROM oauth_installations WHERE client_id = ? AND enterprise_id = ?"
        sql += " AND team_id = ?"
        params: list[Any] = [self.client_id, enterprise_id or "", team_id or ""]
        if user_id is not None:
            sql += " AND user_id = ?"
            params.append(user_id)
        self._db().execute(sql, params)


class DatabaseOAuthStateStore(OAuthStateStore):
    """One-time OAuth ``state`` values on the tokencost database (CSRF protection)."""

    def __init__(self, db: Callable[[], Database], expiration_seconds: int) -> None:
        self._db = db
        self.expiration_seconds = expiration_seconds

    @property
    def logger(self) -> logging.Logger:
        """The logger slack_sdk expects a store to have."""
        return log

    def issue(self, *args: Any, **kwargs: Any) -> str:
        """A new state, valid for ``expiration_seconds``."""
        state = str(uuid.uuid4())
        self._db().execute("INSERT INTO oauth_states (state, expire_at) VALUES (?, ?)",
                           [state, time.time() + self.expiration_seconds])  # fmt: skip
        return state

    def consume(self, state: str) -> bool:
        """True once for a state issued here and not yet expired; it is deleted either way."""
        deleted = self._db().execute(
            "DELETE FROM oauth_states WHERE state = ? AND expire_at > ?", [state, time.time()]
        )
        return deleted.rowcount == 1
