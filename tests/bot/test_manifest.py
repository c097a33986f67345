"""The app manifest: YAML and JSON say the same, and declare what the code uses, nothing more."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from bot.render.count import COUNT_SHORTCUT_CALLBACK
from bot.render.views import ESTIMATOR_CALLBACK
from bot.slack.app import BOT_SCOPES

ROOT = Path(__file__).parents[2]
MANIFEST = yaml.safe_load((ROOT / "manifest.yaml").read_text(encoding="utf-8"))


def test_yaml_and_json_are_the_same_manifest() -> None:
    assert json.loads((ROOT / "manifest.json").read_text(encoding="utf-8")) == MANIFEST


def test_scopes_are_the_ones_oauth_installs_ask_for() -> None:
    scopes = MANIFEST["oauth_config"]["scopes"]["bot"]
    assert scopes == list(BOT_SCOPES)
    assert "im:read" not in scopes and "im:write" not in scopes  # nothing calls im.* or opens DMs
    assert {"files:write", "assistant:write"} <= set(scopes)


def test_shortcuts_match_the_callbacks_the_code_handles() -> None:
    shortcuts = {s["callback_id"]: s for s in MANIFEST["features"]["shortcuts"]}
    assert shortcuts[ESTIMATOR_CALLBACK]["type"] == "global"
    assert shortcuts[COUNT_SHORTCUT_CALLBACK]["type"] == "message"
    for shortcut in shortcuts.values():
        assert len(shortcut["name"]) <= 24 and len(shortcut["description"]) <= 150


def test_the_assistant_view_and_the_options_url_are_declared() -> None:
    assistant = MANIFEST["features"]["assistant_view"]
    assert assistant["assistant_description"]
    assert len(assistant["suggested_prompts"]) <= 4
    interactivity = MANIFEST["settings"]["interactivity"]
    # External selects (the model pickers) load their options from this URL.
    assert interactivity["message_menu_options_url"] == interactivity["request_url"]


def test_the_assistant_events_and_the_admin_check_are_declared() -> None:
    events = MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert {"assistant_thread_started", "assistant_thread_context_changed"} <= set(events)
    assert "message.im" in events  # messages in the assistant thread arrive as DMs
    assert "users:read" in MANIFEST["oauth_config"]["scopes"]["bot"]  # users.info: is_admin
