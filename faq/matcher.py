"""Match a question to a stored entry: BM25 over normalised terms, with a refusal to guess.

Why this method: the store holds a few dozen entries, each with a question, authored phrasings
and keywords. At that size a lexical ranker with good normalisation is as accurate as a small
embedding model on pricing jargon, runs in well under a millisecond in pure Python, and needs
no dependency (see shared/reference/faq-bots.md, sections 5-7). So:

* *Normalisation* (`faq.normalisation`, over the reviewed word lists in `faq.vocabulary`):
  lowercase; multi-word phrases and model names folded into one term
  ("system prompt", "gpt-4o" -> `modelname`); stopwords dropped; a light suffix stemmer; a
  reviewed synonym map onto canonical terms (completion/response/generated -> `output`,
  prompt -> `input`, bill/spend/price/charge -> `cost`, pricier/more expensive -> `pricier`,
  the languages -> `language` ...); and one-edit typo correction against the store's own words.
* *Ranking*: Okapi BM25 (k1 1.2, b 0.75), one document per entry, the question weighted x3,
  phrasings and keywords x2. Per-term contributions are precomputed, so a query is a few dict
  lookups.
* *Deciding*: BM25 scores are only relative, so the answer/miss decision uses *coverage*: the
  IDF-weighted share of the question's terms that the best entry contains, where a word the
  store has never seen weighs as much as the rarest word it has. Off-topic questions ("reset my
  Slack password", "price of bitcoin") carry words the store lacks, so their coverage is low even
  when one generic word ("cost", "channel") hits. An explicit off-topic list catches the
  near-domain traps. Below the bar, the result is a `Miss` with the closest questions.

`Matcher.rank()` is the scorer seam: an embedding re-ranker could replace it without touching
the decision or the renderer.

Per workspace, `Matcher.with_alternates()` adds the phrasings a person taught (`faq.taught`) and
`Matcher.with_entries()` adds the workspace's own entries; both return a new matcher and leave
this one, and so every other workspace's, unchanged.
"""

from __future__ import annotations

import copy
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

from faq.normalisation import CANONICAL as _CANONICAL
from faq.normalisation import SYNONYM_OF as _SYNONYM_OF
from faq.normalisation import deletes as _deletes
from faq.normalisation import normalise
from faq.normalisation import osa_distance as _osa_distance
from faq.normalisation import stem as _stem
from faq.normalisation import term as _term
from faq.normalisation import words as _words
from faq.outcomes import Candidate, Closest, Match, Miss
from faq.routing import looks_like_question
from faq.store import Entry, load_entries
from faq.taught import Taught, TaughtIndex
from faq.vocabulary import OFF_TOPIC as _OFF_TOPIC
from faq.vocabulary import STOPWORDS as _STOPWORDS
from faq.vocabulary import WEAK as _WEAK

__all__ = [
    "Closest",
    "Match",
    "Matcher",
    "Miss",
    "default_matcher",
    "looks_like_question",
    "match",
    "normalise",
]


