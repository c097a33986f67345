"""Score the question reader on the held-out set (tests/bot/question_eval.yaml).

A case counts only when the whole reading is right: the kind, the model(s), every count, the
volume and its period, the budget. `missing` cases must be an error reply that names the model
and gives a command to type. The score is printed (`pytest -s`).

Scores (see the YAML header for how the set was made):
- before the reader (main at e0d25c0): 35.6% of 59 (21 right).
- first run of the reader (no change yet made after looking at its misses): 94.9% (56 of 59).
  Misses: `a million calls` (the per-1M-tokens rewrite ate "a million"), `a million times`
  (same), `300 output tokens per summary` (`per summary` read as a second output label).
- after fixing those three (general fixes, but made after seeing the misses): 100%.
  Because of that, `fresh2` (written after those fixes and before any more tuning) is
  the cleaner held-out figure: 100% (30 of 30) on its first and only scoring, after the
  development table (question_phrasings.yaml) had been tuned to 100%. Caveat: the same
  person wrote the reader and both blocks, knowing how the reader works; the issue asks for
  requests written by someone else, which this is not.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.answers import ask
from bot.answers.results import ErrorResult
from bot.language import commands as c
from bot.language.errors import ParseError
from bot.language.parse import parse_command

EVAL_PATH = Path(__file__).with_name("question_eval.yaml")
#: The issue's bar: at least 90% of fresh question-form requests read right.
TARGET = 0.9


def load_cases(block: str = "cases", path: Path = EVAL_PATH) -> list[dict[str, Any]]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases: list[dict[str, Any]] = data[block]
    return cases


def _volume(case: dict[str, Any]) -> c.Volume | None:
    if "requests" not in case:
        return None
    return c.Volume(case["requests"], case.get("period"))


def expected(case: dict[str, Any]) -> c.Command | None:
    """The command a case should parse to (None for `missing`, checked on the reply)."""
    kind = case["kind"]
    counts = {"input_tokens": case.get("in", 0), "output_tokens": case.get("out", 0)}
    if kind in ("estimate", "budget"):
        budget = None
        if kind == "budget":
            budget = c.Money(Decimal(str(case["budget"])), case["budget_period"])
        command = parse_or_none(case["q"])
        assumed = isinstance(command, c.Estimate) and command.output_assumed
        return c.Estimate(
            model=case["model"],
            **counts,
            cached_input_tokens=case.get("cached", 0),
            batch=case.get("batch", False),
            volume=_volume(case),
            budget=budget,
            output_assumed=assumed and case.get("out", 0) == 0,
            cache_write_tokens=case.get("write", 0),
            reasoning_tokens=case.get("reasoning", 0),
        )
    if kind == "compare":
        return c.Compare(
            models=tuple(case["models"]),
            **counts,
            cached_input_tokens=case.get("cached", 0),
            batch=case.get("batch", False),
            volume=_volume(case),
            cache_write_tokens=case.get("write", 0),
            reasoning_tokens=case.get("reasoning", 0),
        )
    if kind == "cheapest":
        return c.Cheapest(**counts, provider=case.get("provider"), volume=_volume(case))
    if kind == "price":
        return c.Price(case["model"])
    if kind == "prices":
        return c.Price(case["models"][0], others=tuple(case["models"][1:]))
    if kind == "faq":
        return c.Faq(case["q"])
    return None


def parse_or_none(text: str) -> c.Command | None:
    try:
        return parse_command(text)
    except ParseError:
        return None


def reads_right(case: dict[str, Any]) -> tuple[bool, str]:
    """Whether the case reads as expected, and what it read as."""
    command = parse_or_none(case["q"])
    if case["kind"] == "missing":
        result = ask(case["q"])
        names = case.get("models") or [case["model"]]
        ok = (
            isinstance(result, ErrorResult)
            and all(name in result.message for name in names)
            and "`" in result.message
        )
        return ok, getattr(result, "message", type(result).__name__)
    want = expected(case)
    if case["kind"] == "faq":
        return isinstance(command, c.Faq), repr(command)
    if isinstance(command, c.Faq):
        command = c.Faq(command.question)  # a hint is not part of the reading
    return command == want, repr(command)


def score(cases: list[dict[str, Any]], name: str) -> tuple[float, list[str]]:
    """The share of `cases` read right, and the misses; both printed."""
    failures = []
    for case in cases:
        ok, got = reads_right(case)
        if not ok:
            failures.append(f"{case['q']!r} -> {got}")
    share = 1 - len(failures) / len(cases)
    print(f"\nquestion reader, {name}: {share:.1%} of {len(cases)} read right")
    for failure in failures:
        print("  MISS", failure)
    return share, failures


@pytest.mark.parametrize("block", ["cases", "fresh2"])
def test_held_out_questions_read_right(block: str) -> None:
    cases = load_cases(block)
    assert len(cases) >= 30
    share, failures = score(cases, f"held-out `{block}`")
    assert share >= TARGET, "\n".join(failures)
