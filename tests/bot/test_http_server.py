"""End to end through the production server: `python -m bot serve` (uvicorn) over real HTTP.

One server subprocess per module, pointed at a module-scoped fake Slack Web API
(`SLACK_API_URL`); requests are signed the way Slack signs them and sent with urllib. The
query log is read afterwards from the server's database. Every test runs against a server on
SQLite and again against one on PostgreSQL (``DATABASE_URL``). OAuth install pages are checked
in-process through `TokencostWSGI` (no bot token: multi-workspace mode).
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from wsgiref.util import setup_testing_defaults

import pytest

from bot.config import Settings
from bot.runtime import Runtime
from bot.slack.serve import build_wsgi
from tests.bot.live_server import FORM, INGEST_TOKEN, Response, Server, start_server
from tests.bot.slack_requests import SIGNING_SECRET, action_body, command_body, event_body, sign
from tests.db_support import count_rows
from tests.fake_slack import FakeSlack
from tests.pg_cluster import PgCluster

ESTIMATE = "gpt-4o 1000 in 500 out x 10k/day"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server_backend(request: pytest.FixtureRequest) -> str:
    """The backend of this module's server: the tests run once on each."""
    return str(request.param)


@pytest.fixture(scope="module")
def slack(server_backend: str) -> Iterator[FakeSlack]:
    """One fake Slack Web API per server; tests tell their calls apart by hook or ids."""
    with FakeSlack() as fake:
        yield fake


