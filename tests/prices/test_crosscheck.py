"""genai-prices as an independent oracle: our estimate equals its `calc_price` for every model
we synced, for several usage shapes, except the overrides that deliberately differ (listed)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

import prices
from prices.providers import registry
from prices.sync import build_docs

genai_prices = pytest.importorskip("genai_prices")
from genai_prices import Usage, calc_price  # noqa: E402
from genai_prices.data import providers as GENAI_PROVIDERS  # noqa: E402

#: Weekday (Wednesday) timestamps after every variant and price change in the data: midday is
#: DeepSeek off-peak, 02:00 UTC is inside its peak window.
MIDDAY = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
PEAK = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
SATURDAY_PEAK_HOUR = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)

#: The overrides (prices/data/overrides.yaml) that deliberately differ from genai-prices.
DELIBERATE = {
    "mistral/mistral-large": "Mistral Large 3 at $0.50/$1.50, upstream still has Large 2",
    "mistral/mistral-large-2512": "folded into mistral/mistral-large",
    "mistral/mistral-large-2411": "Large 2 kept under its dated id",
    "deepseek/deepseek-chat": "legacy alias priced as deepseek-v4-flash since 2026-04-24",
    "deepseek/deepseek-reasoner": "legacy alias priced as deepseek-v4-flash since 2026-04-24",
    "deepseek/deepseek-v4-flash": "peak windows dated and weekday-only",
    "deepseek/deepseek-v4-pro": "peak windows dated and weekday-only",
    "deepseek/deepseek-flash": "peak windows weekday-only",
}
_GENAI_PROVIDER = {p.id: p.upstream for p in registry()}


def _origins() -> dict[str, str]:
    """`provider/id` -> the genai-prices model id it was synced from."""
    return {
        f"{doc.provider}/{model_id}": genai_id
        for doc in build_docs(date(2026, 11, 29))
        for model_id, genai_id in doc.origins.items()
    }


ORIGINS = _origins()
CATALOG = prices.default_catalog()


def _genai_ref(provider_id: str, genai_id: str) -> str:
    """A model reference genai-prices resolves to exactly that model (ids are not always one)."""
    provider = next(p for p in GENAI_PROVIDERS if p.id == provider_id)
    model = next(m for m in provider.models if m.id == genai_id)
    candidates = [genai_id, *_clause_values(model.match)]
    for ref in candidates:
        if provider.find_model(ref, all_providers=GENAI_PROVIDERS) is model:
            return ref
    raise AssertionError(f"no reference resolves to {provider_id}/{genai_id}")


def _clause_values(clause: Any) -> list[str]:
    found: list[str] = []
    for attr in ("or_", "and_"):
        for sub in getattr(clause, attr, None) or ():
            found.extend(_clause_values(sub))
    for attr in ("equals", "starts_with", "contains"):
        if isinstance(value := getattr(clause, attr, None), str):
            found.append(value)
    return found


def _genai_total(
    model: prices.Model, at: datetime, usage: dict[str, int], batch: bool = False
) -> Decimal:
    genai_provider = _GENAI_PROVIDER[model.provider]
    ref = _genai_ref(genai_provider, ORIGINS[model.key])
    result = calc_price(
        Usage(**usage),
        model_ref=ref,
        provider_id=genai_provider,
        genai_request_timestamp=at,
        price_context={"processing": "batch"} if batch else None,
    )
    # A per-request fee (Perplexity's Sonar) is not a token price: the catalog notes it only.
    fee = getattr(result.model_price, "requests_kcount", None) or 0
    return Decimal(result.total_price) - Decimal(fee) / 1000


def _shapes(model: prices.Model, at: datetime) -> list[tuple[str, dict[str, int], bool]]:
    """(name, usage, batch) for every shape this model supports."""
    out = 0 if model.kind == "embedding" else 500
    small = 1000
    if model.context_window is not None and model.context_window < small + out:
        small, out = model.context_window // 2, model.context_window // 4  # prompt guards: 512
    current = model.prices_at(at)
    shapes = [("small", {"input_tokens": small, "output_tokens": out}, False)]
    if current.cached_input_per_mtok is not None:
        cached = {"input_tokens": 10_000, "cache_read_tokens": 8000, "output_tokens": out}
        shapes.append(("cached", cached, False))
    for tier in current.tiers:
        above = tier.threshold_input_tokens + 1
        if model.context_window is None or above + out <= model.context_window:
            shapes.append(
                (
                    f"above-{tier.threshold_input_tokens}",
                    {"input_tokens": above, "output_tokens": out},
                    False,
                )
            )
    if current.batch is not None:
        shapes.append(("batch", {"input_tokens": small, "output_tokens": out}, True))
    return shapes


def _ours(model: prices.Model, at: datetime, batch: bool, usage: dict[str, int]) -> Decimal:
    return prices.estimate(
        model,
        usage["input_tokens"],
        usage.get("output_tokens", 0),
        cached_input_tokens=usage.get("cache_read_tokens", 0),
        batch=batch,
        at=at,
    ).total


SYNCED = [m for m in CATALOG.models if m.key not in CATALOG.overridden]


def test_deliberate_differences_are_exactly_the_overrides() -> None:
    assert set(DELIBERATE) == set(CATALOG.overridden)


def test_every_synced_model_has_an_origin() -> None:
    assert {m.key for m in SYNCED} <= set(ORIGINS)


@pytest.mark.parametrize("model", SYNCED, ids=lambda m: m.key)
def test_estimate_equals_genai_prices(model: prices.Model) -> None:
    for at in (MIDDAY, PEAK):
        for name, usage, batch in _shapes(model, at):
            ours = _ours(model, at, batch, usage)
            theirs = _genai_total(model, at, usage, batch)
            assert ours == theirs, f"{model.key} {name} at {at:%H:%M}: {ours} != {theirs}"
            assert ours > 0


@pytest.mark.parametrize(
    "key", ["deepseek/deepseek-v4-flash", "deepseek/deepseek-v4-pro", "deepseek/deepseek-flash"]
)
def test_deepseek_overrides_agree_on_weekdays_and_are_cheaper_on_weekend_peak_hours(
    key: str,
) -> None:
    provider, _, model_id = key.partition("/")
    model = next(m for m in CATALOG.by_provider(provider) if m.id == model_id)
    for at in (MIDDAY, PEAK):
        for _name, usage, batch in _shapes(model, at):
            assert _ours(model, at, batch, usage) == _genai_total(model, at, usage, batch)
    usage = {"input_tokens": 1000, "output_tokens": 500}
    weekend = _ours(model, SATURDAY_PEAK_HOUR, False, usage)
    assert weekend == _ours(model, MIDDAY, False, usage)  # off-peak all day on weekends
    assert weekend < _genai_total(model, SATURDAY_PEAK_HOUR, usage)  # upstream: upper bound


@pytest.mark.parametrize("legacy", ["deepseek-chat", "deepseek-reasoner"])
@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 5, 4, 2, 0, tzinfo=UTC),
        datetime(2026, 8, 19, 7, 0, tzinfo=UTC),
        datetime(2026, 8, 29, 2, 0, tzinfo=UTC),
        MIDDAY,
        PEAK,
        SATURDAY_PEAK_HOUR,
    ],
)
def test_deepseek_legacy_names_price_as_v4_flash(legacy: str, at: datetime) -> None:
    ours = prices.estimate(legacy, 10_000, 500, cached_input_tokens=8000, at=at).total
    flash = prices.estimate("deepseek-v4-flash", 10_000, 500, cached_input_tokens=8000, at=at)
    assert ours == flash.total
    assert CATALOG.get(legacy).deprecated


def test_mistral_large_is_large_3() -> None:
    for name in ("mistral-large", "mistral-large-latest", "mistral-large-2512"):
        model = CATALOG.get(name)
        assert model.key == "mistral/mistral-large"
        assert model.current.input_per_mtok == Decimal("0.5")
        assert model.current.output_per_mtok == Decimal("1.5")
    assert CATALOG.get("mistral-large-2411").current.input_per_mtok == 2
