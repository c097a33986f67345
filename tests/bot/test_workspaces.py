"""Two workspaces in one deployment, installed through the real OAuth routes, kept apart.

One OAuth deployment (`SLACK_CLIENT_ID` + secret, no bot token) on a fake Web API that grants
each workspace its own bot token. Both workspaces are installed through `/slack/install` and
`/slack/oauth_redirect`, filled through `/slack/events` (the same user id, U1, in both), and
then every command, App Home, the digest, `POST /usage` and the CLI are checked from each side:
nothing of the other workspace is visible or changeable, and every post uses its own token.
"""

from __future__ import annotations

import html
import io
import itertools
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from wsgiref.util import setup_testing_defaults

import pytest

from bot.cli.main import main
from bot.config import Settings
from bot.digest.clock import forget_expired
from bot.installations import installation_store
from bot.runtime import Runtime
from bot.slack.ingest import make_usage_route
from bot.slack.serve import build_wsgi
from bot.slack.server import TokencostWSGI
from bot.store.digests import get_subscription
from bot.store.queries import recent_faq_misses, recent_queries
from bot.store.usage import spend_by_tag, spend_total
from bot.store.workspace import Workspace
from bot.store.workspaces import get_workspace, list_workspaces
from tests.bot.ledger_support import Clock
from tests.bot.slack_requests import SIGNING_SECRET, action_body, command_body, event_body, sign
from tests.fake_slack import FakeSlack

pytestmark = pytest.mark.both_backends

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
DAY = "2026-11-02"
USER = "U1"
"""The same user id in both workspaces: App Home must still tell them apart."""
WINDOW = (NOW - timedelta(days=1), NOW + timedelta(days=1))


_RESPONSE_URLS = itertools.count(1)
"""Numbers the response URLs, so each command's later answer is told apart."""


@dataclass(frozen=True)
class Team:
    """One workspace of the deployment, and what only it has."""

    team_id: str
    bot_token: str
    channel: str
    tag: str
    model: str
    """A model only this workspace asks about."""
    question: str
    """An FAQ question only this workspace asks (and the FAQ cannot answer)."""
    budget: str

    @property
    def ws(self) -> Workspace:
        return Workspace(self.team_id)


A = Team("TAAA1", "xoxb-aaa", "C0AAA1111", "secret-a", "gpt-4.1-mini",
         "what does it cost for project aurora?", "500")  # fmt: skip
B = Team("TBBB2", "xoxb-bbb", "C0BBB2222", "beta-team", "mistral-small",
         "what does it cost for project borealis?", "70")  # fmt: skip


@dataclass(frozen=True)
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Deployment:
    """The WSGI app of an OAuth deployment, its runtime and the fake Web API."""

    wsgi: TokencostWSGI
    runtime: Runtime
    slack: FakeSlack
    clock: Clock

    def request(self, method: str, path: str, body: bytes = b"", query: str = "",
                headers: dict[str, str] | None = None) -> Response:  # fmt: skip
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
            "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)),
        }  # fmt: skip
        for name, value in (headers or {}).items():
            key = name.upper().replace("-", "_")
            environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
        setup_testing_defaults(environ)
        started: dict[str, Any] = {}

        def start_response(status: str, hdrs: list[tuple[str, str]], exc: Any = None) -> Any:
            started.update(status=int(status.split()[0]), headers=hdrs)

        out = b"".join(self.wsgi(environ, start_response))
        return Response(started["status"], started["headers"], out)

    def slack_post(self, body: str) -> Response:
        kind = "application/json" if body.startswith("{") else "application/x-www-form-urlencoded"
        headers = {"Content-Type": kind, **sign(body, int(self.clock.now.timestamp()))}
        return self.request("POST", "/slack/events", body.encode(), headers=headers)

    def command(self, team: Team, text: str, channel: str | None = None) -> str:
        """Run `/tokencost text` as U1 of `team`; return the (ephemeral) reply text, from the
        ack or, for a command that asks Slack first (`digest on`), from the `response_url`."""
        name = f"cmd{next(_RESPONSE_URLS)}"
        body = command_body(text, self.slack.response_url(name), USER, channel or team.channel,
                            team=team.team_id)  # fmt: skip
        response = self.slack_post(body)
        assert response.status == 200, response.body
        if response.body:
            return str(response.json()["text"])
        [later] = self.slack.wait_for(f"response/{name}", timeout=5)
        return str(later.body["text"])

    def event(self, team: Team, event: dict[str, Any], event_id: str) -> Response:
        return self.slack_post(event_body(event, event_id, team=team.team_id))

    def queries_of(self, team: Team, count: int) -> list[str]:
        """The query-log kinds of `team` once `count` are stored (the writer is asynchronous)."""
        deadline = time.monotonic() + 5
        while True:
            rows = recent_queries(self.runtime.db(), team.ws, limit=100)
            if len(rows) >= count or time.monotonic() > deadline:
                return [q.kind for q in rows]
            time.sleep(0.01)


