"""Issue 16's "done when": fake OpenAI and Anthropic cost APIs with several pages and known
amounts -> ``tokencost billing sync --days 3`` -> ``tokencost digest send --date YESTERDAY``
posts the billed totals to the cent (read back from the fake Slack's chat.postMessage), and a
second sync changes nothing.

Everything runs through ``bot.cli.main.main`` with settings from the environment, as an
operator would; the clock is the real one, so the seeded days are relative to today (UTC).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.billing import exact_sum
from bot.cli.main import main
from bot.store.db import open_db, open_sqlite
from bot.store.digests import set_subscription
from bot.store.workspace import Workspace
from bot.store.workspaces import record_workspace
from tests.bot.slack_requests import BOT_TOKEN, SIGNING_SECRET
from tests.fake_provider_apis import ANTHROPIC_ADMIN_KEY, OPENAI_ADMIN_KEY
from tests.fake_providers import FakeProviders
from tests.fake_slack import FakeSlack

TEAM = Workspace("T123")
CHANNEL = "C0BILLING1"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def providers() -> Iterator[FakeProviders]:
    with FakeProviders() as server:
        yield server


@pytest.fixture
def deployment(
    tmp_path: Path,
    fake_slack: FakeSlack,
    providers: FakeProviders,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """A single-workspace deployment: bot token, admin keys and API URLs from the environment."""
    path = tmp_path / "billing.db"
    env = {
        "TOKENCOST_DB": str(path), "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake_slack.url,
        "OPENAI_ADMIN_KEY": OPENAI_ADMIN_KEY, "ANTHROPIC_ADMIN_KEY": ANTHROPIC_ADMIN_KEY,
        "TOKENCOST_OPENAI_API_URL": providers.openai_url,
        "TOKENCOST_ANTHROPIC_API_URL": providers.anthropic_url,
    }  # fmt: skip
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    now = datetime.now(UTC)
    db = open_db(path)
    record_workspace(db, TEAM, now)
    set_subscription(db, TEAM, CHANNEL, "09:00", "UTC", "U1", now)
    db.close()
    return path


def _seed(providers: FakeProviders, today: date) -> tuple[Decimal, Decimal, Decimal]:
    """Known amounts on every day of the month so far; returns (OpenAI, Anthropic) billed
    yesterday and the month to date in total, exact."""
    yesterday = today - timedelta(days=1)
    first = yesterday.replace(day=1)
    days = [first + timedelta(days=n) for n in range((yesterday - first).days + 1)]
    month = Decimal(0)
    for n, day in enumerate(days):
        # OpenAI: dollars as JSON numbers, 34 digits and exponent forms included.
        providers.add_openai_cost(
            day,
            f"{n + 1}.1234567890123456789012345678901234",
            line_item="gpt-4o-2024-08-06, input",
            project_id="proj_a",
        )
        providers.add_openai_cost(
            day, "2.5E-1", line_item="gpt-4o-2024-08-06, output", project_id="proj_b"
        )
        providers.add_openai_cost(day, "0E-6176", line_item="gpt-4o-mini, input")
        # Anthropic: decimal strings of cents.
        providers.add_anthropic_cost(
            day,
            "123.78912",
            description="Claude Sonnet Usage - Input",
            model="claude-sonnet-4-5",
            workspace_id="wrkspc_1",
        )
        providers.add_anthropic_cost(
            day,
            f"{1000 * (n + 1)}",
            model="claude-opus-4-1",
            description="Claude Opus Usage - Output",
        )
        month = exact_sum(
            [
                month,
                Decimal(f"{n + 1}.1234567890123456789012345678901234"),
                Decimal("0.25"),
                Decimal("1.2378912"),
                Decimal(10 * (n + 1)),
            ]
        )
    n = len(days) - 1
    openai = exact_sum([Decimal(f"{n + 1}.1234567890123456789012345678901234"), Decimal("0.25")])
    anthropic = exact_sum([Decimal("1.2378912"), Decimal(10 * (n + 1))])
    # Several pages on both (a page of 2 daily buckets, or 1).
    providers.set_page_size("openai", 2)
    providers.set_page_size("anthropic", 1)
    return openai, anthropic, month


def _cents(amount: Decimal) -> str:
    return f"${amount.quantize(Decimal('0.01')):,}"


def _billed_snapshot(path: Path) -> list[tuple[object, ...]]:
    db = open_sqlite(path)
    try:
        rows = db.execute(
            "SELECT provider, day, line_item, project, model, amount_usd, provisional, fetched_utc"
            " FROM billed_costs ORDER BY provider, day, line_item, project"
        ).fetchall()
        days = db.execute("SELECT provider, day, fetched_utc FROM billed_days ORDER BY 1, 2")
        return [tuple(r) for r in rows] + [tuple(r) for r in days.fetchall()]
    finally:
        db.close()


def test_sync_then_digest_posts_the_billed_totals_to_the_cent(
    deployment: Path,
    providers: FakeProviders,
    fake_slack: FakeSlack,
    capsys: pytest.CaptureFixture[str],
) -> None:
    today = datetime.now(UTC).date()
    yesterday = today - timedelta(days=1)
    openai, anthropic, month = _seed(providers, today)
    assert (
        cli(capsys, "usage", "add", "gpt-4o", "1000000", "0", "--at", yesterday.isoformat())[0] == 0
    )  # $2.50 reported to the ledger on OpenAI

    code, out, err = cli(capsys, "billing", "sync", "--days", "3")
    assert code == 0, out + err
    assert "OpenAI: synced" in out and "Anthropic: synced" in out
    assert len(providers.calls("openai")) > 1 and len(providers.calls("anthropic")) > 1
    first = _billed_snapshot(deployment)
    assert first

    code, out, err = cli(capsys, "digest", "send", "--date", yesterday.isoformat())
    assert code == 0, out + err
    [post] = fake_slack.calls("chat.postMessage")
    assert post.body["channel"] == CHANNEL
    text = post.body["text"] + json.dumps(post.json_field("blocks"), ensure_ascii=False)
    total = exact_sum([openai, anthropic])
    assert f"OpenAI {_cents(openai)} (provisional)" in text
    assert f"Anthropic {_cents(anthropic)} (provisional)" in text
    assert f"total {_cents(total)} (provisional)" in text
    assert f"Billed month to date: {_cents(month)}" in text
    assert (
        f"OpenAI reported $2.50 vs billed {_cents(openai)}, gap {_cents(openai - Decimal('2.5'))}"
        in text
    )
    assert "unavailable" not in text
    # The billed figures lead the digest, before the ledger's estimates.
    plain = post.body["text"]
    assert plain.index("Billed on") < plain.index("Spend:")

    # A second sync fetches again and changes nothing: not a row, not a fetched time.
    code, out, _ = cli(capsys, "billing", "sync", "--days", "3")
    assert code == 0 and out.count("0 days changed") == 2, out
    assert _billed_snapshot(deployment) == first

    code, out, _ = cli(capsys, "billing", "status", "--json")
    status = json.loads(out)
    assert code == 0 and status["kind"] == "billing"
    assert Decimal(status["total_day"]["usd"]) == total  # exact, every digit
    assert Decimal(status["total_month_to_date"]["usd"]) == month
    assert OPENAI_ADMIN_KEY not in out and ANTHROPIC_ADMIN_KEY not in out
    assert {p["fingerprint"][:9] for p in status["providers"]} == {"sk-admin-", "sk-ant-ad"}


def test_a_failing_provider_reads_unavailable_in_the_digest_never_zero(
    deployment: Path,
    providers: FakeProviders,
    fake_slack: FakeSlack,
    capsys: pytest.CaptureFixture[str],
) -> None:
    today = datetime.now(UTC).date()
    yesterday = today - timedelta(days=1)
    _seed(providers, today)
    providers.fail_next("anthropic", 400)
    code, out, _ = cli(capsys, "billing", "sync")
    assert code == 1 and "Anthropic: failed" in out and "OpenAI: synced" in out
    assert cli(capsys, "digest", "send", "--date", yesterday.isoformat())[0] == 0
    [post] = fake_slack.calls("chat.postMessage")
    text = post.body["text"]
    assert "Anthropic billing data unavailable (" in text
    assert "total billing data unavailable (no figure from anthropic)" in text
    assert "Anthropic $0" not in text