@pytest.fixture(scope="module")
def server(
    slack: FakeSlack,
    server_backend: str,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[Server]:
    """The server on a SQLite file, then on a PostgreSQL database of its own."""
    url = None
    if server_backend == "postgresql":
        url = request.getfixturevalue("pg_cluster").fresh_database("http_server")
    with start_server(slack, tmp_path_factory.mktemp("http_server"), url) as running:
        yield running


# -- plain routes ----------------------------------------------------------------------------


def test_healthz_answers_json(server: Server) -> None:
    response = server.request("GET", "/healthz")
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json"
    payload = response.json()
    assert payload["ok"] is True
    assert payload["models"] > 0


def test_readyz_checks_the_database(server: Server, server_backend: str) -> None:
    response = server.request("GET", "/readyz")
    assert (response.status, response.json()) == (200, {"ok": True, "database": server_backend})


def test_readyz_is_503_when_the_database_does_not_answer(tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "data" / "tokencost.db", bot_token="xoxb-t",
                        signing_secret=SIGNING_SECRET)  # fmt: skip
    runtime = Runtime.start(settings, encodings=False)
    try:
        wsgi = build_wsgi(runtime)
        assert _wsgi_get(wsgi, "/readyz").status == 200
        shutil.rmtree(tmp_path / "data")  # the file cannot even be created again
        ready = threading.Thread(target=lambda: answers.append(_wsgi_get(wsgi, "/readyz")))
        answers: list[Response] = []
        ready.start()  # a new thread opens a new connection, as a new worker would
        ready.join()
        assert answers[0].status == 503
        assert json.loads(answers[0].body) == {
            "ok": False, "database": "sqlite", "error": "the database did not answer"}  # fmt: skip
        assert _wsgi_get(wsgi, "/healthz").status == 200  # liveness does not touch it
    finally:
        runtime.close()


def test_sigterm_finishes_acknowledged_requests_and_keeps_their_query_log(
    fake_slack: FakeSlack, tmp_path: Path, pg_cluster: PgCluster
) -> None:
    # On PostgreSQL (its pool is what closes last); SQLite's shutdown was measured in the
    # first release and is exercised by every live-server test's SIGTERM.
    slack = fake_slack
    url = pg_cluster.fresh_database("sigterm")
    statuses: list[int] = []
    with start_server(slack, tmp_path, url) as running:
        first = threading.Event()

        def ask(n: int) -> None:
            body = command_body(ESTIMATE, slack.response_url("sigterm"), user=f"USIGTERM{n}")
            try:
                statuses.append(running.slack(body).status)
            except OSError:  # refused once the server stopped listening: never acknowledged
                return
            first.set()

        threads = [threading.Thread(target=ask, args=(n,)) for n in range(40)]
        for thread in threads:
            thread.start()
        assert first.wait(10)
        running.process.send_signal(signal.SIGTERM)
        for thread in threads:
            thread.join(20)
        assert running.process.wait(20) == 0
        acknowledged = statuses.count(200)
        db = running.open_db()
        try:
            logged = count_rows(db, "queries")
        finally:
            db.close()
    assert acknowledged >= 1
    assert logged == acknowledged  # every answered request's query-log row was flushed


def test_unknown_path_is_404(server: Server) -> None:
    response = server.request("GET", "/nope")
    assert response.status == 404
    assert response.json() == {"error": "not found"}


def test_usage_with_the_bearer_token_is_accepted(server: Server) -> None:
    event = {"id": "http-e2e-1", "model": "gpt-4o", "input_tokens": 1000, "output_tokens": 500}
    body = json.dumps(event)
    json_type = {"content-type": "application/json"}
    assert server.request("POST", "/usage", body, json_type).status == 401
    bearer = {**json_type, "authorization": f"Bearer {INGEST_TOKEN}"}
    response = server.request("POST", "/usage", body, bearer)
    assert response.status == 202
    assert response.json()["accepted"] == 1


# -- slash commands --------------------------------------------------------------------------


def test_slash_command_answers_ephemerally_in_the_ack(server: Server, slack: FakeSlack) -> None:
    body = command_body(ESTIMATE, slack.response_url("ephemeral"), user="UEPHEMERAL")
    response = server.slack(body)
    assert response.status == 200
    reply = response.json()
    assert reply["response_type"] == "ephemeral"
    assert "gpt-4o" in reply["text"]
    assert "$0.0075" in reply["text"]
    rows = server.wait_queries("UEPHEMERAL")
    assert (rows[0].surface, rows[0].kind, rows[0].model) == ("command", "estimate", "gpt-4o")
    assert slack.calls("response/ephemeral") == []


def test_share_word_acks_empty_and_posts_in_channel(server: Server, slack: FakeSlack) -> None:
    body = command_body("gpt-4o 1000 500 share", slack.response_url("share-word"), user="USHARE")
    response = server.slack(body)
    assert response.status == 200
    assert response.body == b""
    posted = slack.wait_for("response/share-word")
    assert posted[0].body["response_type"] == "in_channel"
    assert "gpt-4o" in posted[0].body["text"]


BAD_SIGNATURES: dict[str, Callable[[str], dict[str, str]]] = {
    "missing-headers": lambda body: {},
    "tampered-body": lambda body: sign(body.replace("1000", "9000")),
    "wrong-secret": lambda body: sign(body, secret="wrong-secret"),
    "older-than-5-minutes": lambda body: sign(body, timestamp=int(time.time()) - 301),
}


@pytest.mark.parametrize("case", sorted(BAD_SIGNATURES))
def test_badly_signed_requests_are_refused_and_not_logged(
    server: Server, slack: FakeSlack, case: str
) -> None:
    user, hook = f"UBAD-{case}", f"bad-{case}"
    body = command_body("gpt-4o 1000 500 share", slack.response_url(hook), user=user)
    response = server.slack(body, {"content-type": FORM, **BAD_SIGNATURES[case](body)})
    assert response.status == 401
    time.sleep(0.1)  # a wrongly dispatched listener would have logged by now
    assert server.queries(user) == []
    assert slack.calls(f"response/{hook}") == []


# -- events and interactivity ----------------------------------------------------------------


def test_mention_is_answered_in_the_thread_once_despite_a_retry(
    server: Server, slack: FakeSlack
) -> None:
    thread = "1700000000.424242"
    event = {
        "type": "app_mention", "user": "UMENTION", "text": "<@UBOT> gpt-4o 1000 500",
        "ts": thread, "channel": "C424", "team": "T123",
    }  # fmt: skip
    body = event_body(event, event_id="EvHttpMention1")
    assert server.slack(body).status == 200
    retry = {**sign(body), "content-type": "application/json", "x-slack-retry-num": "1",
             "x-slack-retry-reason": "http_timeout"}  # fmt: skip
    assert server.slack(body, retry).status == 200

    def in_thread() -> list[Any]:
        return [c for c in slack.calls("chat.postMessage") if c.body.get("thread_ts") == thread]

    deadline = time.monotonic() + 5
    while not in_thread() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # room for a second, wrong answer to arrive
    posted = in_thread()
    assert len(posted) == 1
    assert posted[0].body["channel"] == "C424"
    assert "gpt-4o" in posted[0].body["text"]
    assert server.wait_queries("UMENTION")[0].surface == "mention"


def test_share_button_posts_in_channel_through_the_response_url(
    server: Server, slack: FakeSlack
) -> None:
    body = action_body("share_reply", "gpt-4o 1000 500", slack.response_url("button"), "UBTN")
    assert server.slack(body).status == 200
    calls = slack.wait_for("response/button", 2)
    assert calls[0].body["response_type"] == "in_channel"
    assert "gpt-4o" in calls[0].body["text"]
    assert calls[1].body["delete_original"] is True


# -- OAuth (multi-workspace), in-process -----------------------------------------------------


def _wsgi_get(app: Callable[..., Any], path: str, query: str = "", cookie: str = "") -> Response:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
        "wsgi.input": io.BytesIO(b""),
    }  # fmt: skip
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    setup_testing_defaults(environ)
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started.update(status=int(status.split()[0]), headers=dict(headers))

    body = b"".join(app(environ, start_response))
    return Response(started["status"], started["headers"], body)


