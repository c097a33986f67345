"""The entries store: the bundled file is valid, and bad files fail naming file, entry, field."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from faq import EntryError, get_entry, list_entries, read_entries

REQUIRED_IDS = {
    "what-is-cost-per-token",
    "what-is-a-token",
    "why-output-costs-more",
    "estimate-monthly-cost",
    "system-prompt-cost",
    "cached-input-pricing",
    "batch-discount",
    "reduce-costs",
    "count-tokens",
    "model-price-differences",
    "context-window-cost",
    "inference-cost-vs-cost-per-token",
    "reasoning-tokens",
    "non-english-tokens",
    "price-data-freshness",
    "daily-digest",
}

GOOD_ENTRY = """
  - id: {id}
    question: What is a thing?
    phrasings: [what's a thing]
    keywords: [thing]
    related: {related}
    reviewed: 2026-11-29
    answer: A thing is a thing.
"""


def write(tmp_path: Path, body: str, name: str = "entries.yaml") -> Path:
    path = tmp_path / name
    path.write_text("entries:\n" + body, encoding="utf-8")
    return path


def test_bundled_store_has_the_required_ids_and_more() -> None:
    ids = [entry.id for entry in list_entries()]
    assert set(ids) >= REQUIRED_IDS
    assert len(ids) >= len(REQUIRED_IDS) + 8


def test_ids_are_unique_and_related_ids_exist() -> None:
    entries = list_entries()
    ids = [entry.id for entry in entries]
    assert len(ids) == len(set(ids))
    for entry in entries:
        assert entry.related, entry.id
        assert set(entry.related) <= set(ids), entry.id
        assert entry.id not in entry.related


def test_every_entry_has_matching_material_and_review_metadata() -> None:
    for entry in list_entries():
        assert len(entry.phrasings) >= 3, entry.id
        assert entry.keywords, entry.id
        assert entry.owner, entry.id
        assert entry.reviewed <= date.today(), entry.id


def test_answers_are_slack_mrkdwn_not_markdown() -> None:
    for entry in list_entries():
        assert "**" not in entry.answer, entry.id
        assert not re.search(r"^#+ ", entry.answer, re.MULTILINE), entry.id
        assert not re.search(r"^\s*[-*] ", entry.answer, re.MULTILINE), entry.id


def test_get_entry_finds_by_id_and_rejects_unknown() -> None:
    assert get_entry("what-is-a-token").question == "What is a token?"
    with pytest.raises(KeyError):
        get_entry("no-such-entry")


def test_review_due_uses_the_interval() -> None:
    entry = get_entry("what-is-a-token")
    assert not entry.review_due(entry.reviewed)
    assert entry.review_due(date.fromordinal(entry.reviewed.toordinal() + 91))


def test_a_good_file_loads(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_ENTRY.format(id="a-thing", related="[]"))
    (entry,) = read_entries(path)
    assert entry.id == "a-thing"
    assert entry.phrasings == ("what's a thing",)
    assert entry.review_every_days == 90


def test_a_directory_of_files_loads_and_links_across_files(tmp_path: Path) -> None:
    write(tmp_path, GOOD_ENTRY.format(id="one", related="[two]"), "a.yaml")
    write(tmp_path, GOOD_ENTRY.format(id="two", related="[one]"), "b.yaml")
    assert [e.id for e in read_entries(tmp_path)] == ["one", "two"]


@pytest.mark.parametrize(
    ("body", "entry", "field", "problem"),
    [
        (
            GOOD_ENTRY.format(id="x", related="[]").replace("    question: What is a thing?\n", ""),
            "x",
            "question",
            "is missing",
        ),
        (
            GOOD_ENTRY.format(id="x", related="[]").replace("keywords: [thing]", "keywords: thing"),
            "x",
            "keywords",
            "list of strings",
        ),
        (
            GOOD_ENTRY.format(id="x", related="[]").replace("[what's a thing]", "[ok, 42]"),
            "x",
            "phrasings[1]",
            "non-empty string",
        ),
        (GOOD_ENTRY.format(id="x", related="[nope]"), "x", "related", "unknown id 'nope'"),
        (GOOD_ENTRY.format(id="x", related="[x]"), "x", "related", "relate to itself"),
        (GOOD_ENTRY.format(id="Bad Id", related="[]"), "Bad Id", "id", "slug"),
        (
            GOOD_ENTRY.format(id="x", related="[]").replace("2026-11-29", "last week"),
            "x",
            "reviewed",
            "date",
        ),
        (
            GOOD_ENTRY.format(id="x", related="[]").replace("a thing.", "a **thing**."),
            "x",
            "answer",
            "Markdown",
        ),
        (
            GOOD_ENTRY.format(id="x", related="[]").replace("answer: A", "answr: A"),
            "x",
            "answer",
            "is missing",
        ),
        (
            GOOD_ENTRY.format(id="x", related="[]") + "    colour: blue\n",
            "x",
            "colour",
            "not a known field",
        ),
        (
            GOOD_ENTRY.format(id="x", related="[]") + GOOD_ENTRY.format(id="x", related="[]"),
            "x",
            "id",
            "duplicate id",
        ),
        (
            GOOD_ENTRY.format(id="x", related="[]").replace("A thing is a thing.", "y" * 2900),
            "x",
            "answer",
            "the limit is 2900",
        ),
    ],
)
def test_bad_entries_name_file_entry_and_field(
    tmp_path: Path, body: str, entry: str, field: str, problem: str
) -> None:
    path = write(tmp_path, body)
    with pytest.raises(EntryError) as caught:
        read_entries(path)
    error = caught.value
    assert (error.file, error.entry, error.field) == (str(path), entry, field)
    assert str(path) in error.message
    assert repr(entry) in error.message and repr(field) in error.message
    assert problem in error.message


def test_broken_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "entries.yaml"
    path.write_text("entries:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(EntryError, match="not valid YAML") as caught:
        read_entries(path)
    assert caught.value.file == str(path)


def test_a_file_without_an_entries_list_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "entries.yaml"
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(EntryError, match="entries") as caught:
        read_entries(path)
    assert caught.value.field == "entries"


def test_an_entry_that_is_not_a_mapping_is_named_by_position(tmp_path: Path) -> None:
    path = write(tmp_path, "  - just text\n")
    with pytest.raises(EntryError) as caught:
        read_entries(path)
    assert caught.value.entry == "#0"


def test_a_missing_file_is_an_entry_error(tmp_path: Path) -> None:
    with pytest.raises(EntryError, match="cannot be read"):
        read_entries(tmp_path / "missing.yaml")
