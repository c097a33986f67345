"""`/tokencost`: the reply goes in the ack, well inside Slack's 3-second window.

Answers are ephemeral (only the asker sees them) and computed in the ack, which calls nothing
outside this process. A command without a share word or `digest` in it is answered by an ack
function alone; the others go to a listener with a lazy half, and whatever needs Slack is
answered after the ack by that lazy listener, through the `response_url`:

- `share`: an empty ack, then the answer posted for the channel;
- a command that must look something up in Slack (a bare `#name`, or `digest on`, which checks
  that the bot is in the channel): the look-up raises `_AskSlackLater` before anything is
  written, the ack is empty, and the lazy listener answers the command with real look-ups.

The query log is written after the reply has gone out, and a failed write never fails it.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.language.errors import ParseError
from bot.language.parse import clean_text, parse_command
from bot.pipeline import Asker, Reply, answer, log_reply
from bot.render.slack import unescape_incoming
from bot.runtime import Runtime
from bot.slack.decorate import decorate
from bot.slack.listeners.channels import channel_checker, channel_resolver
from bot.slack.listeners.guard import apology, log_incident, send_safely
from bot.slack.listeners.workspaces import workspace_of
from bot.store.db import is_busy_error

__all__ = ["BUSY", "register"]

log = logging.getLogger("tokencost.slack")

BUSY = "The ledger is busy right now and nothing was changed; please try again in a few seconds."
"""The answer when SQLite stayed locked past its busy timeout."""

_NOT_NOW = "Nothing was changed: that command needs to look something up in Slack first."
"""The answer if a command that needs Slack ever reaches the ack-only listener."""

_LATER = "tokencost_later"
"""Context key: the ack was empty and the lazy listener answers."""


class _AskSlackLater(Exception):
    """Raised by the ack's look-ups: this command needs Slack, so it is answered after the ack."""


def _later(_value: str) -> str | None:
    raise _AskSlackLater


def _asker(command: dict[str, Any], context: BoltContext) -> Asker:
    return Asker(
        surface="command",
        workspace=workspace_of(context),
        channel_id=command.get("channel_id"),
        user_id=command.get("user_id"),
    )


#: Substrings of every word that makes a command shared (`bot.language.lexing.FLAGS`): a text
#: without any of them is not parsed twice (~50 µs a command, issue 15).
_SHARE_HINTS = ("share", "public", "post")


def _shares(runtime: Runtime, text: str) -> bool:
    lowered = text.lower()
    if not any(hint in lowered for hint in _SHARE_HINTS):
        return False
    try:
        return parse_command(text, runtime.catalog).share
    except ParseError:
        return False


#: What every command that may need Slack contains: a share word, or `digest` (the only
#: command that looks channels up, `bot.ledger.commands.run_digest`).
_SLACK_HINTS = (*_SHARE_HINTS, "digest")


def _answered_in_the_ack(command: dict[str, Any]) -> bool:
    """Whether a command can't need Slack, so it needs no lazy half (a cheap, generous test:
    a text that merely mentions a hint word takes the listener with the lazy half)."""
    # As the parser reads it: `dig\u200best on` is `digest on` (control characters and bidi
    # overrides are dropped first), so it must not pass for a command without Slack.
    lowered = clean_text(str(command.get("text") or "")).lower()
    return not any(hint in lowered for hint in _SLACK_HINTS)


def register(app: App, runtime: Runtime) -> None:
    """Register `/tokencost`: most commands by an ack function alone; those that may need
    Slack (share, digest) by an ack function and its lazy half.

    Two listeners because Bolt copies the whole request (a deep copy of its context, ~15% of
    a command's CPU) and starts a thread for a lazy listener on every request it matches,
    whether or not there is anything to do after the ack (issue 15)."""

    def acknowledge(ack: Ack, command: dict[str, Any], context: BoltContext,
                    lazy_half: bool) -> None:  # fmt: skip
        """Answer in the ack. With a lazy half, a command that needs Slack (share, a channel
        look-up) gets an empty ack and is answered there; without one (a command that could
        look a channel up never gets here), such a look-up is refused rather than skipped."""
        text = unescape_incoming(str(command.get("text") or ""))
        try:
            if lazy_half and _shares(runtime, text):
                raise _AskSlackLater
            reply = answer(runtime, text, _asker(command, context), _later, _later)
            blocks = decorate(reply, "command", text)
        except _AskSlackLater:
            if lazy_half:
                context[_LATER] = True
                ack()
            else:
                log.warning("/tokencost: a command needing Slack reached the ack-only listener")
                ack(response_type="ephemeral", text=_NOT_NOW)
            return
        except Exception as exc:
            ack(response_type="ephemeral", text=_failure("/tokencost", exc))
            return
        ack(response_type="ephemeral", text=reply.mrkdwn or reply.text, blocks=blocks)
        log_reply(runtime, reply)

    def ack_only(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        acknowledge(ack, command, context, lazy_half=False)

    def ack_tokencost(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        acknowledge(ack, command, context, lazy_half=True)

    def answer_later(command: dict[str, Any], context: BoltContext) -> None:
        # Two arguments, not `respond` and `client` as well: Bolt injects each argument a lazy
        # listener names on every command, and most have nothing to do here (issue 15).
        if not context.get(_LATER):
            return
        respond, client = context.respond, context.client
        if respond is None:  # a signed command always carries a response_url
            log.warning("/tokencost without a response_url: nothing to answer through")
            return
        text = unescape_incoming(str(command.get("text") or ""))
        try:
            reply = answer(runtime, text, _asker(command, context), channel_resolver(client),
                           channel_checker(client))  # fmt: skip
            message = _message(reply, text)
        except Exception as exc:
            message = {"response_type": "ephemeral", "text": _failure("/tokencost", exc)}
            reply = None
        send_safely("/tokencost response_url", lambda: respond(**message))
        if reply is not None:
            log_reply(runtime, reply)

    app.command("/tokencost", matchers=[_answered_in_the_ack])(ack_only)
    app.command("/tokencost")(ack=ack_tokencost, lazy=[answer_later])


def _message(reply: Reply, text: str) -> dict[str, Any]:
    """What the lazy half posts: in the channel when shared, else to the asker only."""
    shared = reply.share and not reply.is_error
    return {
        "response_type": "in_channel" if shared else "ephemeral",
        "text": reply.mrkdwn or reply.text,
        "blocks": reply.blocks if shared else decorate(reply, "command", text),
    }


def _failure(where: str, exc: Exception) -> str:
    """The one sentence for an exception: busy store, or an apology with an incident ref."""
    if is_busy_error(exc):
        log.warning("database busy in %s", where)
        return BUSY
    return apology(log_incident(where, exc))
