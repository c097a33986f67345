"""Check a phrasing before a person teaches it as "a way of asking <entry>" for a workspace.

Teaching is always a person's decision (QnA Maker's active learning suggested, never applied;
see shared/reference/faq-bots.md §1.9 and §7.2). This module is the gate in front of that
decision: it refuses what must never be taught, and reports what the workspace's matcher does
with the phrasing today, so the CLI and App Home can say "was a miss, now answered" or "this
changes the answer from X". It stores nothing; the bot records who approved what, and when.

Refused, each with one sentence a person can act on:
* an empty, multi-line or over-long phrasing (`MAX_PHRASING_CHARS`);
* an entry id the workspace's matcher does not hold;
* a phrasing naming something the FAQ never answers (the off-topic word list: teaching must
  never weaken that gate);
* a phrasing with no word specific enough to match on ("what about the bot?");
* a phrasing already taught, for this entry or another (its exact terms are taken).
"""

from __future__ import annotations

from dataclasses import dataclass

from faq.errors import TeachError
from faq.matcher import Matcher
from faq.outcomes import Match, Miss

__all__ = ["MAX_PHRASING_CHARS", "TeachCheck", "check_alternate", "tidy_phrasing"]

MAX_PHRASING_CHARS = 200
"""Longer texts are pastes, not questions (and the miss log caps questions the same way)."""


@dataclass(frozen=True, slots=True)
class TeachCheck:
    """A phrasing that may be taught, and what the workspace's matcher does with it today."""

    entry_id: str
    phrasing: str
    """Whitespace tidied; store this."""
    terms: tuple[str, ...]
    """Its canonical terms (what is matched on)."""
    before: Match | Miss
    """The workspace's answer before teaching."""

    @property
    def already_answered(self) -> bool:
        """True when the phrasing already gets this entry (teaching only makes it firm)."""
        return isinstance(self.before, Match) and self.before.entry.id == self.entry_id

    @property
    def replaces(self) -> str | None:
        """The other entry this phrasing is answered with today, if any."""
        if isinstance(self.before, Match) and self.before.entry.id != self.entry_id:
            return self.before.entry.id
        return None


def tidy_phrasing(text: str) -> str:
    """The phrasing as stored: surrounding space dropped, inner runs of white space made one."""
    return " ".join(text.split())


def check_alternate(matcher: Matcher, entry_id: str, phrasing: str) -> TeachCheck:
    """Check that `phrasing` may be taught as a way of asking `entry_id` with `matcher`.

    `matcher` is the workspace's current matcher (its entries and what it was taught).
    Raises `TeachError` with the reason when it may not.
    """
    if "\n" in phrasing.strip():
        raise TeachError("Teach one question at a time, on one line.")
    text = tidy_phrasing(phrasing)
    if not text:
        raise TeachError("The question to teach is empty.")
    if len(text) > MAX_PHRASING_CHARS:
        raise TeachError(
            f"That question is {len(text)} characters; teach one of at most {MAX_PHRASING_CHARS}."
        )
    if entry_id not in {entry.id for entry in matcher.entries}:
        raise TeachError(f"There is no FAQ entry `{entry_id}`; `tokencost faq list` shows the ids.")
    off_topic = matcher.off_topic_words(text)
    if off_topic:
        raise TeachError(
            f"That question is about “{off_topic[0]}”, which the FAQ never answers, "
            "so it cannot be taught."
        )
    terms = matcher.terms(text)
    if not any(matcher.salience(term) > 0.0 for term in terms):
        raise TeachError(
            "That question is too vague to teach: it has no word specific to one answer."
        )
    for taught in matcher.taught:
        if taught.terms == frozenset(terms):
            where = "this entry" if taught.entry_id == entry_id else f"`{taught.entry_id}`"
            raise TeachError(
                f"“{taught.phrasing}” is already taught as a way of asking {where}, "
                "and it means the same; unteach it first to change it."
            )
    return TeachCheck(entry_id, text, terms, matcher.match(text))
