"""The question reader's development table (tests/bot/question_phrasings.yaml): every
phrasing reads right, and the table stays big and varied."""

from __future__ import annotations

from pathlib import Path

from tests.bot.test_question_eval import load_cases, score

PHRASINGS_PATH = Path(__file__).with_name("question_phrasings.yaml")


def test_every_phrasing_in_the_table_reads_right() -> None:
    cases = load_cases(path=PHRASINGS_PATH)
    _share, failures = score(cases, "development table")
    assert failures == []


def test_the_table_is_big_varied_and_apart_from_the_held_out_set() -> None:
    cases = load_cases(path=PHRASINGS_PATH)
    questions = [c for c in cases if c["kind"] != "faq"]
    assert len(questions) >= 80
    kinds = {c["kind"] for c in cases}
    assert kinds >= {"estimate", "budget", "compare", "cheapest", "price", "missing", "faq"}
    held_out = {c["q"].lower() for block in ("cases", "fresh2") for c in load_cases(block)}
    assert not {c["q"].lower() for c in cases} & held_out
