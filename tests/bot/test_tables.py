"""Table blocks: exact rows for compare, cheapest and models, Slack's limits, one table a reply."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from slack_sdk.models.blocks import Block, TableBlock

import prices
from bot.answers import ask
from bot.render.replies import render_blocks, render_text
from bot.render.tables import (
    MAX_TABLE_CELLS,
    MAX_TABLE_ROWS,
    Column,
    SpendList,
    spend_table,
    table_block,
    table_of,
)


def _texts(table: dict[str, Any]) -> list[list[str]]:
    return [[cell["text"] for cell in row] for row in table["rows"]]


def _check_limits(table: dict[str, Any]) -> None:
    assert table["type"] == "table"
    assert 1 <= len(table["rows"]) <= MAX_TABLE_ROWS
    assert all(1 <= len(row) <= MAX_TABLE_CELLS for row in table["rows"])
    assert len(table.get("column_settings", [])) <= MAX_TABLE_CELLS
    assert all(cell["type"] == "raw_text" and cell["text"] for row in table["rows"] for cell in row)
    parsed = Block.parse(table)  # slack_sdk reads it back as its own model
    assert isinstance(parsed, TableBlock) and parsed.to_dict() == table


def _tables(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b for b in blocks if b["type"] == "table"]


def test_compare_reply_is_a_table_and_the_text_keeps_the_monospace(
    mini_catalog: prices.Catalog,
) -> None:
    result = ask("compare gpt-4o gpt-4o-mini claude-3-5-haiku 2000 400", mini_catalog)
    blocks = render_blocks(result)
    assert [b["type"] for b in blocks] == ["header", "section", "table", "context"]
    (table,) = _tables(blocks)
    _check_limits(table)
    assert _texts(table) == [
        ["model", "provider", "per request", "vs cheapest"],
        ["gpt-4o-mini", "openai", "$0.00054", "cheapest"],
        ["claude-3-5-haiku", "anthropic", "$0.0032", "+$0.00266 (5.9×)"],
        ["gpt-4o", "openai", "$0.009", "+$0.00846 (16.7×)"],
    ]
    assert [s.get("align") for s in table["column_settings"]] == ["left", "left", "right", "right"]
    assert "```" not in json.dumps(blocks)  # the code block is gone from the blocks...
    fallback = render_text(result, slack=True)
    assert "```\nmodel             provider   per request  vs cheapest\n" in fallback  # ...not here


def test_compare_with_a_volume_has_a_per_month_column(mini_catalog: prices.Catalog) -> None:
    result = ask("compare gpt-4o gpt-4o-mini 1000 500 x 10k/day", mini_catalog)
    table = table_of(result)
    assert table is not None
    assert _texts(table)[0] == ["model", "provider", "per request", "per month", "vs cheapest"]
    assert _texts(table)[1][:4] == ["gpt-4o-mini", "openai", "$0.00045", "$135.00"]


def test_cheapest_is_a_table_of_its_rows(catalog: prices.Catalog) -> None:
    result = ask("cheapest 1000 500", catalog)
    blocks = render_blocks(result)
    (table,) = _tables(blocks)
    _check_limits(table)
    assert len(table["rows"]) == 1 + 10  # header + CHEAPEST_ROWS
    assert table["rows"][1][3]["text"] == "cheapest"


def test_models_of_one_provider_is_a_table_of_rates(mini_catalog: prices.Catalog) -> None:
    blocks = render_blocks(ask("models anthropic", mini_catalog))
    assert [b["type"] for b in blocks] == ["header", "table", "context"]
    rows = _texts(_tables(blocks)[0])
    assert rows[0] == ["model", "input /1M", "output /1M", "cached input /1M", "note"]
    assert ["claude-3-5-haiku", "$0.80", "$4.00", "$0.08", "-"] in rows


def test_every_provider_fits_one_table(catalog: prices.Catalog) -> None:
    blocks = render_blocks(ask("models", catalog))
    (table,) = _tables(blocks)
    _check_limits(table)
    rows = _texts(table)
    assert rows[0] == ["provider", "models", "current ids"]
    # The registry's preference order: the vendors' own APIs first, then clouds and hosts.
    order = [p for p in catalog.provider_order if catalog.by_provider(p)]
    assert [row[0] for row in rows[1:]] == order and order[:2] == ["openai", "anthropic"]
    assert table["column_settings"][2] == {"align": "left", "is_wrapped": True}


@pytest.mark.parametrize("provider", prices.default_catalog().providers())
def test_every_provider_list_fits_slack_limits(provider: str, catalog: prices.Catalog) -> None:
    blocks = render_blocks(ask(f"models {provider}", catalog))
    assert len(blocks) <= 50 and len(_tables(blocks)) == 1
    _check_limits(_tables(blocks)[0])


def test_replies_without_rows_have_no_table(catalog: prices.Catalog) -> None:
    for text in ("gpt-4o 1000 500", "price gpt-4o", "help", "gtp-4o 1000 500"):
        assert _tables(render_blocks(ask(text, catalog))) == []


def test_rows_beyond_one_hundred_collapse_into_more() -> None:
    rows = [[f"m{n}", str(n)] for n in range(250)]
    table = table_block([Column("model"), Column("n", "right")], rows)
    _check_limits(table)
    texts = _texts(table)
    assert len(texts) == MAX_TABLE_ROWS
    assert texts[-2] == ["m97", "97"]
    assert texts[-1] == ["+152 more", "-"]


def test_rows_left_out_by_the_caller_are_counted_too() -> None:
    table = table_block([Column("a")], [["x"]] * 99, more=5)
    assert len(table["rows"]) == MAX_TABLE_ROWS
    assert table["rows"][-1][0]["text"] == "+6 more"
    exact = table_block([Column("a")], [["x"]] * 99)
    assert len(exact["rows"]) == MAX_TABLE_ROWS and exact["rows"][-1][0]["text"] == "x"


def test_columns_beyond_twenty_are_dropped_and_short_rows_padded() -> None:
    columns = [Column(f"c{n}") for n in range(25)]
    table = table_block(columns, [["only"]])
    _check_limits(table)
    assert len(table["rows"][0]) == MAX_TABLE_CELLS == len(table["column_settings"])
    assert _texts(table)[1] == ["only"] + ["-"] * 19


def test_cells_are_raw_text_so_user_text_is_not_escaped_twice() -> None:
    table = table_block([Column("tag")], [["<!channel> & co"]])
    assert table["rows"][1][0] == {"type": "raw_text", "text": "<!channel> & co"}


def test_spend_table_puts_models_and_tags_in_one_table() -> None:
    table = spend_table(
        [
            SpendList("model", [("gpt-4o", Decimal("3")), ("gpt-4o-mini", Decimal("1"))], 2),
            SpendList("tag", [("#search", Decimal("4"))]),
        ],
        Decimal("8"),
    )
    assert table is not None
    _check_limits(table)
    assert _texts(table) == [
        ["top", "name", "spend", "share"],
        ["model", "gpt-4o", "$3.00", "38%"],
        ["model", "gpt-4o-mini", "$1.00", "13%"],
        ["model", "+2 more", "-", "-"],
        ["tag", "#search", "$4.00", "50%"],
    ]
    assert spend_table([SpendList("model", [])], Decimal(0)) is None
    zero = spend_table([SpendList("model", [("free", Decimal(0))])], Decimal(0))
    assert zero is not None and _texts(zero)[1] == ["model", "free", "$0", "-"]
