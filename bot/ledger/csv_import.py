"""``tokencost usage import FILE``: load a CSV of usage into the ledger.

The file needs a header row naming some of the columns ``model, input_tokens, output_tokens,
cached_input_tokens, timestamp, tag, user, id`` (``model`` required, any order, case and spaces
around names ignored; the OpenTelemetry names of ``bot.ledger.fields`` work too). An unknown
column refuses the whole file, so a misspelt ``input_token`` never imports zeros. Cells are read
as ``POST /usage`` and ``usage add`` read them: ``1,200`` and ``1.5k`` tokens, a bare date as
midnight UTC.

Rows are checked one by one: good rows are imported, bad rows are refused and listed with
their line numbers, so a 100,000-row export with three typos does not have to be fixed in one
go. Rows with an ``id`` are stored once however often the file is imported (re-import after
fixing the refused rows is safe); rows without an ``id`` are always new, so importing such a
file twice counts it twice, and the summary warns about them. Good rows are written in
transactions of ``CHUNK_ROWS``.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, TextIO

import prices
from bot.errors import BotError
from bot.ledger.fields import FIELDS, EventProblems, UsageEvent, event_from_fields, plural
from bot.ledger.pricing import UsageRefused, price_events
from bot.store.database import Database
from bot.store.usage import insert_usage
from bot.store.workspace import Workspace

__all__ = ["CHUNK_ROWS", "ImportRefused", "ImportSummary", "import_usage_csv"]

CHUNK_ROWS = 1000
PROGRESS_MIN_BYTES = 1_000_000
"""Files at least this large show a progress bar (on the given stream, stderr in the CLI)."""
_ACCEPTED_COLUMNS = {*FIELDS, "gen_ai.request.model", "gen_ai.response.model",
                     "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
                     "gen_ai.usage.cache_read.input_tokens"}  # fmt: skip


class ImportRefused(BotError):
    """The file cannot be imported at all (no header, unknown columns); nothing was stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ImportSummary:
    """What an import did."""

    imported: int = 0
    duplicates: int = 0
    """Rows skipped because their ``id`` was already in the ledger (or earlier in the file)."""
    refused: list[tuple[int, str]] = field(default_factory=list)
    """``(line number, reason)`` for every refused row."""
    without_id: int = 0
    """Imported rows that had no ``id``: importing the file again would record them again."""

    def as_text(self) -> str:
        """A human summary, refused rows listed (at most 20), and a warning for rows without id."""
        dupes = "a duplicate" if self.duplicates == 1 else "duplicates"
        lines = [f"Imported {plural(self.imported, 'row')}; {self.duplicates:,} skipped as "
                 f"{dupes}; {len(self.refused):,} refused."]  # fmt: skip
        lines += [f"  line {line}: {reason}" for line, reason in self.refused[:20]]
        if len(self.refused) > 20:
            lines.append(f"  ... and {len(self.refused) - 20:,} more")
        if self.without_id:
            them = "it" if self.without_id == 1 else "them"
            lines.append(
                f"Warning: {plural(self.without_id, 'row')} had no id: importing this file "
                f"again would record {them} again; add an `id` column to make re-imports safe."
            )
        return "\n".join(lines)


