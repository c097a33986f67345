"""Checks that what we send Slack is valid Block Kit, read back through slack_sdk's models."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View


def valid_view(view: dict[str, Any]) -> View:
    """The view as slack_sdk reads it back, checked against its limits (raises if invalid)."""
    parsed = View(**view)
    parsed.validate_json()
    assert len(view["blocks"]) <= 100
    valid_blocks(view["blocks"], limit=100)
    return parsed


def valid_blocks(blocks: list[dict[str, Any]], limit: int = 50) -> None:
    """Every block parses and validates; at most `limit` of them (50 in a message)."""
    assert len(blocks) <= limit
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block
        parsed.validate_json()
