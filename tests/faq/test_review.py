"""Owners and review dates, and answers voted down: pure lists for the digest and App Home."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from faq import get_entry, list_entries
from faq.review import by_owner, due_for_review, negative_answers

TODAY = date(2026, 5, 1)


@dataclass(frozen=True)
class Tally:
    """The shape of `bot.store.queries.FaqVoteTally`, without importing the bot."""

    faq_id: str
    helpful: int
    not_helpful: int


def test_entries_past_their_interval_are_due_most_overdue_first() -> None:
    token = replace(get_entry("what-is-a-token"), reviewed=date(2026, 1, 1), review_every_days=90)
    budgets = replace(get_entry("budgets"), reviewed=date(2026, 3, 1), review_every_days=30)
    fresh = replace(get_entry("batch-discount"), reviewed=date(2026, 4, 1), review_every_days=90)
    # Due on 2026-05-01 itself: still on time that day.
    on_the_day = replace(fresh, id="on-the-day", reviewed=date(2026, 1, 31))
    due = due_for_review([fresh, token, on_the_day, budgets], TODAY)
    assert [(d.entry.id, d.due_on, d.days_overdue) for d in due] == [
        ("budgets", date(2026, 3, 31), 31),
        ("what-is-a-token", date(2026, 4, 1), 30),
    ]
    assert all(d.entry.review_due(TODAY) for d in due)


def test_due_entries_grouped_by_owner() -> None:
    mine = replace(get_entry("budgets"), owner="U0OWNER", reviewed=date(2025, 1, 1))
    theirs = replace(get_entry("what-is-a-token"), owner="pricing", reviewed=date(2025, 6, 1))
    also_mine = replace(get_entry("log-usage"), owner="U0OWNER", reviewed=date(2025, 3, 1))
    grouped = by_owner(due_for_review([theirs, also_mine, mine], TODAY))
    assert list(grouped) == ["U0OWNER", "pricing"]
    assert [d.entry.id for d in grouped["U0OWNER"]] == ["budgets", "log-usage"]


def test_the_bundled_entries_are_not_due_when_reviewed() -> None:
    reviewed = max(e.reviewed for e in list_entries())
    assert due_for_review(list_entries(), reviewed) == ()


def test_answers_voted_down_are_listed_worst_first() -> None:
    tallies = [
        Tally("budgets", helpful=1, not_helpful=4),
        Tally("what-is-a-token", helpful=9, not_helpful=2),
        Tally("log-usage", helpful=0, not_helpful=3),
        Tally("batch-discount", helpful=0, not_helpful=2),  # too few votes to judge
        Tally("cheapest-model", helpful=3, not_helpful=3),  # a tie is not negative
        Tally("compare-models", helpful=2, not_helpful=5),
    ]
    flagged = negative_answers(tallies)
    # Same net: the larger unhelpful share first.
    assert [(a.entry_id, a.net) for a in flagged] == [
        ("log-usage", -3),
        ("budgets", -3),
        ("compare-models", -3),
    ]
    assert negative_answers(tallies, min_votes=2)[-1].entry_id == "batch-discount"
