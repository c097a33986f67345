"""Shared fixtures for the whole test tree.

Sections (add yours under the right heading; package-specific fixtures live in that package's
own ``tests/<package>/conftest.py``):

- environment: every test starts with no SLACK_* / TOKENCOST_* variables and leaves none behind.
- store: ``db``, a real migrated SQLite file under ``tmp_path``.
- slack: ``fake_slack``, a local fake Slack Web API server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store.db import Database, open_db
from tests.fake_slack import FakeSlack

# -- environment -----------------------------------------------------------------------------

_OUR_ENV_PREFIXES = ("SLACK_", "TOKENCOST_", "OPENAI_ADMIN_KEY", "ANTHROPIC_ADMIN_KEY")


@pytest.fixture(autouse=True)
def clean_environ() -> Iterator[None]:
    """Snapshot ``os.environ``, drop SLACK_*/TOKENCOST_* for the test, and restore it after."""
    saved = dict(os.environ)
    for name in list(os.environ):
        if name.startswith(_OUR_ENV_PREFIXES):
            del os.environ[name]
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


# -- store -----------------------------------------------------------------------------------


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of the test's SQLite file (not created until ``db`` or a test opens it)."""
    return tmp_path / "data" / "tokencost.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    """A real SQLite file migrated by the ``migrations.apply()`` production runs; closed after."""
    database = open_db(db_path)
    try:
        yield database
    finally:
        database.close()


# -- slack -----------------------------------------------------------------------------------


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """A running fake Slack Web API; use ``fake_slack.url`` as the WebClient ``base_url``."""
    with FakeSlack() as fake:
        yield fake
