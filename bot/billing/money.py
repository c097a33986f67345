"""Exact money arithmetic for billed amounts: provider units in, Decimal dollars out.

OpenAI sends dollars as JSON numbers with up to 34 significant digits (``0E-6176`` has been
seen); Anthropic sends cents as decimal strings (``"123.78912"`` is $1.2378912). Both are
read as ``Decimal`` and added in a wide context that *raises* rather than rounds, so a total
is exact to the last digit the provider sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import (
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    localcontext,
)

__all__ = ["cents_to_usd", "clean_amount", "exact_sum", "forecast_month_end"]

_EXACT = Context(prec=400, Emin=-999_999, Emax=999_999, traps=[Inexact, InvalidOperation, Overflow])
"""Wide enough for any realistic sum of 34-digit amounts; anything else raises, never rounds."""

_CENTS = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
"""A plain decimal string, as Anthropic documents ``amount`` (``"123.45"``, ``"41280.000000"``)."""


def clean_amount(value: Decimal) -> Decimal:
    """Return ``value`` with a zero normalised to ``Decimal(0)`` (``0E-6176`` → ``0``).

    Raises ValueError for NaN or infinity, which are never an amount.
    """
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {value}")
    return Decimal(0) if value.is_zero() else value


def cents_to_usd(cents: str) -> Decimal:
    """Convert a decimal string of US cents to exact dollars: ``"12345.5"`` → ``123.455``.

    Raises ValueError when ``cents`` is not a plain decimal string.
    """
    text = cents.strip()
    if not _CENTS.fullmatch(text):
        raise ValueError(f"not a decimal string of cents: {cents!r}")
    return clean_amount(_EXACT.scaleb(Decimal(text), -2))


def exact_sum(amounts: Iterable[Decimal]) -> Decimal:
    """Add ``amounts`` exactly (raises ``decimal.Inexact`` rather than ever rounding)."""
    total = Decimal(0)
    for amount in amounts:
        total = _EXACT.add(total, amount)
    return total


def forecast_month_end(
    month_to_date_usd: Decimal, day_of_month: int, days_in_month: int
) -> Decimal:
    """Month-end forecast at the month's average daily rate so far (calendar month).

    ``month_to_date_usd`` covers days 1..``day_of_month``; the result is that rate times the
    days in the month. A forecast is an estimate, so it is the one figure computed to 28
    significant digits rather than exactly.
    """
    if not 1 <= day_of_month <= days_in_month:
        raise ValueError(f"day {day_of_month} is not in a {days_in_month}-day month")
    with localcontext() as ctx:
        ctx.prec = 28
        ctx.traps[DivisionByZero] = True
        return month_to_date_usd * days_in_month / day_of_month
