"""Build signed Slack requests the way Slack sends them (form-encoded commands, JSON events)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_bolt import App, BoltResponse
from slack_bolt.request import BoltRequest

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-token"


def sign(body: str, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """Headers Slack would send with `body` (v0 HMAC-SHA256 of `v0:{ts}:{body}`)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"x-slack-request-timestamp": ts, "x-slack-signature": f"v0={digest}"}


def command_body(
    text: str, response_url: str, user: str = "U111", channel: str = "C222", team: str = "T123"
) -> str:
    """A `/tokencost` payload, form-encoded."""
    return urlencode({
        "team_id": team, "team_domain": "acme", "channel_id": channel,
        "channel_name": "general", "user_id": user, "user_name": "ada",
        "command": "/tokencost", "text": text, "response_url": response_url,
        "trigger_id": "123.456.abc", "api_app_id": "A999",
    })  # fmt: skip


def event_body(event: dict[str, Any], event_id: str = "Ev001", team: str = "T123") -> str:
    """An Events API `event_callback` envelope, as JSON."""
    return json.dumps({
        "token": "unused", "team_id": team, "api_app_id": "A999", "type": "event_callback",
        "event_id": event_id, "event_time": int(time.time()), "event": event,
        "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}],
    })  # fmt: skip


def action_body(
    action_id: str, value: str, response_url: str, user: str = "U111", team: str = "T123"
) -> str:
    """A `block_actions` payload, form-encoded as `payload=<json>`."""
    payload = {
        "type": "block_actions",
        "team": {"id": team, "domain": "acme"},
        "user": {"id": user, "username": "ada", "team_id": team},
        "api_app_id": "A999",
        "channel": {"id": "C222", "name": "general"},
        "container": {"type": "message", "is_ephemeral": True},
        "trigger_id": "123.456.abc",
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "b",
                "value": value,
                "action_ts": "1.2",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


def dispatch(app: App, body: str, headers: dict[str, str] | None = None) -> BoltResponse:
    """Dispatch `body` through the real Bolt app, signed unless `headers` are given."""
    content_type = (
        "application/json" if body.startswith("{") else "application/x-www-form-urlencoded"
    )
    hdrs: dict[str, Any] = {
        "content-type": content_type,
        **(sign(body) if headers is None else headers),
    }
    return app.dispatch(BoltRequest(body=body, headers=hdrs))
