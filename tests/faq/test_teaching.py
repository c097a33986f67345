"""Teaching a workspace's matcher: taught questions and their paraphrases get the entry, the
evaluation blocks and the off-topic gate keep their scores, and other workspaces see nothing.

The taught phrasings are realistic misses (written for this test, none from the eval set):
each is a miss for the bundled matcher today, taught to the entry that answers it.
"""

from __future__ import annotations

import pytest

from faq import Match, Miss
from faq.matcher import Matcher, default_matcher
from tests.faq.test_eval import OFF_TOPIC_BLOCKS, ON_TOPIC_BLOCKS, load_eval, on_topic, score

TAUGHT: dict[str, tuple[str, ...]] = {
    "what-is-cost-per-token": ("does streaming cost extra",),
    "what-is-a-token": ("are images billed as tokens", "do spaces count as tokens"),
    "rate-limits-vs-cost": ("do retries get billed", "do we pay for failed requests"),
    "log-usage": ("how do i see yesterday's spend", "give me the cost breakdown per team"),
    "budgets": ("ping me when we go over",),
    "why-output-costs-more": ("does json mode cost more",),
    "count-tokens": ("what's the bill for a 10 page pdf",),
}

# Paraphrases of the taught questions, as other people would type them.
PARAPHRASES = [
    ("Does streaming cost extra?", "what-is-cost-per-token"),
    ("is streaming more expensive", "what-is-cost-per-token"),
    ("are images charged as tokens", "what-is-a-token"),
    ("do we get charged for retries", "rate-limits-vs-cost"),
    ("Do we pay for FAILED requests??", "rate-limits-vs-cost"),
    ("do we pay for requests that failed", "rate-limits-vs-cost"),
    ("cost breakdown per team?", "log-usage"),
    ("how can I see yesterdays spend", "log-usage"),
    ("what would a 10 page pdf cost", "count-tokens"),
    ("does json mode cost more tokens", "why-output-costs-more"),
]

# Close in words to a taught phrasing, but about something else: they must stay misses.
NEAR_BUT_DIFFERENT = [
    "do we pay for failed deliveries",
    "how do i see yesterday's deliveries",
    "give me the cost breakdown per region",
    "ping the team when lunch arrives",
    "does streaming video cost extra on netflix",
    "are images billed as tokens in the office printer",
]


@pytest.fixture(scope="module")
def taught() -> Matcher:
    return default_matcher().with_alternates(TAUGHT)


def test_every_taught_phrasing_was_a_miss_before_teaching() -> None:
    for phrasings in TAUGHT.values():
        for phrasing in phrasings:
            assert isinstance(default_matcher().match(phrasing), Miss), phrasing


def test_taught_phrasings_and_their_paraphrases_get_the_entry(taught: Matcher) -> None:
    for entry_id, phrasings in TAUGHT.items():
        for phrasing in phrasings:
            result = taught.match(phrasing)
            assert isinstance(result, Match), phrasing
            assert (result.entry.id, result.taught, result.coverage) == (entry_id, phrasing, 1.0)
    wrong = []
    for question, entry_id in PARAPHRASES:
        result = taught.match(question)
        if not (isinstance(result, Match) and result.entry.id == entry_id):
            wrong.append((question, result))
    assert wrong == []


def test_near_but_different_questions_stay_misses(taught: Matcher) -> None:
    answered = [q for q in NEAR_BUT_DIFFERENT if isinstance(taught.match(q), Match)]
    assert answered == []


def test_teaching_keeps_every_eval_block_and_the_off_topic_gate(taught: Matcher) -> None:
    data = load_eval()
    print()
    for block in ON_TOPIC_BLOCKS:
        before1, before3, _ = score(data[block])
        after1, after3, failures = score(data[block], taught)
        print(f"{block}: top-1 {before1:.1%} -> {after1:.1%}, top-3 {before3:.1%} -> {after3:.1%}")
        assert after1 >= before1, failures
        assert after3 >= before3, block
    overall, _, _ = score(on_topic(data), taught)
    assert overall >= 0.90
    for block in OFF_TOPIC_BLOCKS:
        answered = [q for q in data[block] if isinstance(taught.match(q), Match)]
        print(f"{block}: {len(answered)} of {len(data[block])} answered after teaching")
        assert answered == []


def test_a_confident_answer_to_an_untaught_question_never_moves(taught: Matcher) -> None:
    for row in on_topic(load_eval()):
        before = default_matcher().match(row["q"])
        if isinstance(before, Match):
            after = taught.match(row["q"])
            assert isinstance(after, Match) and after.entry.id == before.entry.id, row["q"]


def test_teaching_one_workspace_changes_nothing_in_another(taught: Matcher) -> None:
    # Another workspace teaches the same words as a different entry, and one of its own.
    other = default_matcher().with_alternates(
        {"daily-digest": ("ping me when we go over",), "log-usage": ("what's our burn on the api",)}
    )
    for phrasings in TAUGHT.values():
        for phrasing in phrasings:
            assert isinstance(default_matcher().match(phrasing), Miss), phrasing
            if phrasing != "ping me when we go over":
                assert isinstance(other.match(phrasing), Miss), phrasing
    assert default_matcher().taught == ()
    assert default_matcher().alternates == {}
    mine, theirs = taught.match("ping me when we go over"), other.match("ping me when we go over")
    assert isinstance(mine, Match) and mine.entry.id == "budgets"
    assert isinstance(theirs, Match) and theirs.entry.id == "daily-digest"
    assert isinstance(taught.match("what's our burn on the api"), Miss)
    assert isinstance(other.match("whats our burn on the api?"), Match)


def test_undoing_restores_the_miss(taught: Matcher) -> None:
    remaining = {k: v for k, v in TAUGHT.items() if k != "budgets"}
    undone = taught.with_alternates(remaining)
    assert isinstance(undone.match("ping me when we go over"), Miss)
    assert isinstance(undone.match("do retries get billed"), Match)


def test_an_exact_taught_question_overrides_the_ranking_but_only_itself() -> None:
    # "is there a free tier" ranks context-window-cost (tiers) today; a person says otherwise.
    before = default_matcher().match("is there a free tier")
    assert isinstance(before, Match) and before.entry.id == "context-window-cost"
    fixed = default_matcher().with_alternates({"cheapest-model": ("is there a free tier",)})
    result = fixed.match("Is there a FREE tier?")
    assert isinstance(result, Match) and result.entry.id == "cheapest-model"
    near = fixed.match("is there a free tier for gemini")
    assert isinstance(near, Match) and near.entry.id == before.entry.id


def test_alternates_for_unknown_entries_are_skipped() -> None:
    matcher = default_matcher().with_alternates({"gone-entry": ("what about gone",)})
    assert matcher.alternates == {}
    assert matcher.taught == ()


def test_off_topic_word_list_wins_over_a_taught_phrasing() -> None:
    # check_alternate refuses to teach these; a row that slipped into the store still loses.
    matcher = default_matcher().with_alternates({"budgets": ("budget for the office chairs",)})
    result = matcher.match("budget for the office chairs")
    assert isinstance(result, Miss) and result.off_topic
