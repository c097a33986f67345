"""`tokencost ask` starts lean (issue 15) and still does everything the bot's path does.

The quick path opens a current SQLite file with the standard library (`bot.store.lite`) and
writes the query-log row at once; a missing or old database takes the usual path
(`Runtime.start`: sqlite-utils, migrations). These tests run real processes where the point is
what a process imports, and check the rows in the file either way.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.cli.quick import QuickRuntime, cli_runtime
from bot.config import Settings
from bot.runtime import Runtime
from bot.store import lite, migrations
from bot.store.db import connect, open_sqlite
from bot.store.migrations import MIGRATIONS
from bot.store.queries import QueryRecord, recent_queries
from bot.store.workspace import DEFAULT_WORKSPACE

ROOT = Path(__file__).resolve().parents[2]

# What `ask` must never load (issue 15): the Slack SDK and Bolt, sqlite-utils and its
# migrations, PyYAML (the catalog and the FAQ index are compiled), tiktoken (only `count`
# and answers that count need it).
HEAVY = ("slack_sdk", "slack_bolt", "sqlite_utils", "bot.store.migrations", "yaml", "tiktoken")

_PROBE = """
import json, sys
from bot.cli.main import main
status = main(sys.argv[1:])
sys.stdout.flush()
print("\\n" + json.dumps({"status": status, "modules": sorted(sys.modules)}))
"""


def _run(tmp_path: Path, *argv: str) -> tuple[int, str, set[str]]:
    """Run `tokencost ARGV` in a new interpreter; (exit status, output, modules imported)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TOKENCOST_"))}
    env["TOKENCOST_DB"] = str(tmp_path / "cli.db")
    env["TOKENCOST_CACHE_DIR"] = str(tmp_path / "cache")
    done = subprocess.run([sys.executable, "-c", _PROBE, *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    output, _, last = done.stdout.rstrip("\n").rpartition("\n")
    probe = json.loads(last)
    return probe["status"], output, set(probe["modules"])


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY)


def _rows(path: Path) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT surface, kind, model FROM queries ORDER BY id").fetchall()


@pytest.mark.parametrize(
    "argv",
    [
        ("ask", "gpt-4o", "1000", "in", "500", "out", "x", "10k/day"),
        ("ask", "compare", "gpt-4o", "claude-sonnet-4-5", "2000", "400"),
        ("ask", "price", "gpt-4o"),
        ("ask", "help"),
        ("ask", "why do output tokens cost more?"),
        ("ask", "what is the weather in Paris?"),
    ],
    ids=["estimate", "compare", "price", "help", "faq", "off-topic"],
)
def test_ask_on_a_current_database_imports_nothing_heavy_and_logs_the_query(
    tmp_path: Path, argv: tuple[str, ...]
) -> None:
    # Creates and migrates the file, compiles the catalog and the FAQ index: a user's first
    # question does all that once (tested below and in tests/faq/test_compiled.py).
    _run(tmp_path, "ask", "what does a cached token cost?")
    status, output, modules = _run(tmp_path, *argv)
    assert status == 0, output
    assert output.strip()
    assert _heavy(modules) == []
    assert "bot.store.lite" in modules  # the quick path answered, not a fallback
    rows = _rows(tmp_path / "cli.db")
    assert len(rows) == 2  # the set-up's row and this one: every ask is logged
    assert rows[-1][0] == "cli"


def test_an_faq_miss_is_recorded_on_the_quick_path(tmp_path: Path) -> None:
    _run(tmp_path, "ask", "what does a cached token cost?")
    status, _, modules = _run(tmp_path, "ask", "how do I get a refund for tokens?")
    assert status == 0
    assert "bot.store.lite" in modules and _heavy(modules) == []
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        misses = conn.execute("SELECT question, user_id FROM faq_misses").fetchall()
    assert misses == [("how do I get a refund for tokens?", "cli")]
    assert _rows(tmp_path / "cli.db")[-1] == ("cli", "faq_miss", None)


@pytest.mark.parametrize("database", [False, True], ids=["no database", "current database"])
def test_prices_show_imports_nothing_heavy(tmp_path: Path, database: bool) -> None:
    # With a database, the recorded price changes are read through the standard library.
    _run(tmp_path, "ask" if database else "prices", "help" if database else "list")
    assert (tmp_path / "cli.db").exists() == database
    status, output, modules = _run(tmp_path, "prices", "show", "gpt-4o")
    assert status == 0
    assert "gpt-4o" in output
    assert _heavy(modules) == []


def test_ask_creates_a_missing_database_on_the_usual_path(tmp_path: Path) -> None:
    status, output, modules = _run(tmp_path, "ask", "gpt-4o", "1000", "500")
    assert status == 0 and output.startswith("gpt-4o: $0.0075 per request")
    assert "bot.store.migrations" in modules  # created and migrated by sqlite-utils
    db = tmp_path / "cli.db"
    assert (db.stat().st_mode & 0o777) == 0o600
    assert _rows(db) == [("cli", "estimate", "gpt-4o")]


def test_schema_lists_every_migration() -> None:
    # The quick path's cheap check must know every migration, or it would open an old file:
    # a new migration goes into `bot.store.lite.SCHEMA` too.
    names = [m.name for m in MIGRATIONS._migrations]
    assert sorted(lite.SCHEMA) == sorted(names)


def test_open_current_refuses_missing_old_foreign_and_open_files(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    assert lite.open_current(path) is None
    assert not path.exists()  # never created here
    sqlite3.connect(path).close()  # an empty file: no migrations table
    path.chmod(0o600)
    assert lite.open_current(path) is None
    path.unlink()
    old = connect(path)
    migrations.apply(old, stop_before=lite.SCHEMA[-1])
    old.close()
    assert lite.open_current(path) is None  # one migration behind
    open_sqlite(path).close()  # migrates the rest
    path.chmod(0o644)
    assert lite.open_current(path) is None  # open_db narrows it first
    path.chmod(0o600)
    current = lite.open_current(path)
    assert current is not None
    current.close()


def test_lite_database_transactions(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    open_sqlite(path).close()
    db = lite.open_current(path)
    assert db is not None
    db.execute("CREATE TABLE t (n INTEGER CHECK (n >= 0))")
    with pytest.raises(RuntimeError), db.atomic():
        db.execute("INSERT INTO t VALUES (1)")
        raise RuntimeError("rolled back")
    with db.immediate():
        db.execute("INSERT INTO t VALUES (2)")
        with pytest.raises(sqlite3.IntegrityError), db.atomic():  # a savepoint
            db.execute("INSERT INTO t VALUES (3)")
            db.execute("INSERT INTO t VALUES (-1)")
    assert db.execute_many("INSERT INTO t VALUES (?)", [(4,), (5,)]) == 2
    row = next(db.query("INSERT INTO t VALUES (6) RETURNING n"))
    assert row == {"n": 6}
    db.close()
    with sqlite3.connect(path) as conn:  # committed, seen from another connection
        assert [n for (n,) in conn.execute("SELECT n FROM t ORDER BY n")] == [2, 4, 5, 6]


def test_quick_runtime_writes_the_row_before_it_closes(cli_db: Path) -> None:
    Runtime.start(Settings(db_path=cli_db), encodings=False).close()
    runtime = cli_runtime(Settings(db_path=cli_db))
    assert isinstance(runtime, QuickRuntime)
    runtime.close()
    assert main(["ask", "price", "gpt-4o"]) == 0
    check = Runtime.start(Settings(db_path=cli_db), encodings=False)
    try:
        [row] = recent_queries(check.db(), DEFAULT_WORKSPACE)
    finally:
        check.close()
    assert (row.surface, row.kind, row.model) == ("cli", "price", "gpt-4o")


def test_a_failed_query_log_write_is_logged_never_raised(
    cli_db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    Runtime.start(Settings(db_path=cli_db), encodings=False).close()
    runtime = cli_runtime(Settings(db_path=cli_db))
    good = QueryRecord(created_utc=datetime.now(UTC), surface="cli", kind="help",
                       workspace=DEFAULT_WORKSPACE)  # fmt: skip
    runtime.log_query(replace(good, kind="no-such-kind"))  # refused by the store
    with caplog.at_level(logging.ERROR, logger="tokencost.querylog"):
        runtime.close()  # does not raise: the reply was already printed
    assert "query log write failed" in caplog.text
    runtime = cli_runtime(Settings(db_path=cli_db))
    runtime.log_query(good)
    runtime.close()
    assert _rows(cli_db) == [("cli", "help", None)]


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    for name in list(os.environ):
        if name.startswith(("SLACK_", "TOKENCOST_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TOKENCOST_DB", str(path))
    return path
