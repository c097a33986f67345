"""The runtime refresh, against a local HTTP server serving genai-prices-shaped payloads."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import prices
from prices.history import PriceChange
from prices.live import (
    LiveCatalog,
    PriceState,
    RefreshSettings,
    RefreshStatus,
    parse_interval,
    settings_from_env,
)
from prices.providers import Provider, ProviderRegistry
from prices.sync import render
from prices.sync_convert import convert_all
from prices.upstream import DEFAULT_URL, dump_json, parse_payload
from tests.prices.fake_prices import FakePriceSource

ACME = Provider(id="acme", name="Acme AI", kind="first_party", prefixes=(), upstream="acme-up")
REGISTRY = ProviderRegistry([ACME])
SYNC_DAY = date(2026, 11, 29)
TODAY = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)
MODELS = [f"acme-{i:02d}" for i in range(25)]


def payload(
    changed: dict[str, tuple[str, str]] | None = None, without: tuple[str, ...] = ()
) -> str:
    """genai-prices' published shape: 25 Acme models at $1 / $2, some repriced or left out."""
    rates = {m: ("1", "2") for m in MODELS if m not in without} | (changed or {})
    models: list[dict[str, Any]] = [
        {
            "id": model_id,
            "name": model_id,
            "match": {"equals": model_id},
            "context_window": 4000000,
            "prices": {"input_mtok": Decimal(i), "output_mtok": Decimal(o)},
        }
        for model_id, (i, o) in rates.items()
    ]
    return dump_json(
        [
            {
                "id": "acme-up",
                "name": "Acme",
                "pricing_urls": ["https://acme.example/p"],
                "models": models,
            }
        ]
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """The bundled data: what `python -m prices.sync` writes for the first payload."""
    folder = tmp_path / "data"
    folder.mkdir()
    for doc in convert_all(parse_payload(payload()), SYNC_DAY, REGISTRY.providers):
        (folder / f"{doc.provider}.yaml").write_text(render(doc, "9.9.9", SYNC_DAY))
    return folder


@pytest.fixture
def source() -> Iterator[FakePriceSource]:
    with FakePriceSource() as fake:
        yield fake


class MemoryState:
    """A `PriceState` kept in a list (what the bot keeps in its database), shared by holders."""

    def __init__(self) -> None:
        self.changes: dict[tuple[str, date], PriceChange] = {}
        self.statuses: list[RefreshStatus] = []
        self.broken = False

    def load_changes(self) -> list[PriceChange]:
        if self.broken:
            raise OSError("the store is down")
        return sorted(self.changes.values(), key=lambda c: c.day)

    def record(self, changes: Sequence[PriceChange], status: RefreshStatus) -> None:
        if self.broken:
            raise OSError("the store is down")
        for change in changes:
            self.changes.setdefault((change.key, change.day), change)
        self.statuses.append(status)


def live(
    data_dir: Path,
    url: str,
    *,
    timeout: float = 5.0,
    state: PriceState | None = None,
    clock: datetime = TODAY,
    **kw: Any,
) -> LiveCatalog:
    settings = RefreshSettings(url=url, interval=None, timeout=timeout, **kw)
    catalog = prices.load_catalog(data_dir, settings.overrides, registry=REGISTRY)
    return LiveCatalog(
        settings, catalog=catalog, data_dir=data_dir, state=state, clock=lambda: clock
    )


def test_a_changed_price_is_applied_from_today_and_the_old_one_kept_for_the_past(
    data_dir: Path, source: FakePriceSource
) -> None:
    holder = live(data_dir, source.url)
    before = holder.catalog
    source.serve(payload({"acme-00": ("1.5", "2.5")}))
    status = holder.refresh()
    assert (status.outcome, status.changed, status.source) == (
        "updated",
        ("acme/acme-00",),
        source.url,
    )
    assert status.as_of == TODAY.date() and status.last_success == TODAY
    model = holder.catalog.get("acme-00")
    assert model.prices_at(datetime(2026, 12, 6, 0, 0, tzinfo=UTC)).input_per_mtok == Decimal("1.5")
    assert model.prices_at(datetime(2026, 12, 5, 23, 59, tzinfo=UTC)).input_per_mtok == 1
    past = prices.estimate(model, 1_000_000, 1_000_000, at=datetime(2026, 12, 1, tzinfo=UTC))
    assert past.total == Decimal(3)  # usage before the change keeps the old price
    assert prices.estimate(model, 1_000_000, 1_000_000, at=TODAY).total == Decimal(4)
    (change,) = holder.changes()
    assert (change.key, change.day, change.old.input_per_mtok, change.new.input_per_mtok) == (
        "acme/acme-00", TODAY.date(), Decimal(1), Decimal("1.5"),
    )  # fmt: skip
    assert holder.changes(key="acme/acme-01") == ()
    assert before.get("acme-00").current.input_per_mtok == 1  # a reader's snapshot never changes
    assert holder.catalog.get("acme-01").history == before.get("acme-01").history


def test_the_same_payload_again_changes_nothing(data_dir: Path, source: FakePriceSource) -> None:
    holder = live(data_dir, source.url)
    source.serve(payload({"acme-00": ("1.5", "2.5")}))
    holder.refresh()
    history = holder.catalog.get("acme-00").history
    status = holder.refresh()
    assert (status.outcome, status.changed) == ("unchanged", ())
    assert holder.catalog.get("acme-00").history == history
    assert len(holder.changes()) == 1


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("<html>rate limited</html>", "not JSON"),
        ('{"providers": []}', "not a list of providers"),
        ('[{"id": "acme-up", "models": "none"}]', "not a list of models"),
        (payload().replace('"input_mtok":1', '"input_mtok":"abc"', 1), "is not a price"),
        (payload().replace('"input_mtok":1', '"input_mtok":-1', 1), "is not a price between"),
        (payload().replace('"acme-up"', '"other"'), "no provider 'acme-up'"),
    ],
)
def test_a_malformed_payload_is_refused_and_the_catalog_kept(
    data_dir: Path, source: FakePriceSource, body: str, why: str
) -> None:
    holder = live(data_dir, source.url)
    before = holder.catalog
    source.serve(body)
    status = holder.refresh()
    assert status.outcome == "refused"
    assert why in status.message and status.message.endswith("keeping the current prices.")
    assert "Traceback" not in status.message
    assert holder.catalog is before and status.last_success is None


