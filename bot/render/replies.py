"""One result, three renderings: plain text (CLI and Slack's fallback), Block Kit, JSON.

    text = render_text(result)                # the CLI
    text = render_text(result, slack=True)    # Slack's `text` fallback (mrkdwn, escaped)
    blocks = render_blocks(result)            # Slack `blocks`, checked against Slack's limits
    data = render_json(result)                # `--json` (DESIGN.md §3)

Block Kit is built as plain dicts by `bot.render.slack` (`header`, `section`, `context`), which
cut content to Slack's limits (https://docs.slack.dev/reference/block-kit/blocks): 50 blocks a
message, 3,000 characters a section, 150 a header. The tests parse every shape through
`slack_sdk.models.blocks` and its validation; building slack_sdk objects here cost ~70 µs a
reply and ~0.3 s of import for every CLI answer (issue 15).
"""

from __future__ import annotations

from typing import Any

from bot.answers.ledger_results import AnyResult, DigestResult
from bot.render.data import to_json
from bot.render.slack import (
    MAX_BLOCKS,
    MAX_HEADER_CHARS,
    MAX_SECTION_CHARS,
    context,
    cut,
    header,
)
from bot.render.style import PLAIN, SLACK, Parts, mrkdwn_escape
from bot.render.tables import table_of
from bot.render.text import parts_of

__all__ = [
    "MAX_BLOCKS",
    "MAX_HEADER_CHARS",
    "MAX_SECTION_CHARS",
    "mrkdwn_escape",
    "render_blocks",
    "render_json",
    "render_text",
    "slack_parts",
]

_SECTION_BUDGET = MAX_SECTION_CHARS - 100  # room for the code fence and a "cut" marker


def slack_parts(result: AnyResult) -> Parts:
    """The reply's parts in Slack's style: pass them to `render_text(..., slack=True)` and
    `render_blocks` so a Slack reply builds its text once, not twice."""
    return parts_of(result, SLACK)


def render_text(result: AnyResult, *, slack: bool = False, parts: Parts | None = None) -> str:
    """The reply as text: plain for a terminal, or escaped mrkdwn for Slack's fallback.

    `parts`: the result's parts in the same style, when the caller has them already."""
    style = SLACK if slack else PLAIN
    parts = parts or parts_of(result, style)
    lines: list[str] = []
    if parts.title:
        lines.append(style.bold(style.esc(parts.title)))
    lines += parts.body
    if parts.table is not None:
        lines.append(f"```\n{parts.table}\n```" if slack else parts.table)
    lines += parts.notes
    return "\n".join(lines)


def render_json(result: AnyResult) -> dict[str, Any]:
    """The reply as the JSON object of `--json`."""
    return to_json(result)


Block = dict[str, Any]


def _section(mrkdwn: str) -> Block:
    """A section block; the text is already within `_SECTION_BUDGET`."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def _sections(lines: list[str]) -> list[Block]:
    """Lines packed into as few sections as fit Slack's per-section limit."""
    sections: list[Block] = []
    chunk: list[str] = []
    size = 0
    for line in lines:
        line = cut(line, _SECTION_BUDGET)
        if chunk and size + len(line) + 1 > _SECTION_BUDGET:
            sections.append(_section("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        sections.append(_section("\n".join(chunk)))
    return sections


def _table(table: str) -> Block:
    """A monospace table in a code block: renders everywhere (a `table` block may not)."""
    rows = table.splitlines()
    kept: list[str] = []
    for row in rows:
        if sum(len(k) + 1 for k in kept) + len(row) > _SECTION_BUDGET:
            kept.append(f"… {len(rows) - len(kept)} more rows")
            break
        kept.append(row)
    return _section("```\n" + "\n".join(kept) + "\n```")


def blocks_of(parts: Parts) -> list[Block]:
    """Block Kit blocks (dicts) for reply parts, within Slack's limits."""
    blocks: list[Block] = []
    if parts.title:
        blocks.append(header(parts.title))
    blocks += _sections(parts.body)
    if parts.table is not None:
        blocks.append(_table(parts.table))
    if parts.notes:
        if len(blocks) >= MAX_BLOCKS:
            blocks = blocks[: MAX_BLOCKS - 1]
        blocks.append(context(*parts.notes))
    return blocks[:MAX_BLOCKS]


def render_blocks(result: AnyResult, parts: Parts | None = None) -> list[dict[str, Any]]:
    """The reply as Block Kit dicts, within Slack's limits.

    A reply with rows (compare, cheapest, models) shows them as a `table` block in place of
    its monospace table (or, for model lists, of the body lines the table repeats); the
    monospace text stays in the message's `text` fallback (`render_text(..., slack=True)`).
    `parts`: the result's `slack_parts`, when the caller has them already.
    """
    if isinstance(result, DigestResult) and result.preview_blocks:
        return list(result.preview_blocks)  # the digest as it would be posted
    parts = parts or parts_of(result, SLACK)
    table = table_of(result)
    if table is None:
        return blocks_of(parts)
    body = parts.body if parts.table is not None else []
    blocks = blocks_of(Parts(parts.title, body, None, parts.notes))
    notes = blocks[-1:] if parts.notes else []  # the context small print stays last
    lead = blocks[: len(blocks) - len(notes)][: MAX_BLOCKS - 1 - len(notes)]
    return [*lead, table, *notes]
