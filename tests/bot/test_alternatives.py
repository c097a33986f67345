"""The cheaper-alternative search picks what a plain search over full estimates picks.

The search prices the usual request by its total alone (`prices.common_total`) and falls back
to `prices.estimate` for batch, cache and tiers; this checks the choice, the total and the
saving against a reference that builds a full `Estimate` for every candidate."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

import prices
from bot.answers.alternatives import _MIN_SAVING, _candidates, cheaper_alternative
from prices import Model, PricesError

AT = datetime.now(UTC)
#: Before gpt-5.6-luna's price cut (2026-07-30): the rates held for now are not the ones in
#: force then, so the search asks each model for its rates at that time.
PAST = datetime(2026, 7, 1, 12, tzinfo=UTC)


def _reference(est: prices.Estimate, batch: bool, at: datetime) -> tuple[str, Decimal] | None:
    found: list[tuple[int, Decimal, Model]] = []
    for kin, other in _candidates(prices.default_catalog(), est.model.key, at.date()):
        try:
            alt = prices.estimate(
                other, est.input_tokens, est.output_tokens,
                est.cached_input_tokens if other.current.cached_input_per_mtok is not None else 0,
                batch=batch, at=at,
            ).total  # fmt: skip
        except PricesError:
            continue
        if alt >= est.total:
            continue
        if kin == 2 and 1 - alt / est.total < _MIN_SAVING:
            kin = 3
        found.append((kin, alt, other))
    if not found:
        return None
    best = min(kin for kin, _, _ in found)
    _, total, model = max((f for f in found if f[0] == best), key=lambda f: (f[1], f[2].id))
    return model.key, total


USAGES = [(1000, 500, 0, False), (250_000, 4000, 0, False), (3, 0, 0, False),
          (20_000, 1000, 15_000, False), (1000, 500, 0, True)]  # fmt: skip


@pytest.mark.parametrize("at", [AT, PAST], ids=["now", "past"])
@pytest.mark.parametrize(("inp", "out", "cached", "batch"), USAGES)
def test_the_search_agrees_with_full_estimates(
    inp: int, out: int, cached: int, batch: bool, at: datetime
) -> None:
    catalog = prices.default_catalog()
    compared = suggested = 0
    for model in catalog.models:
        if model.provider not in ("openai", "anthropic", "google", "mistral", "deepseek"):
            continue
        if model.kind != "chat" or not model.suggestable(at.date()):
            continue
        try:
            est = prices.estimate(model, inp, out, cached if model.current.cached_input_per_mtok
                                  else 0, batch=batch, at=at)  # fmt: skip
        except PricesError:
            continue
        got = cheaper_alternative(catalog, est, batch, at, None)
        expected = _reference(est, batch, at)
        compared += 1
        if expected is None:
            assert got is None, model.key
            continue
        suggested += 1
        assert got is not None, model.key
        assert (got.model.key, got.total) == expected, model.key
        assert got.saving == 1 - expected[1] / est.total
    assert compared > 20 and suggested > 5
