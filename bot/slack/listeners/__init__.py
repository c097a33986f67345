"""Slack listeners, grouped by Slack feature; each group exposes `register(app, runtime)`."""

from __future__ import annotations

from slack_bolt import App

from bot.runtime import Runtime
from bot.slack.listeners import (
    actions,
    assistant,
    commands,
    count,
    estimator,
    faq_teach,
    home,
    home_actions,
    messages,
    workspaces,
)

__all__ = ["register_listeners"]


def register_listeners(app: App, runtime: Runtime) -> None:
    """Attach every listener group to the app.

    `/tokencost` first: Bolt tries listeners in registration order, and each matcher it runs
    before the match costs an injection of keyword arguments. Middleware keep their own order
    (workspaces, then the retry dedupe in `messages`, then the assistant)."""
    for group in (
        commands,
        workspaces,
        messages,
        assistant,
        actions,
        home,
        home_actions,
        estimator,
        count,
    ):
        group.register(app, runtime)
    faq_teach.register(app, runtime, home.build_home_view)
