"""The one number reader shared by the language, the FAQ and the ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from faq.render import render
from faq.store import Entry
from prices.numbers import read_number


@pytest.mark.parametrize(
    ("word", "value"),
    [("1000", 1000), ("1,000", 1000), ("1k", 1000), ("1.5k", 1500), ("2M", 2_000_000),
     (".5m", 500_000), ("3mil", 3_000_000), ("1,200", 1200), ("1.5", Decimal("1.5"))],
)  # fmt: skip
def test_numbers_as_people_type_them(word: str, value: int | Decimal) -> None:
    assert read_number(word) == value


@pytest.mark.parametrize("word", ["1.000", "k", "", "1,00", "abc", "1e5", "-5"])
def test_ambiguous_or_not_numbers_are_none(word: str) -> None:
    assert read_number(word) is None


def test_the_faq_reads_counts_with_the_same_reader() -> None:
    entry = Entry(
        id="t", question="q?", phrasings=(), keywords=(), related=(), reviewed=date(2026, 12, 1),
        answer="A: {{estimate gpt-4o in=1.5k out=2k}}. B: {{estimate gpt-4o in=1500 out=2,000}}",
    )  # fmt: skip
    text = render(entry).text
    first, second = text.removeprefix("A: ").split(". B: ")
    assert first == second and "$" in first
