"""The OAuth installation and state stores kept in PostgreSQL (``bot.oauth_store``).

On SQLite, slack_sdk's own SQLite stores are used (tested through the OAuth flows of
test_workspaces.py, which also runs these stores end to end on PostgreSQL).
"""

from __future__ import annotations

import pytest
from slack_sdk.oauth.installation_store import Installation

from bot.oauth_store import DatabaseInstallationStore, DatabaseOAuthStateStore
from bot.store.database import Database

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def _install(team: str | None, token: str, at: float, *, user: str = "U1",
             org: str | None = None, org_wide: bool = False) -> Installation:  # fmt: skip
    return Installation(
        app_id="A1", enterprise_id=org, team_id=team, user_id=user, bot_token=token,
        bot_id="B1", bot_user_id="UB", bot_scopes=["chat:write", "commands"],
        user_token=f"xoxp-{user}", installed_at=at, is_enterprise_install=org_wide,
    )  # fmt: skip


def test_newest_bot_of_each_workspace_is_found_with_every_field(db: Database) -> None:
    store = DatabaseInstallationStore(lambda: db, "111.222")
    store.save(_install("T1", "xoxb-old", 100.0))
    store.save(_install("T1", "xoxb-new", 200.0, user="U2"))
    store.save(_install("T2", "xoxb-two", 150.0))
    bot = store.find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None
    assert (bot.bot_token, bot.bot_scopes, bot.installed_at) == (
        "xoxb-new", ["chat:write", "commands"], 200.0)  # fmt: skip
    mine = store.find_installation(enterprise_id=None, team_id="T1", user_id="U1")
    assert mine is not None
    assert (mine.user_token, mine.bot_token) == ("xoxp-U1", "xoxb-new")  # the latest bot's
    assert store.find_bot(enterprise_id=None, team_id="T9") is None
    other_app = DatabaseInstallationStore(lambda: db, "999.999")
    assert other_app.find_bot(enterprise_id=None, team_id="T1") is None


def test_an_org_wide_install_is_found_by_its_org_alone(db: Database) -> None:
    store = DatabaseInstallationStore(lambda: db, "111.222")
    store.save(_install(None, "xoxb-org", 100.0, org="E1", org_wide=True))
    bot = store.find_bot(enterprise_id="E1", team_id="T5", is_enterprise_install=True)
    assert bot is not None and bot.bot_token == "xoxb-org"
    store.delete_all(enterprise_id="E1", team_id=None)
    assert store.find_bot(enterprise_id="E1", team_id=None, is_enterprise_install=True) is None
    assert store.find_installation(enterprise_id="E1", team_id=None) is None


def test_a_state_is_consumed_once(db: Database) -> None:
    states = DatabaseOAuthStateStore(lambda: db, expiration_seconds=600)
    state = states.issue()
    assert states.consume(state) is True
    assert states.consume(state) is False
    assert states.consume("forged") is False
    expired = DatabaseOAuthStateStore(lambda: db, expiration_seconds=-1).issue()
    assert states.consume(expired) is False
