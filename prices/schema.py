"""Turn one provider's YAML mapping into `Model`s, validating every field on the way.

The format (see prices/data/README.md): a file has `provider`, `name`, `source`, and
`models`, a mapping of canonical id to fields. Rates are USD per million tokens, written as
plain YAML numbers and read as exact `Decimal` (never float).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, time
from decimal import Decimal
from typing import Any

from .errors import CatalogError
from .models import RATE_FIELDS, Model, PricePeriod, PriceSet, Tier, TimeWindow

__all__ = ["parse_period", "parse_provider"]

_MODEL_FIELDS = {
    "name",
    "aliases",
    "kind",
    "context_window",
    "max_output_tokens",
    "deprecated",
    "retires_on",
    "replacement",
    "source",
    "checked",
    "notes",
    "prices",
    "encoding",
}
_PERIOD_FIELDS = {"from", "window", "tiers", "batch", "flex", "priority", *RATE_FIELDS}
_VARIANT_FIELDS = {"tiers", *RATE_FIELDS}
_TIER_FIELDS = {"threshold_input_tokens", "inclusive", *RATE_FIELDS}
_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_ID = re.compile(r"^[a-z0-9][a-z0-9.\-:_]*$")
_MAX_RATE = Decimal(100_000)


class _Ctx:
    """Where we are in the file, so every error names file, model and field."""

    def __init__(self, file: str, model: str | None = None) -> None:
        self.file = file
        self.model = model

    def fail(self, field: str | None, problem: str) -> CatalogError:
        return CatalogError(self.file, self.model, field, problem)


def parse_provider(
    file: str, doc: Any, defaults_checked: date | None = None, *, kind: str = "first_party"
) -> list[Model]:
    """Validate one provider document and build its models; `kind` is the provider's kind."""
    ctx = _Ctx(file)
    if not isinstance(doc, Mapping):
        raise ctx.fail(None, "the file must be a mapping with `provider` and `models`")
    provider = doc.get("provider")
    if not isinstance(provider, str) or not _ID.match(provider):
        raise ctx.fail("provider", "must be a lower-case provider id")
    source = doc.get("source", "")
    models = doc.get("models")
    if not isinstance(models, Mapping) or not models:
        raise ctx.fail("models", "must be a non-empty mapping of model id to fields")
    return [
        _parse_model(
            _Ctx(file, str(mid)), provider, str(mid), fields, source, defaults_checked, kind
        )
        for mid, fields in models.items()
    ]


def _parse_model(
    ctx: _Ctx,
    provider: str,
    mid: str,
    raw: Any,
    provider_source: Any,
    checked: date | None,
    provider_kind: str,
) -> Model:
    if not _ID.match(mid):
        raise ctx.fail("id", "ids are lower-case letters, digits, '.', '-', ':' and '_'")
    if not isinstance(raw, Mapping):
        raise ctx.fail(None, "must be a mapping of fields")
    unknown = set(raw) - _MODEL_FIELDS
    if unknown:
        raise ctx.fail(sorted(unknown)[0], "is not a known field")
    history_raw = raw.get("prices")
    if isinstance(history_raw, Mapping):
        history_raw = [history_raw]
    if not isinstance(history_raw, list) or not history_raw:
        raise ctx.fail("prices", "must be a price mapping or a non-empty list of them")
    history = tuple(_parse_period(ctx, i, p) for i, p in enumerate(history_raw))
    _check_history_order(ctx, history)
    aliases = raw.get("aliases", []) or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise ctx.fail("aliases", "must be a list of names")
    source = raw.get("source", provider_source)
    if not isinstance(source, str) or not source.startswith("http"):
        raise ctx.fail("source", "must be the URL the prices come from")
    model_checked = raw.get("checked", checked)
    if not isinstance(model_checked, date):
        raise ctx.fail("checked", "must be the date (YYYY-MM-DD) the prices were last checked")
    kind = raw.get("kind", "chat")
    if kind not in ("chat", "embedding"):
        raise ctx.fail("kind", "must be `chat` or `embedding`")
    deprecated, retires_on, replacement = _lifecycle(ctx, raw)
    encoding = raw.get("encoding")
    if encoding is not None and encoding not in ("o200k_base", "cl100k_base"):
        raise ctx.fail("encoding", "must be o200k_base or cl100k_base")
    return Model(
        id=mid,
        provider=provider,
        name=str(raw.get("name") or mid),
        history=history,
        source=source,
        checked=model_checked,
        aliases=tuple(str(a) for a in aliases),
        kind=kind,
        context_window=_opt_int(ctx, raw, "context_window"),
        max_output_tokens=_opt_int(ctx, raw, "max_output_tokens"),
        deprecated=deprecated,
        retires_on=retires_on,
        replacement=replacement,
        provider_kind=provider_kind,
        notes=str(raw.get("notes") or ""),
        encoding=encoding,
    )


