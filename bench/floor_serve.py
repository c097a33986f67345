"""`tokencost serve` with every `/tokencost` answer computed once per text and replayed: the
floor under bench/ack.py's ratio.

    python bench/floor_serve.py          (the same environment as `tokencost serve`)

Everything else is the production server's: the signed request through the same Bolt app,
its middleware and listeners, the reply's Block Kit and JSON, the query-log row written for
every request, the access log. Only parsing, pricing and rendering are skipped after the first
request with a given text, so the CPU per request this server costs is what no speed-up of
our parse, price or render code can go below. A benchmark tool only: production never
replays an answer (prices and the clock move; each command is answered afresh).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.cli.main import main  # noqa: E402
from bot.reply import Reply  # noqa: E402
from bot.slack.listeners import commands  # noqa: E402

_answers: dict[str, tuple[Reply, list[dict[str, Any]]]] = {}
_answer, _decorate = commands.answer, commands.decorate  # type: ignore[attr-defined]


def _replayed_answer(runtime: Any, text: str, *rest: Any) -> Reply:
    """The first answer to `text`, query-log row included: each request still queues a row
    for the writer (the same row's content; what it costs to store does not depend on it)."""
    if text not in _answers:
        reply = _answer(runtime, text, *rest)
        _answers[text] = (reply, _decorate(reply, "command", text))
        reply.mrkdwn  # noqa: B018  # rendered once too (a cached property)
    return _answers[text][0]


def _replayed_blocks(reply: Reply, surface: str, typed_text: str) -> list[dict[str, Any]]:
    return _answers[typed_text][1]


@contextlib.contextmanager
def replaying() -> Iterator[None]:
    """Inside: `/tokencost` replays each text's answer (bench/inproc.py times it in-process)."""
    saved = commands.answer, commands.decorate  # type: ignore[attr-defined]
    commands.answer = _replayed_answer  # type: ignore[attr-defined,assignment]
    commands.decorate = _replayed_blocks  # type: ignore[attr-defined]
    try:
        yield
    finally:
        commands.answer, commands.decorate = saved  # type: ignore[attr-defined]


if __name__ == "__main__":
    with replaying():
        sys.exit(main(["serve"]))
