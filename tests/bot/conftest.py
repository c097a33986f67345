"""Fixtures for the bot's command language: the real catalog and a small frozen one."""

from __future__ import annotations

from pathlib import Path

import pytest

import prices

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
