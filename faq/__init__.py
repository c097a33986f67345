"""tokencost's FAQ: stored, reviewed questions matched to what people type, answered with live
figures from the price catalog.

    >>> result = match("why do output tokens cost more?")   # Match | Miss
    >>> answer = render(result.entry)                       # RenderedAnswer, Slack mrkdwn

May import `prices`; never `bot`, Slack or the database. The bot records misses.
"""

from faq.errors import EntryError, FaqError, NoMatch, RenderError
from faq.matcher import Match, Matcher, Miss, default_matcher, looks_like_question, match, normalise
from faq.render import PLACEHOLDERS, RenderedAnswer, ask, render
from faq.store import (
    MAX_ANSWER_CHARS,
    Entry,
    get_entry,
    list_entries,
    load_entries,
    read_entries,
)

__all__ = [
    "MAX_ANSWER_CHARS",
    "PLACEHOLDERS",
    "Entry",
    "EntryError",
    "FaqError",
    "Match",
    "Matcher",
    "Miss",
    "NoMatch",
    "RenderError",
    "RenderedAnswer",
    "ask",
    "default_matcher",
    "get_entry",
    "list_entries",
    "load_entries",
    "looks_like_question",
    "match",
    "normalise",
    "read_entries",
    "render",
]
