"""The compiled (pickled) catalog is exactly what validating the YAML gives, and never stale."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import prices
from prices import compiled
from prices.catalog import DATA_DIR, _load


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TOKENCOST_CACHE_DIR", str(folder))
    return folder


def test_cached_catalog_equals_the_yaml(cache: Path) -> None:
    fresh = _load(DATA_DIR, None, None)
    first = prices.load_catalog()  # builds and writes the cache
    assert (cache / f"catalog-{compiled._COPY}.pickle").exists()
    again = prices.load_catalog()  # read from the cache
    for catalog in (first, again):
        assert catalog.models == fresh.models
        assert catalog.names() == fresh.names()
        assert catalog.overridden == fresh.overridden
        assert catalog.as_of == fresh.as_of
        assert catalog.provider_order == fresh.provider_order
    assert again.get("gpt-4o").current == fresh.get("gpt-4o").current


def test_a_changed_input_rebuilds(cache: Path, tmp_path: Path) -> None:
    data = tmp_path / "data.yaml"
    data.write_text("a: 1\n")
    built: list[str] = []

    def build() -> str:
        built.append(data.read_text())
        return data.read_text()

    assert compiled.cached("t", [data], build) == "a: 1\n"
    assert compiled.cached("t", [data], build) == "a: 1\n"
    assert len(built) == 1  # the second came from the cache
    data.write_text("a: 2\n")
    assert compiled.cached("t", [data], build) == "a: 2\n"
    assert len(built) == 2
    assert (cache / f"t-{compiled._COPY}.pickle").stat().st_mode & 0o777 == 0o600
    assert cache.stat().st_mode & 0o777 == 0o700


def test_a_corrupt_cache_is_rebuilt(cache: Path, tmp_path: Path) -> None:
    data = tmp_path / "data.yaml"
    data.write_text("x")
    compiled.cached("t", [data], lambda: list(range(1000)))
    path = cache / f"t-{compiled._COPY}.pickle"
    path.write_bytes(path.read_bytes()[:70])  # the key, then a truncated pickle
    assert compiled.cached("t", [data], lambda: 2) == 2


def test_overrides_are_part_of_the_key(cache: Path, tmp_path: Path) -> None:
    extra = tmp_path / "contract.yaml"
    extra.write_text("models:\n  openai/gpt-4o:\n    aliases: [our-4o]\n")
    assert prices.load_catalog(overrides=extra).find("our-4o") is not None
    extra.write_text("models: {}\n")
    assert prices.load_catalog(overrides=extra).find("our-4o") is None


def test_caching_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TOKENCOST_CACHE_DIR", "")
    assert compiled.cache_dir() is None
    assert compiled.cached("t", [], lambda: 3) == 3


def test_an_unwritable_cache_still_answers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TOKENCOST_CACHE_DIR", str(blocker / "sub"))
    assert compiled.cached("t", [], lambda: 4) == 4


def test_two_copies_of_the_package_keep_their_own_files(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data.yaml"
    data.write_text("x")
    built: list[str] = []

    def build(value: str) -> Callable[[], str]:
        def make() -> str:
            built.append(value)
            return value

        return make

    here, key = compiled._COPY, compiled.cache_key
    assert compiled.cached("t", [data], build("here")) == "here"
    monkeypatch.setattr(compiled, "_COPY", "another")  # another checkout, other sources
    monkeypatch.setattr(compiled, "cache_key", lambda inputs: "0" * 64)
    assert compiled.cached("t", [data], build("there")) == "there"
    monkeypatch.setattr(compiled, "_COPY", here)
    monkeypatch.setattr(compiled, "cache_key", key)
    assert compiled.cached("t", [data], build("again")) == "here"  # its file was kept
    assert built == ["here", "there"]
    assert len(list(cache.glob("t-*.pickle"))) == 2
