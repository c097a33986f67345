"""Settings: read once, every problem named at start-up, secrets kept out of reprs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.main import main
from bot.config import ConfigError, Settings


def test_no_variables_means_console_mode() -> None:
    settings = Settings.from_env({})
    assert settings.mode == "console"
    assert settings.db_path == Path("data/tokencost.db")
    assert settings.port == 3000


def test_http_socket_and_oauth_modes() -> None:
    http = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    assert http.mode == "http"
    assert not http.oauth
    socket = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert socket.mode == "socket"
    oauth = Settings.from_env(
        {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c", "SLACK_SIGNING_SECRET": "s"}
    )
    assert oauth.mode == "http"
    assert oauth.oauth


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        Settings.from_env({
            "SLACK_BOT_TOKEN": "xoxp-user-token",
            "SLACK_APP_TOKEN": "nope",
            "PORT": "http",
            "TOKENCOST_TIMEZONE": "Mars/Olympus",
            "SLACK_CLIENT_ID": "only-the-id",
            "SLACK_API_URL": "ftp://x",
            "TOKENCOST_PRICES_OVERRIDES": "/no/such/file.yaml",
        })  # fmt: skip
    message = str(info.value)
    for name in (
        "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "PORT", "TOKENCOST_TIMEZONE", "SLACK_CLIENT_SECRET",
        "SLACK_API_URL", "TOKENCOST_PRICES_OVERRIDES",
    ):  # fmt: skip
        assert name in message
    assert message.count(";") >= 6


def test_http_mode_needs_the_signing_secret() -> None:
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1"})


def test_secrets_stay_out_of_repr() -> None:
    settings = Settings.from_env({
        "SLACK_BOT_TOKEN": "xoxb-very-secret", "SLACK_SIGNING_SECRET": "signing-very-secret",
        "TOKENCOST_INGEST_TOKEN": "ingest-very-secret",
    })  # fmt: skip
    text = repr(settings)
    assert "very-secret" not in text
    assert "db_path" in text


def test_db_path_from_either_name() -> None:
    assert Settings.from_env({"TOKENCOST_DB": "/tmp/a.db"}).db_path == Path("/tmp/a.db")
    assert Settings.from_env({"TOKENCOST_DB_PATH": "/tmp/b.db"}).db_path == Path("/tmp/b.db")


def test_serve_refuses_to_start_on_bad_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("PORT", "99999")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "SLACK_SIGNING_SECRET" in err
    assert "PORT" in err


def test_serve_refuses_a_bad_overrides_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "contract.yaml"
    bad.write_text("models:\n  openai/gpt-4o:\n    prices: {input_per_mtok: cheap}\n")
    monkeypatch.setenv("TOKENCOST_PRICES_OVERRIDES", str(bad))
    monkeypatch.setenv("TOKENCOST_DB", str(tmp_path / "t.db"))
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert "price data is invalid" in err
    assert "gpt-4o" in err
    assert "input_per_mtok" in err
