"""Shared fixtures for the whole test tree.

Sections (add yours under the right heading; package-specific fixtures live in that package's
own ``tests/<package>/conftest.py``):

- environment: every test starts with no SLACK_* / TOKENCOST_* variables and leaves none behind.
- store: ``db``, a real migrated SQLite file under ``tmp_path`` or, for tests marked
  ``both_backends``, also a real PostgreSQL database (``backend`` is ``sqlite`` or
  ``postgresql``; ``database`` is what the store opens: the file's path or the URL).
  ``pg_cluster`` is the run's throwaway PostgreSQL server, started on first use.
- slack: ``fake_slack``, a local fake Slack Web API server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store.database import Database
from bot.store.db import open_db
from tests.fake_slack import FakeSlack
from tests.pg_cluster import PgCluster, PgMissing

# -- environment -----------------------------------------------------------------------------

_OUR_ENV_PREFIXES = (
    "SLACK_",
    "TOKENCOST_",
    "DATABASE_URL",
    "OPENAI_ADMIN_KEY",
    "ANTHROPIC_ADMIN_KEY",
)


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


BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked ``both_backends`` run once per backend (ids ``[sqlite]``, ``[postgresql]``)."""
    if metafunc.definition.get_closest_marker("both_backends") and (
        "backend" in metafunc.fixturenames
    ):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The store backend under test: ``sqlite`` unless the test is marked ``both_backends``."""
    return str(getattr(request, "param", "sqlite"))


PG_TEST_DATABASE = "tokencost_test"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """This run's PostgreSQL server, with the migrated test database; stopped at the end.

    Never skipped: without the server binaries the tests that need them fail, saying how
    to install them."""
    try:
        cluster = PgCluster()
    except PgMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        open_db(cluster.create_database(PG_TEST_DATABASE)).close()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def database(backend: str, db_path: Path, request: pytest.FixtureRequest) -> str | Path:
    """What the store opens for this test: the SQLite file's path, or the URL of the
    migrated PostgreSQL test database, emptied for this test."""
    if backend == "sqlite":
        return db_path
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    cluster.reset(PG_TEST_DATABASE)
    return cluster.url(PG_TEST_DATABASE)


@pytest.fixture
def db(database: str | Path) -> Iterator[Database]:
    """A real database migrated by the migrations production runs; closed after."""
    opened = open_db(database)
    try:
        yield opened
    finally:
        opened.close()


# -- slack -----------------------------------------------------------------------------------


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """A running fake Slack Web API; use ``fake_slack.url`` as the WebClient ``base_url``."""
    with FakeSlack() as fake:
        yield fake
