"""Score the matcher on the frozen evaluation set (tests/faq/eval_questions.yaml).

Top-1 counts an answer only when it is the right entry: a miss is a failure, just as a wrong
answer is. Off-topic questions must all be declined. The figures are printed (`pytest -s`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from faq import Match, get_entry, match
from faq.match import default_matcher

EVAL_PATH = Path(__file__).with_name("eval_questions.yaml")


def load_eval() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EVAL_PATH.read_text(encoding="utf-8"))
    return data


def score(rows: list[dict[str, str]]) -> tuple[float, float, list[str]]:
    """(top-1 answered-correct, top-3 ranked, failures) over (id, q) rows."""
    correct = in_top3 = 0
    failures = []
    for row in rows:
        result = match(row["q"])
        ranked = [c.entry.id for c in default_matcher().rank(row["q"])[:3]]
        if isinstance(result, Match) and result.entry.id == row["id"]:
            correct += 1
        else:
            got = result.entry.id if isinstance(result, Match) else f"miss {ranked}"
            failures.append(f"{row['q']!r}: want {row['id']}, got {got}")
        in_top3 += row["id"] in ranked
    return correct / len(rows), in_top3 / len(rows), failures


def test_eval_set_is_big_and_varied_enough() -> None:
    data = load_eval()
    questions = data["questions"] + data["fresh"]
    assert len(questions) >= 110
    assert len(data["off_topic"]) + len(data["fresh_off_topic"]) >= 15
    per_entry: dict[str, int] = {}
    for row in questions:
        get_entry(row["id"])  # every label is a real entry
        per_entry[row["id"]] = per_entry.get(row["id"], 0) + 1
    assert min(per_entry.values()) >= 4
    texts = [row["q"].lower() for row in questions]
    assert len(texts) == len(set(texts))


def test_eval_phrasings_are_not_copied_into_entries() -> None:
    data = load_eval()
    stored = {
        text.lower().rstrip("?")
        for entry in default_matcher().entries
        for text in (entry.question, *entry.phrasings)
    }
    copied = [
        row["q"]
        for row in data["questions"] + data["fresh"]
        if row["q"].lower().rstrip("?") in stored
    ]
    assert copied == []


def test_top1_accuracy_is_at_least_90_percent() -> None:
    data = load_eval()
    dev_top1, dev_top3, _ = score(data["questions"])
    fresh_top1, fresh_top3, _ = score(data["fresh"])
    overall, _, failures = score(data["questions"] + data["fresh"])
    print(f"\ndev top-1 {dev_top1:.1%} top-3 {dev_top3:.1%} (n={len(data['questions'])})")
    print(f"fresh top-1 {fresh_top1:.1%} top-3 {fresh_top3:.1%} (n={len(data['fresh'])})")
    print(f"overall top-1 {overall:.1%}")
    print("\n".join(failures))
    assert overall >= 0.90, failures
    assert fresh_top3 >= 0.95 and dev_top3 >= 0.95


@pytest.mark.parametrize("block", ["off_topic", "fresh_off_topic"])
def test_no_off_topic_question_is_answered(block: str) -> None:
    answered = [
        (question, result.entry.id)
        for question in load_eval()[block]
        if isinstance(result := match(question), Match)
    ]
    assert answered == []