def install(deployment: Deployment, team: Team) -> None:
    """Install the app into `team` through `/slack/install` and `/slack/oauth_redirect`."""
    code = f"code-{team.team_id}"
    deployment.slack.grant(code, team.team_id, team.bot_token)
    page = deployment.request("GET", "/slack/install")
    assert page.status == 200
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page.body.decode())
    assert link
    state = parse_qs(urlsplit(html.unescape(link.group(1))).query)["state"][0]
    cookie = f"slack-app-oauth-state={state}"
    done = deployment.request("GET", "/slack/oauth_redirect", query=f"code={code}&state={state}",
                              headers={"Cookie": cookie})  # fmt: skip
    assert done.status == 200, done.body


@pytest.fixture
def deployment(
    tmp_path: Path, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, database: str | Path
) -> Iterator[Deployment]:
    """Two workspaces installed through OAuth; the environment also serves the CLI."""
    env = {
        "SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "client-secret",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake_slack.url,
        "TOKENCOST_DB": str(tmp_path / "oauth.db"),
    }  # fmt: skip
    if isinstance(database, str):  # PostgreSQL: installations and state go there too
        env["DATABASE_URL"] = database
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    clock = Clock(NOW)
    runtime = Runtime.start(Settings.from_env(os.environ), clock=clock, encodings=False)
    deployment = Deployment(build_wsgi(runtime), runtime, fake_slack, clock)
    try:
        install(deployment, A)
        install(deployment, B)
        yield deployment
    finally:
        runtime.close()


def fill(deployment: Deployment) -> None:
    """Each workspace logs usage, sets a budget, turns its digest on, asks and misses."""
    for team in (A, B):
        deployment.command(team, f"log gpt-4o 1000000 100000 #{team.tag}")
        deployment.command(team, f"budget {team.budget}/month")
        assert "Daily digest in" in deployment.command(team, "digest on")
        deployment.command(team, f"{team.model} 1000 in 500 out")
        deployment.command(team, team.question)
    for team in (A, B):
        assert len(deployment.queries_of(team, 5)) == 5


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- install -------------------------------------------------------------------------------


def test_both_installs_go_through_oauth_and_enter_the_registry(deployment: Deployment) -> None:
    assert len(deployment.slack.calls("oauth.v2.access")) == 2
    records = list_workspaces(deployment.runtime.db())
    assert [(r.workspace, r.installed_utc) for r in records] == [(A.ws, NOW), (B.ws, NOW)]
    store = installation_store(deployment.runtime)
    for team in (A, B):
        bot = store.find_bot(enterprise_id=None, team_id=team.team_id)
        assert bot is not None and bot.bot_token == team.bot_token


# -- every command, App Home and the digest ------------------------------------------------


@pytest.mark.parametrize(("me", "other"), [(A, B), (B, A)], ids=["from-A", "from-B"])
def test_nothing_of_the_other_workspace_is_visible_or_changeable(
    deployment: Deployment, me: Team, other: Team
) -> None:
    fill(deployment)
    db = deployment.runtime.db()
    # Each workspace's own rows are there (the positive control for every check below).
    assert [m.question for m in recent_faq_misses(db, me.ws)] == [me.question]
    assert spend_total(db, me.ws, *WINDOW).rows == 1

    budget = deployment.command(me, "budget")
    assert f"${me.budget}.00/month" in budget and f"${other.budget}.00/month" not in budget
    logged = deployment.command(me, "log gpt-4o-mini 1 1")
    assert f"${me.budget}.00/month" in logged and f"${other.budget}.00/month" not in logged

    # Another workspace's channel answers exactly as an unknown channel does.
    for action in ("status", "off"):
        theirs = deployment.command(me, f"digest {action} {other.channel}")
        unknown = deployment.command(me, f"digest {action} C0NOWHERE9")
        assert theirs.replace(other.channel, "C0NOWHERE9") == unknown
    # Subscribing it makes a subscription of this workspace's own; theirs is untouched.
    deployment.command(me, f"digest on {other.channel} at 07:00")
    deployment.command(me, f"digest off {other.channel}")
    theirs_now = get_subscription(db, other.ws, other.channel)
    assert theirs_now is not None and (theirs_now.enabled, theirs_now.local_time) == (True, "09:00")
    assert "at 09:00" in deployment.command(other, "digest status")

    deployment.clock.now = NOW + timedelta(days=1)  # the preview reports yesterday
    preview = deployment.command(me, "digest preview")
    assert me.tag in preview and me.model in preview
    for secret in (other.tag, other.model, other.question):
        assert secret not in preview

    # App Home: the same user id in both workspaces sees only this workspace's lists.
    event = {"type": "app_home_opened", "user": USER, "channel": "D1", "tab": "home"}
    assert deployment.event(me, event, f"EvHome{me.team_id}").status == 200
    [call] = [c for c in deployment.slack.wait_for("views.publish") if c.token == me.bot_token]
    view = json.dumps(call.json_field("view"))
    assert me.channel in view and f"${me.budget}.00" in view
    assert other.model not in view and other.channel not in view
    assert f"${other.budget}.00" not in view


