"""`TOKENCOST_CLOCK_IN_WEB=1`: the digest clock runs in a thread of `serve`, and stops with it."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from bot.config import ConfigError, Settings
from bot.runtime import Runtime
from bot.slack.serve import clock_in_web


def _clock_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "clock" and t.is_alive()]


def test_the_clock_runs_inside_the_block_only_when_asked(runtime: Runtime) -> None:
    with clock_in_web(runtime):
        assert _clock_threads() == []  # off by default
    on = Runtime(settings=replace(runtime.settings, clock_in_web=True), live=runtime.live)
    try:
        with clock_in_web(on):
            assert len(_clock_threads()) == 1
        assert _clock_threads() == []  # stopped and joined when serve returns
    finally:
        on.close()


def test_the_setting_reads_1_or_0_and_refuses_anything_else() -> None:
    assert Settings.from_env({"TOKENCOST_CLOCK_IN_WEB": "1"}).clock_in_web is True
    assert Settings.from_env({}).clock_in_web is False
    with pytest.raises(ConfigError, match="TOKENCOST_CLOCK_IN_WEB"):
        Settings.from_env({"TOKENCOST_CLOCK_IN_WEB": "yes"})
