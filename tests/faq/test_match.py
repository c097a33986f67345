"""The matcher: normalisation, the answer/miss decision, and the router's question test."""

from __future__ import annotations

import pytest

from faq import Match, Matcher, Miss, get_entry, looks_like_question, match, normalise
from faq.matcher import default_matcher


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "why" is kept: it ranks explanations above how-tos, and never counts as evidence.
        ("Why is the completion pricier than the prompt?", ("why", "output", "pricier", "input")),
        ("responses cost more than inputs", ("output", "pricier", "input")),
        ("our bill / spend / charges", ("cost",)),
        ("more expensive", ("pricier",)),
        ("what does gpt-4o cost vs claude-sonnet-4", ("modelname", "cost", "compare")),
        ("the system prompt", ("systemprompt",)),
        ("tokens and tokenizers", ("token", "tokenizer")),
        ("Japanese and Hindi", ("language",)),
        ("gemini 2.5 pro vs claude 3.5 sonnet", ("modelname", "compare")),
        ("the cache writes and what the model writes", ("cache", "cachewrite", "model", "output")),
        ("is the tool schema input or output", ("tool", "schema", "input", "output", "whichside")),
        ("flex processing", ("servicetier",)),
        ("token-based billing", ("token", "pricingmodel")),
    ],
)
def test_normalise_folds_synonyms_and_phrases(text: str, expected: tuple[str, ...]) -> None:
    assert tuple(dict.fromkeys(normalise(text))) == expected


def test_typos_one_edit_away_are_corrected() -> None:
    matcher = default_matcher()
    assert matcher.terms("embedings tokne") == ("embedding", "token")
    assert matcher.terms("reasonning") == ("reasoning",)


def test_dropping_a_typed_letter_never_lands_on_a_short_store_word() -> None:
    # "charts" is one deletion from the store's "chars"; a real word, not a typo.
    assert default_matcher().terms("charts") == ("chart",)


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("Why do output tokens cost more than input tokens?", "why-output-costs-more"),
        ("why is completion pricier than the prompt", "why-output-costs-more"),
        ("how much will we spend per month", "estimate-monthly-cost"),
        ("is batch cheaper", "batch-discount"),
        ("what is a token", "what-is-a-token"),
    ],
)
def test_questions_match_their_entry(question: str, entry_id: str) -> None:
    result = match(question)
    assert isinstance(result, Match)
    assert result.entry.id == entry_id
    assert result.score > 0
    assert 0 < result.coverage <= 1


def test_every_stored_question_matches_its_own_entry() -> None:
    for entry in default_matcher().entries:
        result = match(entry.question)
        assert isinstance(result, Match), entry.id
        assert result.entry.id == entry.id


@pytest.mark.parametrize(
    "question",
    [
        "what's the weather tomorrow",
        "how do I reset my Slack password",
        "best lasagne recipe",
        "who are you",
        "how much does a slack seat cost",
        "price of bitcoin",
        "",
        "???",
    ],
)
def test_off_topic_questions_are_declined(question: str) -> None:
    result = match(question)
    assert isinstance(result, Miss)
    assert result.question == question


def test_a_vague_on_topic_question_misses_with_up_to_three_suggestions() -> None:
    result = match("what does it cost")
    assert isinstance(result, Miss)
    assert not result.off_topic
    assert 1 <= len(result.suggestions) <= 3
    for entry_id, question in result.suggestions:
        assert get_entry(entry_id).question == question


def test_clearly_off_topic_misses_offer_no_suggestions() -> None:
    result = match("how do I reset my slack password")
    assert isinstance(result, Miss)
    assert result.off_topic
    assert result.suggestions == ()


def test_rank_is_the_scorer_seam() -> None:
    ranked = default_matcher().rank("cached input discount")
    assert ranked[0].entry.id == "cached-input-pricing"
    assert [c.score for c in ranked] == sorted((c.score for c in ranked), reverse=True)


def test_a_matcher_over_other_entries() -> None:
    matcher = Matcher([get_entry("batch-discount"), get_entry("what-is-a-token")])
    result = matcher.match("batch api discount")
    assert isinstance(result, Match)
    assert result.entry.id == "batch-discount"
    assert isinstance(matcher.match("embeddings"), Miss)


@pytest.mark.parametrize(
    "text",
    [
        "why is output more expensive?",
        "what is a token",
        "How do I estimate monthly cost",
        "explain cached input",
        "should we use batch",
        "faq tokens",
        "FAQ: reasoning tokens",
        "gpt-4o costs how much?",
        "Does claude cost more",
        "is batch cheaper",
        "which model is cheapest",
        "can I set a budget",
        "when are prices checked",
    ],
)
def test_questions_look_like_questions(text: str) -> None:
    assert looks_like_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "gpt-4o 1000 500",
        "gpt-4o 1000/500 x 10000 per day",
        "1.2M input 300k output on claude-sonnet-4",
        "compare gpt-4o gpt-4o-mini 2000 400",
        "cheapest 1000 500",
        "count gpt-4o hello there",
        "price gpt-4o",
        "models anthropic",
        "log gpt-4o 120k 30k #search-team",
        "budget 500/month",
        "digest on #llm-costs at 09:00 Europe/Berlin",
        "help",
        "",
        "   ",
    ],
)
def test_commands_do_not_look_like_questions(text: str) -> None:
    assert not looks_like_question(text)
