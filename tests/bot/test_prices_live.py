"""Fresh prices in the bot: settings, the background refresh in `serve`/`clock`, the runtime's
snapshot, `tokencost prices refresh|status`, against a local server serving genai-prices'
published data (the installed genai-prices database, one price changed)."""

from __future__ import annotations

import copy
import gc
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import prices
from bot.cli.main import main
from bot.config import ConfigError, Settings
from bot.pipeline import Asker, answer
from bot.pricefeed import STATUS_FILE, Refresher, open_live, read_status
from bot.runtime import Runtime
from bot.store.workspace import Workspace
from prices.live import LiveCatalog
from prices.upstream import dump_json
from tests.prices.fake_prices import FakePriceSource

sync = pytest.importorskip("prices.sync")
pytest.importorskip("genai_prices")

MODEL = "gpt-4.1-mini"  # 0.40 / 1.60 in the bundled data, not overridden


@pytest.fixture(scope="module")
def raw() -> list[dict[str, Any]]:
    """genai-prices' database in its published shape (what the bundled files came from)."""
    found: list[dict[str, Any]] = sync.genai_raw()
    return found


def repriced(raw: list[dict[str, Any]], model_id: str = MODEL, factor: str = "0.5") -> str:
    """The published payload with `model_id`'s OpenAI input and output prices scaled."""
    doc = copy.deepcopy(raw)
    for provider in doc:
        if provider["id"] != "openai":
            continue
        for model in provider["models"]:
            if model["id"] == model_id:
                for field in ("input_mtok", "output_mtok"):
                    model["prices"][field] = model["prices"][field] * Decimal(factor)
    return dump_json(doc)


@pytest.fixture
def source() -> Iterator[FakePriceSource]:
    with FakePriceSource() as fake:
        yield fake


@pytest.fixture
def env(tmp_path: Path, source: FakePriceSource, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI's environment: a data folder and the local price source."""
    data = tmp_path / "data"
    data.mkdir()
    for name in list(__import__("os").environ):
        if name.startswith(("TOKENCOST_", "SLACK_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TOKENCOST_DB", str(data / "tokencost.db"))
    monkeypatch.setenv("TOKENCOST_PRICES_URL", source.url)
    return data


def settings_for(data: Path, url: str, refresh: float | None = 3600.0) -> Settings:
    return Settings(db_path=data / "tokencost.db", prices_url=url, prices_refresh_s=refresh)


# --- settings ---------------------------------------------------------------------------


def test_refresh_settings_are_read_in_config() -> None:
    default = Settings.from_env({})
    assert default.prices_refresh_s == 6 * 3600 and default.prices_url.startswith("https://")
    off = Settings.from_env(
        {"TOKENCOST_PRICES_REFRESH": "off", "TOKENCOST_PRICES_URL": "http://127.0.0.1:9/d.json"}
    )
    assert off.prices_refresh.interval is None
    assert off.prices_refresh.url == "http://127.0.0.1:9/d.json"
    assert Settings.from_env({"TOKENCOST_PRICES_REFRESH": "30m"}).prices_refresh_s == 1800
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"TOKENCOST_PRICES_REFRESH": "hourly", "TOKENCOST_PRICES_URL": "ftp:x"})
    assert "TOKENCOST_PRICES_REFRESH must look like 6h, 30m or off" in str(caught.value)
    assert "TOKENCOST_PRICES_URL must be" in str(caught.value)


# --- the runtime and the background refresh ---------------------------------------------


def test_a_refresh_reaches_the_next_request_and_never_the_one_in_flight(
    tmp_path: Path, source: FakePriceSource, raw: list[dict[str, Any]]
) -> None:
    runtime = Runtime.start(settings_for(tmp_path, source.url), encodings=False)
    try:
        asker = Asker("cli", Workspace("T1"), "C1", "U1")
        before = answer(runtime, f"{MODEL} 1M 1M", asker).data
        assert Decimal(before["cost_per_request"]["total"]) == 2
        held = runtime.catalog  # a request in flight keeps its snapshot
        source.serve(repriced(raw))
        assert runtime.refresh_prices_in_background()
        deadline = time.monotonic() + 20
        while runtime.live.status().outcome == "never" and time.monotonic() < deadline:
            time.sleep(0.02)
        assert runtime.live.status().outcome == "updated"
        assert runtime.catalog is not held
        assert held.get(MODEL).current.input_per_mtok == Decimal("0.4")
        after = answer(runtime, f"{MODEL} 1M 1M", asker).data
        assert Decimal(after["cost_per_request"]["total"]) == 1
        card = answer(runtime, f"price {MODEL}", asker)
        today = datetime.now(UTC).date().isoformat()
        assert f"price change {today}: input $0.40 → $0.20, output $1.60 → $0.80" in card.text
        step = card.data["price_changes"][-1]
        assert step["day"] == today
        assert Decimal(step["before"]["input_per_mtok"]) == Decimal("0.4")
        assert Decimal(step["after"]["input_per_mtok"]) == Decimal("0.2")
        assert read_status(runtime.settings) is not None  # `prices status` can read it
    finally:
        runtime.close()
    assert runtime._refresher is None  # close stops the thread
    assert source.requests == 1


def test_refresh_off_starts_no_thread_and_fetches_nothing(
    tmp_path: Path, source: FakePriceSource
) -> None:
    runtime = Runtime.start(settings_for(tmp_path, source.url, refresh=None), encodings=False)
    try:
        assert runtime.refresh_prices_in_background() is False
        time.sleep(0.1)
    finally:
        runtime.close()
    assert source.requests == 0
    assert not any(t.name == "prices-refresh" for t in threading.enumerate())