def _lifecycle(ctx: _Ctx, raw: Mapping[str, Any]) -> tuple[bool, date | None, str | None]:
    """`deprecated`, `retires_on` (the announced shutdown) and `replacement`, checked."""
    retires_on = raw.get("retires_on")
    if retires_on is not None and not isinstance(retires_on, date):
        raise ctx.fail("retires_on", "must be the shutdown date (YYYY-MM-DD)")
    replacement = raw.get("replacement")
    if replacement is not None and not (isinstance(replacement, str) and _ID.match(replacement)):
        raise ctx.fail("replacement", "must be a model id")
    deprecated = raw.get("deprecated", False)
    if not isinstance(deprecated, bool):
        raise ctx.fail("deprecated", "must be true or false")
    return deprecated, retires_on, replacement


def _opt_int(ctx: _Ctx, raw: Mapping[str, Any], name: str) -> int | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ctx.fail(name, "must be a positive whole number of tokens")
    return value


def parse_period(file: str, model: str, index: int, raw: Any) -> PricePeriod:
    """One price entry in the price files' format, validated (errors name file and model)."""
    return _parse_period(_Ctx(file, model), index, raw)


def _parse_period(ctx: _Ctx, index: int, raw: Any) -> PricePeriod:
    where = f"prices[{index}]"
    if not isinstance(raw, Mapping):
        raise ctx.fail(where, "must be a mapping of rates")
    unknown = set(raw) - _PERIOD_FIELDS
    if unknown:
        raise ctx.fail(f"{where}.{sorted(unknown)[0]}", "is not a known field")
    starts = raw.get("from")
    if starts is not None and not isinstance(starts, date):
        raise ctx.fail(f"{where}.from", "must be a date (YYYY-MM-DD)")
    base = _parse_rates(ctx, where, raw, None)
    variants = {
        name: _parse_rates(ctx, f"{where}.{name}", raw[name], base)
        for name in ("batch", "flex", "priority")
        if raw.get(name) is not None
    }
    prices = PriceSet(
        input_per_mtok=base.input_per_mtok,
        output_per_mtok=base.output_per_mtok,
        cached_input_per_mtok=base.cached_input_per_mtok,
        cache_write_per_mtok=base.cache_write_per_mtok,
        cache_write_1h_per_mtok=base.cache_write_1h_per_mtok,
        tiers=base.tiers,
        **variants,
    )
    window = _parse_window(ctx, f"{where}.window", raw.get("window"))
    return PricePeriod(prices=prices, starts=starts, window=window)


