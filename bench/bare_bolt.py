"""The baseline for bench/ack.py: a bare Bolt app whose `/tokencost` acks a fixed string.

Configured as ours is (bot/slack/app.py): `process_before_response=True`, so the ack runs in
the request thread, and the command answered by an ack function alone, as ours answers the
benchmark's command (bot/slack/listeners/commands.py: only commands that may need Slack take
a listener with a lazy half, whose deep copy of the request Bolt makes on every match).
Bolt's default configuration (listener in a pool, the request thread polling for `ack()`
every 10 ms) is a weaker baseline: it holds every request >= 10 ms.

    python bench/bare_bolt.py PORT SLACK_API_URL SIGNING_SECRET THREADS

Served by `bot.slack.server.serve_http` (uvicorn with a thread pool), exactly as production
serves ours, so the benchmark compares the apps and not the servers.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.slack.server import serve_http  # noqa: E402

BOT_TOKEN = "xoxb-bench-bare"
FIXED_REPLY = "gpt-4o: $0.0075 per call, $75.00 per day"


def build(slack_api_url: str, signing_secret: str) -> SlackRequestHandler:
    """The bare app, as a WSGI callable (Bolt's own adapter, no router in front)."""
    app = App(
        signing_secret=signing_secret,
        client=WebClient(token=BOT_TOKEN, base_url=slack_api_url),  # Bolt takes the token from it
        token_verification_enabled=False,
        process_before_response=True,  # as ours: the ack runs in the request thread
    )

    def tokencost(ack: Ack, command: dict[str, Any]) -> None:
        ack(FIXED_REPLY)

    app.command("/tokencost")(tokencost)
    return SlackRequestHandler(app)


def main(argv: list[str]) -> None:
    port, slack_api_url, signing_secret, threads = argv
    app = build(slack_api_url, signing_secret)
    gc.collect()
    gc.freeze()  # as `tokencost serve` does before serving
    serve_http(app, int(port), int(threads), host="127.0.0.1")


if __name__ == "__main__":
    main(sys.argv[1:])
