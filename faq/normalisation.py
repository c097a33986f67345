"""Text to canonical terms: phrase folding, stopwords, a light stemmer, synonyms, typo distance.

The vocabulary it applies lives in `faq.vocabulary`; `faq.matcher` ranks the terms. Pure
functions over strings, so the same normalisation serves the index and the question.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from faq.vocabulary import PHRASES, STOPWORDS, SYNONYMS

__all__ = [
    "CANONICAL",
    "PHRASE_RES",
    "SYNONYM_OF",
    "WORD",
    "deletes",
    "normalise",
    "osa_distance",
    "stem",
    "term",
    "words",
]

PHRASE_RES = tuple((re.compile(pattern), repl) for pattern, repl in PHRASES)
"""The phrase table, compiled once."""

WORD = re.compile(r"[a-z0-9]+")


def stem(word: str) -> str:
    """A light suffix stripper: plurals, -ing, -ed, -ly, and a final silent e."""
    if len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def _build_synonyms() -> dict[str, str]:
    """Surface word (and its stem) -> canonical term; an exact word wins over a stem."""
    table: dict[str, str] = {}
    for canonical, surface in SYNONYMS.items():
        for word in surface.split():
            table[word] = canonical
            table.setdefault(stem(word), canonical)
    return table


SYNONYM_OF = _build_synonyms()
"""Surface word or stem -> canonical term."""
CANONICAL = frozenset(SYNONYMS) | frozenset(word for _, repl in PHRASES for word in repl.split())
"""Every canonical term: the synonym map's keys and the words of the phrase replacements."""


def term(word: str) -> str | None:
    """The canonical term for one word, or None for a stopword or a bare number."""
    if word in STOPWORDS or word.isdigit():
        return None
    if word in CANONICAL:
        return word
    canonical = SYNONYM_OF.get(word)
    if canonical is not None:
        return canonical
    stemmed = stem(word)
    if stemmed in STOPWORDS:
        return None
    return SYNONYM_OF.get(stemmed, stemmed)


def words(text: str) -> list[str]:
    """Lowercase words of a text after phrase folding."""
    folded = text.lower().replace("’", "'").replace("'", "")
    for pattern, repl in PHRASE_RES:
        folded = pattern.sub(repl, folded)
    return WORD.findall(folded)


def normalise(text: str, correct: Callable[[str], str] | None = None) -> tuple[str, ...]:
    """The canonical terms of a text, in order; `correct` fixes typos in unknown words."""
    found = words(text)
    if correct is not None:
        found = [correct(word) for word in found]
    terms = (term(word) for word in found)
    return tuple(t for t in terms if t is not None and not t[0].isdigit())


def deletes(word: str) -> set[str]:
    """Every string one deleted character away from `word` (symmetric-delete typo lookup)."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def osa_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent swaps)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]
