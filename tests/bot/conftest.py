"""Fixtures for the bot: the real catalog and a small frozen one, and a Slack-connected app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt import App

import prices
from bot.config import Settings
from bot.runtime import Runtime
from bot.slack.app import build_app
from tests.bot.slack_requests import BOT_TOKEN, SIGNING_SECRET
from tests.fake_slack import FakeSlack

FIXTURE_CATALOG = Path(__file__).parent / "catalog"


@pytest.fixture(scope="session")
def catalog() -> prices.Catalog:
    """The bundled catalog, as users get it."""
    return prices.default_catalog()


@pytest.fixture(scope="session")
def mini_catalog() -> prices.Catalog:
    """Five OpenAI and two Anthropic models with frozen prices, for exact-output snapshots."""
    return prices.load_catalog(data_dir=FIXTURE_CATALOG)


@pytest.fixture(scope="session")
def encodings() -> dict[str, str]:
    """tiktoken encodings loaded once (from TIKTOKEN_CACHE_DIR when set)."""
    return prices.load_encodings()


@pytest.fixture
def runtime(
    tmp_path: Path, fake_slack: FakeSlack, backend: str, request: pytest.FixtureRequest
) -> Iterator[Runtime]:
    """A started runtime on a fresh database (a SQLite file, or PostgreSQL for tests marked
    ``both_backends``), its Web API pointed at the fake Slack."""
    url = None if backend == "sqlite" else str(request.getfixturevalue("database"))
    settings = Settings(
        db_path=tmp_path / "tokencost.db",
        database_url=url,
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.url,
    )
    rt = Runtime.start(settings)
    yield rt
    rt.close()


@pytest.fixture
def app(runtime: Runtime) -> App:
    """The real Bolt app for `runtime`."""
    return build_app(runtime)
