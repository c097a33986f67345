"""Phrasings a person taught for one workspace: exact and near look-up over normalised terms.

A taught phrasing ("this is a way of asking <entry>") is stored as the set of its canonical
terms, normalised exactly as the matcher normalises questions (typo correction included). A
question whose term set *equals* a taught one is answered with that entry; a question whose
term set is *close* to a taught one (weighted Jaccard, see `similarity`) and holds every topic
term of it (the reviewed lexicon's words: "spend" in "how do i see yesterday's spend") is
answered with it only when the matcher had no confident answer of its own. So teaching turns
misses into answers and fixes the exact question taught, and never moves a confident answer to
any other question: the built-in evaluation keeps its scores (tests/faq/test_teaching.py).

Pure data and arithmetic; `faq.matcher` builds one per workspace (`Matcher.with_alternates`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

__all__ = ["Taught", "TaughtIndex", "similarity"]


def similarity(a: Collection[str], b: Collection[str], weight: Callable[[str], float]) -> float:
    """Weighted Jaccard of two term sets: weight of the shared terms / weight of all, 0..1.

    Weights come from the matcher (`Matcher.salience`): rare and unknown words dominate, so
    two questions are close when they share what is specific about them.
    """
    union = set(a) | set(b)
    total = sum(weight(t) for t in union)
    if total <= 0.0:
        return 0.0
    shared = sum(weight(t) for t in union if t in a and t in b)
    return shared / total


@dataclass(frozen=True, slots=True)
class Taught:
    """One approved alternate phrasing of an entry."""

    entry_id: str
    phrasing: str
    """As the person approved it (shown in reviews and undo lists)."""
    terms: frozenset[str]
    """Its canonical terms, as the matcher normalises them."""


class TaughtIndex:
    """Exact and nearest look-up over the taught phrasings of one workspace."""

    min_similarity = 0.7
    """A question this close (weighted Jaccard) to a taught phrasing gets its entry on a miss."""

    def __init__(
        self,
        taught: Iterable[Taught],
        weight: Callable[[str], float],
        topic: Collection[str] = frozenset(),
    ) -> None:
        """Index `taught`; when two phrasings share a term set, the first one given wins.

        `weight` is the matcher's salience; `topic` its domain terms, which a question must
        repeat to be a near paraphrase of a phrasing that has them.
        """
        self._weight = weight
        self._topic = frozenset(topic)
        self.taught = tuple(taught)
        self._exact: dict[frozenset[str], Taught] = {}
        self._by_term: dict[str, list[Taught]] = {}
        for item in self.taught:
            if not item.terms or item.terms in self._exact:
                continue
            self._exact[item.terms] = item
            for term in item.terms:
                self._by_term.setdefault(term, []).append(item)

    def __bool__(self) -> bool:
        return bool(self._exact)

    def exact(self, terms: Collection[str]) -> Taught | None:
        """The taught phrasing with exactly these terms, if any."""
        return self._exact.get(frozenset(terms))

    def nearest(self, terms: Collection[str]) -> tuple[Taught, float] | None:
        """The closest taught phrasing at or above `min_similarity` whose topic terms the
        question all holds, with its similarity. Ties go to the phrasing taught first."""
        candidates: dict[int, Taught] = {}
        order = {id(item): index for index, item in enumerate(self._exact.values())}
        for term in terms:
            if self._weight(term) <= 0.0:
                continue
            for item in self._by_term.get(term, ()):
                candidates[order[id(item)]] = item
        best: tuple[Taught, float] | None = None
        held = frozenset(terms)
        for _, item in sorted(candidates.items()):
            if not (item.terms & self._topic) <= held:
                continue
            score = similarity(held, item.terms, self._weight)
            if score >= self.min_similarity and (best is None or score > best[1]):
                best = (item, score)
        return best

    def phrasings(self) -> dict[str, tuple[str, ...]]:
        """Entry id -> its taught phrasings, in the order given."""
        out: dict[str, tuple[str, ...]] = {}
        for item in self.taught:
            out[item.entry_id] = (*out.get(item.entry_id, ()), item.phrasing)
        return out
