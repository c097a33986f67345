"""`/tokencost`: the reply goes in the ack, well inside Slack's 3-second window.

Answers are ephemeral (only the asker sees them) unless the text says `share`; then the ack is
empty and the answer is posted for the channel through the `response_url`. The query log is
written after the reply has gone out, and a failed write never fails the reply.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.pipeline import Asker, answer, log_reply
from bot.render.slack import unescape_incoming
from bot.runtime import Runtime
from bot.slack.decorate import decorate
from bot.slack.listeners.channels import channel_resolver
from bot.slack.listeners.guard import apology, log_incident
from bot.slack.listeners.workspaces import workspace_of

__all__ = ["register"]


def register(app: App, runtime: Runtime) -> None:
    """Register the slash command listener."""

    def handle_tokencost(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient,
        context: BoltContext,
    ) -> None:  # fmt: skip
        try:
            asker = Asker(
                surface="command",
                workspace=workspace_of(context),
                channel_id=command.get("channel_id"),
                user_id=command.get("user_id"),
            )
            text = unescape_incoming(str(command.get("text") or ""))
            reply = answer(runtime, text, asker, channel_resolver(client))
            blocks = decorate(reply, "command", text)
        except Exception as exc:
            ack(response_type="ephemeral", text=apology(log_incident("/tokencost", exc)))
            return
        if reply.share and not reply.is_error:
            ack()
            respond(response_type="in_channel", text=reply.mrkdwn or reply.text, blocks=blocks)
        else:
            ack(response_type="ephemeral", text=reply.mrkdwn or reply.text, blocks=blocks)
        log_reply(runtime, reply)

    app.command("/tokencost")(handle_tokencost)
