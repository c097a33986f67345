"""A model's dated price changes, read from its price history (bundled dated entries and the
ones a runtime refresh records, `prices.live`): what `price MODEL` shows.

Time-of-day windows (peak rates) are no changes; an all-day entry dated `starts` whose prices
differ from the all-day entry before it is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from prices import Model, PriceSet

__all__ = ["CARD_CHANGES", "PriceStep", "price_steps"]

#: Price changes a price card shows (the most recent ones).
CARD_CHANGES = 3


@dataclass(frozen=True, slots=True)
class PriceStep:
    """On `day` (UTC) the model's all-day prices went from `before` to `after`."""

    day: date
    before: PriceSet
    after: PriceSet


def price_steps(
    model: Model, first: date | None = None, last: date | None = None
) -> tuple[PriceStep, ...]:
    """The model's price changes dated within `[first, last]` (either open), oldest first."""
    steps: list[PriceStep] = []
    previous: PriceSet | None = None
    for period in model.history:
        if period.window is not None:
            continue
        day = period.starts
        if (
            previous is not None
            and day is not None
            and previous != period.prices
            and (first is None or day >= first)
            and (last is None or day <= last)
        ):
            steps.append(PriceStep(day, previous, period.prices))
        previous = period.prices
    return tuple(sorted(steps, key=lambda step: step.day))
