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


def interactive_body(payload: dict[str, Any], team: str = "T123", user: str = "U111") -> str:
    """Any interactive payload (shortcut, block_suggestion, view_submission...), form-encoded,
    with the team, user and app ids Slack always adds."""
    full = {
        "team": {"id": team, "domain": "acme"},
        "user": {"id": user, "username": "ada", "team_id": team},
        "api_app_id": "A999",
        "token": "unused",
        **payload,
    }
    return urlencode({"payload": json.dumps(full)})


def shortcut_body(callback_id: str, team: str = "T123", user: str = "U111") -> str:
    """A global shortcut (`type: shortcut`)."""
    payload = {"type": "shortcut", "callback_id": callback_id, "trigger_id": "123.456.abc",
               "action_ts": "1.2"}  # fmt: skip
    return interactive_body(payload, team, user)


def message_action_body(
    callback_id: str, text: str, response_url: str, team: str = "T123", user: str = "U111"
) -> str:
    """A message shortcut (`type: message_action`) on a message saying `text`."""
    return interactive_body({
        "type": "message_action", "callback_id": callback_id, "trigger_id": "123.456.abc",
        "action_ts": "1.2", "message_ts": "1700000000.000100", "response_url": response_url,
        "channel": {"id": "C222", "name": "general"},
        "message": {"type": "message", "user": "U333", "ts": "1700000000.000100", "text": text},
    }, team, user)  # fmt: skip


def suggestion_body(action_id: str, value: str, block_id: str = "b",
                    view: dict[str, Any] | None = None) -> str:  # fmt: skip
    """A `block_suggestion` (options load) for an external select."""
    payload: dict[str, Any] = {"type": "block_suggestion", "action_id": action_id,
                               "block_id": block_id, "value": value}  # fmt: skip
    if view is not None:
        payload["view"] = view
    else:
        payload["container"] = {"type": "message", "is_ephemeral": True}
        payload["channel"] = {"id": "C222", "name": "general"}
    return interactive_body(payload)


def view_submission_body(view: dict[str, Any], values: dict[str, Any]) -> str:
    """A `view_submission` of `view` (as we built it) with the given `state.values`."""
    submitted = {**view, "id": "V123", "hash": "h1", "state": {"values": values}}
    return interactive_body({"type": "view_submission", "trigger_id": "123.456.abc",
                             "view": submitted})  # fmt: skip


def view_action_body(view: dict[str, Any], values: dict[str, Any], action: dict[str, Any],
                     container: str = "view") -> str:  # fmt: skip
    """A `block_actions` from inside a modal or the Home tab (`view.state.values` included)."""
    shown = {**view, "id": "V123", "hash": "h1", "state": {"values": values}}
    return interactive_body({
        "type": "block_actions", "trigger_id": "123.456.abc",
        "container": {"type": container, "view_id": "V123"}, "view": shown,
        "actions": [{"action_ts": "1.2", "block_id": "b", **action}],
    })  # fmt: skip


def menu_action_body(action: dict[str, Any], response_url: str) -> str:
    """A `block_actions` from an (ephemeral) message, with any action fields."""
    return interactive_body({
        "type": "block_actions", "trigger_id": "123.456.abc", "response_url": response_url,
        "container": {"type": "message", "is_ephemeral": True},
        "channel": {"id": "C222", "name": "general"},
        "actions": [{"action_ts": "1.2", "block_id": "b", **action}],
    })  # fmt: skip
