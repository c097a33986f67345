"""Billed spend wired in: ``billing connect`` (encrypted keys), the clock's sync before a digest,
``/tokencost billing``, billed budgets and their alerts, and the settings."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.billing import Vault, generate_secret_key
from bot.cli.main import main
from bot.config import ConfigError, Settings
from bot.digest.alerts import post_budget_alerts
from bot.digest.clock import run_tick, workspace_clients
from bot.reply import Asker
from bot.respond import respond_to
from bot.runtime import Runtime
from bot.store.billing import get_billing_key, last_syncs
from bot.store.db import open_db
from bot.store.digests import set_subscription
from bot.store.workspace import Workspace
from bot.store.workspaces import record_workspace
from tests.bot.ledger_support import Clock, make_runtime
from tests.fake_provider_apis import ANTHROPIC_ADMIN_KEY, OPENAI_ADMIN_KEY, OPENAI_PROJECT_KEY
from tests.fake_providers import FakeProviders
from tests.fake_slack import FakeSlack

WS = Workspace("T1")
CHANNEL = "C0BILLS001"
NOW = datetime(2026, 11, 29, 9, 5, tzinfo=UTC)
YESTERDAY = date(2026, 11, 28)


@pytest.fixture
def providers() -> Iterator[FakeProviders]:
    with FakeProviders() as server:
        yield server


def _seed(providers: FakeProviders) -> None:
    """$100.125 billed by OpenAI on each of 1..28 November; Anthropic $2.50 on each."""
    for n in range(28):
        day = date(2026, 11, 1) + timedelta(days=n)
        providers.add_openai_cost(day, "100.125", line_item="gpt-4o, input", project_id="p1")
        providers.add_anthropic_cost(day, "250", description="Claude Sonnet Usage - Input")


@pytest.fixture
def runtime(tmp_path: Path, fake_slack: FakeSlack, providers: FakeProviders) -> Iterator[Runtime]:
    rt = make_runtime(
        tmp_path / "b.db", Clock(NOW), fake_slack.url, timezone="UTC",
        openai_admin_key=OPENAI_ADMIN_KEY, anthropic_admin_key=ANTHROPIC_ADMIN_KEY,
        openai_api_url=providers.openai_url, anthropic_api_url=providers.anthropic_url,
    )  # fmt: skip
    record_workspace(rt.db(), WS, NOW)
    set_subscription(rt.db(), WS, CHANNEL, "09:00", "UTC", "U1", NOW)
    yield rt
    rt.close()


def _ask(runtime: Runtime, text: str) -> str:
    return respond_to(runtime, text, Asker("command", WS, CHANNEL, "U1")).renderings.text()


def test_the_clock_syncs_before_the_digest_and_the_digest_leads_with_billed_spend(
    runtime: Runtime, providers: FakeProviders, fake_slack: FakeSlack
) -> None:
    _seed(providers)
    report = run_tick(runtime, workspace_clients(runtime), "clock-1")
    assert [(o.provider, o.ok) for o in report.billing] == [("openai", True), ("anthropic", True)]
    [post] = fake_slack.calls("chat.postMessage")
    text = post.body["text"]
    assert "Billed on Sat 28 Nov (UTC day): OpenAI $100.13 (provisional), Anthropic $2.50" in text
    assert "total $102.63 (provisional)" in text
    # 28 days of $102.625 = $2,873.50; a 30-day month at that rate = $3,078.75.
    assert "Billed month to date: $2,873.50; forecast for November: $3,078.75" in text
    calls = len(providers.calls())
    run_tick(runtime, workspace_clients(runtime), "clock-1")  # synced a minute ago: not again
    assert len(providers.calls()) == calls


def test_a_failed_sync_is_recorded_never_fatal_and_shown_as_unavailable(
    runtime: Runtime, providers: FakeProviders, fake_slack: FakeSlack
) -> None:
    _seed(providers)
    providers.respond_next("openai", '{"error": {"message": "nope"}}', status=401, times=5)
    report = run_tick(runtime, workspace_clients(runtime), "clock-1")
    assert [(o.provider, o.ok) for o in report.billing] == [("openai", False), ("anthropic", True)]
    assert not last_syncs(runtime.db(), WS)["openai"].ok
    [post] = fake_slack.calls("chat.postMessage")
    assert (
        "OpenAI billing data unavailable (OpenAI rejected the admin key (401)" in post.body["text"]
    )
    assert OPENAI_ADMIN_KEY not in post.body["text"]


def test_admin_keys_never_reach_the_logs_even_when_a_sync_fails(
    runtime: Runtime, providers: FakeProviders, caplog: pytest.LogCaptureFixture
) -> None:
    """Every log line of a tick whose syncs fail (a 401 echoing the key, then a 500), at
    DEBUG, is free of both admin keys (issue 16: keys are never logged)."""
    _seed(providers)
    echo = json.dumps({"error": {"message": f"invalid key {OPENAI_ADMIN_KEY}"}})
    providers.respond_next("openai", echo, status=401, times=5)
    providers.respond_next("anthropic", '{"error": "boom"}', status=500, times=20)
    with caplog.at_level("DEBUG"):
        report = run_tick(runtime, workspace_clients(runtime), "clock-1")
    assert [o.ok for o in report.billing] == [False, False]
    assert caplog.records  # the failures were logged
    for secret in (OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY):
        assert secret not in caplog.text
        assert all(secret not in str(r.args) for r in caplog.records)


def test_slash_billing_shows_providers_last_sync_and_billed_spend(
    runtime: Runtime, providers: FakeProviders
) -> None:
    _seed(providers)
    before = _ask(runtime, "billing")
    assert "never synced" in before and "sk-admin-…" in before and OPENAI_ADMIN_KEY not in before
    run_tick(runtime, workspace_clients(runtime), "clock-1")
    text = _ask(runtime, "billing")
    assert "OpenAI, key sk-admin-…" in text and "last sync 2026-11-29 09:05 UTC ok" in text
    assert "Billed Sat 28 Nov (UTC): $100.13 (provisional); month to date: $2,803.50" in text
    assert "Total: $102.63 on 2026-11-28; $2,873.50 this month to date." in text
    reply = respond_to(runtime, "billing", Asker("command", WS, CHANNEL, "U1"))
    blocks = json.dumps(reply.renderings.blocks(), ensure_ascii=False)
    assert "Billed spend (the providers' own figures)" in blocks and "$2,873.50" in blocks
    data = reply.renderings.data()
    assert data["kind"] == "billing" and data["total_day"] == {
        "usd": "102.625",
        "unavailable": None,
    }


def test_slash_billing_without_a_provider_says_how_to_connect(tmp_path: Path) -> None:
    rt = make_runtime(tmp_path / "none.db", Clock(NOW))
    try:
        reply = respond_to(rt, "billing", Asker("command", WS, CHANNEL, "U1")).renderings.text()
    finally:
        rt.close()
    assert "No billing provider is connected" in reply and "OPENAI_ADMIN_KEY" in reply


def test_a_billed_budget_counts_billed_month_to_date_and_alerts_on_it(
    runtime: Runtime, providers: FakeProviders, fake_slack: FakeSlack
) -> None:
    _seed(providers)
    assert "Billed spend has no tags" in _ask(runtime, "budget 2000/month #search billed")
    reply = _ask(runtime, "budget 2500/month billed")
    assert "Workspace (billed): billing data unavailable" in reply  # nothing synced yet
    report = run_tick(runtime, workspace_clients(runtime), "clock-1")
    assert "billed $2,500.00/month: $2,873.50 (115%, over budget)" in str(
        [p.body["text"] for p in fake_slack.calls("chat.postMessage")]
    )
    [alert] = report.alerts
    assert alert.threshold_pct == 100 and alert.spent_usd == Decimal("2873.5")
    assert (
        "of its $2,500.00/month billed budget: $2,873.50 billed since 1 Nov"
        in (fake_slack.calls("chat.postMessage")[-1].body["text"])
    )
    assert post_budget_alerts(runtime, workspace_clients(runtime), NOW) == []  # once only
    assert "Workspace (billed): $2,873.50 of $2,500.00/month (115%)" in _ask(runtime, "budget")


def test_connect_stores_the_key_encrypted_and_shows_only_its_fingerprint(
    tmp_path: Path,
    providers: FakeProviders,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _seed(providers)
    path = tmp_path / "multi.db"
    secret = generate_secret_key()
    for name, value in {
        "TOKENCOST_DB": str(path), "TOKENCOST_SECRET_KEY": secret,
        "TOKENCOST_OPENAI_API_URL": providers.openai_url,
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    db = open_db(path)
    record_workspace(db, WS, NOW)
    db.close()

    def run(*argv: str, stdin: str = "") -> tuple[int, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    code, out = run("billing", "connect", "openai", "--team", "T1", stdin=OPENAI_PROJECT_KEY)
    assert code == 1 and "That's a project key" in out and OPENAI_PROJECT_KEY not in out
    code, out = run("billing", "connect", "openai", "--team", "T1", stdin=OPENAI_ADMIN_KEY + "\n")
    assert code == 0 and "sk-admin-…" in out and OPENAI_ADMIN_KEY not in out
    db = open_db(path)
    key = get_billing_key(db, WS, "openai")
    db.close()
    assert key is not None and OPENAI_ADMIN_KEY not in key.token_encrypted
    assert Vault.from_secret(secret).decrypt(key.token_encrypted) == OPENAI_ADMIN_KEY
    code, out = run("billing", "sync", "--team", "T1")
    assert code == 0 and "OpenAI: synced" in out
    code, out = run("billing", "status", "--team", "T1")
    assert "(stored)" in out and "last sync" in out
    code, out = run("billing", "disconnect", "openai", "--team", "T1")
    assert code == 0 and "its key is deleted" in out
    code, out = run("billing", "sync", "--team", "T1")
    assert code == 1 and "no billing provider is connected" in out
    monkeypatch.delenv("TOKENCOST_SECRET_KEY")
    code, out = run("billing", "connect", "openai", "--team", "T1", stdin=OPENAI_ADMIN_KEY)
    assert code == 1 and "TOKENCOST_SECRET_KEY is not set" in out


def test_settings_check_keys_urls_and_secret_and_keep_them_out_of_repr() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"OPENAI_ADMIN_KEY": OPENAI_PROJECT_KEY,
                           "TOKENCOST_ANTHROPIC_API_URL": "http://proxy.example.com",
                           "TOKENCOST_SECRET_KEY": "not-a-key"})  # fmt: skip
    message = caught.value.message if hasattr(caught.value, "message") else str(caught.value)
    assert "OPENAI_ADMIN_KEY: That's a project key" in message and OPENAI_PROJECT_KEY not in message
    assert "TOKENCOST_ANTHROPIC_API_URL must be an https:// URL" in message
    assert "TOKENCOST_SECRET_KEY" in message
    secret = generate_secret_key()
    settings = Settings.from_env({"OPENAI_ADMIN_KEY": OPENAI_ADMIN_KEY,
                                  "TOKENCOST_SECRET_KEY": secret})  # fmt: skip
    assert settings.openai_api_url == "https://api.openai.com/v1"
    assert settings.anthropic_api_url == "https://api.anthropic.com"
    assert settings.admin_key("openai") == OPENAI_ADMIN_KEY
    assert OPENAI_ADMIN_KEY not in repr(settings) and secret not in repr(settings)
