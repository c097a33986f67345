"""Fixtures for the billing tests: the fake provider server, a recording sleep, fixed clocks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.fake_providers import FakeProviders

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
"""The tests' "now": a Sunday morning in November (30 days), UTC."""


class Sleeps:
    """A stand-in for ``time.sleep`` that records each wait instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def fake() -> Iterator[FakeProviders]:
    """A running fake OpenAI + Anthropic cost API server."""
    with FakeProviders() as server:
        yield server


@pytest.fixture
def sleeps() -> Sleeps:
    """Recorded waits: pass as ``sleep=`` so retries are checked without waiting."""
    return Sleeps()
