"""A catalog holds no reference cycles: `serve` freezes start-up objects out of the garbage
collector (bot.slack.serve), which is only safe because a catalog a price refresh replaces is
freed by reference counting alone."""

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
