"""The `tokencost` CLI, in-process through `main()` and once as a real `python -m bot`."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

import prices
from bot.cli.main import main, run_console
from bot.config import Settings
from bot.runtime import Runtime
from bot.store.db import open_db
from bot.store.queries import recent_queries
from bot.store.workspace import DEFAULT_WORKSPACE

ROOT = Path(__file__).resolve().parents[2]

WS = DEFAULT_WORKSPACE
"""The workspace these tests read and write."""


@pytest.fixture(autouse=True)
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every CLI run in these tests logs into a temporary SQLite file, never ./data."""
    path = tmp_path / "cli.db"
    monkeypatch.setenv("TOKENCOST_DB", str(path))
    return path


def test_ask_prints_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "gpt-4o", "1000", "in", "500", "out", "x", "10k/day"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("gpt-4o: $0.0075 per request")
    assert "(a month = 30 days)" in out


def test_ask_json_is_one_object(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "gpt-4o 1000 500", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "estimate" and data["cost_per_request"]["total"] == "0.0075"


def test_ask_error_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "gtp-4o", "1k", "1k", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "error" and "gpt-4o" in data["suggestions"]


def test_ask_without_text_is_help(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["ask"]) == 0
    assert "Estimate what an LLM API call costs" in capsys.readouterr().out


def test_prices_show_json_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prices", "show", "claude", "sonnet", "4", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["model"] == "claude-sonnet-4" and data["provider"] == "anthropic"
    for field in ("input_per_mtok", "output_per_mtok", "cached_input_per_mtok"):
        Decimal(data[field])
    assert {"aliases", "cache_write_per_mtok", "context_window", "max_output_tokens", "tiers",
            "batch", "as_of", "source"} <= set(data)  # fmt: skip


def test_prices_show_unknown_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prices", "show", "gtp-4o"]) == 1
    assert "Did you mean `gpt-4o`" in capsys.readouterr().out


def test_prices_list_by_provider(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prices", "list", "--provider", "anthropic"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["model", "provider", "input/M", "cached/M", "output/M", "context"]
    assert any(line.startswith("claude-sonnet-4 ") for line in lines)
    assert all("openai" not in line for line in lines[1:-1])


def test_prices_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prices", "list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "models" and len(data["models"]) == len(prices.default_catalog())


def test_prices_list_unknown_provider(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prices", "list", "--provider", "acme"]) == 1


def test_console_session(cli_db: Path) -> None:
    lines = iter(["gpt-4o 1k 1k", "/tokencost price gpt-4o", "", "help", "quit", "never read"])
    prompts: list[str] = []

    def read(prompt: str) -> str:
        prompts.append(prompt)
        return next(lines)

    out = io.StringIO()
    runtime = Runtime.start(Settings(db_path=cli_db), encodings=False)
    try:
        assert run_console(read, out, runtime) == 0
    finally:
        runtime.close()
    text = out.getvalue()
    assert "gpt-4o: $0.0125 per request" in text
    assert "(gpt-4o) prices" in text
    assert "tokencost help" in text
    assert len(prompts) == 5  # stopped at `quit`
    db = open_db(cli_db)
    try:
        kinds = [q.kind for q in recent_queries(db, WS)]
    finally:
        db.close()
    assert sorted(kinds) == ["estimate", "help", "price"]


def test_ask_logs_the_query_but_never_the_counted_text(
    cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "our confidential launch plan"
    assert main(["ask", "count", "gpt-4o", secret]) == 0
    assert main(["queries", "--json"]) == 0
    out = capsys.readouterr().out
    assert secret not in out
    assert secret not in cli_db.read_bytes().decode("latin-1")
    logged = json.loads(out[out.index("[") :])
    assert logged[0]["kind"] == "count"
    assert logged[0]["text_chars"] == len(secret)


def test_log_and_budget_from_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "log gpt-4o 120k 30k #search-team", "--json"]) == 0
    logged = json.loads(capsys.readouterr().out)
    assert logged["kind"] == "logged"
    assert main(["ask", "budget 500/month", "--json"]) == 0
    budget = json.loads(capsys.readouterr().out)
    assert budget["kind"] == "budget"


def test_console_ends_at_eof(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("/tokencost models anthropic\n"))
    assert main(["console"]) == 0
    assert "anthropic models" in capsys.readouterr().out


def test_no_subcommand_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: tokencost" in capsys.readouterr().out


def test_python_m_bot_ask_json_in_a_real_process(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TOKENCOST_"))}
    env["TOKENCOST_DB"] = str(tmp_path / "proc.db")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "compare", "gpt-4o", "vs", "gpt-4o-mini", "1k", "1k",
         "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["kind"] == "compare"
    assert [row["model"] for row in data["rows"]] == ["gpt-4o-mini", "gpt-4o"]


def test_designs_oversized_example_is_an_estimate_with_warnings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # DESIGN §2 lists this as an `estimate`: priced, with a warning that it can't be one call.
    assert main(["ask", "1.2M input 300k output on claude-sonnet-4", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "estimate"
    assert data["input_tokens"] == 1_200_000
    assert data["output_tokens"] == 300_000
    assert any("context window" in w for w in data["warnings"])


def test_cheapest_skips_unknown_windows_for_big_prompts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "cheapest 300k 500", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    catalog = prices.default_catalog()
    for row in rows:
        window = catalog.get(f"{row['provider']}/{row['model']}").context_window
        assert window is not None and window >= 300_500


def test_a_refused_count_never_keeps_the_pasted_words(
    cli_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "SECRETPAYLOAD_NOMODEL"
    assert main(["ask", f"count {secret} text to count"]) == 1
    assert secret in capsys.readouterr().out  # the asker sees which word was not a model
    assert secret.encode() not in cli_db.read_bytes()
    for suffix in ("-wal", "-shm"):
        sidecar = cli_db.with_name(cli_db.name + suffix)
        assert not sidecar.exists() or secret.encode() not in sidecar.read_bytes()


def test_console_history_keeps_commands_but_not_count_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli_db: Path
) -> None:
    readline = pytest.importorskip("readline")
    from bot.cli import main as cli

    readline.clear_history()
    lines = iter(
        [
            "gpt-4o 1k 1k",
            "count gpt-4o my secret launch plan",
            "/tokencost count gpt-4o x",
            "second line of a pasted secret",
        ]
    )

    def fake_input(prompt: str) -> str:
        line = next(lines)
        readline.add_history(line)  # what input() does with readline loaded
        return line

    monkeypatch.setattr("builtins.input", fake_input)
    for _ in range(3):
        cli._read_private(cli._PROMPT)
    cli._read_private("")  # a pasted line after a `count` line: read without a prompt
    kept = [readline.get_history_item(i + 1) for i in range(readline.get_current_history_length())]
    assert kept == ["gpt-4o 1k 1k"]


def _console(lines: list[str], cli_db: Path, pending_after: set[int] | None = None) -> str:
    """Run the console over `lines`; `pending_after` holds the indexes of lines that arrive
    with more pasted input right behind them."""
    queue = list(lines)
    read_count = 0

    def read(prompt: str) -> str:
        nonlocal read_count
        if not queue:
            raise EOFError
        read_count += 1
        return queue.pop(0)

    def pending() -> bool:
        return bool(queue) and (read_count - 1) in (pending_after or set())

    out = io.StringIO()
    runtime = Runtime.start(Settings(db_path=cli_db), encodings=False)
    try:
        assert run_console(read, out, runtime, pending) == 0
    finally:
        runtime.close()
    return out.getvalue()


def test_console_reads_a_pasted_multi_line_text_after_count(cli_db: Path) -> None:
    one_line = _console(["count gpt-4o first line"], cli_db)
    pasted = _console(
        ["count gpt-4o first line", "second line", "third line", "price gpt-4o"],
        cli_db,
        pending_after={0, 1},  # the paste: three lines at once; then a typed command
    )
    chars = "first line\nsecond line\nthird line"
    assert f"in {len(chars)} characters" in pasted
    assert f"in {len('first line')} characters" in one_line
    assert "(gpt-4o) prices" in pasted  # the command typed after the paste is its own


def test_console_count_alone_asks_for_the_text_up_to_an_empty_line(cli_db: Path) -> None:
    text = _console(["count gpt-4o", "hello there", "", "general kenobi", "help"], cli_db)
    assert f"in {len('hello there')} characters" in text
    assert "tokencost help" in text


def test_tokencost_help_is_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["help"]) == 0
    out = capsys.readouterr().out
    assert "gpt-4o 1000 in 500 out x 10k/day" in out and "tokencost console" in out
    assert "DESIGN" not in out
    assert main(["help", "prices"]) == 0
    assert "list|show" in capsys.readouterr().out
    assert main(["help", "nope"]) == 2


def test_no_help_text_points_at_documents_outside_the_repository(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for argv in (["--help"], ["ask", "--help"], ["prices", "show", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
        assert "DESIGN" not in capsys.readouterr().out


def test_prices_show_takes_several_models(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prices", "show", "gpt-4o", "claude", "sonnet", "4.5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "prices"
    assert [card["model"] for card in data["prices"]] == ["gpt-4o", "claude-sonnet-4-5"]
    assert main(["prices", "show", "gpt-4o"]) == 0
    assert "(gpt-4o) prices" in capsys.readouterr().out
    assert main(["prices", "show", "gtp-4o"]) == 1
    assert "Did you mean `gpt-4o`" in capsys.readouterr().out


def test_several_price_cards_are_logged(cli_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "price gpt-4o o3"]) == 0
    assert main(["queries", "--json"]) == 0
    out = capsys.readouterr().out
    logged = json.loads(out[out.index("[") :])
    assert logged[0]["kind"] == "prices" and logged[0]["model"] == "gpt-4o"
