"""The digest's 14-day chart: exact data, a real PNG, alt text, and the upload through the fake
Slack's files.getUploadURLExternal -> upload URL -> files.completeUploadExternal."""

from __future__ import annotations

import ast
import struct
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.digest.chart import MAX_ALT_CHARS, ChartData, alt_text, chart_data, draw_chart
from bot.digest.chart_post import CHART_FILENAME, post_digest_chart
from bot.ledger.fields import UsageEvent
from bot.ledger.pricing import record_events
from bot.store.db import Database
from tests.bot.ledger_support import NOW, WS, ledger_catalog, seed_ledger
from tests.fake_slack import FakeSlack

pytestmark = pytest.mark.both_backends

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 11, 2)
CATALOG = ledger_catalog()
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE) and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_chart_data_is_the_ledger_per_model_and_day(db: Database) -> None:
    seed_ledger(db, CATALOG)
    data = chart_data(db, WS, MONDAY, BERLIN)
    assert data.days[0] == date(2026, 10, 20) and data.days[-1] == MONDAY and len(data.days) == 14
    assert [model for model, _ in data.series] == ["gpt-4o", "gpt-4o-mini", "gpt-3.5-turbo"]
    gpt4o = dict(data.series)["gpt-4o"]
    assert gpt4o[-1] == Decimal("10")  # 2M in + 500k out at $2.50/$10 on Monday
    assert data.totals[-1] == Decimal("10.335")  # the digest's own figure for the day
    assert data.totals[:8] == (Decimal("0.27"),) * 8  # gpt-4o-mini from 20 to 27 Oct


def test_more_models_than_series_stack_into_other(db: Database) -> None:
    events = [UsageEvent(model, datetime(2026, 11, 2, 12, tzinfo=UTC), 1000 * (n + 1), 0)
              for n, model in enumerate(["gpt-4o", "gpt-4o-mini", "gpt-3.5-turbo"])]  # fmt: skip
    record_events(db, WS, CATALOG, events, "http", NOW)
    data = chart_data(db, WS, MONDAY, BERLIN, top=2)
    assert [name for name, _ in data.series][1:] == ["other models (2)"]
    assert data.total == sum((c for _, costs in data.series for c in costs), Decimal(0))


def test_draw_chart_makes_a_png(db: Database) -> None:
    seed_ledger(db, CATALOG)
    png = draw_chart(chart_data(db, WS, MONDAY, BERLIN))
    assert png is not None
    assert _size(png) == (800, 360)
    assert len(png) > 5_000  # bars, labels and a legend, not an empty canvas


def test_no_spend_draws_nothing_and_says_so(db: Database) -> None:
    data = chart_data(db, WS, MONDAY, BERLIN)
    assert draw_chart(data) is None
    assert alt_text(data).endswith("(Europe/Berlin): no spend.")


def test_alt_text_says_what_the_chart_shows(db: Database) -> None:
    seed_ledger(db, CATALOG)
    text = alt_text(chart_data(db, WS, MONDAY, BERLIN))
    assert text.startswith(
        "Stacked bar chart of daily LLM spend by model over the 14 days from 20 Oct to 2 Nov "
        "2026 (Europe/Berlin). Total $"
    )
    assert "highest day 2 Nov at $10.34" in text and "gpt-4o $" in text
    many = ChartData((MONDAY,), tuple((f"model-{n:03}" * 5, (Decimal(1),)) for n in range(80)),
                     "UTC")  # fmt: skip
    assert len(alt_text(many)) == MAX_ALT_CHARS


def test_without_matplotlib_there_is_no_chart(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_ledger(db, CATALOG)
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` now fails
    assert draw_chart(chart_data(db, WS, MONDAY, BERLIN)) is None
    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.url)
        outcome = post_digest_chart(client, db, WS, "C1", "1700000000.000001", MONDAY, BERLIN)
        assert outcome.status == "skipped" and fake.calls() == []


def test_matplotlib_is_imported_only_by_the_chart_module() -> None:
    root = Path(__file__).parents[2] / "bot"
    importers = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )  # fmt: skip
            if any(n == "matplotlib" or n.startswith("matplotlib.") for n in names):
                importers.add(path.relative_to(root).as_posix())
    assert importers == {"digest/chart.py"}


def test_the_chart_is_uploaded_into_the_digest_thread(db: Database) -> None:
    seed_ledger(db, CATALOG)
    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.url)
        outcome = post_digest_chart(client, db, WS, "C1", "1700000000.000001", MONDAY, BERLIN)
        assert outcome.status == "uploaded" and outcome.file_id
        steps = [c.method for c in fake.calls()]
        assert steps == [
            "files.getUploadURLExternal",
            f"upload/{outcome.file_id}",
            "files.completeUploadExternal",
        ]
        (asked,) = fake.calls("files.getUploadURLExternal")
        assert asked.token == "xoxb-test" and asked.body["filename"] == CHART_FILENAME
        assert asked.body["alt_txt"].startswith("Stacked bar chart of daily LLM spend")
        upload = fake.uploads()[outcome.file_id]
        assert upload["data"].startswith(PNG_SIGNATURE)
        assert upload["length"] == len(upload["data"])
        assert (upload["channel_id"], upload["thread_ts"]) == ("C1", "1700000000.000001")
        assert upload["title"] == "LLM spend by model, 14 days to 2026-11-02"


def test_a_failed_upload_is_reported_not_raised(db: Database) -> None:
    seed_ledger(db, CATALOG)
    with FakeSlack() as fake:
        fake.respond_with("files.completeUploadExternal", {"ok": False, "error": "not_in_channel"})
        client = WebClient(token="xoxb-test", base_url=fake.url)
        outcome = post_digest_chart(client, db, WS, "C1", "1700000000.000001", MONDAY, BERLIN)
        assert (outcome.status, outcome.error) == ("failed", "slack: not_in_channel")
        fake.reset()
        fake.fail_next("files.getUploadURLExternal", status=500)
        outcome = post_digest_chart(client, db, WS, "C1", "1700000000.000001", MONDAY, BERLIN)
        assert outcome.status == "failed" and outcome.error == "slack: fatal_error"


def test_the_fake_refuses_to_complete_an_upload_that_never_came() -> None:
    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.url)
        started = client.files_getUploadURLExternal(filename="a.png", length=3)
        assert started["upload_url"].startswith(fake.url + "upload/F")
        with pytest.raises(SlackApiError) as refused:
            client.files_completeUploadExternal(files=[{"id": started["file_id"]}])
        assert refused.value.response.data == {"ok": False, "error": "file_not_found"}
