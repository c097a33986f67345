"""Single-workspace mode (`SLACK_BOT_TOKEN`): one workspace, found from Slack's first request.

Data written before any Slack request (`POST /usage` with `TOKENCOST_INGEST_TOKEN`, the CLI) is
kept under `T_DEFAULT` and moves to the bot token's team when its first request arrives.
Uninstalling stops the posting; a later request (a re-install) starts it again.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from slack_bolt import App

from bot.config import Settings
from bot.digest.clock import workspace_clients
from bot.runtime import Runtime
from bot.slack.app import build_app
from bot.slack.ingest import make_usage_route
from bot.store.workspace import DEFAULT_WORKSPACE, Workspace
from bot.store.workspaces import list_workspaces
from tests.bot.slack_requests import (
    BOT_TOKEN,
    SIGNING_SECRET,
    command_body,
    dispatch,
    event_body,
)
from tests.fake_slack import FakeSlack

TEAM = Workspace("T123")
INGEST_TOKEN = "single-workspace-ingest-token"


@dataclass
class Single:
    runtime: Runtime
    app: App
    slack: FakeSlack

    def command(self, text: str) -> str:
        response = dispatch(self.app, command_body(text, self.slack.response_url()))
        return str(json.loads(response.body)["text"])


@pytest.fixture
def single(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[Single]:
    settings = Settings(
        db_path=tmp_path / "single.db", bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.url, ingest_token=INGEST_TOKEN,
    )  # fmt: skip
    runtime = Runtime.start(settings, encodings=False)
    yield Single(runtime, build_app(runtime), fake_slack)
    runtime.close()


def test_usage_reported_before_slack_is_adopted_by_the_bot_tokens_team(single: Single) -> None:
    route = make_usage_route(single.runtime)
    body = json.dumps({"model": "gpt-4o", "input_tokens": 1_000_000, "output_tokens": 0}).encode()
    status, _, answer = route({
        "HTTP_AUTHORIZATION": f"Bearer {INGEST_TOKEN}", "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    })  # fmt: skip
    assert status == 202
    cost = Decimal(json.loads(answer)["cost_usd"])
    assert [r.workspace for r in list_workspaces(single.runtime.db())] == [DEFAULT_WORKSPACE]
    reply = single.command("budget 100/month")  # the first request from Slack: team T123
    assert f"Workspace: ${cost:.2f} of $100.00/month" in reply
    assert [r.workspace for r in list_workspaces(single.runtime.db())] == [TEAM]


def test_uninstalling_stops_posting_until_the_app_is_back(single: Single) -> None:
    clients = workspace_clients(single.runtime)
    single.command("help")
    assert clients(TEAM) is not None
    assert dispatch(single.app, event_body({"type": "app_uninstalled"}, "EvGone")).status == 200
    assert clients(TEAM) is None
    single.command("help")  # Slack only sends requests for an installed app: it is back
    assert clients(TEAM) is not None
