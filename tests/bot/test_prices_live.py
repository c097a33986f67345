"""Fresh prices in the bot: settings, the background refresh in `serve`/`clock`, the runtime's
snapshot, `tokencost prices refresh|status`, against a local server serving genai-prices'
published data (the installed genai-prices database, one price changed)."""

from __future__ import annotations

import gc
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import prices
from bot.cli.main import main
from bot.config import ConfigError, Settings
from bot.pipeline import Asker, answer
from bot.runtime import Runtime
from bot.store.pricefeed import Refresher, open_live, read_status, status_json
from bot.store.workspace import Workspace
from prices.live import LiveCatalog, parse_interval
from prices.upstream import DEFAULT_URL
from tests.prices.fake_prices import FakePriceSource, repriced

sync = pytest.importorskip("prices.sync")
pytest.importorskip("genai_prices")

MODEL = "gpt-4.1-mini"  # 0.40 / 1.60 in the bundled data, not overridden


@pytest.fixture(scope="module")
def raw() -> list[dict[str, Any]]:
    """genai-prices' database in its published shape (what the bundled files came from)."""
    found: list[dict[str, Any]] = sync.genai_raw()
    return found


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
    assert default.prices_refresh_s == 6 * 3600 and default.prices_url is None
    assert default.prices_refresh.url == DEFAULT_URL
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


@pytest.mark.parametrize(
    "text", ["6h", " 30m ", "1d", "90s", "6 h", "OFF", "0", "never", "2w", "x"]
)
def test_config_reads_the_interval_as_prices_does(text: str) -> None:
    try:
        expected: float | str | None = parse_interval(text)
    except ValueError:
        expected = "bad"
    try:
        got: float | str | None = Settings.from_env(
            {"TOKENCOST_PRICES_REFRESH": text}
        ).prices_refresh_s
    except ConfigError:
        got = "bad"
    assert got == expected


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
        source.serve(repriced(raw, MODEL))
        assert runtime.refresh_prices_in_background()
        deadline = time.monotonic() + 20
        while read_status(runtime.settings) is None and time.monotonic() < deadline:
            time.sleep(0.02)  # the status file is written right after the swap
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
        assert read_status(runtime.settings) == status_json(runtime.live.status())
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
    while read_status(settings) is None and time.monotonic() < deadline:
        time.sleep(0.02)
    bundled = live.catalog
    refresher.stop()
    assert live.status().outcome == "unreachable"
    assert live.catalog is bundled
    saved = read_status(settings)
    assert saved is not None
    assert saved["outcome"] == "unreachable" and "could not be reached" in saved["message"]


def test_recorded_changes_are_replayed_at_the_next_start(
    tmp_path: Path, source: FakePriceSource, raw: list[dict[str, Any]]
) -> None:
    settings = settings_for(tmp_path, source.url)
    source.serve(repriced(raw, MODEL))
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
    source.serve(repriced(raw, MODEL))
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
    # Other tests' catalogs may still be cached in this process: count relative to now.
    held = (_candidates.catalogs(), _successors.catalogs())
    for factor in ("0.5", "0.25", "0.125"):
        source.serve(repriced(raw, MODEL, factor=factor))
        assert live.refresh().outcome == "updated"
        ask(f"{MODEL} 1M 1M", live.catalog, at=datetime.now(UTC))
        ask("price o1", live.catalog)
    gc.collect()
    assert old() is None  # nothing cached keeps a swapped-out catalog alive
    # The first live catalog was freed and only the newest is held: no growth per refresh.
    assert _candidates.catalogs() <= held[0] and _successors.catalogs() <= held[1]
    del asked


# --- price changes in the digest ----------------------------------------------------------


def test_the_digest_reports_a_refresh_price_change_for_a_model_in_use(
    tmp_path: Path, source: FakePriceSource, raw: list[dict[str, Any]]
) -> None:
    from bot.digest.build import build_digest
    from bot.digest.render import render_digest
    from bot.ledger.fields import UsageEvent
    from bot.ledger.pricing import record_events
    from bot.store.db import open_db
    from bot.store.workspaces import record_workspace

    now = datetime.now(UTC)
    ws = Workspace("T1")
    db = open_db(tmp_path / "t.db")
    record_workspace(db, ws, now)
    live = LiveCatalog(replace(settings_for(tmp_path, source.url).prices_refresh, interval=None))
    used = UsageEvent(MODEL, now.replace(hour=0, minute=1), 1_000_000, 1_000_000)
    record_events(db, ws, live.catalog, [used], "http", now)
    source.serve(repriced(raw, MODEL))
    assert live.refresh().outcome == "updated"
    digest = build_digest(db, ws, live.catalog, now.date(), UTC, now)
    assert digest is not None
    (change,) = digest.price_changes
    assert (change.model, change.starts) == (MODEL, now.date())
    assert (change.before.input_per_mtok, change.after.input_per_mtok) == (
        Decimal("0.4"),
        Decimal("0.2"),
    )
    text, _blocks = render_digest(digest)
    assert f"Price changes: {MODEL}" in text
    # Usage recorded before the change keeps its price: the ledger row is not repriced.
    assert digest.spend.cost_usd == Decimal(2)


