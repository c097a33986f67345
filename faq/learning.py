"""Group the questions the FAQ could not answer, so a person can teach or dismiss each group.

QnA Maker's active learning clustered similar real queries and offered them as alternate
phrasings for a person to accept (shared/reference/faq-bots.md §1.9). This does the same over
the miss log, with the matcher's own normalisation, so "Do retries get billed?", "are retries
charged" and "do we get charged for retries" are one group:

1. Each distinct question (case, spacing and closing punctuation folded) is normalised by the
   workspace's matcher, typo correction included. Questions it answers *now* (something was
   taught since) and questions on the off-topic word list are counted and left out.
2. Questions with the same term set form one bucket; buckets are taken most-asked first, and
   each joins the closest group whose seed is at least `min_similarity` close (weighted
   Jaccard, `faq.taught.similarity`; ties go to the older group) or seeds a new group. An
   inverted index over seed terms keeps this fast for thousands of misses.
3. Dismissed keys ("not ours") seed groups first; whatever joins them is counted, not shown.

Each group has a stable `key` (its seed's sorted terms) for buttons and dismissals, a count,
the most-asked wording as its representative, and the closest entry with its score. The order
is deterministic: most asked first, then by key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from faq.matcher import Matcher
from faq.outcomes import Closest, Match
from faq.taught import similarity

__all__ = ["MissGroup", "MissReport", "group_key", "group_misses"]


@dataclass(frozen=True, slots=True)
class MissGroup:
    """Similar unanswered questions, and the entry they come closest to."""

    key: str
    """The seed question's sorted terms joined by spaces; stable, used to dismiss the group."""
    count: int
    """How many times questions of this group were asked."""
    representative: str
    """The most-asked wording (ties: the shortest, then alphabetical)."""
    phrasings: tuple[str, ...]
    """Distinct wordings, most asked first, at most `MissReport.max_phrasings`."""
    closest: Closest | None
    """The best-ranked entry for the representative, with its BM25 score and coverage."""


@dataclass(frozen=True, slots=True)
class MissReport:
    """The grouped misses, and how many questions were left out and why."""

    groups: tuple[MissGroup, ...]
    answered: int
    """Questions the matcher answers now (taught since they were missed)."""
    off_topic: int
    """Questions on the off-topic word list, or with no words to match on."""
    dismissed: int
    """Questions that fell into a group a person marked "not ours"."""

    max_phrasings = 5


def group_key(terms: Iterable[str]) -> str:
    """The key of a term set: its terms sorted and joined by single spaces."""
    return " ".join(sorted(set(terms)))


@dataclass(slots=True)
class _Group:
    seed: frozenset[str]
    dismissed: bool
    texts: Counter[str]


def _fold(question: str) -> str:
    """Case, spacing and closing punctuation folded: "Do retries get billed?" is asked twice."""
    return " ".join(question.lower().split()).rstrip("?!. ")


def _representative(texts: Counter[str], original: dict[str, str]) -> list[str]:
    ordered = sorted(texts, key=lambda text: (-texts[text], len(text), text))
    return [original[text] for text in ordered]


def group_misses(
    questions: Iterable[str],
    matcher: Matcher,
    *,
    dismissed: Iterable[str] = (),
    min_similarity: float = 0.6,
) -> MissReport:
    """Group unanswered `questions` (one item per time asked) using `matcher`'s normalisation.

    `matcher` is the workspace's current one, so what was taught since no longer shows.
    `dismissed` holds keys of groups a person marked "not ours".
    """
    counts: Counter[str] = Counter()
    variants: dict[str, Counter[str]] = {}
    for question in questions:
        folded = _fold(question)
        counts[folded] += 1
        variants.setdefault(folded, Counter())[" ".join(question.split())] += 1
    # Each folded question is shown as its most-asked wording (ties: alphabetical).
    original = {
        folded: min(seen, key=lambda text: (-seen[text], text)) for folded, seen in variants.items()
    }
    buckets: dict[frozenset[str], Counter[str]] = {}
    answered = off_topic = 0
    for folded, count in counts.items():
        terms = frozenset(matcher.terms(folded))
        if not terms or matcher.is_off_topic(folded):
            off_topic += count
        elif isinstance(matcher.match(folded), Match):
            answered += count
        else:
            buckets.setdefault(terms, Counter())[folded] = count

    groups: list[_Group] = []
    by_term: dict[str, list[int]] = {}

    def seed(terms: frozenset[str], is_dismissed: bool) -> _Group:
        group = _Group(terms, is_dismissed, Counter())
        for term in terms:
            if matcher.salience(term) > 0.0:
                by_term.setdefault(term, []).append(len(groups))
        groups.append(group)
        return group

    for key in sorted(set(dismissed)):
        seed(frozenset(key.split()), True)
    order = sorted(buckets, key=lambda terms: (-sum(buckets[terms].values()), group_key(terms)))
    for terms in order:
        candidates = sorted({i for term in terms for i in by_term.get(term, ())})
        best: _Group | None = None
        best_score = min_similarity
        for index in candidates:
            score = similarity(terms, groups[index].seed, matcher.salience)
            if score >= best_score and (best is None or score > best_score):
                best, best_score = groups[index], score
        (best or seed(terms, False)).texts.update(buckets[terms])

    shown: list[MissGroup] = []
    hidden = 0
    for group in groups:
        total = sum(group.texts.values())
        if group.dismissed or not total:
            hidden += total
            continue
        wordings = _representative(group.texts, original)
        shown.append(
            MissGroup(
                key=group_key(group.seed),
                count=total,
                representative=wordings[0],
                phrasings=tuple(wordings[: MissReport.max_phrasings]),
                closest=matcher.closest(wordings[0]),
            )
        )
    shown.sort(key=lambda g: (-g.count, g.key))
    return MissReport(tuple(shown), answered=answered, off_topic=off_topic, dismissed=hidden)
