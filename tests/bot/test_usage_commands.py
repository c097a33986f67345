"""The ledger commands (log, budget, digest) and their CLI subcommands, on a real SQLite file."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.answers.ledger_results import AnyResult
from bot.cli.ledger import add_subcommands
from bot.language.commands import Budget, Digest, Log, Money
from bot.ledger import commands
from bot.ledger.csv_import import import_usage_csv
from bot.pipeline import Asker, answer
from bot.render.replies import render_blocks, render_json, render_text
from bot.runtime import Runtime
from bot.slack.ingest import make_usage_route
from bot.store.digests import get_subscription
from tests.bot.ledger_support import INGEST_TOKEN, WS, Clock, make_runtime, seed_ledger
from tests.db_support import count_rows


@dataclass(frozen=True)
class Shown:
    """A ledger command's result in each rendering, as the surfaces show it."""

    kind: str
    text: str
    mrkdwn: str
    data: dict[str, Any]
    blocks: list[dict[str, Any]]


def _shown(result: AnyResult) -> Shown:
    return Shown(result.kind, render_text(result), render_text(result, slack=True),
                 render_json(result), render_blocks(result))  # fmt: skip


def run_log(*args: Any, **kwargs: Any) -> Shown:
    return _shown(commands.run_log(*args, **kwargs))


def run_budget(*args: Any, **kwargs: Any) -> Shown:
    return _shown(commands.run_budget(*args, **kwargs))


def run_digest(*args: Any, **kwargs: Any) -> Shown:
    return _shown(commands.run_digest(*args, **kwargs))


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = make_runtime(tmp_path / "t.db", Clock(), timezone="Europe/Berlin")
    yield rt
    rt.close()


def test_log_records_usage_and_shows_budget_progress(runtime: Runtime) -> None:
    run_budget(Budget(Money(Decimal(10), "month"), "search"), runtime, WS, "U1")
    outcome = run_log(Log("gpt-4o", 120_000, 30_000, tag="search"), runtime, WS, "C1", "U1")
    assert outcome.kind == "logged"
    assert outcome.text == (
        "Logged gpt-4o #search: 120,000 input, 30,000 output tokens = $0.60 "
        "(at $2.50 in / $10.00 out per MTok). Budgets: #search: $0.60 of $10.00/month (6%) "
        "this month."
    )
    assert outcome.data["cost_usd"] == "0.6"
    assert outcome.data["kind"] == "logged"
    [row] = runtime.db().query("SELECT user_id, source, tag FROM usage")
    assert row == {"user_id": "U1", "source": "slack", "tag": "search"}


def test_log_of_an_unknown_model_is_an_error_with_suggestions(runtime: Runtime) -> None:
    outcome = run_log(Log("gpt-4oo", 1, 1), runtime, WS, "C1", "U1")
    assert outcome.kind == "error"
    assert outcome.data["suggestions"] == ["gpt-4o", "gpt-4o-mini"]
    assert count_rows(runtime.db(), "usage") == 0


def test_budget_set_and_show(runtime: Runtime) -> None:
    seed_ledger(runtime.db(), runtime.catalog)  # budgets: workspace $100, #search $12
    shown = run_budget(Budget(), runtime, WS, "U1")
    assert shown.text == (
        "Budgets: Workspace: $13.11 of $100.00/month (13%) this month; "
        "#search: $10.27 of $12.00/month (86%) this month. "
        "Alerts go to digest channels at 80% and 100%."
    )
    bad = run_budget(Budget(Money(Decimal(5), "hour")), runtime, WS, "U1")
    assert bad.kind == "error" and "per day, week or month" in bad.text


