"""Text in, reply out: the one path every surface (slash command, mention, DM, CLI) takes.

`answer()` parses the text, evaluates the command against the catalog (and the store, for
commands that read or write it), renders the result three ways, and prepares the query-log
row. It never raises for anything a user typed: mistakes come back as `error` replies.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bot.reply import Asker, Reply
from bot.respond import respond_to
from bot.runtime import Runtime

__all__ = ["Asker", "Reply", "answer", "log_reply"]

log = logging.getLogger("tokencost.pipeline")


def answer(
    runtime: Runtime,
    text: str,
    asker: Asker,
    resolve_channel: Callable[[str], str | None] | None = None,
    check_channel: Callable[[str], str | None] | None = None,
) -> Reply:
    """Answer `text` as typed after `/tokencost`; never raises for user input.

    `resolve_channel` turns a `#name` into a channel id and `check_channel` says why the bot
    cannot post in a channel (None: it can); the Slack edge supplies both. Both are called
    before anything is written, so an edge may abort (raise) from them and answer later.
    """
    return respond_to(runtime, text, asker, resolve_channel, check_channel, time.perf_counter())


def log_reply(runtime: Runtime, reply: Reply) -> None:
    """Queue a reply's query-log row for the background writer (`bot.store.query_writer`).

    Never raises: a failed write is logged there and never fails or delays the reply.
    """
    if reply.record is None:
        return
    try:
        runtime.log_query(reply.record)
    except Exception:
        log.exception("query log write failed (kind=%s); the reply was sent", reply.kind)
