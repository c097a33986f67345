"""How a reply is written: plain for a terminal, or Slack mrkdwn with `&`, `<` and `>` escaped
in everything that comes from outside our templates (user text, model ids, URLs).
https://docs.slack.dev/messaging/formatting-message-text#escaping
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from bot.render.slack import escape as mrkdwn_escape
from prices import TimeWindow, format_usd

__all__ = [
    "PLAIN",
    "SLACK",
    "Parts",
    "Style",
    "count_text",
    "mrkdwn_escape",
    "plural",
    "rate_text",
    "window_text",
]


@dataclass(frozen=True, slots=True)
class Style:
    """How to write a reply: escaping, bold, and what to do with stored mrkdwn."""

    esc: Callable[[str], str]
    bold: Callable[[str], str]
    stored: Callable[[str], str] = lambda text: text
    """Applied to reviewed mrkdwn from the FAQ store (kept for Slack, unmarked for a terminal)."""
    channel: Callable[[str], str] = lambda channel_id: f"#{channel_id}"
    """A channel by id: `#C123` for a terminal, a channel link (`<#C123>`) in Slack."""


_MRKDWN_EMPHASIS = re.compile(r"(?<![\w*_])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*_])")


def unmark(text: str) -> str:
    """Plain text from mrkdwn emphasis: `*bold*` and `_italic_` lose their markers."""
    return _MRKDWN_EMPHASIS.sub(r"\2", text)


PLAIN = Style(esc=lambda s: s, bold=lambda s: s, stored=unmark)
SLACK = Style(esc=mrkdwn_escape, bold=lambda s: f"*{s}*", channel=lambda cid: f"<#{cid}>")


@dataclass(slots=True)
class Parts:
    """A reply split the way Block Kit shows it: header, sections, a table, context notes."""

    title: str
    """Plain text (a Block Kit header is plain_text); empty for no header."""
    body: list[str] = field(default_factory=list)
    """Lines, already styled."""
    table: str | None = None
    """A monospace table (shown in a code block), already escaped."""
    notes: list[str] = field(default_factory=list)
    """Small print, already styled."""


def count_text(count: int | Decimal) -> str:
    """A count with thousands separators (up to two decimals when fractional: `2.5`)."""
    if isinstance(count, Decimal) and count != count.to_integral_value():
        shown = count.quantize(Decimal("0.01"))
        if shown == 0:
            return f"{count.normalize():f}"  # a tiny rate stays visible, never "0"
        return f"{shown.normalize():,f}"
    return f"{int(count):,}"


def plural(count: int | Decimal, noun: str, nouns: str | None = None) -> str:
    """`1 token`, `2 tokens`, `2.5 requests`: a formatted count with its noun."""
    return f"{count_text(count)} {noun if count == 1 else (nouns or noun + 's')}"


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def window_text(window: TimeWindow) -> str:
    """`01:00-04:00 UTC, Mon-Fri`: a time-of-day window as people read it."""
    hours = f"{window.start:%H:%M}-{window.end:%H:%M} UTC"
    days = sorted(window.weekdays)
    if len(days) == 7:
        return f"{hours}, every day"
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    shown = ", ".join(
        _DAYS[run[0]] if len(run) == 1 else f"{_DAYS[run[0]]}-{_DAYS[run[-1]]}" for run in runs
    )
    return f"{hours}, {shown}"


def rate_text(rate: Decimal | None) -> str:
    """A USD-per-million rate (`$2.50/M`), or `not offered`."""
    return "not offered" if rate is None else _rate_usd(rate)


@lru_cache(maxsize=4096)
def _rate_usd(rate: Decimal) -> str:
    """Remembered: rates come from the catalog (a few hundred distinct values) and a reply
    shows each twice (issue 15). `format_usd` depends on the value only, as the key does."""
    return f"{format_usd(rate)}/M"
