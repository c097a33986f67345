"""Score the question reader on the second independent set (question_eval_independent2.yaml).

Issue 12 is done when at least 90% of question-form requests written by someone other than
the reader's author read right. The first independent set was used to fix the reader, so it
is no longer held out; this second set was written and committed (62b4c73) by a QA session
that had not read the reader, its tests or the earlier sets, and had not run the questions
(see the YAML header).

Scoring follows tests/bot/test_question_eval_independent.py: a case counts only when the
whole reading is right (kind, model(s), every count, the volume and its period, the budget,
batch, provider). Adapted to this file's own field definitions, fixed before the first run:
- the top-level key is `questions`; a `requests` without `period` is a one-off total;
- a rate is also right when the reader normalised it to an equal rate in another period
  (15k/week = 15000/7 per day), as the YAML header allows;
- `missing` names `input`/`output` (the first set's `in`/`out`);
- `offtopic` is stricter than the first set's scorer, as the YAML header says: besides not
  reading as an estimate, budget, comparison, `cheapest` or price card, the reply must not
  be a stored FAQ answer presented as the answer (a FAQ miss, help or an error is right).
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from bot.answers import ask
from bot.answers.results import FaqResult
from bot.language import commands as c
from tests.bot.question_scoring import missing_reads_right
from tests.bot.question_scoring import score as shared_score
from tests.bot.test_question_eval import TARGET, parse_or_none

EVAL_PATH = Path(__file__).with_name("question_eval_independent2.yaml")

#: What a `missing` reply must mention for each thing the question leaves out.
MISSING_WORDS = {"tokens": "token", "input": "input", "output": "output", "model": "model"}

#: Readings that answer with numbers; an off-topic message must get none of them.
PRICED = (c.Estimate, c.Compare, c.Cheapest, c.Price)

#: Seconds in each period, to compare a normalised rate with the one asked.
SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800, "month": 2592000}


def load_cases() -> list[dict[str, Any]]:
    data: dict[str, Any] = yaml.safe_load(EVAL_PATH.read_text(encoding="utf-8"))
    cases: list[dict[str, Any]] = data["questions"]
    return cases


def _volume(case: dict[str, Any]) -> c.Volume | None:
    if "requests" not in case:
        return None
    return c.Volume(case["requests"], case.get("period"))


def expected(case: dict[str, Any]) -> c.Command | None:
    """The command a case should parse to (None for kinds checked otherwise)."""
    kind = case["kind"]
    counts = {"input_tokens": case.get("in", 0), "output_tokens": case.get("out", 0)}
    shared = {
        "cached_input_tokens": case.get("cached", 0),
        "batch": case.get("batch", False),
        "volume": _volume(case),
    }
    if kind in ("estimate", "budget"):
        budget = None
        if kind == "budget":
            money = case["budget"]
            budget = c.Money(Decimal(str(money["usd"])), money["period"])
        return c.Estimate(model=case["model"], **counts, **shared, budget=budget)
    if kind == "compare":
        return c.Compare(models=tuple(sorted(case["models"])), **counts, **shared)
    if kind == "cheapest":
        return c.Cheapest(**counts, provider=case.get("provider"), volume=_volume(case))
    if kind == "price":
        return c.Price(case["model"])
    return None


def _same_rate(got: c.Volume | None, want: c.Volume | None) -> bool:
    """Equal volumes, or equal rates said in different periods."""
    if got == want or got is None or want is None:
        return got == want
    if got.period is None or want.period is None:
        return False
    return Decimal(got.requests) / SECONDS[got.period] == (
        Decimal(want.requests) / SECONDS[want.period]
    )


def _missing_reads_right(case: dict[str, Any]) -> tuple[bool, str]:
    return missing_reads_right(case, MISSING_WORDS)


def _offtopic_reads_right(case: dict[str, Any]) -> tuple[bool, str]:
    command = parse_or_none(case["q"])
    if isinstance(command, PRICED):
        return False, repr(command)
    result = ask(case["q"])
    got = f"{type(result).__name__}: {getattr(result, 'question', '')}"
    return not isinstance(result, FaqResult), got


def reads_right(case: dict[str, Any]) -> tuple[bool, str]:
    """Whether the case reads as expected, and what it read as."""
    kind = case["kind"]
    if kind == "missing":
        return _missing_reads_right(case)
    if kind == "offtopic":
        return _offtopic_reads_right(case)
    command = parse_or_none(case["q"])
    if kind == "faq":
        return isinstance(command, c.Faq), repr(command)
    if isinstance(command, c.Compare):
        command = dataclasses.replace(command, models=tuple(sorted(command.models)))
    want = expected(case)
    if command == want:
        return True, repr(command)
    return _right_after_normalising(command, want), repr(command)


def _right_after_normalising(command: c.Command | None, want: c.Command | None) -> bool:
    """Right except for a rate said in another period but equal (15k/week = 15000/7 a day)."""
    if isinstance(command, c.Estimate) and isinstance(want, c.Estimate):
        return _same_rate(command.volume, want.volume) and (
            dataclasses.replace(command, volume=want.volume) == want
        )
    if isinstance(command, c.Compare) and isinstance(want, c.Compare):
        return _same_rate(command.volume, want.volume) and (
            dataclasses.replace(command, volume=want.volume) == want
        )
    if isinstance(command, c.Cheapest) and isinstance(want, c.Cheapest):
        return _same_rate(command.volume, want.volume) and (
            dataclasses.replace(command, volume=want.volume) == want
        )
    return False


def score(cases: list[dict[str, Any]]) -> tuple[float, list[str]]:
    """The share of `cases` read right, and the misses; both printed."""
    return shared_score(cases, reads_right, expected, "second independent set")


def test_the_set_is_the_committed_fifty_one() -> None:
    cases = load_cases()
    assert len(cases) == 51
    assert len({case["q"] for case in cases}) == 51


def test_second_independent_questions_read_right() -> None:
    """Scored once (main at bbc570d, no question or expectation edited): 96.1%, 49 of 51,
    over the bar. Afterwards the reader was fixed for both misses below (`cost of ...` opens a
    sentence; a label in prose before a count that a later label names is a word), so the set
    reads 51 of 51 and is no longer held out; it guards against regressions.

    The two misses, with a judgement (probed with variants, not by editing the set):
    - `gpt-5.4-mini with a cached system prompt: 6k tokens in (5k cached), 400 out, ...` ->
      error "You gave the input count twice (again at `5k`)". Reader bug: `cached` in prose
      (`a cached system prompt`) is taken for a label; without that phrase the same sentence
      reads. The message is also wrong about what was given twice. Related probes: `6k tokens
      in, 5k cached, 400 out` after prose says "cached count twice (again at `400`)", and
      `we use a cached system prompt: gpt-4o 2k in 500 out` says "I couldn't read `system`".
    - `cost of 400 output tokens on gpt-5.1 at 1000 calls per hour` -> an estimate at 0 input
      tokens ($2,880/month). Reader gap: the "output without input is missing" rule fires for
      `how much is 400 output tokens on gpt-5.1 ...` but not when the sentence opens with
      `cost of` / `price of` or with the number; those go to the terse grammar, where a lone
      output count means 0 input (the reply does show "0 input tokens", so it is not hidden).
    FAQ: 8 of 8 routed to the FAQ (7 stored answers, `how many tokens is a page of english
    text` a FAQ miss). Off-topic: 0 of 4 answered (all four are FAQ misses, including `how
    much does a flight to new york cost in march?`).
    """
    share, failures = score(load_cases())
    assert share >= TARGET, "\n".join(failures)
