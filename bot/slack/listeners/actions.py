"""Buttons: "Share in channel", related FAQ questions, and "Was this helpful?" votes."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.pipeline import Asker, answer, log_reply
from bot.runtime import Runtime
from bot.slack.decorate import ACTION_FAQ_RELATED, ACTION_FAQ_VOTE, ACTION_SHARE, decorate
from bot.slack.listeners.guard import apology, log_incident
from bot.slack.listeners.workspaces import workspace_of
from bot.store.queries import record_faq_vote

__all__ = ["register"]

_BAD_VOTE = "Sorry, I couldn't record that vote; please ask the question again."


def _asker(body: dict[str, Any], context: BoltContext) -> Asker:
    return Asker(
        surface="action",
        workspace=workspace_of(context),
        channel_id=(body.get("channel") or {}).get("id"),
        user_id=(body.get("user") or {}).get("id"),
    )


def _value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def _vote(value: str) -> tuple[str, bool] | None:
    """The (entry id, helpful) a vote button carries; None for a value we never send.

    Button values come back from the client, so an empty, unknown or garbled one is
    refused rather than stored as a "not helpful" vote on a made-up id.
    """
    import faq

    faq_id, _, verdict = value.partition(":")
    if verdict not in ("yes", "no"):
        return None
    try:
        faq.get_entry(faq_id)
    except KeyError:
        return None
    return faq_id, verdict == "yes"


def register(app: App, runtime: Runtime) -> None:
    """Register the button listeners."""

    def handle_share(
        ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext
    ) -> None:
        """Post the answer for everyone: the same text, evaluated again (prices may be newer)."""
        ack()
        try:
            reply = answer(runtime, _value(body), _asker(body, context))
        except Exception as exc:
            respond(response_type="ephemeral", text=apology(log_incident("share", exc)),
                    replace_original=False)  # fmt: skip
            return
        respond(response_type="in_channel", text=reply.mrkdwn or reply.text, blocks=reply.blocks,
                replace_original=False)  # fmt: skip
        respond(delete_original=True)
        log_reply(runtime, reply)

    def handle_faq_related(
        ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext
    ) -> None:
        """Answer a related question in place of the current answer."""
        ack()
        try:
            reply = answer(runtime, f"faq {_value(body)}", _asker(body, context))
        except Exception as exc:
            respond(text=apology(log_incident("faq_related", exc)), replace_original=False)
            return
        respond(
            text=reply.mrkdwn or reply.text,
            blocks=decorate(reply, "action", ""),
            replace_original=True,
        )
        log_reply(runtime, reply)

    def handle_faq_vote(
        ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext
    ) -> None:
        """Store a helpful / not helpful vote (one per person and entry; a new vote replaces)."""
        ack()
        user = (body.get("user") or {}).get("id") or "unknown"
        try:
            vote = _vote(_value(body))
            if vote is not None:
                record_faq_vote(runtime.db(), workspace_of(context), vote[0], user, vote[1],
                                runtime.clock())  # fmt: skip
        except Exception as exc:
            respond(text=apology(log_incident("faq_vote", exc)), replace_original=False)
            return
        if vote is None:
            respond(response_type="ephemeral", text=_BAD_VOTE, replace_original=False)
            return
        thanks = (
            "Thanks, glad it helped."
            if vote[1]
            else ("Thanks for telling us; we review unhelpful answers.")
        )
        respond(response_type="ephemeral", text=thanks, replace_original=False)

    app.action(ACTION_SHARE)(handle_share)
    app.action(re.compile(f"^{ACTION_FAQ_RELATED}"))(handle_faq_related)
    app.action(re.compile(f"^{ACTION_FAQ_VOTE}"))(handle_faq_vote)