def test_digest_on_off_status_preview(runtime: Runtime) -> None:
    on = run_digest(Digest("on", time="08:30", tz="Europe/Berlin"), runtime, WS, "C0ABC123",
                    "U1")  # fmt: skip
    assert on.text.startswith("Daily digest in #C0ABC123 at 08:30 Europe/Berlin")
    assert on.mrkdwn.startswith("Daily digest in <#C0ABC123> at 08:30")
    default = run_digest(Digest("on", channel="C0OTHER99"), runtime, WS, "C0ABC123", "U1")
    assert default.data["time"] == "09:00" and default.data["timezone"] == "Europe/Berlin"
    named = run_digest(Digest("on", channel="llm-costs"), runtime, WS, "C0ABC123", "U1")
    assert named.kind == "error"
    resolved = run_digest(Digest("on", channel="llm-costs"), runtime, WS, "C0ABC123", "U1",
                          resolve_channel={"llm-costs": "C0LLM1234"}.get)  # fmt: skip
    assert resolved.data["channel"] == "C0LLM1234"
    off = run_digest(Digest("off"), runtime, WS, "C0ABC123", "U1")
    assert off.data == {"kind": "digest", "action": "off", "channel": "C0ABC123", "was_on": True}
    sub = get_subscription(runtime.db(), WS, "C0ABC123")
    assert sub is not None and not sub.enabled
    status = run_digest(Digest("status"), runtime, WS, "C0ABC123", "U1")
    assert status.data["on"] is False
    empty = run_digest(Digest("preview"), runtime, WS, "C0ABC123", "U1")
    assert empty.data["empty"] is True and empty.blocks[0]["type"] == "section"
    seed_ledger(runtime.db(), runtime.catalog)
    preview = run_digest(Digest("preview"), runtime, WS, "C0ABC123", "U1")
    assert preview.text.startswith("LLM spend digest for Mon 2 Nov 2026")
    assert preview.blocks[0]["type"] == "header"


CLI = Asker(surface="cli", workspace=WS, user_id="cli")


@pytest.mark.parametrize("action", ["on", "off", "status"])
def test_digest_from_the_cli_without_a_channel_asks_for_one(runtime: Runtime, action: str) -> None:
    reply = answer(runtime, f"digest {action}", CLI)
    assert reply.kind == "error"
    assert reply.data["error"] == (
        f"Name the channel: `digest {action} #llm-costs` (or run it in Slack inside that channel)."
    )
    assert "None" not in reply.text


def test_digest_preview_from_the_cli_needs_no_channel(runtime: Runtime) -> None:
    reply = answer(runtime, "digest preview", CLI)
    assert reply.kind == "digest" and reply.text.startswith("Nothing to report for Mon 02 Nov")


def test_a_channel_name_the_cli_cannot_look_up_asks_for_the_id(runtime: Runtime) -> None:
    named = run_digest(Digest("on", channel="llm-costs"), runtime, WS, None, "cli")
    assert named.text.startswith("I can only look up a channel name like #llm-costs from Slack; "
                                 "here, give the channel's id (like C0123ABC")  # fmt: skip
    preview = run_digest(Digest("preview", channel="llm-costs"), runtime, WS, None, "cli")
    assert preview.kind == "error"
    unknown = run_digest(Digest("off", channel="nope"), runtime, WS, "C0ABC123", "U1",
                         resolve_channel=lambda name: None)  # fmt: skip
    assert unknown.data["error"] == ("I can't find the channel #nope; check the name, run "
                                     "`digest off` "
                            "inside it, or give its id (like C0123ABC).")  # fmt: skip


@pytest.mark.parametrize("typed", ["c0123abc", "C0123abc", "C0123ABC"])
def test_a_channel_id_is_read_in_any_case(runtime: Runtime, typed: str) -> None:
    on = run_digest(Digest("on", channel=typed), runtime, WS, None, "cli")
    assert on.data["channel"] == "C0123ABC"
    assert get_subscription(runtime.db(), WS, "C0123ABC") is not None


def test_a_channel_name_that_is_not_id_shaped_is_still_looked_up(runtime: Runtime) -> None:
    seen: list[str] = []

    def resolve(name: str) -> str | None:
        seen.append(name)
        return "C0GEN0001"

    on = run_digest(Digest("on", channel="general2"), runtime, WS, None, "U1", resolve)
    assert (on.data["channel"], seen) == ("C0GEN0001", ["general2"])


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


