"""Grouping the miss log: similar questions together, counted, with the closest entry; what
was taught since or dismissed leaves the list, and undoing it brings the group back."""

from __future__ import annotations

import random
import time

from faq.learning import MissGroup, group_key, group_misses
from faq.matcher import default_matcher

MISSES = [
    "do retries get billed",
    "Do retries get billed?",
    "do  retries get BILLED",
    "are retries charged",
    "do we get charged for retries",
    "are failed api calls billed",
    "do we pay for failed requests",
    "are images billed as tokens",
    "are images charged as tokens?",
    "does streaming cost extra",
    "what's the weather in berlin",
    "hello",
    "why do output tokens cost more than input",
]


def by_representative(groups: tuple[MissGroup, ...]) -> dict[str, MissGroup]:
    return {group.representative: group for group in groups}


def test_similar_misses_form_counted_groups_most_asked_first() -> None:
    report = group_misses(MISSES, default_matcher())
    summary = [(g.representative, g.count) for g in report.groups]
    assert summary == [
        ("Do retries get billed?", 5),
        ("are failed api calls billed", 2),
        ("are images billed as tokens", 2),
        ("does streaming cost extra", 1),
    ]
    retries = report.groups[0]
    assert retries.key == "cost retry"
    assert retries.phrasings == (
        "Do retries get billed?",
        "are retries charged",
        "do we get charged for retries",
    )
    assert (report.off_topic, report.answered, report.dismissed) == (2, 1, 0)


def test_each_group_names_its_closest_entry_and_score() -> None:
    report = group_misses(MISSES, default_matcher())
    images = by_representative(report.groups)["are images billed as tokens"]
    assert images.closest is not None
    assert images.closest.entry.id == "what-is-cost-per-token"
    assert images.closest.score > 0
    assert 0 < images.closest.coverage < default_matcher().min_coverage


def test_a_taught_group_leaves_the_list_and_undoing_brings_it_back() -> None:
    taught = default_matcher().with_alternates({"rate-limits-vs-cost": ("do retries get billed",)})
    report = group_misses(MISSES, taught)
    assert "cost retry" not in [group.key for group in report.groups]
    assert report.answered == 1 + 5
    undone = group_misses(MISSES, taught.with_alternates({}))
    assert undone == group_misses(MISSES, default_matcher())


def test_a_dismissed_group_stops_showing_and_absorbs_new_wordings() -> None:
    first = group_misses(MISSES, default_matcher())
    key = first.groups[0].key
    later = [*MISSES, "do retries cost money"]
    report = group_misses(later, default_matcher(), dismissed=[key])
    assert [g.key for g in report.groups] == [g.key for g in first.groups[1:]]
    assert report.dismissed == 6


def test_grouping_does_not_depend_on_the_order_of_the_log() -> None:
    shuffled = list(MISSES)
    random.Random(7).shuffle(shuffled)
    assert group_misses(shuffled, default_matcher()) == group_misses(MISSES, default_matcher())


def test_group_key_is_sorted_distinct_terms() -> None:
    assert group_key(("retry", "cost", "retry")) == "cost retry"
    assert group_key(()) == ""


def test_thousands_of_misses_group_in_well_under_a_second_each_thousand() -> None:
    rng = random.Random(18)
    things = [f"widget{n}" for n in range(300)] + ["retries", "images", "streaming", "pdfs"]
    shapes = [
        "do {} get billed",
        "are {} charged as tokens",
        "how much do {} cost per month",
        "is there a discount for {}",
        "why are {} so expensive",
    ]
    misses = [rng.choice(shapes).format(rng.choice(things)) for _ in range(5000)]
    started = time.perf_counter()
    report = group_misses(misses, default_matcher())
    elapsed = time.perf_counter() - started
    assert sum(g.count for g in report.groups) + report.answered + report.off_topic == 5000
    assert len(report.groups) < len(set(misses))
    assert elapsed < 5.0, elapsed