def _rate(ctx: _Ctx, where: str, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise ctx.fail(where, f"must be a number of USD per million tokens, not {value!r}")
    try:
        rate = Decimal(value)
    except ArithmeticError as exc:
        raise ctx.fail(where, f"{value!r} is not a number") from exc
    if not rate.is_finite() or rate < 0 or rate > _MAX_RATE:
        raise ctx.fail(where, f"{value!r} is not a price between 0 and {_MAX_RATE}")
    return rate


def _parse_rates(ctx: _Ctx, where: str, raw: Any, base: PriceSet | None) -> PriceSet:
    """A full price set, or (with `base`) a partial variant merged key by key onto it."""
    if not isinstance(raw, Mapping):
        raise ctx.fail(where, "must be a mapping of rates")
    if base is not None:
        unknown = set(raw) - _VARIANT_FIELDS
        if unknown:
            raise ctx.fail(f"{where}.{sorted(unknown)[0]}", "is not a known field")
    rates: dict[str, Decimal | None] = {}
    for name in RATE_FIELDS:
        value = raw.get(name)
        if value is not None:
            rates[name] = _rate(ctx, f"{where}.{name}", value)
        else:
            rates[name] = base.rate(name) if base is not None else None
    if rates["input_per_mtok"] is None or rates["output_per_mtok"] is None:
        raise ctx.fail(f"{where}.input_per_mtok", "input and output rates are required")
    own_tiers = _parse_tiers(ctx, f"{where}.tiers", raw.get("tiers"))
    tiers = _merge_tiers(base.tiers if base else (), own_tiers, set(raw) & set(RATE_FIELDS))
    return PriceSet(
        input_per_mtok=rates["input_per_mtok"],
        output_per_mtok=rates["output_per_mtok"],
        cached_input_per_mtok=rates["cached_input_per_mtok"],
        cache_write_per_mtok=rates["cache_write_per_mtok"],
        cache_write_1h_per_mtok=rates["cache_write_1h_per_mtok"],
        tiers=tiers,
    )


def _parse_tiers(ctx: _Ctx, where: str, raw: Any) -> tuple[Tier, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ctx.fail(where, "must be a list of tiers")
    tiers = []
    for i, item in enumerate(raw):
        here = f"{where}[{i}]"
        if not isinstance(item, Mapping):
            raise ctx.fail(here, "must be a mapping")
        unknown = set(item) - _TIER_FIELDS
        if unknown:
            raise ctx.fail(f"{here}.{sorted(unknown)[0]}", "is not a known field")
        threshold = item.get("threshold_input_tokens")
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold <= 0:
            raise ctx.fail(f"{here}.threshold_input_tokens", "must be a positive token count")
        rates = {
            name: _rate(ctx, f"{here}.{name}", item[name])
            for name in RATE_FIELDS
            if item.get(name) is not None
        }
        if not rates:
            raise ctx.fail(here, "a tier must change at least one rate")
        tiers.append(Tier(threshold, bool(item.get("inclusive", False)), rates))
    thresholds = [t.threshold_input_tokens for t in tiers]
    if thresholds != sorted(set(thresholds)):
        raise ctx.fail(where, "tiers must be in increasing threshold order, each once")
    return tuple(tiers)


def _merge_tiers(
    base: tuple[Tier, ...], own: tuple[Tier, ...], overridden: set[str]
) -> tuple[Tier, ...]:
    """Variant tiers replace the base tiers for the rates the variant sets, key by key."""
    if not base:
        return own
    merged: dict[int, Tier] = {}
    for tier in base:
        kept = {k: v for k, v in tier.rates.items() if k not in overridden}
        if kept:
            merged[tier.threshold_input_tokens] = Tier(
                tier.threshold_input_tokens, tier.inclusive, kept
            )
    for tier in own:
        old = merged.get(tier.threshold_input_tokens)
        rates = {**(old.rates if old else {}), **tier.rates}
        merged[tier.threshold_input_tokens] = Tier(
            tier.threshold_input_tokens, tier.inclusive, rates
        )
    return tuple(merged[k] for k in sorted(merged))


def _parse_window(ctx: _Ctx, where: str, raw: Any) -> TimeWindow | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ctx.fail(where, "must have `start` and `end` (HH:MM, UTC)")
    start = _parse_time(ctx, f"{where}.start", raw.get("start"))
    end = _parse_time(ctx, f"{where}.end", raw.get("end"))
    days_raw = raw.get("days")
    if days_raw is None:
        return TimeWindow(start, end)
    if not isinstance(days_raw, list) or not all(d in _DAYS for d in days_raw):
        raise ctx.fail(f"{where}.days", "must be a list of mon, tue, wed, thu, fri, sat, sun")
    return TimeWindow(start, end, frozenset(_DAYS[d] for d in days_raw))


def _parse_time(ctx: _Ctx, where: str, raw: Any) -> time:
    if isinstance(raw, int):  # YAML 1.1 reads 16:30 as a sexagesimal int
        return time(raw // 60 % 24, raw % 60)
    if not isinstance(raw, str) or not re.fullmatch(r"\d{2}:\d{2}", raw):
        raise ctx.fail(where, 'must be a time written as "HH:MM" (UTC)')
    hours, minutes = int(raw[:2]), int(raw[3:])
    if hours > 23 or minutes > 59:
        raise ctx.fail(where, f"{raw} is not a time of day")
    return time(hours, minutes)


def _check_history_order(ctx: _Ctx, history: tuple[PricePeriod, ...]) -> None:
    last: date | None = None
    for i, period in enumerate(history):
        if period.starts is None:
            if i and period.window is None:
                raise ctx.fail(f"prices[{i}].from", "only the first entry may have no start date")
            continue
        if last is not None and period.starts < last:
            raise ctx.fail(f"prices[{i}].from", "price history must be in date order")
        last = period.starts
