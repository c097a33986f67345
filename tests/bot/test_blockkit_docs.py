"""docs/blockkit/: one Block Kit Builder file per surface, each valid for slack_sdk's models."""

from __future__ import annotations

import json
from pathlib import Path

from tests.bot.slack_payloads import valid_blocks, valid_view

FOLDER = Path(__file__).parents[2] / "docs" / "blockkit"
SURFACES = {
    "estimator-modal.json", "estimator-result.json", "count-tokens-message.json",
    "app-home.json", "budget-edit-modal.json", "digest-time-modal.json",
    "assistant-faq-answer.json", "compare-table-message.json",
}  # fmt: skip


def test_every_surface_has_a_valid_builder_file() -> None:
    assert {p.name for p in FOLDER.glob("*.json")} == SURFACES
    for name in sorted(SURFACES):
        payload = json.loads((FOLDER / name).read_text(encoding="utf-8"))
        if "type" in payload:  # a modal or the Home tab
            valid_view(payload)
        else:
            valid_blocks(payload["blocks"])
