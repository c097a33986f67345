"""Display of money: exact `Decimal` inside, rounded only here, at the very end."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["format_percent", "format_usd", "usd_string"]

_CENT = Decimal("0.01")


def format_usd(amount: Decimal) -> str:
    """Show a USD amount: cents from $1 up, at least 4 significant digits below.

    A non-zero amount is never shown as "$0.00": `Decimal("0.0000075")` is "$0.0000075".
    """
    if amount == 0:
        return "$0"
    sign = "-" if amount < 0 else ""
    value = abs(amount)
    if value >= 1:
        return f"{sign}${value.quantize(_CENT, rounding=ROUND_HALF_UP):,}"
    # Four significant digits, then drop trailing zeros but keep at least cents.
    exponent = value.adjusted() - 3
    rounded = value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}".rstrip("0")
    whole, _, frac = text.partition(".")
    frac = frac.ljust(2, "0")
    return f"{sign}${whole}.{frac}"


def format_percent(ratio: Decimal) -> str:
    """Show a ratio (0.94) as a whole percentage ("94%"), or one decimal below 10%."""
    pct = ratio * 100
    if abs(pct) < 10 and pct != pct.to_integral_value():
        return f"{pct.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
    return f"{pct.quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def usd_string(amount: Decimal) -> str:
    """The exact decimal string used in JSON ("0.0075"): no exponent, no float."""
    text = f"{amount:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"