def test_the_refresher_keeps_going_after_an_unreachable_source_and_stops_on_request(
    tmp_path: Path, raw: list[dict[str, Any]]
) -> None:
    with FakePriceSource() as gone:
        url = gone.url  # nothing listens there once closed
    settings = settings_for(tmp_path, url, refresh=0.05)
    live = open_live(settings)
    refresher = Refresher(live, settings)
    assert refresher.start()
    deadline = time.monotonic() + 10
    while live.status().outcome == "never" and time.monotonic() < deadline:
        time.sleep(0.02)
    bundled = live.catalog
    refresher.stop()
    assert live.status().outcome == "unreachable"
    assert live.catalog is bundled
    saved = json.loads((tmp_path / STATUS_FILE).read_text())
    assert saved["outcome"] == "unreachable" and "could not be reached" in saved["message"]


def test_recorded_changes_are_replayed_at_the_next_start(
    tmp_path: Path, source: FakePriceSource, raw: list[dict[str, Any]]
) -> None:
    settings = settings_for(tmp_path, source.url)
    source.serve(repriced(raw))
    first = open_live(settings)
    assert first.refresh().outcome == "updated"
    again = open_live(settings)  # a restart: no fetch, the change keeps its day
    assert source.requests == 1
    model = again.catalog.get(MODEL)
    assert model.current.input_per_mtok == Decimal("0.2")
    assert model.prices_at(datetime(2026, 1, 1, tzinfo=UTC)).input_per_mtok == Decimal("0.4")


# --- the CLI ----------------------------------------------------------------------------


def test_prices_refresh_prints_what_changed_and_status_reports_it(
    env: Path,
    source: FakePriceSource,
    raw: list[dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    source.serve(repriced(raw))
    assert main(["prices", "refresh"]) == 0
    out = capsys.readouterr().out
    today = datetime.now(UTC).date().isoformat()
    assert f"Prices refreshed from {source.url}: 1 model(s) repriced." in out
    assert f"openai/{MODEL} from {today}: input $0.40 → $0.20, output $1.60 → $0.80" in out
    assert main(["prices", "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert (status["source"], status["outcome"], status["changed"]) == (
        source.url,
        "updated",
        [f"openai/{MODEL}"],
    )
    assert status["as_of"] == today and status["refresh"] == "6h"
    assert status["price_changes"][0]["key"] == f"openai/{MODEL}"
    assert Decimal(status["price_changes"][0]["after"]["input_per_mtok"]) == Decimal("0.2")
    assert main(["prices", "status"]) == 0
    text = capsys.readouterr().out
    assert "Last refresh: updated at " in text and f"openai/{MODEL} from {today}" in text
    # The CLI answers with the recorded prices and fetches nothing by itself.
    assert main(["prices", "show", MODEL, "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    assert Decimal(card["input_per_mtok"]) == Decimal("0.2")
    assert card["price_changes"][0]["day"] == today
    main(["ask", f"{MODEL} 1M 1M", "--json"])  # 1 for the warnings is fine; the figure counts
    assert Decimal(json.loads(capsys.readouterr().out)["cost_per_request"]["total"]) == 1
    assert source.requests == 1


@pytest.mark.parametrize(
    ("body", "status", "why"),
    [
        ("<html>rate limited</html>", 200, "prices not refreshed: Refused: the payload"),
        ("[]", 200, "prices not refreshed: Refused: the payload"),
        ("oops", 503, "prices not refreshed: http://127.0.0.1:"),
    ],
)
def test_prices_refresh_refused_or_unreachable_exits_1_with_one_sentence(
    env: Path,
    source: FakePriceSource,
    capsys: pytest.CaptureFixture[str],
    body: str,
    status: int,
    why: str,
) -> None:
    source.serve(body, status=status)
    assert main(["prices", "refresh"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("tokencost: " + why)
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.err.rstrip().endswith("keeping the current prices.")
    assert main(["prices", "status", "--json"]) == 0
    saved = json.loads(capsys.readouterr().out)
    assert saved["source"] == "bundled" and saved["outcome"] in ("refused", "unreachable")


def test_prices_status_before_any_refresh(
    env: Path, source: FakePriceSource, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["prices", "status"]) == 0
    out = capsys.readouterr().out
    as_of = prices.default_catalog().as_of.isoformat()
    assert f"bundled with this release, checked up to {as_of}." in out
    assert "Background refresh in serve and clock: every 6h" in out
    assert "Last refresh: none recorded." in out
    assert source.requests == 0


def test_status_shows_refresh_off(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TOKENCOST_PRICES_REFRESH", "off")
    assert main(["prices", "status"]) == 0
    assert "off (TOKENCOST_PRICES_REFRESH=off)" in capsys.readouterr().out


# --- caches let an old catalog go ---------------------------------------------------------


def test_caches_keyed_by_catalog_release_old_catalogs(
    source: FakePriceSource, raw: list[dict[str, Any]], tmp_path: Path
) -> None:
    from bot.answers.alternatives import _candidates
    from bot.answers.evaluate import ask
    from bot.answers.lineage import _successors

    live = LiveCatalog(replace(settings_for(tmp_path, source.url).prices_refresh, interval=None))
    asked = ask(f"{MODEL} 1M 1M", live.catalog, at=datetime.now(UTC))
    ask("price o1", live.catalog)
    assert asked.kind == "estimate"
    import weakref

    old = weakref.ref(live.catalog)
    for factor in ("0.5", "0.25", "0.125"):
        source.serve(repriced(raw, factor=factor))
        assert live.refresh().outcome == "updated"
        ask(f"{MODEL} 1M 1M", live.catalog, at=datetime.now(UTC))
        ask("price o1", live.catalog)
    gc.collect()
    assert old() is None  # nothing cached keeps a swapped-out catalog alive
    assert _candidates.catalogs() <= 2 and _successors.catalogs() <= 2
    del asked
