"""What the matcher returns: a `Match` to answer, a `Miss` to record, and ranking rows.

Plain frozen records, apart from `faq.matcher` so the learning tools and the bot can name them
without the index.
"""

from __future__ import annotations

from dataclasses import dataclass

from faq.store import Entry

__all__ = ["Candidate", "Closest", "Match", "Miss"]


@dataclass(frozen=True, slots=True)
class Match:
    """A confident answer: the entry and how well it matched."""

    entry: Entry
    score: float
    """Raw BM25 score of the entry (relative; compare within one question only)."""
    coverage: float
    """IDF-weighted share of the question's terms the entry contains, 0..1 (for an answer
    decided by a taught phrasing: the question's similarity to it)."""
    taught: str | None = None
    """The workspace's taught phrasing that decided the answer, if one did."""


@dataclass(frozen=True, slots=True)
class Closest:
    """The best-ranked entry for a question, answered or not, and how well it covers it."""

    entry: Entry
    score: float
    coverage: float


@dataclass(frozen=True, slots=True)
class Miss:
    """No confident answer. Offer `suggestions`; the bot records the miss."""

    question: str
    suggestions: tuple[tuple[str, str], ...]
    """Up to three closest (id, question) pairs; empty when the question is off-topic."""
    off_topic: bool
    """True when nothing in the question is about LLM pricing or this bot."""
    score: float = 0.0
    """Best raw BM25 score seen, for the miss log."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One ranked entry for a question (the scorer seam's output)."""

    entry: Entry
    score: float
