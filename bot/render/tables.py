"""Block Kit `table` blocks for replies with rows: compare, cheapest, `models`, the digest's tops.

A table block (https://docs.slack.dev/reference/block-kit/blocks/table-block; slack-facts §1.8,
§9) holds at most 100 rows of at most 20 cells, each cell `raw_text` (shown literally, so no
mrkdwn escaping), with up to 20 `column_settings` (`align`, `is_wrapped`). A message may carry
only ONE table, and tables are for messages only (not modals or App Home). Built as plain dicts
(the shape slack_sdk's `TableBlock.to_dict()` gives, checked in the tests); slack_sdk does not
check the row and cell limits anyway, so `table_block` enforces them: extra rows
collapse into a last "+N more" row, extra columns are dropped, empty cells become "-" (a
`raw_text` needs at least one character).

The monospace table in the reply's `text` stays the fallback (notifications, screen readers,
clients without table support); see `bot.render.replies.render_blocks`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from bot.answers import results as r
from bot.answers.ledger_results import AnyResult
from bot.answers.lineage import old_label
from prices import format_percent, format_usd

__all__ = [
    "MAX_TABLE_CELLS",
    "MAX_TABLE_CELL_CHARS",
    "MAX_TABLE_ROWS",
    "Column",
    "SpendList",
    "compare_table",
    "models_table",
    "spend_table",
    "table_block",
    "table_of",
    "vs_cheapest",
]

MAX_TABLE_ROWS = 100
"""Rows in one table block, the header row included."""
MAX_TABLE_CELLS = 20
"""Cells in one row (and entries in `column_settings`)."""
MAX_TABLE_CELL_CHARS = 500
"""Characters we put in one cell (Slack documents no cap; a long id list is cut here)."""

Align = Literal["left", "center", "right"]


@dataclass(frozen=True, slots=True)
class Column:
    """A column's heading and how its cells sit."""

    title: str
    align: Align = "left"
    wrapped: bool = False


def _cell(text: str) -> dict[str, Any]:
    shown = text if len(text) <= MAX_TABLE_CELL_CHARS else text[: MAX_TABLE_CELL_CHARS - 1] + "…"
    return {"type": "raw_text", "text": shown or "-"}


def table_block(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], *, more: int = 0
) -> dict[str, Any]:
    """A table block: a header row of `columns`, then `rows`, within Slack's limits.

    `more` counts rows the caller already left out; rows beyond the 99 that fit are added to
    it, and the last row then says "+N more".
    """
    columns = list(columns[:MAX_TABLE_CELLS])
    width = len(columns)
    body = [list(row[:width]) + [""] * (width - len(row[:width])) for row in rows]
    room = MAX_TABLE_ROWS - 1
    if len(body) > room or (more and len(body) == room):
        more += len(body) - (room - 1)
        body = body[: room - 1]
    if more:
        body.append([f"+{more} more", *[""] * (width - 1)])
    header = [_cell(c.title) for c in columns]
    settings = [{"align": c.align, "is_wrapped": True} if c.wrapped else {"align": c.align}
                for c in columns]  # fmt: skip
    return {
        "type": "table",
        "rows": [header, *([_cell(text) for text in row] for row in body)],
        "column_settings": settings,
    }


def vs_cheapest(total: Decimal, cheapest: Decimal) -> str:
    """The "vs cheapest" cell of a comparison: `cheapest`, `+$0.01`, or `+$0.01 (2.0×)`."""
    if total == cheapest:
        return "cheapest"
    if cheapest == 0:
        return f"+{format_usd(total)}"
    return f"+{format_usd(total - cheapest)} ({(total / cheapest).quantize(Decimal('0.1'))}×)"


def compare_table(res: r.CompareResult) -> dict[str, Any]:
    """Compare and cheapest: model, provider, per request, [per month], vs cheapest."""
    cheapest = res.rows[0].estimate.total
    monthly = any(row.per_month is not None for row in res.rows)
    columns = [
        Column("model"),
        Column("provider"),
        Column("per request", "right"),
        *([Column("per month", "right")] if monthly else []),
        Column("vs cheapest", "right"),
    ]
    rows = [
        [
            row.model.id,
            row.model.provider,
            format_usd(row.estimate.total),
            *([format_usd(row.per_month) if row.per_month is not None else "-"] if monthly else []),
            vs_cheapest(row.estimate.total, cheapest),
        ]
        for row in res.rows
    ]
    return table_block(columns, rows)


def models_table(res: r.ModelsResult) -> dict[str, Any]:
    """`models PROVIDER`: each model with its rates; `models`: each provider and its ids."""
    if res.provider is not None:
        _, models = res.groups[0]
        columns = [
            Column("model"),
            Column("input /1M", "right"),
            Column("output /1M", "right"),
            Column("cached input /1M", "right"),
            Column("note"),
        ]
        rows = [
            [
                m.id,
                format_usd(m.current.input_per_mtok),
                format_usd(m.current.output_per_mtok),
                "-" if m.current.cached_input_per_mtok is None
                else format_usd(m.current.cached_input_per_mtok),
                old_label(m),
            ]
            for m in models
        ]  # fmt: skip
        return table_block(columns, rows)
    columns = [Column("provider"), Column("models", "right"), Column("current ids", wrapped=True)]
    rows = []
    for provider, models in res.groups:
        current = [m.id for m in models if not old_label(m)]
        rows.append([provider, str(len(current)), ", ".join(current)])
    return table_block(columns, rows)


@dataclass(frozen=True, slots=True)
class SpendList:
    """One top list of the digest: what it ranks (`model`, `tag`), its entries, how many more.

    Entries are `(name, cost in USD)`, most expensive first; `more` counts those left out.
    """

    label: str
    entries: Sequence[tuple[str, Decimal]]
    more: int = 0


def spend_table(lists: Sequence[SpendList], total_usd: Decimal) -> dict[str, Any] | None:
    """The digest's top lists (models, tags) in ONE table (a message holds one): kind, name,
    spend and share of the day's total. None when every list is empty."""
    rows: list[list[str]] = []
    for spend in lists:
        for name, cost in spend.entries:
            share = format_percent(cost / total_usd) if total_usd else "-"
            rows.append([spend.label, name, format_usd(cost), share])
        if spend.more:
            rows.append([spend.label, f"+{spend.more} more", "", ""])
    if not rows:
        return None
    columns = [Column("top"), Column("name"), Column("spend", "right"), Column("share", "right")]
    return table_block(columns, rows)


def table_of(result: AnyResult) -> dict[str, Any] | None:
    """The table block for a reply with rows (compare, cheapest, models), else None."""
    match result:
        case r.CompareResult() if result.rows:
            return compare_table(result)
        case r.ModelsResult() if result.groups:
            return models_table(result)
        case _:
            return None