# --- cheapest and suggestions -----------------------------------------------------------


def test_cheapest_stays_first_party_and_all_widens_it() -> None:
    from bot.answers.evaluate import ask
    from bot.answers.results import CompareResult

    catalog = prices.default_catalog()
    today = datetime.now(UTC).date()
    plain = ask("cheapest 1000 500", catalog)
    wide = ask("cheapest 1000 500 all", catalog)
    sentence = ask("what is the cheapest model from any provider for 1000 in 500 out?", catalog)
    assert isinstance(plain, CompareResult) and isinstance(wide, CompareResult)
    assert isinstance(sentence, CompareResult)
    assert all(r.model.first_party for r in plain.rows)
    assert not all(r.model.first_party for r in wide.rows)
    assert wide.title == "Cheapest, any provider or host"
    assert [r.model.key for r in sentence.rows] == [r.model.key for r in wide.rows]
    assert wide.rows[0].estimate.total <= plain.rows[0].estimate.total
    for result in (plain, wide):
        assert all(r.model.suggestable(today) for r in result.rows)
    one = ask("gpt-4o 1000 500 all", catalog)  # `all` means nothing to one model's estimate
    assert one.kind == "estimate"


def test_retired_and_retiring_models_are_never_suggested() -> None:
    from bot.answers.alternatives import cheaper_alternative
    from bot.answers.lineage import successors

    catalog = prices.default_catalog()
    now = datetime.now(UTC)
    today = now.date()
    retired = catalog.retired(today)
    assert {"o1", "claude-sonnet-4", "grok-3"} <= {m.id for m in retired}
    for model in catalog.models:
        for name in successors(catalog, model, today):
            assert catalog.get(name).suggestable(today), (model.key, name)
        if model.kind != "chat":
            continue
        est = prices.estimate(model, 10_000, 1_000, strict=False)
        alt = cheaper_alternative(catalog, est, False, now, None)
        assert alt is None or alt.model.suggestable(today), (model.key, alt)
    for provider in catalog.provider_order:
        result = __import__("bot.answers.evaluate", fromlist=["ask"]).ask(
            f"cheapest 1000 500 {provider}", catalog
        )
        for row in getattr(result, "rows", ()):
            assert row.model.suggestable(today), (provider, row.model.key)


def test_the_card_says_when_a_model_retires_or_was_retired() -> None:
    from bot.answers.evaluate import ask
    from bot.answers.results import PriceResult
    from bot.render.replies import render_json, render_text

    catalog = prices.default_catalog()
    old = ask("price o1", catalog)
    data = render_json(old)
    assert (data["lifecycle"], data["retires_on"]) == ("retired", "2026-10-23")
    assert "o1 was retired by its provider on 2026-10-23" in render_text(old)
    # An announced shutdown more than 90 days away: no warning yet, but the card says so.
    gpt5 = catalog.get("gpt-5.4")
    far = replace(gpt5, deprecated=False, retires_on=date(2031, 1, 1), replacement="gpt-6")
    card = PriceResult(far, far.current)
    assert "Retires on 2031-01-01; replacement: gpt-6." in render_text(card)
    fields = render_json(card)
    assert (fields["lifecycle"], fields["retires_on"], fields["replacement"]) == (
        "scheduled",
        "2031-01-01",
        "gpt-6",
    )


def test_provider_words_come_from_the_registry() -> None:
    from bot.answers.evaluate import ask
    from bot.answers.results import CompareResult

    catalog = prices.default_catalog()
    for word, provider in (("claude", "anthropic"), ("aws", "bedrock"), ("anthropic", "anthropic")):
        assert catalog.resolve_provider(word) == provider
        result = ask(f"cheapest 1000 500 {word}", catalog)
        assert isinstance(result, CompareResult), word
        assert {r.model.provider for r in result.rows} == {provider}


def test_a_shutdown_that_passes_after_the_sync_counts_without_the_flag() -> None:
    """The bundled flags are set at sync time; lists and suggestions read the dates."""
    from bot.answers.lineage import old_label, successors
    from bot.render.options import model_option

    catalog = prices.default_catalog()
    model = catalog.get("gpt-5.4")
    gone = replace(model, deprecated=False, retires_on=date(2026, 1, 1))
    soon = replace(model, deprecated=False, retires_on=date(2026, 12, 31))
    later = replace(model, deprecated=False, retires_on=date(2031, 1, 1))
    on = date(2026, 12, 6)
    assert [old_label(m, on) for m in (gone, soon, later, model)] == [
        "retired",
        "deprecated",
        "",
        "",
    ]
    assert model_option(gone)["text"]["text"] == "gpt-5.4 · openai (retired)"
    assert not gone.suggestable(on) and not soon.suggestable(on) and later.suggestable(on)
    assert successors(catalog, model, on) == ()  # a current model has none to offer
