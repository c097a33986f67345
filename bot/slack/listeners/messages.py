"""@-mentions and direct messages: the same language, answered in the thread.

The bot never answers itself or other bots (Bolt drops its own events; we also skip any
message with a `bot_id` or a subtype). Retried deliveries are answered once: see `dedupe`.

The HTTP answer is the bare ack; the reply is computed and posted by a lazy listener after it
(chat.postMessage, and any channel look-up, may be slow or rate-limited). If the post fails
(`not_in_channel`, a long rate limit) it is logged and the event id is forgotten, so a retry
of the event from Slack is answered rather than dropped as already seen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse, Say
from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient

from bot.pipeline import Asker, answer, log_reply
from bot.render.slack import unescape_incoming
from bot.runtime import Runtime
from bot.slack.decorate import decorate
from bot.slack.listeners.channels import channel_checker, channel_resolver
from bot.slack.listeners.guard import apology, log_incident, send_safely
from bot.slack.listeners.workspaces import workspace_of
from bot.store.db import forget_event, mark_event_seen

__all__ = ["register", "strip_mention"]

_MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")


def strip_mention(text: str) -> str:
    """The text of a message without the `<@U123>` mentions in it."""
    return _MENTION.sub(" ", text).strip()


class _Dedupe(Middleware):
    """Answer each event once, even when Slack retries it.

    Keyed on the top-level `event_id`, which stays the same across retries; a retry whose
    original never arrived is still answered (slack-facts §6: don't drop on Retry-Num). A
    `Middleware` subclass: Bolt calls it without keyword-argument injection (issue 15)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body if isinstance(req.body, dict) else {}
        event_id = body.get("event_id")
        if body.get("type") == "event_callback" and isinstance(event_id, str):
            try:
                ws = workspace_of(req.context)
            except ValueError:  # no workspace named: nothing of ours will answer it anyway
                ws = None
            runtime = self.runtime
            if ws is not None and not mark_event_seen(runtime.db(), ws, event_id, runtime.clock()):
                return BoltResponse(status=200, body="")
        return next()


def register(app: App, runtime: Runtime) -> None:
    """Register mention and DM listeners, and the retry dedupe middleware."""

    def reply_in_thread(
        body: dict[str, Any],
        event: dict[str, Any],
        say: Say,
        client: WebClient,
        context: BoltContext,
        surface: str,
    ) -> None:
        if event.get("bot_id") or event.get("subtype"):
            return
        ws = workspace_of(context)
        asker = Asker(
            surface=surface,
            workspace=ws,
            channel_id=event.get("channel"),
            user_id=event.get("user"),
        )
        thread_ts = event.get("thread_ts") or event.get("ts")
        try:
            text = unescape_incoming(strip_mention(str(event.get("text") or "")))
            reply = answer(runtime, text, asker, channel_resolver(client), channel_checker(client))
            message: dict[str, Any] = {"text": reply.mrkdwn or reply.text,
                                       "blocks": decorate(reply, surface, text)}  # fmt: skip
        except Exception as exc:
            reply, message = None, {"text": apology(log_incident(surface, exc))}
        posted = send_safely(f"{surface} reply in {event.get('channel')}",
                             lambda: say(**message, thread_ts=thread_ts))  # fmt: skip
        event_id = body.get("event_id")
        if not posted and isinstance(event_id, str):
            forget_event(runtime.db(), ws, event_id)  # not answered: let Slack's retry through
        if reply is not None:
            log_reply(runtime, reply)

    def ack_event(ack: Ack) -> None:
        ack()

    def handle_app_mention(
        body: dict[str, Any], event: dict[str, Any], say: Say, client: WebClient,
        context: BoltContext,
    ) -> None:  # fmt: skip
        reply_in_thread(body, event, say, client, context, "mention")

    def handle_direct_message(
        body: dict[str, Any], event: dict[str, Any], say: Say, client: WebClient,
        context: BoltContext,
    ) -> None:  # fmt: skip
        if event.get("channel_type") == "im":
            reply_in_thread(body, event, say, client, context, "dm")

    app.use(_Dedupe(runtime))
    app.event("app_mention")(ack=ack_event, lazy=[handle_app_mention])
    app.event("message")(ack=ack_event, lazy=[handle_direct_message])
