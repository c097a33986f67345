"""The cheaper model an estimate mentions: same provider, same kind, fits the same request."""

from __future__ import annotations

import math
import time
from datetime import UTC, date, datetime
from decimal import Decimal

import prices
from bot.answers.results import Alternative
from bot.language.catalog_cache import per_catalog
from prices import Catalog, Model, PricesError, PriceSet
from prices.fast import CommonRates, rates_at, rates_now

__all__ = ["cheaper_alternative"]

#: A cheaper model from another family is suggested only when it saves at least this much.
_MIN_SAVING = Decimal("0.2")
#: Last id segments that name a size or speed variant of a model family.
_VARIANTS = frozenset(
    {"mini", "nano", "pro", "flash", "lite", "small", "medium", "large", "turbo", "fast"}
    | {"plus", "max", "micro", "haiku", "sonnet", "opus", "chat", "instant", "air"}
)
#: Id parts of special-purpose models that are no drop-in alternative for a chat model.
_SPECIAL = frozenset(
    {"tts", "audio", "realtime", "transcribe", "search", "image", "vision", "embed"}
    | {"embedding", "moderation", "computer", "research", "cyber", "guard", "safeguard"}
    | {"instruct", "tool", "rosalind", "reasoning", "voxtral"}
)
#: Id parts of code models: suggested only for a code model (mistral-large is no codestral).
_CODE = frozenset({"codestral", "devstral", "code", "codex", "coder"})


def _stem(model_id: str) -> str:
    """The id without a trailing variant word: `gemini-2.5-flash` -> `gemini-2.5`."""
    head, _, last = model_id.rpartition("-")
    return head if head and last in _VARIANTS else model_id


def _kinship(current: Model, other: Model) -> int | None:
    """0: a variant of it (`gpt-4o-mini`); 1: same family; 2: unrelated; None: unsuitable."""
    parts = set(other.id.replace(".", "-").split("-"))
    mine = set(current.id.replace(".", "-").split("-"))
    if parts & _SPECIAL and not parts <= mine:
        return None
    if parts & _CODE and not mine & _CODE:
        return None  # a general-purpose model is never pointed at a code model
    if other.id.startswith(current.id + "-") and other.id[len(current.id) + 1 :] in _VARIANTS:
        return 0
    return 1 if _stem(other.id) == _stem(current.id) else 2


@per_catalog(maxsize=2048)
def _candidates(catalog: Catalog, key: str, on: date) -> tuple[tuple[int, Model], ...]:
    """The provider's models that could stand in for `key` on day `on` (never a retired or
    retiring one), with their kinship (cached per catalog and day)."""
    current = catalog.get(key)
    found = []
    for other in catalog.by_provider(current.provider):
        if other is current or not other.suggestable(on) or other.kind != current.kind:
            continue
        kin = _kinship(current, other)
        if kin is None or (current.context_window and not other.context_window):
            continue
        found.append((kin, other))
    return tuple(sorted(found, key=lambda pair: pair[0]))  # closest kin first


_HeldRates = tuple[tuple[int, Model, CommonRates], ...]


class _Held:
    """The common-case rates of one model's candidates, all in force from `since` until
    `until` (epoch seconds): one check of the time a request, not one a candidate."""

    __slots__ = ("candidates", "state")

    def __init__(self, candidates: tuple[tuple[int, Model], ...]) -> None:
        self.candidates = candidates
        self.state: tuple[_HeldRates, float, float] = ((), math.inf, -math.inf)

    def at(self, stamp: float) -> _HeldRates | None:
        """The candidates with the rates in force at `stamp`, or None when some candidate's
        rates then are not the ones held now (a past or future time: ask each model)."""
        held, since, until = self.state
        if not since <= stamp < until:
            held = tuple((kin, other, rates_now(other)) for kin, other in self.candidates)
            since = max((rates.since for _, _, rates in held), default=-math.inf)
            until = min((rates.until for _, _, rates in held), default=math.inf)
            self.state = (held, since, until)  # one assignment: readers see old or new whole
            if not since <= stamp < until:
                return None
        return held


@per_catalog(maxsize=2048)
def _held(catalog: Catalog, key: str, on: date) -> _Held:
    return _Held(_candidates(catalog, key, on))


def _undercuts(rates: PriceSet, used: PriceSet, cached: bool) -> bool:
    """Whether some rate of `rates` undercuts the rates an estimate used; False means the
    model can't be cheaper for that request."""
    if rates.input_per_mtok < used.input_per_mtok or rates.output_per_mtok < used.output_per_mtok:
        return True
    if not cached:
        return False
    mine = rates.cached_input_per_mtok or rates.input_per_mtok
    return mine < (used.cached_input_per_mtok or used.input_per_mtok)