def test_cli_usage_add_says_a_repeat_once(
    runtime: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    args = parse("usage", "add", "gpt-4o", "1k", "--id", "r1", "--at", "2026-11-02")
    assert args.handler(args, runtime) == 0
    assert capsys.readouterr().out == "gpt-4o: 1,000 in, 0 out = $0.0025 (recorded).\n"
    assert args.handler(args, runtime) == 0
    assert capsys.readouterr().out == (
        "gpt-4o: 1,000 in, 0 out = $0.0025 (already recorded with this id, not counted again).\n"
    )
    [row] = runtime.db().query("SELECT occurred_utc FROM usage")
    assert row["occurred_utc"].startswith("2026-11-02T00:00:00")


def test_a_misspelt_model_gets_the_same_suggestions_on_every_surface(
    runtime: Runtime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sentence = "I don't know the model `gtp-4o`. Did you mean `gpt-4o`?"
    suggestions = ["gpt-4o"]
    args = parse("usage", "add", "gtp-4o", "1k", "--json")
    assert args.handler(args, runtime) == 1
    assert json.loads(capsys.readouterr().out) == {
        "kind": "error", "error": sentence, "suggestions": suggestions,
    }  # fmt: skip
    logged = run_log(Log("gtp-4o", 1000, 0), runtime, WS, None, "cli", source="cli")
    assert (logged.data["error"], logged.data["suggestions"]) == (sentence, suggestions)
    csv_file = tmp_path / "u.csv"
    csv_file.write_text("model,input_tokens\ngtp-4o,1k\n", encoding="utf-8")
    assert import_usage_csv(
        runtime.db(), WS, runtime.catalog, csv_file, runtime.clock()
    ).refused == [(2, sentence)]
    body = json.dumps({"model": "gtp-4o", "input_tokens": "1k"}).encode()
    environ = {"HTTP_AUTHORIZATION": f"Bearer {INGEST_TOKEN}", "CONTENT_LENGTH": str(len(body)),
               "wsgi.input": io.BytesIO(body)}  # fmt: skip
    status, _, payload = make_usage_route(runtime)(environ)
    assert (status, json.loads(payload)) == (400, {"errors": [{"index": 0, "error": sentence}]})
    assert count_rows(runtime.db(), "usage") == 0


def test_cli_usage_import_json_counts_rows_without_an_id(
    runtime: Runtime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "u.csv"
    path.write_text("Model, Input_Tokens\ngpt-4o,1k\n", encoding="utf-8")
    args = parse("usage", "import", str(path))
    assert args.handler(args, runtime) == 0
    assert capsys.readouterr().out == (
        "Imported 1 row; 0 skipped as duplicates; 0 refused.\n"
        "Warning: 1 row had no id: importing this file again would record it again; "
        "add an `id` column to make re-imports safe.\n"
    )
    as_json = parse("usage", "import", str(path), "--json")
    assert as_json.handler(as_json, runtime) == 0
    assert json.loads(capsys.readouterr().out) == {
        "kind": "import", "imported": 1, "duplicates": 0, "refused": [], "without_id": 1,
    }  # fmt: skip


@pytest.mark.parametrize("day", ["2026-13-01", "yesterday", "20261128", "2026-W48-1"])
def test_cli_digest_send_with_a_bad_date_says_so_in_one_sentence(
    runtime: Runtime, capsys: pytest.CaptureFixture[str], day: str
) -> None:
    args = parse("digest", "send", "--dry-run", "--date", day)
    assert args.handler(args, runtime) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "", "--date takes a day as YYYY-MM-DD, like 2026-11-28.\n",
    )  # fmt: skip


def test_cli_digest_send_dry_run(runtime: Runtime, capsys: pytest.CaptureFixture[str]) -> None:
    seed_ledger(runtime.db(), runtime.catalog)
    args = parse("digest", "send", "--dry-run", "--date", "2026-11-02")
    assert args.handler(args, runtime) == 0
    captured = capsys.readouterr()
    assert "No channel has the digest on" in captured.err
    assert captured.out.startswith("LLM spend digest for Mon 2 Nov 2026 (Europe/Berlin)")
    assert parse("clock", "--interval", "5").interval == 5.0


def test_cli_usage_add_shows_dollars_to_the_cent(
    runtime: Runtime, capsys: pytest.CaptureFixture[str]
) -> None:
    """The terminal shows money as every reply does ($20.00, not $20.00375); JSON keeps it all."""
    args = parse("usage", "add", "gpt-4o", "1.5k", "2M", "--id", "c1", "--at", "2026-11-02")
    assert args.handler(args, runtime) == 0
    assert capsys.readouterr().out == "gpt-4o: 1,500 in, 2,000,000 out = $20.00 (recorded).\n"
    exact = parse("usage", "add", "gpt-4o", "1.5k", "2M", "--id", "c2", "--json")
    assert exact.handler(exact, runtime) == 0
    assert json.loads(capsys.readouterr().out)["cost_usd"] == "20.00375"
