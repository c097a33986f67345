"""The router's rule: is a text a question for the FAQ rather than a command?

Kept apart from `faq.matcher` so that the bot can ask it on every command without loading the
matcher, its normalisation tables and the entries (issue 15); `faq.matcher` re-exports it.
"""

from __future__ import annotations

import re

from faq.vocabulary import QUESTION_WORDS

__all__ = ["looks_like_question"]

_WORD = re.compile(r"[a-z0-9]+")
"""A word, as `faq.normalisation.WORD` reads one."""


def looks_like_question(text: str) -> bool:
    """Whether the bot's router should send `text` to the FAQ rather than the command parser.

    True for a leading `faq`, a question mark, or a leading question word; `gpt-4o 1000 500`
    and other commands are not questions.
    """
    words = _WORD.findall(text.lower().replace("'", ""))
    if not words:
        return False
    return words[0] == "faq" or "?" in text or words[0] in QUESTION_WORDS
