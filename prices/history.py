"""Price changes found by a refresh, as dated history: estimates of past usage keep old prices.

When a refresh finds that a model's prices from today on differ from the catalog's, the model
keeps its whole history and gains the new entries dated from the day of the change (or from
upstream's own later start date). Each such change is a `PriceChange`, which the bot shows
(digest, price cards) and which can be kept and re-applied after a restart (`change_doc`,
`change_from_doc`, `replay`), so that a restart does not move a change to a later day. The bot
keeps them in its database (`bot.store.pricefeed`); `save_changes`/`load_changes` read and write
the JSON file earlier releases kept beside the SQLite file (imported once by the bot).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import CatalogError
from .models import RATE_FIELDS, Model, PricePeriod, PriceSet
from .schema import parse_period

__all__ = [
    "PriceChange", "change_doc", "change_from_doc", "load_changes", "merge_history", "period_doc",
    "periods_from_doc", "replay", "save_changes", "tail",
]  # fmt: skip

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class PriceChange:
    """A model's prices changed on `day`: the entries in force before and from then on."""

    key: str
    """`provider/id`."""
    day: date
    """The first UTC day of the new prices."""
    before: tuple[PricePeriod, ...]
    """The entries in force the day before (the all-day one first, then time windows)."""
    after: tuple[PricePeriod, ...]
    """The entries in force from `day` (dated `day` or later)."""
    source: str
    """Where the new prices came from (the refresh URL)."""
    found: datetime
    """When the refresh found the change."""

    @property
    def old(self) -> PriceSet:
        """The all-day prices before the change."""
        return self.before[0].prices

    @property
    def new(self) -> PriceSet:
        """The all-day prices from `day`."""
        return self.after[0].prices


def tail(model: Model, day: date) -> tuple[PricePeriod, ...]:
    """The entries that set a model's prices from `day` on: the all-day entry in force that day,
    the time windows in force that day, and any entries dated later, in history order."""
    base: PricePeriod | None = None
    windows: list[PricePeriod] = []
    later: list[PricePeriod] = []
    for period in model.history:
        if period.starts is not None and period.starts > day:
            later.append(period)
        elif period.window is None:
            base, windows = period, []  # a later all-day entry ends the windows before it
        else:
            windows.append(period)
    first = base or model.history[0]
    return (first, *windows, *later)


def _same(a: Sequence[PricePeriod], b: Sequence[PricePeriod]) -> bool:
    """Equal prices and windows, whatever the start dates (`tail` entries of two catalogs)."""
    return len(a) == len(b) and all(
        x.prices == y.prices and x.window == y.window for x, y in zip(a, b, strict=True)
    )


def merge_history(
    old: Model, new: Model, day: date, source: str, found: datetime
) -> tuple[Model, PriceChange | None]:
    """`new` with `old`'s history, plus `new`'s entries from `day` when its prices from `day`
    on differ (then also the `PriceChange`). An entry upstream dates after everything `old`
    knows keeps upstream's date; the others start on `day`."""
    before, after = tail(old, day), tail(new, day)
    if _same(before, after):
        return replace(new, history=old.history), None
    known = max((p.starts for p in old.history if p.starts is not None), default=date.min)
    dated = tuple(
        replace(p, starts=p.starts if p.starts is not None and p.starts > max(known, day) else day)
        for p in after
    )
    dated = tuple(sorted(dated, key=lambda p: p.starts or day))  # history is in date order
    first = dated[0].starts or day
    change = PriceChange(new.key, first, tail(old, first), dated, source, found)
    return replace(new, history=(*old.history, *dated)), change


def replay(model: Model, change: PriceChange) -> Model | None:
    """`model` with a saved change applied again, or None when the model's prices before the
    change are no longer what the change started from (the bundled data moved on)."""
    if not _same(tail(model, change.day), change.before):
        return None
    return replace(model, history=(*model.history, *change.after))


# -- saving: plain JSON, periods in the price files' own format -----------------------------------


def _rates_doc(prices: PriceSet) -> dict[str, Any]:
    doc: dict[str, Any] = {
        name: str(value) for name in RATE_FIELDS if (value := prices.rate(name)) is not None
    }
    if prices.tiers:
        doc["tiers"] = [
            {
                "threshold_input_tokens": t.threshold_input_tokens,
                "inclusive": t.inclusive,
                **{k: str(v) for k, v in t.rates.items()},
            }
            for t in prices.tiers
        ]
    return doc


def period_doc(period: PricePeriod) -> dict[str, Any]:
    """A price entry in the price files' format (rates as exact decimal strings)."""
    doc: dict[str, Any] = {}
    if period.starts is not None:
        doc["from"] = period.starts.isoformat()
    if period.window is not None:
        w = period.window
        doc["window"] = {"start": w.start.strftime("%H:%M"), "end": w.end.strftime("%H:%M")}
        if w.weekdays != frozenset(range(7)):
            doc["window"]["days"] = [_DAYS[d] for d in sorted(w.weekdays)]
    doc.update(_rates_doc(period.prices))
    for name in ("batch", "flex", "priority"):
        variant = getattr(period.prices, name)
        if variant is not None:
            doc[name] = _rates_doc(variant)
    return doc


def _period(file: str, key: str, index: int, raw: Any) -> PricePeriod:
    if isinstance(raw, dict) and isinstance(raw.get("from"), str):
        raw = {**raw, "from": date.fromisoformat(raw["from"])}
    return parse_period(file, key, index, raw)


def change_doc(change: PriceChange) -> dict[str, Any]:
    """A change as a JSON object (periods in the price files' format, rates as exact text)."""
    return {
        "key": change.key,
        "day": change.day.isoformat(),
        "before": [period_doc(p) for p in change.before],
        "after": [period_doc(p) for p in change.after],
        "source": change.source,
        "found": change.found.isoformat(),
    }


def periods_from_doc(where: str, key: str, raw: Any) -> tuple[PricePeriod, ...]:
    """Price entries written by `period_doc` (a JSON list); raises `CatalogError` when broken."""
    if not isinstance(raw, list) or not raw:
        raise CatalogError(where, key, None, "is not a list of saved price entries")
    return tuple(_period(where, key, i, p) for i, p in enumerate(raw))


def change_from_doc(where: str, item: Any) -> PriceChange:
    """A change written by `change_doc`; raises `CatalogError` naming `where` when broken."""
    try:
        key = str(item["key"])
        return PriceChange(
            key=key,
            day=date.fromisoformat(item["day"]),
            before=periods_from_doc(where, key, item["before"]),
            after=periods_from_doc(where, key, item["after"]),
            source=str(item["source"]),
            found=datetime.fromisoformat(item["found"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise CatalogError(where, None, None, f"is not a saved price change ({exc})") from exc


def save_changes(path: Path, changes: Iterable[PriceChange]) -> None:
    """Write changes to a JSON file (atomically: a temporary file, then renamed)."""
    doc = [change_doc(c) for c in changes]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    tmp.replace(path)


def load_changes(path: Path) -> list[PriceChange]:
    """Changes saved by `save_changes`; a missing file is none, a broken one a `CatalogError`."""
    if not path.exists():
        return []
    try:
        raw = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except ValueError as exc:
        raise CatalogError(path.name, None, None, f"is not a saved price history ({exc})") from exc
    if not isinstance(raw, list):
        raise CatalogError(path.name, None, None, "is not a saved price history (not a list)")
    return [change_from_doc(path.name, item) for item in raw]
