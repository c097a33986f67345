"""CSV import: header checks, good rows in, bad rows listed by line, ids stored once, progress."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.ledger.csv_import import ImportRefused, import_usage_csv
from bot.store.db import Database
from tests.bot.ledger_support import NOW, WS, ledger_catalog
from tests.db_support import count_rows

CATALOG = ledger_catalog()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "usage.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_rows_are_imported_and_bad_rows_listed_by_line(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, (
        "model,input_tokens,output_tokens,cached_input_tokens,timestamp,tag,user,id\n"
        "gpt-4o,1000,500,,2026-11-02T10:00:00Z,search,ada,a1\n"
        "gpt-4oo,1000,500,,,,,a2\n"
        "\n"
        "gpt-4o-mini,-3,500,,,,,a3\n"
        "gpt-4o-mini,1000,500,0,2026-11-02T10:00:00+01:00,,,a4\n"
        "gpt-4o,1000\n"
        "gpt-4o,1000,500,,,,,a1\n"
    ))  # fmt: skip
    summary = import_usage_csv(db, WS, CATALOG, path, NOW)
    assert (summary.imported, summary.duplicates) == (2, 1)
    assert summary.refused == [
        (3, "I don't know the model `gpt-4oo`. Did you mean `gpt-4o` or `gpt-4o-mini`?"),
        (5, "input_tokens can't be negative (-3)"),
        (7, "2 cells for 8 columns"),
    ]
    assert summary.as_text().splitlines()[0] == (
        "Imported 2 rows; 1 skipped as a duplicate; 3 refused."
    )
    rows = list(db.query("SELECT model, source, tag, user_id, event_key FROM usage ORDER BY id"))
    assert rows == [
        {"model": "gpt-4o", "source": "csv", "tag": "search", "user_id": "ada", "event_key": "a1"},
        {"model": "gpt-4o-mini", "source": "csv", "tag": None, "user_id": None, "event_key": "a4"},
    ]
    again = import_usage_csv(db, WS, CATALOG, path, NOW)
    assert (again.imported, again.duplicates) == (0, 3)


def test_unknown_columns_refuse_the_file(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "model,input_token,output_tokens\ngpt-4o,1,1\n")
    with pytest.raises(ImportRefused) as caught:
        import_usage_csv(db, WS, CATALOG, path, NOW)
    assert caught.value.message.startswith(
        "Unknown column 'input_token' (did you mean input_tokens?); the columns are model,"
    )
    assert count_rows(db, "usage") == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "The file is empty"), ("input_tokens,tag\n1,a\n", "The header needs a model column.")],
)
def test_a_file_without_a_usable_header_is_refused(
    db: Database, tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(ImportRefused, match=message):
        import_usage_csv(db, WS, CATALOG, write(tmp_path, text), NOW)


def test_opentelemetry_columns_and_a_bom_are_accepted(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "otel.csv"
    path.write_bytes(
        "\ufeffgen_ai.request.model,gen_ai.usage.input_tokens,gen_ai.usage.output_tokens\n"
        "gpt-4o,10,10\n".encode()
    )
    assert import_usage_csv(db, WS, CATALOG, path, NOW).imported == 1


def test_a_large_file_shows_a_progress_bar(db: Database, tmp_path: Path) -> None:
    lines = ["model,input_tokens,output_tokens,id"]
    lines += [f"gpt-4o-mini,{n},{n},row-{n:06d}-{'x' * 20}" for n in range(25_000)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    progress = io.StringIO()
    summary = import_usage_csv(db, WS, CATALOG, path, NOW, progress=progress)
    assert summary.imported == 25_000
    assert progress.getvalue().endswith("\rimporting [####################] 100%  25,000 rows\n")
    assert "%" in progress.getvalue().split("\r")[1]
    assert import_usage_csv(db, WS, CATALOG, write(tmp_path, lines[0] + "\n"), NOW,
                            progress=(small := io.StringIO())).imported == 0  # fmt: skip
    assert small.getvalue() == ""


def test_cells_read_numbers_as_usage_add_does_and_headers_ignore_case_and_spaces(
    db: Database, tmp_path: Path
) -> None:
    path = write(tmp_path, (
        " Model , Input_Tokens,OUTPUT_TOKENS ,Timestamp,ID\n"
        "gpt-4o,1k,1.5k,2026-11-02,a1\n"
        "gpt-4o,\"1,200\",2M,2026-11-02T10:00:00Z,a2\n"
        "gpt-4o,1.5,1,,a3\n"
    ))  # fmt: skip
    summary = import_usage_csv(db, WS, CATALOG, path, NOW)
    assert summary.imported == 2
    assert summary.refused == [
        (4, "input_tokens must be a whole number of tokens (like 1200, 1,200 or 1.5k), not '1.5'")
    ]
    rows = list(db.query("SELECT input_tokens, output_tokens, occurred_utc FROM usage ORDER BY id"))
    assert [(r["input_tokens"], r["output_tokens"]) for r in rows] == [
        (1000, 1500), (1200, 2_000_000),
    ]  # fmt: skip
    assert rows[0]["occurred_utc"].startswith("2026-11-02T00:00:00")  # a bare date: midnight UTC


def test_rows_without_an_id_are_counted_and_warned_about(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "model,input_tokens,id\ngpt-4o,10,\ngpt-4o,10,a1\ngpt-4o,10,\n")
    summary = import_usage_csv(db, WS, CATALOG, path, NOW)
    assert (summary.imported, summary.without_id) == (3, 2)
    assert summary.as_text().splitlines() == [
        "Imported 3 rows; 0 skipped as duplicates; 0 refused.",
        "Warning: 2 rows had no id: importing this file again would record them again; "
        "add an `id` column to make re-imports safe.",
    ]
    one = import_usage_csv(db, WS, CATALOG, write(tmp_path, "model,input_tokens\ngpt-4o,1\n"), NOW)
    assert one.as_text().splitlines() == [
        "Imported 1 row; 0 skipped as duplicates; 0 refused.",
        "Warning: 1 row had no id: importing this file again would record it again; "
        "add an `id` column to make re-imports safe.",
    ]
    text = "model,input_tokens,id\ngpt-4o,1,a1\n"
    again = import_usage_csv(db, WS, CATALOG, write(tmp_path, text), NOW)
    assert again.without_id == 0 and "no id" not in again.as_text()
    assert again.as_text() == "Imported 0 rows; 1 skipped as a duplicate; 0 refused."


def test_a_short_row_names_its_cells_in_the_singular(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "model,input_tokens\ngpt-4o\n")
    assert import_usage_csv(db, WS, CATALOG, path, NOW).refused == [(2, "1 cell for 2 columns")]
