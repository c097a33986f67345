"""The provider registry: prices/data/providers.yaml is validated and is what the catalog uses."""

from __future__ import annotations

from pathlib import Path

import pytest

import prices
from prices.errors import CatalogError
from prices.providers import load_providers, parse_providers, registry

CATALOG = prices.default_catalog()


def test_the_bundled_registry_orders_and_names_the_providers() -> None:
    reg = registry()
    assert reg.order[:3] == ("openai", "anthropic", "google")
    assert set(reg.order) == set(CATALOG.providers())
    assert CATALOG.provider_order[: len(reg.order)] == reg.order
    assert CATALOG.provider_name("azure") == "Azure OpenAI"
    assert CATALOG.provider_info("aws") is reg.get("bedrock")


@pytest.mark.parametrize(
    ("word", "provider"),
    [
        ("claude", "anthropic"), ("vertex_ai", "vertex"), ("x-ai", "xai"), ("aws", "bedrock"),
        ("together_ai", "together"), ("azure", "azure"), ("openrouter", "openrouter"),
        ("meta-llama", None), ("acme", None),
    ],
)  # fmt: skip
def test_prefix_words_resolve_to_providers(word: str, provider: str | None) -> None:
    assert CATALOG.resolve_provider(word) == provider


def test_kinds_split_vendors_from_resellers() -> None:
    assert CATALOG.get("gpt-4o").first_party
    assert not CATALOG.get("groq/llama-3.3-70b").first_party
    assert {registry().kind(p) for p in ("vertex", "bedrock", "azure")} == {"cloud"}
    assert registry().kind("openrouter") == "aggregator"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("azure/gpt-4o", "openai/gpt-4o"),  # Azure sells OpenAI's models at OpenAI's prices
        ("azure/o3", "azure/o3"),  # ... except where it lists its own entry
        ("claude-sonnet-4-20250514", "anthropic/claude-sonnet-4"),  # a bare name: the vendor's
        ("bedrock/claude-sonnet-4-5", "bedrock/claude-sonnet-4-5"),
        ("openrouter/anthropic/claude-sonnet-4.5", "openrouter/claude-sonnet-4.5"),
        ("mistral-large-2512", "mistral/mistral-large"),
    ],
)
def test_names_reach_the_provider_they_say(name: str, key: str) -> None:
    assert CATALOG.get(name).key == key


def test_sync_filters_come_from_the_data() -> None:
    openrouter = registry().get("openrouter")
    assert openrouter is not None
    assert openrouter.syncs("anthropic/claude-sonnet-4.5")
    assert not openrouter.syncs("anthropic/claude-sonnet-4.5:free")
    assert not openrouter.syncs("~openai/gpt-latest")
    google = registry().get("google")
    assert google is not None and google.syncs("gemini-2.5-pro") and not google.syncs("claude-4")


GOOD = {"id": "acme", "name": "Acme", "kind": "first_party", "upstream": "acme"}


@pytest.mark.parametrize(
    ("doc", "entry", "field", "problem"),
    [
        ({"providers": [{**GOOD, "kind": "reseller"}]}, "acme", "kind", "must be one of"),
        ({"providers": [{**GOOD, "colour": "red"}]}, "acme", "colour", "not a known field"),
        ({"providers": [{**GOOD, "id": "Acme AI"}]}, "providers[0]", "id", "lower-case"),
        ({"providers": [{**GOOD, "prefixes": "acme"}]}, "acme", "prefixes", "list of lower-case"),
        ({"providers": [{**GOOD, "keep": {"regex": ["x"]}}]}, "acme", "keep", "starts_with"),
        ({"providers": [{**GOOD, "fallback": "nobody"}]}, "acme", "fallback", "another listed"),
        ({"providers": [{**GOOD, "source": "http://x"}]}, "acme", "source", "https://"),
        (
            {"providers": [GOOD, {**GOOD, "id": "other", "prefixes": ["acme"]}]},
            "other", "prefixes", "'acme' already means acme",
        ),
        ({"providers": [{**GOOD, "upstream": ""}]}, "acme", "upstream", "is required"),
    ],
)  # fmt: skip
def test_a_broken_registry_names_file_entry_and_field(
    doc: dict[str, object], entry: str, field: str, problem: str
) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_providers("providers.yaml", doc)
    err = caught.value
    assert (err.file, err.model, err.field) == ("providers.yaml", entry, field)
    assert problem in err.message and err.message.startswith("providers.yaml: model")


def test_the_registry_file_reads_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "providers.yaml"
    path.write_text("providers:\n  - {id: acme, name: Acme, kind: host, upstream: acme}\n")
    reg = load_providers(path)
    assert reg.order == ("acme",) and reg.kind("acme") == "host" and reg.resolve("ACME") == "acme"
