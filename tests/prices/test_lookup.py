"""Looking models up by the names people type, and refusing unknown ones with suggestions."""

from __future__ import annotations

from pathlib import Path

import pytest

import prices
from prices import CatalogError, UnknownModel


@pytest.mark.parametrize(
    "name",
    [
        "acme-large",
        "ACME-LARGE",
        "acme large",
        "acmelarge",
        "Acme_Large",
        "acme-large-latest",
        "acme-large-2025-01-31",
        "acme-large-20250131",
        "acme/acme-large",
    ],
)
def test_spellings_resolve(acme: prices.Catalog, name: str) -> None:
    assert acme.get(name).id == "acme-large"


def test_unknown_model_suggests_close_ids(acme: prices.Catalog) -> None:
    with pytest.raises(UnknownModel) as info:
        acme.get("acme-larg")
    assert info.value.suggestions[0] == "acme-large"
    assert "Did you mean `acme-large`" in info.value.message


def test_unknown_model_with_nothing_close_points_at_models(acme: prices.Catalog) -> None:
    with pytest.raises(UnknownModel) as info:
        acme.get("zzzzzz")
    assert info.value.suggestions == ()
    assert "models" in info.value.message


def test_find_returns_none_for_empty_and_huge_names(acme: prices.Catalog) -> None:
    assert acme.find("") is None
    assert acme.find("x" * 500) is None


def test_by_provider_and_providers(acme: prices.Catalog) -> None:
    assert acme.providers() == ("acme",)
    assert len(acme.by_provider("ACME")) == len(acme)


def test_bad_override_file_is_named(acme_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "contract.yaml"
    bad.write_text(
        "models:\n  acme/acme-large:\n    prices: {input_per_mtok: cheap, output_per_mtok: 1}\n"
    )
    with pytest.raises(CatalogError) as info:
        prices.load_catalog(acme_dir, overrides=bad)
    assert "acme-large" in info.value.message
    assert "input_per_mtok" in info.value.message


def test_override_file_reprices_and_adds(acme_dir: Path, tmp_path: Path) -> None:
    extra = tmp_path / "contract.yaml"
    extra.write_text(
        "models:\n"
        "  acme/acme-large:\n"
        "    reason: our contract\n"
        "    prices: {input_per_mtok: 1, output_per_mtok: 2}\n"
        "    extra_aliases: [big-acme]\n"
        "  acme/acme-private:\n"
        "    source: https://intranet.example/contract\n"
        "    checked: 2026-11-20\n"
        "    prices: {input_per_mtok: 0.5, output_per_mtok: 1}\n"
    )
    catalog = prices.load_catalog(acme_dir, overrides=extra)
    assert catalog.get("big acme").current.input_per_mtok == 1
    assert catalog.get("acme-private").provider == "acme"
    assert catalog.overridden == {"acme/acme-large", "acme/acme-private"}


def test_missing_override_file_is_an_error(acme_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="does not exist"):
        prices.load_catalog(acme_dir, overrides=tmp_path / "nope.yaml")
