"""Scoring shared by the independent question sets: the `missing` rule and the printed score.

Each set keeps its own `expected` and `reads_right` (their rules were fixed before each set
was first scored); what is the same in both lives here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.answers import ask
from bot.answers.results import ErrorResult
from bot.language import commands as c

__all__ = ["missing_reads_right", "score"]

Case = dict[str, Any]


def missing_reads_right(case: Case, words_for: Mapping[str, str]) -> tuple[bool, str]:
    """A `missing` case: an error reply that names the model (if the question did), gives a
    command to type, and says what is missing (`words_for` maps the set's names to words)."""
    result = ask(case["q"])
    message = getattr(result, "message", type(result).__name__)
    words = [words_for[item] for item in case["missing"]]
    ok = (
        isinstance(result, ErrorResult)
        and ("model" not in case or case["model"] in message)
        and "`" in message
        and all(word in message.lower() for word in words)
    )
    return ok, f"{type(result).__name__}: {message}"


def score(
    cases: list[Case],
    reads_right: Callable[[Case], tuple[bool, str]],
    expected: Callable[[Case], c.Command | None],
    label: str,
) -> tuple[float, list[str]]:
    """The share of `cases` read right, and the misses (expected and got); both printed."""
    failures = []
    for case in cases:
        ok, got = reads_right(case)
        if not ok:
            want = expected(case) if case["kind"] not in ("missing", "faq", "offtopic") else case
            failures.append(f"{case['q']!r}\n      expected {want!r}\n      got      {got}")
    share = 1 - len(failures) / len(cases)
    print(f"\nquestion reader, {label}: {share:.1%} of {len(cases)} read right")
    for failure in failures:
        print("  MISS", failure)
    return share, failures
