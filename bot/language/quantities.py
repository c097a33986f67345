"""Numbers, periods and money as people type them: `1,000`, `1.5k`, `2M`, `/day`, `$100`.

Pure functions over one word at a time; `bot.language.lexing` uses them to classify words.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from prices.numbers import read_number

__all__ = [
    "MAX_BUDGET_USD",
    "MAX_REQUESTS_PER_DAY",
    "PERIOD_ADVERBS",
    "PERIOD_WORDS",
    "RATE_UNITS",
    "SCALE_WORDS",
    "number_words",
    "parse_number",
    "parse_period",
    "parse_usd",
    "whole",
]


def _split(text: str) -> list[str]:
    """The words of `text` (keeps the word lists below readable)."""
    return text.split()


#: Volumes above this many requests a day are refused as typos (about 11,600 a second).
MAX_REQUESTS_PER_DAY = 10**9
#: Budgets above this many USD are refused as typos.
MAX_BUDGET_USD = Decimal(10**9)

#: Words and abbreviations for each period, as they follow `per`, `a` or `/`.
PERIOD_WORDS: dict[str, str] = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), "second"),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), "minute"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "hour"),
    **dict.fromkeys(("d", "day", "days"), "day"),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "week"),
    **dict.fromkeys(("mo", "mon", "mth", "mths", "month", "months"), "month"),
}
#: `daily`, `a day`: words that name a period on their own.
PERIOD_ADVERBS: dict[str, str] = {
    "hourly": "hour",
    "daily": "day",
    "weekly": "week",
    "monthly": "month",
}
#: Rate units that carry their own period: `5 rps`.
RATE_UNITS: dict[str, str] = {
    "rps": "second",
    "qps": "second",
    "rpm": "minute",
    "qpm": "minute",
    "rph": "hour",
    "rpd": "day",
}
#: Scale words written apart from the number: `1.2 million`.
SCALE_WORDS: dict[str, int] = {
    "k": 1000,
    "thousand": 1000,
    "m": 1_000_000,
    "mm": 1_000_000,
    "mil": 1_000_000,
    "million": 1_000_000,
    "millions": 1_000_000,
}

#: Numbers spelt out: `one thousand`, `two million`, `five hundred`, `twenty five`.
_UNITS: dict[str, int] = {
    word: value
    for value, word in enumerate(
        _split(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen"
        )
    )
}
_TENS: dict[str, int] = {
    word: 10 * (k + 2)
    for k, word in enumerate(_split("twenty thirty forty fifty sixty seventy eighty ninety"))
}
_BIG: dict[str, int] = {"thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}


def number_words(words: list[str]) -> tuple[int, int] | None:
    """A number spelt out at the start of `words` (lowercase): (value, words used), or None.

    `one thousand` -> 1000, `two million` -> 2,000,000, `five hundred` -> 500, `twenty five`
    -> 25, `a million` -> 1,000,000 (`a`/`an` only before `hundred`/`thousand`/`million`).
    A lone `a` or `one` before anything else is not read here (`a day`, `one model`): the
    result needs a scale word or a second number word, or a unit word that is not `one`.
    """
    total = current = used = 0
    seen_scale = False
    for k, word in enumerate(words):
        if word in ("a", "an") and k == 0:
            if len(words) < 2 or (words[1] not in _BIG and words[1] != "hundred"):
                return None
            current, used = 1, 1
            continue
        small = _small_number(word)
        if word == "and" and used and k + 1 < len(words) and _small_number(words[k + 1]):
            continue  # `two hundred and fifty`
        if small is not None:
            current += small
        elif word == "hundred" and used:
            current = (current or 1) * 100
            seen_scale = True
        elif word in _BIG and used:
            total += (current or 1) * _BIG[word]
            current = 0
            seen_scale = True
        else:
            break
        used = k + 1
    if not used:
        return None
    if not seen_scale and used == 1 and words[0] in ("one", "zero"):
        return None  # `one model`, `which one`: no count was meant
    return total + current, used


def _small_number(word: str) -> int | None:
    """`five` -> 5, `twenty` -> 20, `twenty-five` -> 25; else None."""
    if word in _UNITS:
        return _UNITS[word]
    if word in _TENS:
        return _TENS[word]
    tens, _, unit = word.partition("-")
    if tens in _TENS and unit in _UNITS and 0 < _UNITS[unit] < 10:
        return _TENS[tens] + _UNITS[unit]
    return None


_USD = re.compile(r"(?:\$|usd)?(?P<num>[\d.,]+[km]?)(?:\$|usd|dollars?)?", re.IGNORECASE)


@lru_cache(maxsize=4096)
def parse_number(word: str) -> Decimal | None:
    """The value of a number word (`1,000`, `1.5k`, `2M`), or None: see `prices.read_number`.

    Remembered (a `Decimal` is immutable): a command asks about each word several times (is
    it protected, a count, a bound?), eight look-ups a terse estimate (issue 15)."""
    return read_number(word)


def parse_period(word: str) -> str | None:
    """The period a word names after `per`/`a`/`/` (`day`, `hr`, `mo`), or None."""
    return PERIOD_WORDS.get(word.lower())


def parse_usd(word: str) -> Decimal | None:
    """A dollar amount written with a currency mark (`$100`, `100usd`, `$1.5k`), else None."""
    lower = word.lower()
    if not ("$" in lower or "usd" in lower or "dollar" in lower):
        return None
    match = _USD.fullmatch(lower)
    if match is None:
        return None
    number = match["num"]
    value = parse_number(number)
    if value is None and re.fullmatch(r"\d+\.\d{3}", number):
        value = Decimal(number)  # `$1.005` is unambiguous with a currency mark
    return value


def whole(value: Decimal) -> int | None:
    """The int of an integral Decimal, or None when it has a fractional part."""
    if value != value.to_integral_value():
        return None
    return int(value)
