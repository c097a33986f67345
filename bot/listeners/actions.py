"""Buttons: "Share in channel", related FAQ questions, and "Was this helpful?" votes."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond

from ..decorate import ACTION_FAQ_RELATED, ACTION_FAQ_VOTE, ACTION_SHARE, decorate
from ..pipeline import Asker, answer, log_reply
from ..querylog import record_faq_vote
from ..runtime import Runtime
from .guard import apology, log_incident

__all__ = ["register"]


def _asker(body: dict[str, Any]) -> Asker:
    return Asker(
        surface="action",
        team_id=(body.get("team") or {}).get("id"),
        channel_id=(body.get("channel") or {}).get("id"),
        user_id=(body.get("user") or {}).get("id"),
    )


def _value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def register(app: App, runtime: Runtime) -> None:
    """Register the button listeners."""

    def handle_share(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        """Post the answer for everyone: the same text, evaluated again (prices may be newer)."""
        ack()
        try:
            reply = answer(runtime, _value(body), _asker(body))
        except Exception as exc:
            respond(response_type="ephemeral", text=apology(log_incident("share", exc)),
                    replace_original=False)  # fmt: skip
            return
        respond(response_type="in_channel", text=reply.mrkdwn or reply.text, blocks=reply.blocks,
                replace_original=False)  # fmt: skip
        respond(delete_original=True)
        log_reply(runtime, reply)

    def handle_faq_related(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        """Answer a related question in place of the current answer."""
        ack()
        try:
            reply = answer(runtime, f"faq {_value(body)}", _asker(body))
        except Exception as exc:
            respond(text=apology(log_incident("faq_related", exc)), replace_original=False)
            return
        respond(
            text=reply.mrkdwn or reply.text,
            blocks=decorate(reply, "action", ""),
            replace_original=True,
        )
        log_reply(runtime, reply)

    def handle_faq_vote(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        """Store a helpful / not helpful vote (one per person and entry; a new vote replaces)."""
        ack()
        faq_id, _, verdict = _value(body).partition(":")
        user = (body.get("user") or {}).get("id") or "unknown"
        try:
            record_faq_vote(runtime.db(), faq_id, user, verdict == "yes", runtime.clock())
        except Exception as exc:
            respond(text=apology(log_incident("faq_vote", exc)), replace_original=False)
            return
        thanks = (
            "Thanks, glad it helped."
            if verdict == "yes"
            else ("Thanks for telling us; we review unhelpful answers.")
        )
        respond(response_type="ephemeral", text=thanks, replace_original=False)

    app.action(ACTION_SHARE)(handle_share)
    app.action(re.compile(f"^{ACTION_FAQ_RELATED}"))(handle_faq_related)
    app.action(re.compile(f"^{ACTION_FAQ_VOTE}"))(handle_faq_vote)
