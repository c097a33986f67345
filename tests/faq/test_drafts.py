"""A workspace's own entry: validated and rendered like a bundled one, answered there only."""

from __future__ import annotations

from datetime import date

import pytest

import prices
from faq import EntryError, Match, Miss, RenderError, list_entries
from faq.drafts import DRAFT_SOURCE, check_draft, draft_entry, slug_for
from faq.matcher import default_matcher
from faq.store import Entry
from tests.faq.test_eval import OFF_TOPIC_BLOCKS, ON_TOPIC_BLOCKS, load_eval, score

TODAY = date(2026, 12, 1)
PRIVACY_ANSWER = (
    "No. The bot never sends your prompts anywhere: `count` text is tokenised in memory and "
    "never stored, and estimates use only the numbers you type. A reply costs "
    "{{price gpt-4o-mini input}} per 1M input tokens on `gpt-4o-mini` if you ask it to."
)


@pytest.fixture(scope="module", autouse=True)
def encodings() -> None:
    prices.load_encodings()


def privacy_draft(**changes: object) -> Entry:
    fields: dict[str, object] = {
        "question": "Does the bot see our prompts?",
        "answer": PRIVACY_ANSWER,
        "owner": "U0ADMIN",
        "today": TODAY,
        "existing": list_entries(),
        "related": ["count-tokens"],
        "phrasings": ["is our prompt text stored"],
    }
    fields.update(changes)
    return draft_entry(**fields)  # type: ignore[arg-type]


def test_a_draft_is_validated_and_rendered_like_a_bundled_entry() -> None:
    entry = privacy_draft()
    assert entry.id == "does-the-bot-see-our-prompts"
    assert (entry.owner, entry.reviewed, entry.review_every_days) == ("U0ADMIN", TODAY, 90)
    preview = check_draft(entry, list_entries())
    assert "{{" not in preview.rendered.text
    assert "$" in preview.rendered.text
    assert preview.rendered.related == (
        ("count-tokens", "How do I count the tokens in my prompt?"),
    )


@pytest.mark.parametrize(
    ("changes", "field", "problem"),
    [
        ({"question": "  "}, "question", "non-empty"),
        ({"answer": "**No.** We never look."}, "answer", "Markdown, not Slack mrkdwn"),
        ({"answer": "x" * 3000}, "answer", "the limit is 2900"),
        ({"related": ["no-such-entry"]}, "related", "unknown id 'no-such-entry'"),
        ({"entry_id": "Not A Slug"}, "id", "lowercase slug"),
        ({"entry_id": "budgets"}, "id", "already taken"),
        ({"review_every_days": 0}, "review_every_days", "positive integer"),
    ],
)
def test_a_bad_draft_names_the_field_to_fix(
    changes: dict[str, object], field: str, problem: str
) -> None:
    with pytest.raises(EntryError) as caught:
        privacy_draft(**changes)
    assert caught.value.field == field
    assert caught.value.file == DRAFT_SOURCE
    assert problem in caught.value.message


def test_a_draft_whose_figure_does_not_resolve_is_refused_before_saving() -> None:
    entry = privacy_draft(answer="It costs {{price no-such-model input}} per 1M.")
    with pytest.raises(RenderError, match="no-such-model"):
        check_draft(entry, list_entries())


def test_slugs_are_cut_at_a_word_and_made_unique() -> None:
    assert slug_for("What is a token?", {"what-is-a-token"}) == "what-is-a-token-2"
    assert slug_for("¿¡!", set()) == "workspace-entry"
    long = slug_for("how do we " + "really " * 20 + "know", set())
    assert len(long) <= 48 and not long.endswith("-")


def test_a_draft_is_answered_in_its_workspace_only() -> None:
    entry = privacy_draft()
    workspace = default_matcher().with_entries([entry])
    for question in (
        "Does the bot see our prompts?",
        "does the bot see our prompt",
        "is our prompt text stored?",
    ):
        result = workspace.match(question)
        assert isinstance(result, Match) and result.entry.id == entry.id, question
    assert isinstance(default_matcher().match("Does the bot see our prompts?"), Miss)
    assert entry.id not in {e.id for e in default_matcher().entries}
    with pytest.raises(ValueError, match="share an id"):
        workspace.with_entries([entry])


def test_alternates_survive_adding_a_draft_and_may_name_it() -> None:
    entry = privacy_draft()
    workspace = default_matcher().with_alternates(
        {"rate-limits-vs-cost": ("do retries get billed",)}
    )
    grown = workspace.with_entries([entry]).with_alternates(
        {**workspace.alternates, entry.id: ("can the bot read what we send",)}
    )
    for question, entry_id in [
        ("do retries get billed", "rate-limits-vs-cost"),
        ("can the bot read what we send", entry.id),
    ]:
        result = grown.match(question)
        assert isinstance(result, Match) and result.entry.id == entry_id


def test_a_draft_keeps_the_eval_blocks_and_the_off_topic_gate() -> None:
    workspace = default_matcher().with_entries([privacy_draft()])
    data = load_eval()
    print()
    for block in ON_TOPIC_BLOCKS:
        before, _, _ = score(data[block])
        after, after3, failures = score(data[block], workspace)
        print(f"{block} with a draft: top-1 {before:.1%} -> {after:.1%}")
        assert after >= 0.90 and after3 >= 0.95, failures
        assert after >= before, failures
    for block in OFF_TOPIC_BLOCKS:
        assert [q for q in data[block] if isinstance(workspace.match(q), Match)] == []
