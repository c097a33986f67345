"""`tokencost faq list|misses|votes` and `tokencost ask "<question>"`, in-process through `main()`.

Every run writes to a temporary SQLite file (TOKENCOST_DB), and misses are recorded the way
users make them: by asking through `tokencost ask`, not by writing rows by hand.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import faq
from bot.cli.faq import _faq_list
from bot.cli.main import main
from bot.store.db import open_db
from bot.store.queries import record_faq_vote
from bot.store.workspace import DEFAULT_WORKSPACE

UNANSWERABLE = "what does it cost"
"""On topic but too vague to answer: a miss with suggestions."""

WS = DEFAULT_WORKSPACE
"""The workspace these tests read and write."""


@pytest.fixture(autouse=True)
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every CLI run in these tests logs into a temporary SQLite file, never ./data."""
    path = tmp_path / "cli.db"
    monkeypatch.setenv("TOKENCOST_DB", str(path))
    return path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    """Run the CLI, expect exit 0, and return its stdout parsed as JSON."""
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


# -- faq list ----------------------------------------------------------------------------------


def test_faq_list_shows_every_entry_with_its_reviewed_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["faq", "list"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    entries = faq.list_entries()
    assert len(lines) == len(entries)
    first = entries[0]
    assert lines[0].split()[:2] == [first.id, first.reviewed.isoformat()]
    assert lines[0].endswith(first.question)
    assert f"{len(entries)} entries" in captured.err


def test_faq_list_json_has_id_question_reviewed_and_due_flag(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = run_json(capsys, "faq", "list", "--json")
    assert isinstance(rows, list)
    by_id = {row["id"]: row for row in rows}
    for required in ("what-is-cost-per-token", "why-output-costs-more", "daily-digest"):
        assert required in by_id
    row = by_id["what-is-a-token"]
    entry = faq.get_entry("what-is-a-token")
    assert row["question"] == entry.question
    assert row["reviewed"] == entry.reviewed.isoformat()
    assert row["review_every_days"] == entry.review_every_days
    assert isinstance(row["review_due"], bool)


def test_faq_list_marks_entries_past_their_review_interval(
    capsys: pytest.CaptureFixture[str],
) -> None:
    entry = faq.list_entries()[0]
    before = entry.reviewed
    long_after = date.fromordinal(entry.reviewed.toordinal() + entry.review_every_days + 1)
    assert _faq_list(argparse.Namespace(json=True), today=before) == 0
    assert not any(row["review_due"] for row in json.loads(capsys.readouterr().out))
    assert _faq_list(argparse.Namespace(json=True), today=long_after) == 0
    due = {row["id"]: row["review_due"] for row in json.loads(capsys.readouterr().out)}
    assert due[entry.id] is True
    assert _faq_list(argparse.Namespace(json=False), today=long_after) == 0
    out = capsys.readouterr()
    assert f"{entry.reviewed.isoformat()}!" in out.out
    assert "due for review" in out.err


# -- ask ---------------------------------------------------------------------------------------


def test_ask_a_question_json_is_a_faq_answer(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "ask", "why do output tokens cost more than input?", "--json")
    assert isinstance(data, dict)
    assert data["kind"] == "faq"
    assert data["id"] == "why-output-costs-more"
    assert data["question"] == faq.get_entry("why-output-costs-more").question
    assert "{{" not in data["answer"] and "$" in data["answer"]  # live figures filled in


def test_ask_an_unanswerable_question_json_is_a_miss_with_suggestions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(capsys, "ask", UNANSWERABLE, "--json")
    assert isinstance(data, dict)
    assert data["kind"] == "faq_miss"
    assert 1 <= len(data["suggestions"]) <= 3
    for suggestion in data["suggestions"]:
        assert set(suggestion) == {"id", "question"}
        assert faq.get_entry(suggestion["id"]).question == suggestion["question"]


def test_ask_an_off_topic_question_is_declined_without_suggestions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = run_json(capsys, "ask", "what's the weather in Paris?", "--json")
    assert data == {"kind": "faq_miss", "suggestions": []}


# -- faq misses --------------------------------------------------------------------------------


def test_faq_misses_lists_what_people_asked_and_what_was_offered(
    capsys: pytest.CaptureFixture[str],
) -> None:
    offered = run_json(capsys, "ask", UNANSWERABLE, "--json")
    assert isinstance(offered, dict)
    run_json(capsys, "ask", "what's the weather in Paris?", "--json")  # off-topic: not a miss
    misses = run_json(capsys, "faq", "misses", "--raw", "--json")
    assert isinstance(misses, list)
    assert [m["question"] for m in misses] == [UNANSWERABLE]
    assert misses[0]["user_id"] == "cli"
    assert misses[0]["suggestions"] == offered["suggestions"]
    datetime.fromisoformat(misses[0]["created_utc"])

    assert main(["faq", "misses", "--raw"]) == 0
    captured = capsys.readouterr()
    assert UNANSWERABLE in captured.out
    assert offered["suggestions"][0]["id"] in captured.out
    assert "1 unanswered question" in captured.err


def test_faq_misses_since_filters_by_time(capsys: pytest.CaptureFixture[str]) -> None:
    run_json(capsys, "ask", UNANSWERABLE, "--json")
    assert run_json(capsys, "faq", "misses", "--since", "1h", "--json") != []
    tomorrow = datetime.now(UTC).date().toordinal() + 1
    future = date.fromordinal(tomorrow).isoformat()
    assert run_json(capsys, "faq", "misses", "--since", future, "--json") == []


def test_faq_misses_with_a_bad_since_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["faq", "misses", "--since", "yesterday"]) == 2
    assert "--since takes a date" in capsys.readouterr().err


def test_faq_misses_on_an_empty_store(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(capsys, "faq", "misses", "--json") == []


# -- faq votes ---------------------------------------------------------------------------------


def test_faq_votes_tallies_least_helpful_first(
    capsys: pytest.CaptureFixture[str], cli_db: Path
) -> None:
    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    db = open_db(cli_db)
    try:
        record_faq_vote(db, WS, "what-is-a-token", "U1", True, now)
        record_faq_vote(db, WS, "batch-discount", "U1", False, now)
        record_faq_vote(db, WS, "batch-discount", "U2", False, now)
        record_faq_vote(db, WS, "batch-discount", "U3", True, now)
    finally:
        db.close()
    tallies = run_json(capsys, "faq", "votes", "--json")
    assert tallies == [
        {"id": "batch-discount", "question": faq.get_entry("batch-discount").question,
         "helpful": 1, "not_helpful": 2},
        {"id": "what-is-a-token", "question": faq.get_entry("what-is-a-token").question,
         "helpful": 1, "not_helpful": 0},
    ]  # fmt: skip
    assert main(["faq", "votes"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "yes", "no"]
    assert lines[1].split() == ["batch-discount", "1", "2"]


def test_faq_without_a_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["faq"])
    assert exit_info.value.code == 2
    assert "list|misses|votes" in capsys.readouterr().err
