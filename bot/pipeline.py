"""Text in, reply out: the one path every surface (slash command, mention, DM, CLI) takes.

`answer()` parses the text, evaluates the command against the catalog (and the store, for
commands that read or write it), renders the result three ways, and prepares the query-log
row. It never raises for anything a user typed: mistakes come back as `error` replies.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Protocol

from bot.runtime import Runtime
from bot.store.queries import QueryRecord

__all__ = ["Asker", "Reply", "answer", "log_reply"]

log = logging.getLogger("tokencost.pipeline")


@dataclass(frozen=True)
class Asker:
    """Who asked, and where: the typed form of a Slack payload's ids."""

    surface: str
    """`command`, `mention`, `dm`, `cli`, `action` or `home`."""
    team_id: str | None = None
    channel_id: str | None = None
    user_id: str | None = None


class Renderings(Protocol):
    """How a reply is shown; each rendering is computed only when a surface asks for it."""

    def text(self) -> str: ...
    def mrkdwn(self) -> str: ...
    def blocks(self) -> list[dict[str, Any]]: ...
    def data(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Reply:
    """One answer, with every rendering a surface may need (computed on first use: Slack never
    needs the plain text or the JSON, and the CLI never needs Block Kit)."""

    kind: str
    """The result kind (`estimate`, `compare`, ..., `error`)."""
    renderings: Renderings = field(repr=False)
    share: bool = False
    """The user asked for the reply to be posted for the whole channel."""
    record: QueryRecord | None = None
    """The query-log row to write once the reply is out."""
    related: tuple[tuple[str, str], ...] = ()
    """For FAQ answers: related (id, question) pairs, offered as buttons in Slack."""

    @cached_property
    def text(self) -> str:
        """Plain text: the CLI output."""
        return self.renderings.text()

    @cached_property
    def mrkdwn(self) -> str:
        """Slack mrkdwn: the message `text` (notification fallback) next to the blocks."""
        return self.renderings.mrkdwn()

    @cached_property
    def blocks(self) -> list[dict[str, Any]]:
        """Block Kit for Slack."""
        return self.renderings.blocks()

    @cached_property
    def data(self) -> dict[str, Any]:
        """The JSON object of `--json` (DESIGN §3)."""
        return self.renderings.data()

    @property
    def is_error(self) -> bool:
        """Whether this is a reply of kind `error`."""
        return self.kind == "error"


def answer(
    runtime: Runtime,
    text: str,
    asker: Asker,
    resolve_channel: Callable[[str], str | None] | None = None,
) -> Reply:
    """Answer `text` as typed after `/tokencost`; never raises for user input.

    `resolve_channel` turns a `#name` into a channel id (the Slack edge supplies one).
    """
    from bot.respond import respond_to  # the command language: parse -> evaluate -> render

    started = time.perf_counter()
    reply = respond_to(runtime, text, asker, resolve_channel)
    duration_ms = int((time.perf_counter() - started) * 1000)
    if reply.record is not None:
        reply = replace(reply, record=replace(reply.record, duration_ms=duration_ms))
    return reply


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
