"""tokencost's FAQ: stored, reviewed questions matched to what people type, answered with live
figures from the price catalog.

    >>> result = match("why do output tokens cost more?")   # Match | Miss
    >>> answer = render(result.entry)                       # RenderedAnswer, Slack mrkdwn

May import `prices`; never `bot`, Slack or the database. The bot records misses.

Learning, per workspace and always through a person (docs/faq-learning.md): `faq.learning`
groups the misses, `faq.teach` checks a phrasing before it is taught, `Matcher.with_alternates`
and `Matcher.with_entries` build a workspace's matcher, `faq.drafts` validates a workspace's
own entry, and `faq.review` lists entries due for review and answers voted down.
"""

import sys
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faq.errors import EntryError, FaqError, NoMatch, RenderError, TeachError
    from faq.matcher import (
        Closest,
        Match,
        Matcher,
        Miss,
        default_matcher,
        looks_like_question,
        match,
        normalise,
    )
    from faq.render import PLACEHOLDERS, RenderedAnswer, ask, render
    from faq.store import (
        MAX_ANSWER_CHARS,
        Entry,
        get_entry,
        list_entries,
        load_entries,
        read_entries,
    )


# The names below are imported on first use (PEP 562): `bot` asks `faq.routing` whether a text
# is a question on every command, and that must not load the matcher, its vocabulary and the
# entries (~50 ms; issue 15).
_HOMES = {
    **dict.fromkeys(("EntryError", "FaqError", "NoMatch", "RenderError", "TeachError"),
                    "faq.errors"),
    **dict.fromkeys(("Closest", "Match", "Matcher", "Miss", "default_matcher",
                     "looks_like_question", "match", "normalise"), "faq.matcher"),
    **dict.fromkeys(("PLACEHOLDERS", "RenderedAnswer", "ask", "render"), "faq.render"),
    **dict.fromkeys(("MAX_ANSWER_CHARS", "Entry", "get_entry", "list_entries", "load_entries",
                     "read_entries"), "faq.store"),
}  # fmt: skip


class _Faq(ModuleType):
    """The package: `faq.render` stays the function when the submodule `faq.render` loads
    (importlib binds a loaded submodule on its package, which eager imports used to undo)."""

    def __setattr__(self, name: str, value: object) -> None:
        if isinstance(value, ModuleType) and _HOMES.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Faq


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'faq' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


__all__ = [
    "MAX_ANSWER_CHARS",
    "PLACEHOLDERS",
    "Closest",
    "Entry",
    "EntryError",
    "FaqError",
    "Match",
    "Matcher",
    "Miss",
    "NoMatch",
    "RenderError",
    "RenderedAnswer",
    "TeachError",
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