def test_a_shrunken_payload_is_refused(data_dir: Path, source: FakePriceSource) -> None:
    holder = live(data_dir, source.url)
    before = holder.catalog
    source.serve(payload(without=("acme-01", "acme-02")))  # 2 of 25 models: 8% > 5%
    status = holder.refresh()
    assert status.outcome == "refused" and "lacks 2 of 25 models" in status.message
    assert holder.catalog is before


def test_a_model_upstream_drops_within_the_margin_is_kept(
    data_dir: Path, source: FakePriceSource
) -> None:
    holder = live(data_dir, source.url)
    source.serve(payload(without=("acme-24",)))  # 1 of 25: 4%
    status = holder.refresh()
    assert status.outcome == "unchanged" and status.missing == ("acme/acme-24",)
    assert holder.catalog.get("acme-24").current.input_per_mtok == 1  # old usage still prices


def test_an_unreachable_source_leaves_the_catalog_in_place(data_dir: Path) -> None:
    with FakePriceSource() as gone:
        url = gone.url  # a port that nothing listens on once the server is closed
    holder = live(data_dir, url)
    before = holder.catalog
    status = holder.refresh()
    assert status.outcome == "unreachable" and "could not be reached" in status.message
    assert holder.catalog is before and status.source == "bundled"


def test_an_http_error_is_unreachable(data_dir: Path, source: FakePriceSource) -> None:
    holder = live(data_dir, source.url)
    source.serve("oops", status=503)
    status = holder.refresh()
    assert status.outcome == "unreachable" and "HTTP 503" in status.message


def test_a_slow_server_times_out(data_dir: Path, source: FakePriceSource) -> None:
    holder = live(data_dir, source.url, timeout=0.3)
    source.serve(payload({"acme-00": ("9", "9")}), delay=3.0)
    started = time.monotonic()
    status = holder.refresh()
    assert time.monotonic() - started < 2.5
    assert status.outcome == "unreachable"
    assert holder.catalog.get("acme-00").current.input_per_mtok == 1


def test_operator_overrides_stay_on_top(
    data_dir: Path, source: FakePriceSource, tmp_path: Path
) -> None:
    overrides = tmp_path / "contract.yaml"
    overrides.write_text(
        "models:\n  acme/acme-03:\n    reason: contract\n"
        "    prices: [{input_per_mtok: 0.5, output_per_mtok: 1}]\n"
    )
    holder = live(data_dir, source.url, overrides=overrides)
    source.serve(payload({"acme-03": ("7", "7")}))
    status = holder.refresh()
    assert status.outcome == "unchanged"
    assert holder.catalog.get("acme-03").current.input_per_mtok == Decimal("0.5")


def test_saved_changes_keep_their_day_after_a_restart(
    data_dir: Path, source: FakePriceSource
) -> None:
    state = MemoryState()
    holder = live(data_dir, source.url, state=state)
    source.serve(payload({"acme-00": ("1.5", "2.5")}))
    holder.refresh()
    assert [s.outcome for s in state.statuses] == ["updated"]
    assert list(state.changes) == [("acme/acme-00", TODAY.date())]
    later = datetime(2026, 12, 9, 8, 0, tzinfo=UTC)
    restarted = live(data_dir, source.url, state=state, clock=later)  # no fetch: replayed
    assert source.requests == 1
    model = restarted.catalog.get("acme-00")
    assert model.history == holder.catalog.get("acme-00").history
    assert [(c.key, c.day) for c in restarted.changes()] == [("acme/acme-00", TODAY.date())]