class _Progress:
    """A dependency-free progress bar: ``importing [#####.....] 52%  41,000 rows``."""

    def __init__(self, stream: TextIO | None, total_bytes: int) -> None:
        self.stream = stream if total_bytes >= PROGRESS_MIN_BYTES else None
        self.total = max(total_bytes, 1)
        self.shown = -1

    def update(self, done_bytes: int, rows: int) -> None:
        if self.stream is None:
            return
        pct = min(100, done_bytes * 100 // self.total)
        if pct != self.shown:
            self.shown = pct
            bar = "#" * (pct // 5) + "." * (20 - pct // 5)
            self.stream.write(f"\rimporting [{bar}] {pct:3d}%  {rows:,} rows")
            self.stream.flush()

    def finish(self) -> None:
        if self.stream is not None:
            self.stream.write("\n")
            self.stream.flush()


def _column(header: str) -> str:
    """``" Input_Tokens "`` -> ``input_tokens``: header names ignore case and outer spaces."""
    return header.strip().lower()


def _check_header(header: list[str] | None) -> list[str]:
    """The header's column names, normalised; raise ``ImportRefused`` if it is unusable."""
    if not header or not any(h.strip() for h in header):
        raise ImportRefused("The file is empty; the first line must name the columns.")
    names = [_column(h) for h in header]
    unknown = [h.strip() for h, n in zip(header, names, strict=True) if n not in _ACCEPTED_COLUMNS]
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(_column(name), FIELDS, n=1)
            hints.append(f"{name!r} (did you mean {close[0]}?)" if close else repr(name))
        raise ImportRefused(
            f"Unknown column{'s' if len(unknown) > 1 else ''} {', '.join(hints)}; the columns "
            f"are {', '.join(FIELDS)} (model is required)."
        )
    if not {"model", "gen_ai.request.model", "gen_ai.response.model"} & set(names):
        raise ImportRefused("The header needs a model column.")
    return names


def _rows(handle: IO[str]) -> Iterator[tuple[int, dict[str, str], str | None]]:
    """Yield ``(line number, non-empty cells by column, problem or None)`` per data row."""
    reader = csv.reader(handle)
    names = _check_header(next(reader, None))
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        line = reader.line_num
        if len(row) != len(names):
            yield line, {}, f"{plural(len(row), 'cell')} for {plural(len(names), 'column')}"
            continue
        yield line, {n: v.strip() for n, v in zip(names, row, strict=True) if v.strip()}, None


def _flush(
    db: Database, ws: Workspace, catalog: prices.Catalog, chunk: list[tuple[int, UsageEvent]],
    summary: ImportSummary, now: datetime,
) -> None:  # fmt: skip
    errors: list[tuple[int, str]] = []
    try:
        batch = price_events(catalog, [event for _, event in chunk], "csv", errors)
    except UsageRefused:
        bad = {index for index, _ in errors}
        summary.refused += [(chunk[i][0], message) for i, message in errors]
        good = [event for i, (_, event) in enumerate(chunk) if i not in bad]
        batch = price_events(catalog, good, "csv")
    result = insert_usage(db, ws, batch.rows, now)
    summary.imported += result.inserted
    summary.duplicates += result.duplicates
    summary.without_id += sum(1 for row in batch.rows if row.event_key is None)  # always inserted
    chunk.clear()


def import_usage_csv(
    db: Database,
    ws: Workspace,
    catalog: prices.Catalog,
    path: Path,
    now: datetime,
    progress: TextIO | None = None,
) -> ImportSummary:
    """Import ``path`` (UTF-8 CSV with a header) into ``ws``'s ledger; raise ``ImportRefused``
    for a bad header.

    ``now`` is the default timestamp and ``recorded_utc``; ``progress`` gets a bar for large files.
    """
    summary = ImportSummary()
    bar = _Progress(progress, path.stat().st_size)
    chunk: list[tuple[int, UsageEvent]] = []
    with path.open("rb") as raw:
        handle = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        try:
            for count, (line, fields, problem) in enumerate(_rows(handle), start=1):
                if problem is not None:
                    summary.refused.append((line, problem))
                    continue
                try:
                    chunk.append((line, event_from_fields(fields, now)))
                except EventProblems as exc:
                    summary.refused.append((line, "; ".join(exc.problems)))
                if len(chunk) >= CHUNK_ROWS:
                    _flush(db, ws, catalog, chunk, summary, now)
                    bar.update(raw.tell(), count)
            if chunk:
                _flush(db, ws, catalog, chunk, summary, now)
        except UnicodeDecodeError as exc:
            raise ImportRefused("The file is not UTF-8 text.") from exc
        finally:
            bar.update(bar.total, summary.imported + summary.duplicates + len(summary.refused))
            bar.finish()
    summary.refused.sort()
    return summary