def test_votes_and_buttons_stay_in_their_workspace(deployment: Deployment) -> None:
    body = action_body("faq_vote_yes", "why-output-costs-more:yes",
                       deployment.slack.response_url("vote"), USER, team=A.team_id)  # fmt: skip
    assert deployment.slack_post(body).status == 200
    deployment.slack.wait_for("response/vote")
    db = deployment.runtime.db()
    assert [r["team_id"] for r in db.query("SELECT team_id FROM faq_votes")] == [A.team_id]


def test_digest_send_posts_each_digest_once_with_its_own_token(
    deployment: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(deployment)
    code, out, _ = cli(capsys, "digest", "send", "--date", DAY)
    assert code == 0, out
    posts = deployment.slack.calls("chat.postMessage")
    assert sorted((p.body["channel"], p.token) for p in posts) == [
        (A.channel, A.bot_token),
        (B.channel, B.bot_token),
    ]
    for team, other in ((A, B), (B, A)):
        [post] = [p for p in posts if p.body["channel"] == team.channel]
        text = post.body["text"] + json.dumps(post.json_field("blocks"))
        assert team.tag in text
        assert other.tag not in text and other.question not in text
    assert cli(capsys, "digest", "send", "--date", DAY)[0] == 0
    assert len(deployment.slack.calls("chat.postMessage")) == 2  # once each, ever


def test_budget_alerts_go_to_their_own_workspace_with_its_token(deployment: Deployment) -> None:
    from bot.digest.clock import run_tick, workspace_clients

    deployment.command(A, "digest on")
    deployment.command(B, "digest on")
    deployment.command(A, "budget 1/day")
    deployment.command(A, "log gpt-4o 1000000 100000")  # $3.50 at least: over A's budget
    report = run_tick(deployment.runtime, workspace_clients(deployment.runtime), "clock")
    [alert] = report.alerts
    assert alert.channels == (A.channel,)
    [post] = deployment.slack.calls("chat.postMessage")
    assert (post.body["channel"], post.token) == (A.channel, A.bot_token)


# -- POST /usage with two workspaces' tokens -----------------------------------------------


def test_usage_ingestion_with_each_workspaces_token_lands_in_its_own_ledger(
    deployment: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = {}
    for team in (A, B):
        code, out, err = cli(capsys, "ingest-token", "create", "--team", team.team_id,
                             "--label", f"ci {team.tag}")  # fmt: skip
        assert code == 0 and "shown only this once" in err
        tokens[team.team_id] = out.strip()
    assert tokens[A.team_id].startswith("tcu_") and tokens[A.team_id] != tokens[B.team_id]
    stored = json.dumps(list(deployment.runtime.db().query("SELECT * FROM ingest_tokens")))
    assert tokens[A.team_id] not in stored and tokens[B.team_id] not in stored  # hashed only

    def post(token: str, tag: str) -> Response:
        event = {"id": "evt-1", "model": "gpt-4o", "input_tokens": 1000, "output_tokens": 10,
                 "tag": tag}  # fmt: skip
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        return deployment.request("POST", "/usage", json.dumps(event).encode(), headers=headers)

    assert post(tokens[A.team_id], A.tag).json()["accepted"] == 1
    # The same idempotency key in another workspace is another event, not a duplicate.
    assert post(tokens[B.team_id], B.tag).json() == {"accepted": 1, "duplicates": 0,
                                                     "cost_usd": "0.0026"}  # fmt: skip
    assert post(tokens[A.team_id], A.tag).json()["duplicates"] == 1
    db = deployment.runtime.db()
    for team in (A, B):
        assert [g.key for g in spend_by_tag(db, team.ws, *WINDOW)] == [team.tag]

    code, out, _ = cli(capsys, "ingest-token", "list", "--team", A.team_id)
    assert code == 0 and "ci secret-a" in out and tokens[A.team_id] not in out
    assert cli(capsys, "ingest-token", "revoke", "1", "--team", B.team_id)[0] == 2  # A's id
    assert cli(capsys, "ingest-token", "revoke", "1", "--team", A.team_id)[0] == 0
    assert post(tokens[A.team_id], A.tag).status == 401
    assert post(tokens[B.team_id], B.tag).status == 202


def test_the_single_workspace_ingest_token_is_refused_in_oauth_mode(
    deployment: Deployment,
) -> None:
    settings = replace(deployment.runtime.settings, ingest_token="legacy-token")
    runtime = Runtime(settings=settings, live=deployment.runtime.live, clock=lambda: NOW)
    route = make_usage_route(runtime)
    environ = {"HTTP_AUTHORIZATION": "Bearer legacy-token", "wsgi.input": io.BytesIO(b"{}")}
    status, _, body = route(environ)
    assert status == 401
    assert "only works in single-workspace mode" in json.loads(body)["error"]
    runtime.close()


# -- the CLI names the workspace -------------------------------------------------------------


def test_the_cli_needs_team_when_several_workspaces_exist_and_says_which_it_used(
    deployment: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, "usage", "add", "gpt-4o", "1000")
    assert (code, out) == (2, "")
    assert err == ("tokencost: This database holds 2 workspaces (TAAA1, TBBB2); name one with "
                   "--team.\n")  # fmt: skip
    code, out, err = cli(capsys, "usage", "add", "gpt-4o", "1000", "--team", "taaa1", "--at", DAY)
    assert code == 0 and err == "tokencost: workspace TAAA1\n"
    assert cli(capsys, "ask", "--team", "TNOPE9", "budget")[2] == (
        "tokencost: No workspace TNOPE9; this database holds TAAA1, TBBB2.\n"
    )
    code, out, _ = cli(capsys, "ask", "--team", B.team_id, "budget 9/day")
    assert code == 0
    db = deployment.runtime.db()
    assert spend_total(db, A.ws, *WINDOW).rows == 1
    assert spend_total(db, B.ws, *WINDOW).rows == 0
    assert [q.surface for q in recent_queries(db, A.ws)] == []  # `usage add` is not a query


# -- uninstalling ----------------------------------------------------------------------------


def test_an_uninstalled_workspace_is_not_posted_to_and_can_be_forgotten(
    deployment: Deployment, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    fill(deployment)
    event = {"type": "app_uninstalled"}
    assert deployment.event(A, event, "EvGone").status == 200
    db = deployment.runtime.db()
    record = get_workspace(db, A.ws)
    assert record is not None and record.revoked_reason == "app_uninstalled"
    assert installation_store(deployment.runtime).find_bot(enterprise_id=None,
                                                           team_id=A.team_id) is None  # fmt: skip
    with caplog.at_level("INFO", logger="tokencost.installations"):
        code, out, _ = cli(capsys, "digest", "send", "--date", DAY)
    assert f"{A.channel} {DAY}: no_token" in out
    assert [(p.body["channel"], p.token) for p in deployment.slack.calls("chat.postMessage")] == [
        (B.channel, B.bot_token)
    ]
    assert "not posting to workspace TAAA1: app_uninstalled" in caplog.text
    # Data is kept (a re-install finds it) until forgotten.
    assert spend_total(db, A.ws, *WINDOW).rows == 1
    assert cli(capsys, "workspace", "forget", A.team_id)[0] == 1  # asks for --yes
    code, out, _ = cli(capsys, "workspace", "forget", A.team_id, "--yes")
    assert code == 0 and out.startswith("Deleted workspace TAAA1:")
    for table in ("usage", "queries", "budgets", "digest_subscriptions", "faq_misses"):
        owners = {r["team_id"] for r in db.query(f"SELECT team_id FROM {table}")}
        assert owners == {B.team_id}, table
    assert [r.workspace for r in list_workspaces(db)] == [B.ws]


def test_a_revoked_workspace_is_forgotten_after_the_retention_period(
    deployment: Deployment,
) -> None:
    fill(deployment)
    assert deployment.event(B, {"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}},
                            "EvRevoked").status == 200  # fmt: skip
    runtime = deployment.runtime
    assert forget_expired(runtime) == []
    deployment.clock.now = NOW + timedelta(days=31)
    assert forget_expired(runtime) == [B.team_id]
    assert spend_total(runtime.db(), B.ws, *WINDOW).rows == 0
    assert spend_total(runtime.db(), A.ws, *WINDOW).cost_usd > Decimal(0)
