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
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from faq.normalisation import CANONICAL as _CANONICAL
from faq.normalisation import SYNONYM_OF as _SYNONYM_OF
from faq.normalisation import WORD as _WORD
from faq.normalisation import deletes as _deletes
from faq.normalisation import normalise
from faq.normalisation import osa_distance as _osa_distance
from faq.normalisation import stem as _stem
from faq.normalisation import term as _term
from faq.normalisation import words as _words
from faq.store import Entry, load_entries
from faq.vocabulary import OFF_TOPIC as _OFF_TOPIC
from faq.vocabulary import QUESTION_WORDS as _QUESTION_WORDS
from faq.vocabulary import STOPWORDS as _STOPWORDS
from faq.vocabulary import WEAK as _WEAK

__all__ = [
    "Match",
    "Matcher",
    "Miss",
    "default_matcher",
    "looks_like_question",
    "match",
    "normalise",
]


@dataclass(frozen=True, slots=True)
class Match:
    """A confident answer: the entry and how well it matched."""

    entry: Entry
    score: float
    """Raw BM25 score of the entry (relative; compare within one question only)."""
    coverage: float
    """IDF-weighted share of the question's terms the entry contains, 0..1."""


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

    def is_off_topic(self, question: str) -> bool:
        """Whether the question names something this bot never answers (weather, passwords)."""
        return any(w in _OFF_TOPIC or _stem(w) in _OFF_TOPIC for w in _words(question))

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
        """The confident best entry for `question`, or a `Miss` with the closest questions."""
        terms = self.terms(question)
        ranked = self._rank(terms)
        if not ranked or self.is_off_topic(question):
            return Miss(question, (), off_topic=True, score=ranked[0].score if ranked else 0.0)
        best = ranked[0]
        vocabulary = self._doc_terms[self.entries.index(best.entry)]
        total = sum(self.weight(t) for t in terms)
        evidence = sum(self.weight(t) for t in terms if t in vocabulary)
        if evidence == 0.0:
            return Miss(question, (), off_topic=True, score=best.score)
        coverage = evidence / total
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
    """The matcher over the bundled entries, built once."""
    return Matcher(load_entries())


def match(question: str) -> Match | Miss:
    """Match a question against the bundled entries: a `Match`, or a `Miss` to record."""
    return default_matcher().match(question)


def looks_like_question(text: str) -> bool:
    """Whether the bot's router should send `text` to the FAQ rather than the command parser.

    True for a leading `faq`, a question mark, or a leading question word; `gpt-4o 1000 500`
    and other commands are not questions.
    """
    words = _WORD.findall(text.lower().replace("'", ""))
    if not words:
        return False
    return words[0] == "faq" or "?" in text or words[0] in _QUESTION_WORDS
