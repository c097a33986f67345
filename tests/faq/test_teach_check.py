"""The gate in front of teaching: what may be taught, and what the matcher does with it today."""

from __future__ import annotations

import pytest

from faq import Entry, get_entry
from faq.errors import TeachError
from faq.matcher import default_matcher
from faq.outcomes import Match, Miss
from faq.teach import MAX_PHRASING_CHARS, check_alternate


def test_a_miss_may_be_taught_and_the_check_says_it_was_a_miss() -> None:
    check = check_alternate(default_matcher(), "rate-limits-vs-cost", "  do retries   get billed ")
    assert check.phrasing == "do retries get billed"
    assert check.terms == ("retry", "cost")
    assert isinstance(check.before, Miss)
    assert not check.already_answered
    assert check.replaces is None


def test_the_check_says_when_teaching_changes_an_answer_or_only_confirms_it() -> None:
    changes = check_alternate(default_matcher(), "cheapest-model", "is there a free tier")
    assert changes.replaces == "context-window-cost"
    confirms = check_alternate(default_matcher(), "what-is-a-token", "what is a token")
    assert confirms.already_answered
    assert confirms.replaces is None
    assert isinstance(confirms.before, Match)


@pytest.mark.parametrize(
    ("entry_id", "phrasing", "reason"),
    [
        ("budgets", "", "is empty"),
        ("budgets", "   ", "is empty"),
        ("budgets", "first line\nsecond line", "one question at a time"),
        ("budgets", "x" * (MAX_PHRASING_CHARS + 1), "at most 200"),
        ("no-such-entry", "do retries get billed", "no FAQ entry `no-such-entry`"),
        ("budgets", "how do I reset my slack password", "“password”, which the FAQ never answers"),
        ("budgets", "what does the price of bitcoin do", "“bitcoin”"),
        ("budgets", "what about the bot?", "too vague"),
        ("budgets", "hello there", "too vague"),
    ],
)
def test_what_may_never_be_taught_is_refused_in_one_sentence(
    entry_id: str, phrasing: str, reason: str
) -> None:
    with pytest.raises(TeachError) as caught:
        check_alternate(default_matcher(), entry_id, phrasing)
    assert reason in caught.value.message
    assert caught.value.message.endswith(".")
    assert "\n" not in caught.value.message


def test_a_phrasing_meaning_the_same_as_one_taught_is_refused() -> None:
    taught = default_matcher().with_alternates({"rate-limits-vs-cost": ("do retries get billed",)})
    with pytest.raises(TeachError, match="already taught as a way of asking this entry"):
        check_alternate(taught, "rate-limits-vs-cost", "are retries charged?")
    with pytest.raises(TeachError, match=r"asking `rate-limits-vs-cost`.*unteach it first"):
        check_alternate(taught, "budgets", "Do retries get billed")


def test_a_workspace_entry_may_be_taught_in_its_workspace_only() -> None:
    own = Entry(
        id="our-approved-models",
        question="Which models are we allowed to use?",
        phrasings=(),
        keywords=(),
        answer="Ask #platform.",
        related=(),
        reviewed=get_entry("budgets").reviewed,
    )
    workspace = default_matcher().with_entries([own])
    assert check_alternate(workspace, own.id, "approved model list").entry_id == own.id
    with pytest.raises(TeachError, match="no FAQ entry"):
        check_alternate(default_matcher(), own.id, "approved model list")