def _cost_on(
    other: Model, est: prices.Estimate, common: bool, batch: bool, at: datetime | None
) -> Decimal | None:
    """What `est`'s request costs on `other`, or None when `other` can't be cheaper (no rate
    undercuts the ones `est` used) or can't take it. `common`: no batch and no cache, so the
    held rates (`prices.fast`) price it by its total alone, without an `Estimate`."""
    used, cached = est.rates, est.cached_input_tokens > 0
    held = rates_at(other, at) if common else None
    if held is not None:
        if not _undercuts(held.rates, used, cached):
            return None
        total = held.total(est.input_tokens, est.output_tokens)
        if total is not None:
            return total
    else:
        rates = other.prices_at(at)
        if batch:
            if rates.batch is None:
                return None
            rates = rates.batch
        if not _undercuts(rates, used, cached):
            return None
    try:
        return prices.estimate(
            other,
            est.input_tokens,
            est.output_tokens,
            est.cached_input_tokens if other.current.cached_input_per_mtok is not None else 0,
            batch=batch,
            at=at,
        ).total
    except PricesError:
        return None


def cheaper_alternative(
    catalog: Catalog,
    est: prices.Estimate,
    batch: bool,
    at: datetime | None,
    projection: prices.Projection | None,
) -> Alternative | None:
    """The cheaper model to mention: same provider and kind, not deprecated, same request fits.

    Preference: a variant of the model (`gpt-4o` -> `gpt-4o-mini`), then the same family
    (`gemini-2.5-pro` -> `gemini-2.5-flash`), then any model saving at least 20%; within a
    group, the closest in price. Special-purpose models (audio, search, ...) are skipped, and
    code models (codestral, devstral, `-coder`, codex) are offered only for a code model.
    """
    total = est.total
    if total == 0:
        return None
    # The usual request (no batch, no cache) is priced by its total alone: no `Estimate` per
    # candidate, a dozen of them a reply (issue 15). Anything else takes `prices.estimate`.
    common = not batch and not est.cached_input_tokens and not est.cache_write_tokens
    on = (at or datetime.now(UTC)).astimezone(UTC).date()
    held = None
    if common:
        stamp = time.time() if at is None else _stamp(at)
        held = _held(catalog, est.model.key, on).at(stamp)
    found = (
        _search(_candidates(catalog, est.model.key, on), est, common, batch, at)
        if held is None
        else _search_held(held, est, at)
    )
    if not found:
        return None
    best_kin = min(kin for kin, _, _ in found)
    _, cheaper, model = max((f for f in found if f[0] == best_kin), key=lambda f: (f[1], f[2].id))
    per_month = None
    if projection is not None:
        per_month = cheaper * projection.requests_per_day * 30
    return Alternative(model, cheaper, per_month, 1 - cheaper / total)


def _stamp(at: datetime) -> float:
    """Epoch seconds of `at` (naive is UTC, as in `Model.prices_at`)."""
    return (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).timestamp()


def _search(
    candidates: tuple[tuple[int, Model], ...],
    est: prices.Estimate,
    common: bool,
    batch: bool,
    at: datetime | None,
) -> list[tuple[int, Decimal, Model]]:
    """The cheaper candidates with their kinship (3: unrelated, saving under 20%), closest
    kin first, each priced by `_cost_on`; stops at the first kin more distant than a find."""
    total = est.total
    best_kin = 4  # no candidate yet
    found: list[tuple[int, Decimal, Model]] = []
    for kin, other in candidates:
        if kin > best_kin:
            break  # candidates come closest kin first: a more distant one can't win
        alt = _cost_on(other, est, common, batch, at)
        if alt is None or alt >= total:
            continue
        kin = _kin_by_saving(kin, alt, total)
        found.append((kin, alt, other))
        best_kin = min(best_kin, kin)
    return found


def _search_held(
    held: _HeldRates, est: prices.Estimate, at: datetime | None
) -> list[tuple[int, Decimal, Model]]:
    """`_search` for the common request (no batch, no cache) at the held rates, which are in
    force at its time: `_cost_on`'s checks and arithmetic, inlined (issue 15)."""
    total = est.total
    used = est.rates
    used_in, used_out = used.input_per_mtok, used.output_per_mtok
    inp, out = est.input_tokens, est.output_tokens
    best_kin = 4
    found: list[tuple[int, Decimal, Model]] = []
    for kin, other, rates in held:
        if kin > best_kin:
            break
        flat = rates.rates
        if flat.input_per_mtok >= used_in and flat.output_per_mtok >= used_out:
            continue  # no rate undercuts the ones used: it can't be cheaper (`_undercuts`)
        alt = rates.total(inp, out)
        if alt is None:  # a tier or a limit applies: the full estimate decides
            alt = _cost_on(other, est, True, False, at)
        if alt is not None and alt < total:
            found.append((kin := _kin_by_saving(kin, alt, total), alt, other))
            best_kin = min(best_kin, kin)
    return found


def _kin_by_saving(kin: int, alt: Decimal, total: Decimal) -> int:
    """3 for an unrelated model (kin 2) that saves less than `_MIN_SAVING`: it is suggested
    only when nothing closer is cheaper."""
    return 3 if kin == 2 and 1 - alt / total < _MIN_SAVING else kin
