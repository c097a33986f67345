"""Logging that works (issue 11), through the real server: level, JSON lines, stdout, refs.

`TOKENCOST_LOG_LEVEL` is applied, each request is one line (route, status, latency, team, never
the text), every incident ref a user is shown is in the log with its traceback, and
`TOKENCOST_LOG_FORMAT=json` makes every line a JSON object.
"""

from __future__ import annotations

import json
import re
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot.live_server import Server, start_server
from tests.bot.slack_requests import command_body
from tests.fake_slack import FakeSlack


@pytest.fixture(scope="module")
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture(scope="module")
def server(slack: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("json_logs")
    env = {"TOKENCOST_LOG_LEVEL": "INFO", "TOKENCOST_LOG_FORMAT": "json",
           "TOKENCOST_DB": str(tmp / "private" / "tokencost.db")}  # fmt: skip
    with start_server(slack, tmp, **env) as running:
        running.db_path = tmp / "private" / "tokencost.db"
        yield running


def records(server: Server) -> list[dict[str, Any]]:
    lines = [line for line in server.stdout().splitlines() if line.strip()]
    return [json.loads(line) for line in lines]  # every line is one JSON object


def test_every_log_line_is_json_with_one_line_per_request(server: Server, slack: FakeSlack) -> None:
    secret = "how-much-for-project-nightingale"
    body = command_body(f"why is {secret} so costly", slack.response_url("json"), user="UJSON")
    assert server.slack(body).status == 200
    server.wait_log('"route": "/slack/events"')
    access = [r for r in records(server) if r.get("route") == "/slack/events"]
    assert access, records(server)
    entry = access[-1]
    assert (entry["logger"], entry["level"], entry["status"], entry["team"]) == (
        "tokencost.http", "INFO", 200, "T123")  # fmt: skip
    assert isinstance(entry["latency_ms"], float)
    assert secret not in server.stdout()


def test_an_incident_ref_shown_to_a_user_is_logged_with_its_traceback(
    server: Server, slack: FakeSlack
) -> None:
    conn = sqlite3.connect(server.db_path)
    conn.execute("DROP TABLE budgets")  # a bug waiting to happen: `budget` now raises
    conn.close()
    reply = server.slack(command_body("budget", slack.response_url("bug"), user="UBUG")).json()
    match = re.search(r"ref ([0-9a-f]{6})", reply["text"])
    assert match, reply
    server.wait_log(match[1])
    [incident] = [r for r in records(server) if match[1] in r["msg"]]
    assert incident["level"] == "ERROR"
    assert "Traceback" in incident["exc"]
    assert "no such table: budgets" in incident["exc"]


def test_the_database_and_its_folder_are_private(server: Server) -> None:
    assert stat.S_IMODE(server.db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(server.db_path.parent.stat().st_mode) == 0o700


def test_warning_level_keeps_access_lines_out(slack: FakeSlack, tmp_path: Path) -> None:
    with start_server(slack, tmp_path, TOKENCOST_LOG_LEVEL="WARNING") as quiet:
        assert quiet.request("GET", "/healthz").status == 200
        assert quiet.request("POST", "/slack/events", "{nope", {"content-type": "x"}).status == 400
    assert "GET /healthz" not in quiet.stdout()


@pytest.mark.parametrize(
    ("body", "content_type", "team"),
    [
        (
            b"token=x&team_id=T0123&command=%2Ftokencost&text=gpt-4o",
            "application/x-www-form-urlencoded",
            "T0123",
        ),
        (b"command=%2Ftokencost&team_id=T%2B9&text=x", "application/x-www-form-urlencoded", "T+9"),
        (b"text=team_id%3DTFAKE&team_id=TREAL", "application/x-www-form-urlencoded", "TREAL"),
        (b"team_id=&text=x", "application/x-www-form-urlencoded", None),
        (
            b"payload=%7B%22team%22%3A%7B%22id%22%3A%22T77%22%7D%7D",
            "application/x-www-form-urlencoded",
            "T77",
        ),
        (b'{"team_id": "T55", "type": "event_callback"}', "application/json", "T55"),
        (b"payload=not-json", "application/x-www-form-urlencoded", None),
        (b"\xff\xfe", "application/x-www-form-urlencoded", None),
        (b"team_id=" + b"T" * 100, "application/x-www-form-urlencoded", "T" * 32),
    ],
)
def test_the_log_line_names_the_team_the_body_names(
    body: bytes, content_type: str, team: str | None
) -> None:
    """`request_team` finds a form's own `team_id` field (never one inside another field's
    value), a payload's or event's team, and nothing in a body it can't read."""
    from bot.slack.access import request_team

    assert request_team(body, content_type) == team