class Matcher:
    """A BM25 index over a set of entries, with the answer/miss decision."""

    k1 = 1.2
    b = 0.75
    min_evidence = 0.5
    """Answer only when the question terms the best entry holds carry this much IDF,"""
    min_coverage = 0.62
    """...and they are this share of the question's weighted terms,"""
    min_coverage_clear = 0.35
    """...or at least this share when the best entry clearly leads:"""
    min_margin = 0.15
    """...by this share of its score over the runner-up."""
    unknown_share = 0.6
    """A word the store has never seen weighs this share of the rarest known word's IDF."""
    min_shortened_length = 6
    """Typo correction that drops a typed letter only yields store words this long or longer."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        """Index `entries` (question x3, phrasings x2, keywords x2)."""
        self.entries = tuple(entries)
        self._index_of = {entry.id: index for index, entry in enumerate(self.entries)}
        if len(self._index_of) != len(self.entries):
            raise ValueError("two entries share an id")
        self.alternates: dict[str, tuple[str, ...]] = {}
        """Entry id -> the phrasings a person taught for this matcher's workspace."""
        self.own: tuple[str, ...] = ()
        """Ids of the workspace's own entries (`with_entries`); their wording is taught too."""
        docs: list[Counter[str]] = []
        for entry in self.entries:
            doc: Counter[str] = Counter()
            for text, weight in [(entry.question, 3)] + [
                (text, 2) for text in (*entry.phrasings, *entry.keywords)
            ]:
                for term in set(normalise(text)):
                    doc[term] += weight
            docs.append(doc)
        self._doc_terms = tuple(frozenset(doc) for doc in docs)
        keyword_terms = {t for e in self.entries for k in e.keywords for t in normalise(k)}
        self.domain = frozenset(keyword_terms | _CANONICAL) - _WEAK
        """Terms that count as evidence: the reviewed lexicon plus every entry's keywords."""
        count = len(docs)
        avg_len = sum(sum(d.values()) for d in docs) / max(count, 1)
        df = Counter(term for doc in docs for term in doc)
        self.idf = {t: math.log(1 + (count - n + 0.5) / (n + 0.5)) for t, n in df.items()}
        self.unknown_weight = self.unknown_share * max(self.idf.values(), default=1.0)
        self.postings: dict[str, tuple[tuple[int, float], ...]] = {}
        for term, idf in self.idf.items():
            rows = []
            for index, doc in enumerate(docs):
                tf = doc.get(term, 0)
                if tf:
                    norm = self.k1 * (1 - self.b + self.b * sum(doc.values()) / avg_len)
                    rows.append((index, idf * tf * (self.k1 + 1) / (tf + norm)))
            self.postings[term] = tuple(rows)
        surface: set[str] = set(_SYNONYM_OF) | _STOPWORDS | _CANONICAL
        for entry in self.entries:
            for text in (entry.question, *entry.phrasings, *entry.keywords):
                surface.update(_words(text))
        self._surface = frozenset(surface)
        self._by_delete: dict[str, set[str]] = {}
        for word in surface:
            if len(word) >= 4 and not word.isdigit():
                for variant in {word} | _deletes(word):
                    self._by_delete.setdefault(variant, set()).add(word)
        self._correct = lru_cache(maxsize=4096)(self._correct_uncached)
        self._taught = TaughtIndex((), self.salience)

    def index_state(self) -> dict[str, object]:
        """The built index of a matcher without taught phrasings, as plain data (what
        `faq.compiled` stores): everything but the typo cache and the taught index."""
        if self._taught.taught:
            raise ValueError("only a matcher without taught phrasings is stored")
        return {k: v for k, v in self.__dict__.items() if k not in ("_correct", "_taught")}

    @classmethod
    def from_index_state(cls, state: Mapping[str, object]) -> Matcher:
        """The matcher `index_state` was taken from, without indexing its entries again."""
        matcher = cls.__new__(cls)
        matcher.__dict__.update(state)
        matcher._correct = lru_cache(maxsize=4096)(matcher._correct_uncached)
        matcher._taught = TaughtIndex((), matcher.salience)
        return matcher

    def with_alternates(self, alternates: Mapping[str, Iterable[str]]) -> Matcher:
        """A copy of this matcher that also answers the given taught phrasings.

        `alternates` maps entry ids to phrasings a person approved; it replaces any set
        before. Ids this matcher does not hold (an entry since removed) are skipped. The
        index is shared, so this is cheap; the caller caches the result per workspace.
        """
        clone = copy.copy(self)
        clone.alternates = {
            entry_id: tuple(alternates[entry_id])
            for entry_id in sorted(alternates)
            if entry_id in self._index_of
        }
        rows: list[tuple[str, str]] = []
        for entry_id in self.own:
            entry = self.entries[self._index_of[entry_id]]
            rows.extend((entry_id, text) for text in (entry.question, *entry.phrasings))
        rows.extend((i, text) for i, texts in clone.alternates.items() for text in texts)
        taught = (Taught(i, text, frozenset(self.terms(text))) for i, text in rows)
        clone._taught = TaughtIndex(taught, clone.salience, self.domain)
        return clone

    def with_entries(self, extra: Iterable[Entry]) -> Matcher:
        """A new matcher over these entries plus a workspace's own, keeping the alternates.

        Raises `ValueError` when an extra entry reuses an id (`faq.drafts` checks first).
        """
        grown = Matcher((*self.entries, *extra))
        grown.own = (*self.own, *(e.id for e in grown.entries[len(self.entries) :]))
        return grown.with_alternates(self.alternates)

    @property
    def taught(self) -> tuple[Taught, ...]:
        """Every taught phrasing in force (the workspace entries' own wording first)."""
        return self._taught.taught

    def _correct_uncached(self, word: str) -> str:
        """The store's word one typo away from `word` (two for long words), or `word` itself."""
        if len(word) < 5 or word in self._surface or word in _OFF_TOPIC or word.isdigit():
            return word
        if _term(word) in self.idf:
            return word
        found: set[str] = set()
        for variant in {word} | _deletes(word):
            found |= self._by_delete.get(variant, set())
        # Dropping a letter the user typed turns many real words into short store words
        # ("chairs" -> "chars", "planes" -> "plans"), so that edit only corrects into long ones.
        best = sorted(
            (_osa_distance(word, c), -len(c), c)
            for c in found
            if len(c) >= len(word) or len(c) >= self.min_shortened_length
        )
        if best and best[0][0] <= (1 if len(word) < 8 else 2):
            return best[0][2]
        return word

    def terms(self, question: str) -> tuple[str, ...]:
        """The question's canonical terms, typos corrected, duplicates dropped."""
        return tuple(dict.fromkeys(normalise(question, self._correct)))

    def rank(self, question: str) -> tuple[Candidate, ...]:
        """Every entry with a positive score, best first (the scorer seam)."""
        return self._rank(self.terms(question))

    def _rank(self, terms: tuple[str, ...]) -> tuple[Candidate, ...]:
        scores: dict[int, float] = {}
        for term in terms:
            for index, part in self.postings.get(term, ()):
                scores[index] = scores.get(index, 0.0) + part
        order = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return tuple(Candidate(self.entries[i], s) for i, s in order)

    def salience(self, term: str) -> float:
        """How much a term says about what a question is about (for `faq.taught.similarity`):
        its IDF, an unknown word's `unknown_weight`, nothing for Slack-general words."""
        if term in _WEAK:
            return 0.0
        return self.idf.get(term, self.unknown_weight)

    def _coverage(self, terms: tuple[str, ...], candidate: Candidate) -> tuple[float, float]:
        """(evidence, coverage): the weight of the terms the entry holds, and its share."""
        vocabulary = self._doc_terms[self._index_of[candidate.entry.id]]
        total = sum(self.weight(t) for t in terms)
        evidence = sum(self.weight(t) for t in terms if t in vocabulary)
        return evidence, (evidence / total if total else 0.0)

    def closest(self, question: str) -> Closest | None:
        """The best-ranked entry and its coverage, whether or not it would be answered."""
        terms = self.terms(question)
        ranked = self._rank(terms)
        if not ranked:
            return None
        return Closest(ranked[0].entry, ranked[0].score, self._coverage(terms, ranked[0])[1])

    def is_off_topic(self, question: str) -> bool:
        """Whether the question names something this bot never answers (weather, passwords)."""
        return bool(self.off_topic_words(question))

    def off_topic_words(self, question: str) -> tuple[str, ...]:
        """The question's words on the off-topic list, in order."""
        return tuple(w for w in _words(question) if w in _OFF_TOPIC or _stem(w) in _OFF_TOPIC)

    def weight(self, term: str) -> float:
        """How much a question term counts in the decision.

        A domain term counts its IDF; a word the store has never seen counts against the
        match (`unknown_weight`); other known words (chat filler that happens to occur in a
        phrasing, Slack-general words) are neutral: they help ranking, never confidence.
        """
        if term in self.domain:
            return self.idf.get(term, 0.0)
        if term in self.idf or term in _WEAK:
            return 0.0
        return self.unknown_weight

    def match(self, question: str) -> Match | Miss:
        """The confident best entry for `question`, or a `Miss` with the closest questions.

        A taught phrasing with exactly the question's terms decides first; a close one only
        when the ranking alone would miss. The off-topic word list is checked before both.
        """
        terms = self.terms(question)
        ranked = self._rank(terms)
        if self.is_off_topic(question):
            return Miss(question, (), off_topic=True, score=ranked[0].score if ranked else 0.0)
        exact = self._taught.exact(terms)
        if exact is not None:
            return self._taught_match(exact, 1.0, ranked)
        decided = self._decide(question, terms, ranked)
        if isinstance(decided, Match) or not self._taught:
            return decided
        near = self._taught.nearest(terms)
        return decided if near is None else self._taught_match(near[0], near[1], ranked)

    def _taught_match(
        self, taught: Taught, similarity: float, ranked: tuple[Candidate, ...]
    ) -> Match:
        entry = self.entries[self._index_of[taught.entry_id]]
        score = next((c.score for c in ranked if c.entry.id == entry.id), 0.0)
        return Match(entry, score, similarity, taught=taught.phrasing)

    def _decide(
        self, question: str, terms: tuple[str, ...], ranked: tuple[Candidate, ...]
    ) -> Match | Miss:
        """The ranking's own answer/miss decision (BM25 plus coverage and margin)."""
        if not ranked:
            return Miss(question, (), off_topic=True)
        best = ranked[0]
        evidence, coverage = self._coverage(terms, best)
        if evidence == 0.0:
            return Miss(question, (), off_topic=True, score=best.score)
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        margin = 1.0 - runner_up / best.score
        if evidence >= self.min_evidence and (
            coverage >= self.min_coverage
            or (coverage >= self.min_coverage_clear and margin >= self.min_margin)
        ):
            return Match(best.entry, best.score, coverage)
        suggestions = tuple((c.entry.id, c.entry.question) for c in ranked[:3])
        return Miss(question, suggestions, off_topic=False, score=best.score)


@lru_cache(maxsize=1)
def default_matcher() -> Matcher:
    """The matcher over the bundled entries, built once per process, from the compiled index
    when it matches the entries and the `faq` source (`faq.compiled`)."""
    from faq.compiled import compiled_index

    return Matcher.from_index_state(compiled_index(lambda: Matcher(load_entries()).index_state()))


def match(question: str) -> Match | Miss:
    """Match a question against the bundled entries: a `Match`, or a `Miss` to record."""
    return default_matcher().match(question)
