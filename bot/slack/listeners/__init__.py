"""Slack listeners, grouped by Slack feature; each group exposes `register(app, runtime)`."""

from __future__ import annotations

from slack_bolt import App

from bot.runtime import Runtime
from bot.slack.listeners import actions, commands, faq_teach, home, messages, workspaces

__all__ = ["register_listeners"]


def register_listeners(app: App, runtime: Runtime) -> None:
    """Attach every listener group to the app."""
    for group in (workspaces, commands, messages, actions, home):
        group.register(app, runtime)
    faq_teach.register(app, runtime, home.build_home_view)
