"""Price changes and the last refresh kept in the database (m009), on SQLite and PostgreSQL:
they outlive a restart, `web` and `clock` share them (one row per change however many
processes find it), `prices status` in another process reads them, App Home and the digest
show a change found by a real refresh against a local price server, and the files earlier
releases kept are imported once and left in place."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.runtime import Runtime
from bot.store.database import Database
from bot.store.pricefeed import (
    CHANGES_FILE,
    STATUS_FILE,
    PriceStore,
    open_live,
    read_status,
    status_json,
)
from bot.store.workspace import Workspace
from prices.history import save_changes
from prices.live import LiveCatalog
from prices.upstream import dump_json
from tests.db_support import count_rows
from tests.prices.fake_prices import FakePriceSource, repriced

sync = pytest.importorskip("prices.sync")
pytest.importorskip("genai_prices")

pytestmark = pytest.mark.both_backends

MODEL = "gpt-4.1-mini"  # 0.40 / 1.60 in the bundled data, not overridden
KEY = f"openai/{MODEL}"
NOW = datetime.now(UTC).replace(microsecond=0)
MONDAY = NOW - timedelta(days=2)  # when the clock process found the change


@pytest.fixture(scope="module")
def raw() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = sync.genai_raw()
    return found


@pytest.fixture
def source() -> Iterator[FakePriceSource]:
    with FakePriceSource() as fake:
        yield fake


@pytest.fixture
def settings(
    db: Database, database: str | Path, db_path: Path, source: FakePriceSource
) -> Settings:
    """The deployment: the test's migrated database (`db` made it), the local price source."""
    url = database if isinstance(database, str) else None
    return Settings(db_path=db_path, database_url=url, prices_url=source.url,
                    prices_refresh_s=3600.0)  # fmt: skip


def at(moment: datetime) -> Any:
    return lambda: moment


def test_changes_and_the_status_outlive_a_restart(
    settings: Settings, db: Database, source: FakePriceSource, raw: list[dict[str, Any]]
) -> None:
    clock = open_live(settings, clock=at(MONDAY))
    source.serve(repriced(raw, MODEL))
    status = clock.refresh()
    assert (status.outcome, status.changed) == ("updated", (KEY,))
    assert count_rows(db, "price_changes") == 1
    again = open_live(settings)  # a restart (or a one-off dyno): nothing fetched
    assert source.requests == 1
    model = again.catalog.get(MODEL)
    assert model.current.input_per_mtok == Decimal("0.2")
    assert model.prices_at(MONDAY - timedelta(days=1)).input_per_mtok == Decimal("0.4")
    ((key, day),) = [(c.key, c.day) for c in again.changes()]
    assert (key, day) == (KEY, MONDAY.date())  # the change keeps its day
    assert read_status(settings) == status_json(status)


def test_web_and_clock_refreshing_together_record_each_change_once(
    settings: Settings, db: Database, source: FakePriceSource, raw: list[dict[str, Any]]
) -> None:
    processes = [open_live(settings, clock=at(MONDAY)) for _ in range(3)]
    web = open_live(settings, clock=at(NOW))  # started before, refreshes two days later
    source.serve(repriced(raw, MODEL))
    barrier = threading.Barrier(len(processes))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def refresh(live: LiveCatalog) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(live.refresh().outcome)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=refresh, args=(p,)) for p in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    # Each found it unless another had recorded it before its refresh began (then replayed).
    assert "updated" in outcomes and set(outcomes) <= {"updated", "unchanged"}
    assert len(outcomes) == 3
    rows = list(db.query("SELECT model_key, day FROM price_changes"))
    assert rows == [{"model_key": KEY, "day": MONDAY.date().isoformat()}]
    # The web process catches up first: it replays Monday's change and finds nothing new
    # (without that it would record the same change again, dated today).
    web_status = web.refresh()
    assert (web_status.outcome, web_status.changed) == ("unchanged", ())
    assert count_rows(db, "price_changes") == 1
    assert [(c.key, c.day) for c in web.changes()] == [(KEY, MONDAY.date())]
    saved = read_status(settings)
    assert saved is not None and saved["outcome"] == "unchanged"
    assert saved["last_attempt"] == NOW.isoformat()


def test_a_failed_refresh_keeps_the_last_success_and_an_older_attempt_never_wins(
    settings: Settings, source: FakePriceSource, raw: list[dict[str, Any]]
) -> None:
    source.serve(repriced(raw, MODEL))
    good = open_live(settings, clock=at(MONDAY)).refresh()
    source.serve("oops", status=503)
    open_live(settings, clock=at(NOW)).refresh()
    saved = read_status(settings)
    assert saved is not None
    assert (saved["outcome"], saved["source"], saved["changed"]) == ("unreachable", source.url,
                                                                     [KEY])  # fmt: skip
    assert saved["last_success"] == MONDAY.isoformat() and saved["last_attempt"] == NOW.isoformat()
    assert "HTTP 503" in saved["message"]
    late = replace(good, last_attempt=MONDAY - timedelta(hours=1))  # committed after, older
    PriceStore(settings).record((), late)
    assert read_status(settings) == saved