@pytest.fixture
def oauth_runtime(tmp_path: Path, slack: FakeSlack) -> Iterator[Runtime]:
    env = {
        "SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "client-secret",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": slack.url,
        "TOKENCOST_DB": str(tmp_path / "oauth.db"),
    }  # fmt: skip
    settings = Settings.from_env(env)
    assert (settings.mode, settings.oauth) == ("http", True)
    runtime = Runtime.start(settings, encodings=False)
    try:
        yield runtime
    finally:
        runtime.close()


def test_install_page_links_to_slack_authorize_with_scopes_and_state(
    oauth_runtime: Runtime,
) -> None:
    response = _wsgi_get(build_wsgi(oauth_runtime), "/slack/install")
    assert response.status == 200
    page = response.body.decode()
    match = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page)
    assert match, page
    query = parse_qs(urlsplit(html.unescape(match.group(1))).query)
    assert query["client_id"] == ["111.222"]
    assert "commands" in query["scope"][0].split(",")
    assert "chat:write" in query["scope"][0].split(",")
    assert query["state"][0]


REDIRECT_CASES = {
    "no-state-no-cookie": ("", "", "invalid_browser"),
    "code-without-state": ("code=abc", "", "invalid_browser"),
    "state-without-cookie": ("code=abc&state=forged", "", "invalid_browser"),
    # The browser cookie matches, but the state was never issued by our state store.
    "forged-state": ("code=abc&state=forged", "slack-app-oauth-state=forged", "invalid_state"),
}


@pytest.mark.parametrize("case", sorted(REDIRECT_CASES))
def test_oauth_redirect_without_a_valid_state_fails_cleanly(
    oauth_runtime: Runtime, slack: FakeSlack, case: str
) -> None:
    query, cookie, reason = REDIRECT_CASES[case]
    before = len(slack.calls("oauth.v2.access"))
    response = _wsgi_get(build_wsgi(oauth_runtime), "/slack/oauth_redirect", query, cookie)
    assert response.status in (400, 401)  # Bolt: 400 invalid_browser, 401 invalid_state
    page = response.body.decode()
    assert f"reason: {reason}" in page
    assert "Traceback" not in page
    assert len(slack.calls("oauth.v2.access")) == before  # no code was exchanged