def test_a_refresh_first_catches_up_with_what_another_process_recorded(
    data_dir: Path, source: FakePriceSource
) -> None:
    """web and clock: the change one found on Monday is not found again on Wednesday."""
    state = MemoryState()
    web = live(data_dir, source.url, state=state, clock=datetime(2026, 12, 9, tzinfo=UTC))
    clock = live(data_dir, source.url, state=state)
    source.serve(payload({"acme-00": ("1.5", "2.5")}))
    assert clock.refresh().outcome == "updated"
    status = web.refresh()  # two days on: the stored change replays first, then nothing is new
    assert (status.outcome, status.changed) == ("unchanged", ())
    assert [(c.key, c.day) for c in web.changes()] == [("acme/acme-00", TODAY.date())]
    assert list(state.changes) == [("acme/acme-00", TODAY.date())]
    assert web.catalog.get("acme-00").history == clock.catalog.get("acme-00").history


def test_a_state_that_fails_is_retried_and_never_stops_a_refresh(
    data_dir: Path, source: FakePriceSource
) -> None:
    state = MemoryState()
    holder = live(data_dir, source.url, state=state)
    state.broken = True
    source.serve(payload({"acme-00": ("1.5", "2.5")}))
    status = holder.refresh()  # nothing could be read or recorded: the prices still update
    assert status.outcome == "updated"
    assert holder.catalog.get("acme-00").current.input_per_mtok == Decimal("1.5")
    assert state.changes == {}
    state.broken = False
    assert holder.refresh().outcome == "unchanged"
    assert list(state.changes) == [("acme/acme-00", TODAY.date())]  # kept at the next refresh
    assert [s.outcome for s in state.statuses] == ["unchanged"]


def test_a_failed_refresh_is_recorded(data_dir: Path) -> None:
    with FakePriceSource() as gone:
        url = gone.url
    state = MemoryState()
    live(data_dir, url, state=state).refresh()
    (status,) = state.statuses
    assert status.outcome == "unreachable" and status.last_attempt == TODAY


def test_readers_are_never_blocked_or_torn_during_refreshes(
    data_dir: Path, source: FakePriceSource
) -> None:
    holder = live(data_dir, source.url)
    source.serve(payload({"acme-00": ("1.5", "2.5")}))
    seen: set[Decimal] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            catalog = holder.catalog
            seen.add(catalog.get("acme-00").prices_at(TODAY).input_per_mtok)
            assert len(catalog) == 25

    reader = threading.Thread(target=read)
    reader.start()
    holder.refresh()
    stop.set()
    reader.join()
    assert seen <= {Decimal(1), Decimal("1.5")}


def test_the_real_database_refreshes_to_the_bundled_catalog(source: FakePriceSource) -> None:
    """genai-prices' own data, served as its updater would fetch it: same models, no change."""
    sync = pytest.importorskip("prices.sync")
    pytest.importorskip("genai_prices")
    source.serve(dump_json(sync.genai_raw()))
    holder = LiveCatalog(RefreshSettings(url=source.url, interval=None), clock=lambda: TODAY)
    bundled = holder.catalog
    status = holder.refresh()
    assert (status.outcome, status.changed, status.added, status.missing) == (
        "unchanged",
        (),
        (),
        (),
    )
    fresh = holder.catalog
    assert [m.key for m in fresh.models] == [m.key for m in bundled.models]
    for model in fresh.models:
        old = bundled.by_key(model.key)
        assert old is not None
        assert (model.history, model.aliases, model.context_window, model.retires_on) == (
            old.history, old.aliases, old.context_window, old.retires_on,
        ), model.key  # fmt: skip


def test_refresh_settings_from_the_environment() -> None:
    assert parse_interval("6h") == 21600 and parse_interval(" 30m ") == 1800
    assert parse_interval("off") is None and parse_interval("0") is None
    with pytest.raises(ValueError, match="TOKENCOST_PRICES_REFRESH"):
        parse_interval("hourly")
    default = settings_from_env({})
    assert (default.url, default.interval) == (DEFAULT_URL, 21600)
    custom = settings_from_env(
        {"TOKENCOST_PRICES_URL": "http://127.0.0.1:9/p.json", "TOKENCOST_PRICES_REFRESH": "off"}
    )
    assert (custom.url, custom.interval) == ("http://127.0.0.1:9/p.json", None)


def test_run_does_nothing_when_refresh_is_off(data_dir: Path, source: FakePriceSource) -> None:
    holder = live(data_dir, source.url)
    holder.run(threading.Event())  # interval None: returns at once, fetches nothing
    assert source.requests == 0 and holder.status().outcome == "never"
