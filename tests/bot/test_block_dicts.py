"""Block Kit built as plain dicts: every shape a reply produces is one slack_sdk accepts.

`bot.render` builds blocks as dicts (no slack_sdk at import or per request, issue 15); here
each block goes through `slack_sdk.models.blocks.Block.parse(...).to_dict()`, which runs
slack_sdk's validation (lengths, element counts) and must give back the same dict.
"""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.blocks import Block

import prices
from bot.answers import ask
from bot.render.replies import render_blocks
from bot.render.tables import Column, table_block

COMMANDS = [
    "gpt-4o 1000 in 500 out x 10k/day",
    "compare gpt-4o gpt-4o-mini claude-3-5-haiku 2000 400",
    "cheapest 1000 500",
    "price gpt-4o",
    "models",
    "models openai",
    "help",
    "gpt-4o 1000 500 with 800 cached",
    "gpt-5-nonexistent 1000 500",
    "what does caching cost",
]


def _same_through_slack_sdk(block: dict[str, Any]) -> None:
    parsed = Block.parse(block)
    assert parsed is not None, block
    assert parsed.to_dict() == block  # to_dict() validates the limits


@pytest.mark.parametrize("text", COMMANDS)
def test_reply_blocks_are_valid_block_kit(text: str, catalog: prices.Catalog) -> None:
    blocks = render_blocks(ask(text, catalog))
    assert blocks, text
    assert sum(b["type"] == "table" for b in blocks) <= 1
    for block in blocks:
        _same_through_slack_sdk(block)


def test_long_content_is_cut_to_slack_limits(catalog: prices.Catalog) -> None:
    """A long title, many body lines and long notes still pass slack_sdk's checks."""
    from bot.render.replies import blocks_of
    from bot.render.style import Parts

    parts = Parts("T" * 400, ["x" * 5000, *(f"line {i}" for i in range(3000))], "t" * 9000,
                  ["n" * 3000] * 15)  # fmt: skip
    blocks = blocks_of(parts)
    assert len(blocks) <= 50
    assert blocks[-1]["type"] == "context"
    for block in blocks:
        _same_through_slack_sdk(block)


def test_table_block_matches_slack_sdk_shape() -> None:
    block = table_block([Column("model"), Column("cost", "right", wrapped=True)],
                        [["gpt-4o", "$1"], ["", "$2"]] * 80)  # fmt: skip
    assert len(block["rows"]) == 100
    assert block["rows"][-1][0]["text"].startswith("+")
    assert block["column_settings"] == [{"align": "left"}, {"align": "right", "is_wrapped": True}]
    _same_through_slack_sdk(block)
