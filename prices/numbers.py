"""The one reader of numbers as people type them: `1000`, `1,000`, `1.5k`, `2M`, `.5m`.

Shared by the /tokencost language (`bot.language`), the FAQ's live placeholders (`faq.render`)
and the usage ledger (`bot.ledger.fields`), so `1.5k` means the same everywhere.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = ["SCALE_SUFFIXES", "read_number"]

SCALE_SUFFIXES: dict[str, int] = {"k": 1000, "m": 1_000_000, "mm": 1_000_000, "mil": 1_000_000}
"""Suffixes a number may carry, case-insensitive: `k` thousand; `m`, `mm`, `mil` million."""

_NUMBER = re.compile(
    r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)?(?:\.(?P<frac>\d+))?(?P<suffix>k|m|mm|mil)?",
    re.IGNORECASE,
)


def read_number(word: str) -> Decimal | None:
    """The value of a number word (`1,000`, `1.5k`, `2M`, `.5m`), or None if it is not one.

    Refuses `1.000` (a thousands separator or a decimal point? ambiguous) by returning None.
    """
    match = _NUMBER.fullmatch(word)
    if match is None or (match["int"] is None and match["frac"] is None):
        return None
    whole_part = (match["int"] or "0").replace(",", "")
    frac = match["frac"]
    suffix = (match["suffix"] or "").lower()
    ambiguous = match["int"] and match["int"] != "0" and "," not in word
    if frac is not None and not suffix and len(frac) == 3 and ambiguous:
        return None  # `1.000`: European thousands or a decimal? Ask instead of guessing.
    try:
        value = Decimal(f"{whole_part}.{frac}" if frac is not None else whole_part)
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        return None
    return value * SCALE_SUFFIXES.get(suffix, 1)
