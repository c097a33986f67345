"""bench/floor_serve.py replays answers and nothing else: the floor bench/ack.py prints beside
ours is what every request still costs (the same reply, a query-log row each), without the
answer's parse, price and render. A broken replay would inflate the floor (the claim that
the 1.25x target leaves the answer nothing rests on it), so it is checked here."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from bot import pipeline
from bot.config import Settings
from bot.runtime import Runtime
from bot.slack.decorate import decorate
from bot.slack.listeners import commands
from bot.slack.serve import build_wsgi
from tests.bot.slack_requests import SIGNING_SECRET, command_body, sign
from tests.fake_slack import FakeSlack

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import floor_serve
import inproc

TEXT = "gpt-4o 1000 in 500 out x 10k/day"
WSGI = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _post(app: WSGI, body: str) -> dict[str, Any]:
    statuses: list[str] = []
    environ = inproc._environ(body.encode(), sign(body))
    out = b"".join(app(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["200 OK"]
    answer: dict[str, Any] = json.loads(out)
    return answer


@pytest.fixture
def runtime(tmp_path: Path, fake_slack: FakeSlack) -> Iterable[Runtime]:
    settings = Settings(db_path=tmp_path / "t.db", bot_token="xoxb-floor",
                        signing_secret=SIGNING_SECRET, slack_api_url=fake_slack.url)  # fmt: skip
    started = Runtime.start(settings, encodings=False)
    yield started
    started.close()


def test_the_floor_replays_the_same_answer_and_still_logs_every_request(
    runtime: Runtime, fake_slack: FakeSlack
) -> None:
    app = build_wsgi(runtime)
    hook = fake_slack.response_url("floor")
    ours = _post(app, command_body(TEXT, hook, user="U1"))
    calls: list[str] = []
    answer = floor_serve._answer

    def counted(*args: Any) -> Any:
        calls.append(args[1])
        return answer(*args)

    floor_serve._answer = counted  # type: ignore[assignment]
    try:
        with floor_serve.replaying():
            replayed = [_post(app, command_body(TEXT, hook, user=f"U{n}")) for n in range(3)]
    finally:
        floor_serve._answer = answer
    assert calls == [TEXT]  # answered once, replayed twice
    assert all(reply == ours for reply in replayed)  # the very reply ours sends, blocks and all
    assert ours["blocks"] and "$2,250.00 per month" in ours["text"]
    # Left as it was: the real answer again.
    assert (commands.answer, commands.decorate) == (pipeline.answer, decorate)  # type: ignore[attr-defined]
    assert runtime.flush_query_log()
    # A row a request: the replayed ones repeat the first asker's row (the same cost to store).
    rows = list(runtime.db().query("SELECT user_id FROM queries ORDER BY id"))
    assert [row["user_id"] for row in rows] == ["U1", "U0", "U0", "U0"]
