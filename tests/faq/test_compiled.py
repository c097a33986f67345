"""The compiled FAQ index answers exactly as a freshly built matcher, and is never stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from faq import compiled
from faq.matcher import Matcher, default_matcher
from faq.store import DEFAULT_ENTRIES_PATH, load_entries, read_entries

QUESTIONS = (
    "why do output tokens cost more?",
    "what is the weather in Paris?",
    "how do cachd tokens work",  # a typo: the correction table comes from the stored index
    "is the batch api cheaper",
    "how many words is a token",
    "reset my slack password",
    "what does gpt-4o cost vs claude-sonnet-4",
)

_ENTRY = """entries:
  - id: the-one
    question: What is the one answer?
    phrasings: [{phrasing}]
    keywords: [oneness]
    related: []
    reviewed: 2026-11-29
    answer: It is one.
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TOKENCOST_CACHE_DIR", str(folder))
    return folder


def _index(entries: Path, built: list[int]) -> Matcher:
    def build() -> dict[str, object]:
        built.append(1)
        return Matcher(read_entries(entries)).index_state()

    return Matcher.from_index_state(compiled.compiled_index(build, entries))


def test_stored_index_answers_as_a_fresh_matcher(cache: Path) -> None:
    built: list[int] = []
    first = _index(DEFAULT_ENTRIES_PATH, built)
    stored = _index(DEFAULT_ENTRIES_PATH, built)
    assert built == [1]  # the second came from the file
    [stored_file] = cache.glob("faq-index-*.pickle")  # one per copy of the package on disk
    assert stored_file.stat().st_mode & 0o777 == 0o600
    fresh = Matcher(load_entries())
    assert stored.entries == fresh.entries
    assert stored.idf == fresh.idf and stored.postings == fresh.postings
    for question in QUESTIONS:
        assert stored.match(question) == fresh.match(question) == first.match(question)
        assert stored.terms(question) == fresh.terms(question)


def test_a_changed_entry_rebuilds_the_index(cache: Path, tmp_path: Path) -> None:
    entries = tmp_path / "entries.yaml"
    entries.write_text(_ENTRY.format(phrasing="how singular is it"))
    built: list[int] = []
    first = _index(entries, built)
    assert "singular" in first.idf and "zebra" not in first.idf
    assert _index(entries, built).entries == first.entries
    assert built == [1]
    entries.write_text(_ENTRY.format(phrasing="where do the zebras graze"))
    changed = _index(entries, built)
    assert built == [1, 1]  # the edit was seen: indexed again, not served stale
    assert changed.entries[0].phrasings == ("where do the zebras graze",)
    assert "zebra" in changed.idf and "singular" not in changed.idf


def test_a_changed_faq_source_rebuilds_the_index(cache: Path) -> None:
    # The index depends on the normalisation code too: every faq module is an input.
    inputs = compiled.index_inputs()
    assert Path(compiled.__file__).parent / "normalisation.py" in inputs
    assert Path(compiled.__file__).parent / "vocabulary.py" in inputs
    assert inputs[-1] == DEFAULT_ENTRIES_PATH


def test_a_matcher_with_taught_phrasings_is_not_stored() -> None:
    taught = default_matcher().with_alternates({"what-is-a-token": ["whats a tokn thing"]})
    with pytest.raises(ValueError, match="taught"):
        taught.index_state()


def test_the_default_matcher_is_a_stored_one_when_caching_is_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOKENCOST_CACHE_DIR", "")  # off: built from the YAML every time
    default_matcher.cache_clear()
    try:
        matcher = default_matcher()
        assert matcher.match(QUESTIONS[0]) == Matcher(load_entries()).match(QUESTIONS[0])
    finally:
        default_matcher.cache_clear()
