"""A reply and who asked: the values every surface (slash command, mention, DM, CLI) passes.

`bot.pipeline.answer` makes a `Reply`; the Slack edge and the CLI show one of its renderings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from bot.store.queries import QueryRecord
from bot.store.workspace import Workspace

__all__ = ["Asker", "Renderings", "Reply"]


@dataclass(frozen=True)
class Asker:
    """Who asked, and where: the typed form of a Slack payload's ids."""

    surface: str
    """`command`, `mention`, `dm`, `cli`, `action`, `home`, `modal`, `shortcut` or `assistant`."""
    workspace: Workspace
    """The workspace asking: every row read or written for the answer is this workspace's."""
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
