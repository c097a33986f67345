"""The ledger commands (log, budget, digest) and their CLI subcommands, on a real SQLite file."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from bot.cli_ledger import add_subcommands
from bot.commands import Budget, Digest, Log, Money
from bot.digest_store import get_subscription
from bot.runtime import Runtime
from bot.usage_commands import run_budget, run_digest, run_log
from tests.bot.ledger_support import Clock, make_runtime, seed_ledger


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = make_runtime(tmp_path / "t.db", Clock(), timezone="Europe/Berlin")
    yield rt
    rt.close()


def test_log_records_usage_and_shows_budget_progress(runtime: Runtime) -> None:
    run_budget(Budget(Money(Decimal(10), "month"), "search"), runtime, "T1", "U1")
    outcome = run_log(Log("gpt-4o", 120_000, 30_000, tag="search"), runtime, "T1", "C1", "U1")
    assert outcome.kind == "logged"
    assert outcome.text == (
        "Logged gpt-4o #search: 120,000 input, 30,000 output tokens = $0.60 "
        "(at $2.50 in / $10.00 out per MTok). Budgets: #search: $0.60 of $10.00/month (6%) "
        "this month."
    )
    assert outcome.data["cost_usd"] == "0.6"
    assert outcome.data["kind"] == "logged"
    [row] = runtime.db().query("SELECT user, source, tag FROM usage")
    assert row == {"user": "U1", "source": "slack", "tag": "search"}


def test_log_of_an_unknown_model_is_an_error_with_suggestions(runtime: Runtime) -> None:
    outcome = run_log(Log("gpt-4oo", 1, 1), runtime, "T1", "C1", "U1")
    assert outcome.kind == "error"
    assert outcome.data["suggestions"] == ["gpt-4o", "gpt-4o-mini"]
    assert runtime.db()["usage"].count == 0


def test_budget_set_and_show(runtime: Runtime) -> None:
    seed_ledger(runtime.db(), runtime.catalog)  # budgets: workspace $100, #search $12
    shown = run_budget(Budget(), runtime, "T1", "U1")
    assert shown.text == (
        "Budgets: Workspace: $13.11 of $100.00/month (13%) this month; "
        "#search: $10.27 of $12.00/month (86%) this month. "
        "Alerts go to digest channels at 80% and 100%."
    )
    bad = run_budget(Budget(Money(Decimal(5), "hour")), runtime, "T1", "U1")
    assert bad.kind == "error" and "per day, week or month" in bad.text


def test_digest_on_off_status_preview(runtime: Runtime) -> None:
    on = run_digest(Digest("on", time="08:30", tz="Europe/Berlin"), runtime, "T1", "C0ABC123",
                    "U1")  # fmt: skip
    assert on.text.startswith("Daily digest in #C0ABC123 at 08:30 Europe/Berlin")
    assert on.mrkdwn.startswith("Daily digest in <#C0ABC123> at 08:30")
    default = run_digest(Digest("on", channel="C0OTHER99"), runtime, "T1", "C0ABC123", "U1")
    assert default.data["time"] == "09:00" and default.data["timezone"] == "Europe/Berlin"
    named = run_digest(Digest("on", channel="llm-costs"), runtime, "T1", "C0ABC123", "U1")
    assert named.kind == "error"
    resolved = run_digest(Digest("on", channel="llm-costs"), runtime, "T1", "C0ABC123", "U1",
                          resolve_channel={"llm-costs": "C0LLM1234"}.get)  # fmt: skip
    assert resolved.data["channel"] == "C0LLM1234"
    off = run_digest(Digest("off"), runtime, "T1", "C0ABC123", "U1")
    assert off.data == {"kind": "digest", "action": "off", "channel": "C0ABC123", "was_on": True}
    sub = get_subscription(runtime.db(), "C0ABC123")
    assert sub is not None and not sub.enabled
    status = run_digest(Digest("status"), runtime, "T1", "C0ABC123", "U1")
    assert status.data["on"] is False
    empty = run_digest(Digest("preview"), runtime, "T1", "C0ABC123", "U1")
    assert empty.data["empty"] is True and empty.blocks == []
    seed_ledger(runtime.db(), runtime.catalog)
    preview = run_digest(Digest("preview"), runtime, "T1", "C0ABC123", "U1")
    assert preview.text.startswith("LLM spend digest for Mon 2 Nov 2026")
    assert preview.blocks[0]["type"] == "header"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="tokencost")
    add_subcommands(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_cli_usage_add(runtime: Runtime, capsys: pytest.CaptureFixture[str]) -> None:
    args = parse("usage", "add", "gpt-4o", "1.5k", "500", "--id", "r1", "--json")
    assert args.handler(args, runtime) == 0
    assert json.loads(capsys.readouterr().out) == {
        "kind": "logged", "model": "gpt-4o", "cost_usd": "0.00875", "duplicate": False,
    }  # fmt: skip
    assert args.handler(args, runtime) == 0
    assert json.loads(capsys.readouterr().out)["duplicate"] is True
    bad = parse("usage", "add", "gpt-4o", "-5")
    assert bad.handler(bad, runtime) == 1
    assert capsys.readouterr().out == "Not recorded: input_tokens can't be negative (-5).\n"


def test_cli_digest_send_dry_run(runtime: Runtime, capsys: pytest.CaptureFixture[str]) -> None:
    seed_ledger(runtime.db(), runtime.catalog)
    args = parse("digest", "send", "--dry-run", "--date", "2026-11-02")
    assert args.handler(args, runtime) == 0
    captured = capsys.readouterr()
    assert "No channel has the digest on" in captured.err
    assert captured.out.startswith("LLM spend digest for Mon 2 Nov 2026 (Europe/Berlin)")
    assert parse("clock", "--interval", "5").interval == 5.0
