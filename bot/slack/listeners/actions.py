"""Buttons: "Share in channel", related FAQ questions, and "Was this helpful?" votes."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.pipeline import Asker, answer, log_reply
from bot.runtime import Runtime
from bot.slack.decorate import (
    ACTION_FAQ_FEEDBACK,
    ACTION_FAQ_RELATED,
    ACTION_FAQ_VOTE,
    ACTION_SHARE,
    decorate,
)
from bot.slack.listeners.guard import apology, log_incident, send_safely
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


def _vote(value: str, known: set[str]) -> tuple[str, bool] | None:
    """The (entry id, helpful) a vote button carries; None for a value we never send.

    Button values come back from the client, so an empty, unknown or garbled one is
    refused rather than stored as a "not helpful" vote on a made-up id. `known` holds the
    workspace's entry ids (bundled and its own).
    """
    faq_id, _, verdict = value.partition(":")
    if verdict not in ("yes", "no") or faq_id not in known:
        return None
    return faq_id, verdict == "yes"


def _ack(ack: Ack) -> None:
    """Every button is acknowledged at once; its work (and every respond()) comes after."""
    ack()


def _send(respond: Respond, where: str, **message: Any) -> bool:
    """respond() after the ack; a failure is one log line (see `send_safely`)."""
    return send_safely(where, lambda: respond(**message))


def register(app: App, runtime: Runtime) -> None:
    """Register the button listeners: an empty ack, then a lazy listener that answers."""

    def handle_share(body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        """Post the answer for everyone: the same text, evaluated again (prices may be newer)."""
        try:
            reply = answer(runtime, _value(body), _asker(body, context))
        except Exception as exc:
            text = apology(log_incident("share", exc))
            _send(respond, "share", response_type="ephemeral", text=text, replace_original=False)
            return
        if _send(respond, "share", response_type="in_channel", text=reply.mrkdwn or reply.text,
                 blocks=reply.blocks, replace_original=False):  # fmt: skip
            _send(respond, "share delete", delete_original=True)
        log_reply(runtime, reply)

    def handle_faq_related(body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        """Answer a related question in place of the current answer."""
        try:
            reply = answer(runtime, f"faq {_value(body)}", _asker(body, context))
        except Exception as exc:
            text = apology(log_incident("faq_related", exc))
            _send(respond, "faq_related", text=text, replace_original=False)
            return
        _send(respond, "faq_related", text=reply.mrkdwn or reply.text,
              blocks=decorate(reply, "action", ""), replace_original=True)  # fmt: skip
        log_reply(runtime, reply)

    def store_vote(body: dict[str, Any], context: BoltContext) -> tuple[str, bool] | None:
        """Store the vote a button carries (one per person and entry; a new vote replaces):
        the (entry id, helpful) stored, or None for a value we never send."""
        user = (body.get("user") or {}).get("id") or "unknown"
        ws = workspace_of(context)
        known = {entry.id for entry in runtime.faq_matcher(ws).entries}
        vote = _vote(_value(body), known)
        if vote is not None:
            record_faq_vote(runtime.db(), ws, vote[0], user, vote[1], runtime.clock())
        return vote

    def handle_faq_vote(body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        """Store a helpful / not helpful vote (one per person and entry; a new vote replaces)."""
        try:
            vote = store_vote(body, context)
        except Exception as exc:
            text = apology(log_incident("faq_vote", exc))
            _send(respond, "faq_vote", text=text, replace_original=False)
            return
        if vote is None:
            _send(respond, "faq_vote", response_type="ephemeral", text=_BAD_VOTE,
                  replace_original=False)  # fmt: skip
            return
        thanks = (
            "Thanks, glad it helped."
            if vote[1]
            else ("Thanks for telling us; we review unhelpful answers.")
        )
        _send(respond, "faq_vote", response_type="ephemeral", text=thanks, replace_original=False)

    def handle_feedback(body: dict[str, Any], context: BoltContext) -> None:
        """Slack's feedback buttons (assistant thread): stored like "Was this helpful?"; Slack
        shows the pressed state itself, so nothing is posted back."""
        try:
            store_vote(body, context)
        except Exception as exc:
            log_incident("faq_feedback", exc)

    app.action(ACTION_FAQ_FEEDBACK)(ack=_ack, lazy=[handle_feedback])
    app.action(ACTION_SHARE)(ack=_ack, lazy=[handle_share])
    app.action(re.compile(f"^{ACTION_FAQ_RELATED}"))(ack=_ack, lazy=[handle_faq_related])
    app.action(re.compile(f"^{ACTION_FAQ_VOTE}"))(ack=_ack, lazy=[handle_faq_vote])