def test_app_home_and_the_digest_show_a_change_a_real_refresh_found(
    settings: Settings, db: Database, source: FakePriceSource, raw: list[dict[str, Any]]
) -> None:
    from bot.digest.build import build_digest
    from bot.digest.render import render_digest
    from bot.ledger.fields import UsageEvent
    from bot.ledger.pricing import record_events
    from bot.slack.listeners.home import build_home_data
    from bot.store.workspaces import record_workspace

    ws = Workspace("T1")
    record_workspace(db, ws, NOW)
    used = UsageEvent(MODEL, NOW - timedelta(minutes=5), 1_000_000, 1_000_000)
    record_events(db, ws, open_live(settings).catalog, [used], "http", NOW)
    source.serve(repriced(raw, MODEL))
    assert open_live(settings, clock=at(MONDAY)).refresh().outcome == "updated"  # the clock
    web = Runtime.start(settings, clock=at(NOW), encodings=False)  # another process
    try:
        home = build_home_data(web, ws, admin=False)
        (line,) = home.price_changes
        assert MODEL in line and f"{MONDAY:%b %-d}" in line
        assert "$0.40" in line and "$0.20" in line
        digest = build_digest(web.db(), ws, web.catalog, NOW.date(), UTC, NOW)
        assert digest is not None
        (change,) = digest.price_changes
        assert (change.model, change.starts) == (MODEL, MONDAY.date())
        assert (change.before.input_per_mtok, change.after.input_per_mtok) == (
            Decimal("0.4"), Decimal("0.2"),
        )  # fmt: skip
        text, _blocks = render_digest(digest)
        assert f"Price changes: {MODEL}" in text
        assert source.requests == 1  # the web process read the change, it fetched nothing
    finally:
        web.close()


def test_the_files_earlier_releases_kept_are_imported_once_and_left_in_place(
    settings: Settings, db: Database, source: FakePriceSource, raw: list[dict[str, Any]]
) -> None:
    folder = settings.db_path.parent
    folder.mkdir(exist_ok=True)
    old = LiveCatalog(replace(settings.prices_refresh, interval=None), clock=at(MONDAY))
    source.serve(repriced(raw, MODEL))
    status = old.refresh()  # what an earlier release found and wrote to its files
    save_changes(folder / CHANGES_FILE, old.changes())
    (folder / STATUS_FILE).write_text(json.dumps(status_json(status)), encoding="utf-8")
    live = open_live(settings)
    assert [(c.key, c.day) for c in live.changes()] == [(KEY, MONDAY.date())]
    assert live.catalog.get(MODEL).current.input_per_mtok == Decimal("0.2")
    assert read_status(settings) == status_json(status)
    assert (folder / CHANGES_FILE).exists() and (folder / STATUS_FILE).exists()
    imports = list(db.query("SELECT file_name, rows_imported FROM price_imports ORDER BY 1"))
    assert imports == [{"file_name": CHANGES_FILE, "rows_imported": 1},
                       {"file_name": STATUS_FILE, "rows_imported": 1}]  # fmt: skip
    open_live(settings)  # the next start: nothing imported again
    assert count_rows(db, "price_imports") == 2 and count_rows(db, "price_changes") == 1


def test_a_broken_row_is_left_out_and_the_others_replay(
    settings: Settings, db: Database, source: FakePriceSource, raw: list[dict[str, Any]]
) -> None:
    source.serve(repriced(raw, MODEL))
    open_live(settings, clock=at(MONDAY)).refresh()
    db.execute(
        "INSERT INTO price_changes (model_key, day, before_doc, after_doc, source, found_utc,"
        " recorded_utc) VALUES ('openai/gpt-4o', '2026-01-01', 'not json', '[]', 'x', ?, ?)",
        [MONDAY.isoformat(), MONDAY.isoformat()],
    )
    live = open_live(settings)
    assert [c.key for c in live.changes()] == [KEY]
    assert live.catalog.get(MODEL).current.input_per_mtok == Decimal("0.2")


def test_a_broken_legacy_file_is_logged_kept_and_tried_again_at_the_next_start(
    settings: Settings, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    folder = settings.db_path.parent
    folder.mkdir(exist_ok=True)
    (folder / CHANGES_FILE).write_text("[{not json", encoding="utf-8")
    live = open_live(settings)  # the bundled prices are served
    assert live.changes() == () and live.catalog.get(MODEL).current.input_per_mtok == Decimal("0.4")
    assert "legacy price files not imported" in caplog.text
    assert (folder / CHANGES_FILE).exists() and count_rows(db, "price_imports") == 0


def test_a_running_process_catches_up_between_its_refreshes(
    settings: Settings, db: Database, source: FakePriceSource, raw: list[dict[str, Any]]
) -> None:
    """A `tokencost prices refresh` in a one-off container reaches the running web process
    before web's own next refresh (hours away)."""
    from bot.store.pricefeed import Refresher

    source.serve(dump_json(raw))  # web's first refresh: nothing new
    web = open_live(settings)
    refresher = Refresher(web, settings)
    refresher.SYNC_EVERY = 0.05
    assert refresher.start()
    try:
        deadline = time.monotonic() + 20
        while source.requests == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        source.serve(repriced(raw, MODEL))
        assert open_live(settings, clock=at(MONDAY)).refresh().outcome == "updated"  # one-off
        while not web.changes() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert [(c.key, c.day) for c in web.changes()] == [(KEY, MONDAY.date())]
        assert web.catalog.get(MODEL).current.input_per_mtok == Decimal("0.2")
        assert source.requests == 2  # web fetched once, at its start; the one-off once
    finally:
        refresher.stop()
