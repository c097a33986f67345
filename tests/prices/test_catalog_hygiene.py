"""Catalog properties the rest relies on: no reference cycles (`serve` freezes start-up objects
out of the garbage collector, bot.slack.serve, which is only safe because a catalog a price
refresh replaces is freed by reference counting alone), and no classifier among suggestions."""

from __future__ import annotations

import gc

import prices
from prices.catalog import load_catalog


def test_a_dropped_catalog_leaves_nothing_for_the_collector() -> None:
    gc.collect()
    catalog = load_catalog()
    model = catalog.get("gpt-4o")
    prices.estimate(model, 1000, 500)
    catalog.find("claude sonnet 4.5")
    del catalog, model
    assert gc.collect() == 0


def test_safety_classifiers_are_never_suggested_but_can_be_priced() -> None:
    """`cheapest ... all` listed llama-guard first: a classifier is no model to answer with."""
    from prices.catalog import is_classifier

    catalog = prices.default_catalog()
    everything = catalog.candidates(widen=True)
    assert everything and not any(is_classifier(m.id) for m in everything)
    assert not any("guard" in m.id or "moderation" in m.id for m in everything)
    assert catalog.get("groq/llama-guard-4-12b").kind == "chat"  # still priced by name
    assert is_classifier("llama-prompt-guard-2-22m") and is_classifier("gpt-oss-safeguard-20b")
    assert not is_classifier("gpt-4o") and not is_classifier("guardian-7b")
