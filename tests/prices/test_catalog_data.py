"""Invariants over the whole bundled catalog, and the loader's refusal of broken data."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import prices
from prices.catalog import DATA_DIR, normalize_name
from prices.lifecycle import LIFECYCLE
from prices.sync_convert import is_speech_model

CATALOG = prices.default_catalog()

REQUIRED = [
    "gpt-4o",
    "gpt-4o-mini",
    "gpt-4.1",
    "gpt-4.1-mini",
    "gpt-4.1-nano",
    "o1",
    "o3",
    "o3-mini",
    "o4-mini",
    "gpt-5",
    "gpt-5-mini",
    "gpt-5-nano",
    "gpt-5.1",
    "gpt-5.5",
    "gpt-6-sol",
    "gpt-4-turbo",
    "gpt-3.5-turbo",
    "text-embedding-3-small",
    "text-embedding-3-large",
    "claude-opus-4",
    "claude-opus-4-1",
    "claude-opus-4-5",
    "claude-opus-5-5",
    "claude-sonnet-4",
    "claude-sonnet-4-5",
    "claude-sonnet-4-6",
    "claude-sonnet-5-5",
    "claude-haiku-4-5",
    "claude-3-7-sonnet",
    "claude-3-5-haiku",
    "claude-3-haiku",
    "gemini-2.0-flash",
    "gemini-2.5-pro",
    "gemini-2.5-flash",
    "gemini-2.5-flash-lite",
    "gemini-3-flash-preview",
    "gemini-3.1-pro-preview",
    "gemini-3.8-flash",
    "mistral-large",
    "mistral-medium",
    "mistral-small",
    "codestral",
    "deepseek-chat",
    "deepseek-reasoner",
    "deepseek-v4-flash",
    "deepseek-v4-pro",
    "grok-3",
    "grok-3-mini",
    "grok-4",
    "grok-4.7",
    "grok-code-fast-1",
    "llama-3.3-70b",
    "llama-3.1-8b",
    "command-r",
    "command-r-plus",
    "command-a",
    "nova-pro",
    "nova-lite",
    "nova-micro",
]

#: Dated, `-latest`, upstream and prefixed spellings, and the model each must mean.
SPELLINGS = {
    "gpt-4o-2024-08-06": "openai/gpt-4o",
    "gpt-4o-latest": "openai/gpt-4o",
    "gpt-4.1-2025-04-14": "openai/gpt-4.1",
    "o3-2025-04-16": "openai/o3",
    "gpt-5-2025-08-07": "openai/gpt-5",
    "gpt-4-turbo-2024-04-09": "openai/gpt-4-turbo",
    "gpt-3.5-turbo-0125": "openai/gpt-3.5-turbo",
    "claude-sonnet-4-20250514": "anthropic/claude-sonnet-4",
    "claude-sonnet-4-0": "anthropic/claude-sonnet-4",
    "claude-sonnet-4-5-20250929": "anthropic/claude-sonnet-4-5",
    "claude-opus-4-0": "anthropic/claude-opus-4",
    "claude-opus-4-1-20250805": "anthropic/claude-opus-4-1",
    "claude-3-7-sonnet-latest": "anthropic/claude-3-7-sonnet",
    "claude-3-7-sonnet-20250219": "anthropic/claude-3-7-sonnet",
    "claude-3-5-haiku-latest": "anthropic/claude-3-5-haiku",
    "claude-3-5-haiku-20241022": "anthropic/claude-3-5-haiku",
    "claude-haiku-4-5-20251001": "anthropic/claude-haiku-4-5",
    "grok-4-0709": "xai/grok-4",
    "grok-4-latest": "xai/grok-4",
    "mistral-medium-latest": "mistral/mistral-medium",
    "mistral-small-latest": "mistral/mistral-small",
    "mistral-large-latest": "mistral/mistral-large",
    "mistral-large-2512": "mistral/mistral-large",
    "codestral-latest": "mistral/codestral",
    "command-r-08-2024": "cohere/command-r",
    "command-a-03-2025": "cohere/command-a",
    "llama-3.3-70b-versatile": "groq/llama-3.3-70b",
    "llama-3.1-8b-instant": "groq/llama-3.1-8b",
    "meta-llama/Llama-3.3-70B-Instruct-Turbo": "together/llama-3.3-70b",
    "meta.llama3-3-70b-instruct-v1:0": "bedrock/llama-3.3-70b",
    "amazon.nova-pro-v1:0": "bedrock/nova-pro",
    "openai/gpt-4o": "openai/gpt-4o",
    "anthropic/claude-sonnet-4": "anthropic/claude-sonnet-4",
    "vertex/claude-sonnet-4": "vertex/claude-sonnet-4",
    "vertex/claude-sonnet-4-5": "vertex/claude-sonnet-4-5",
    "vertex_ai/claude-sonnet-4-5@20250929": "vertex/claude-sonnet-4-5",
    "google/claude-sonnet-4": "vertex/claude-sonnet-4",
    "claude-sonnet-4-5": "anthropic/claude-sonnet-4-5",
    "vertex/gemini-2.5-pro": "google/gemini-2.5-pro",
    "vertex_ai/gemini-2.5-flash": "google/gemini-2.5-flash",
    "gpt-4o-mini-search-preview": "openai/gpt-4o-mini-search-preview",
    "gpt-4o-mini-search-preview-2025-03-11": "openai/gpt-4o-mini-search-preview",
    "gpt-4o-mini-2024-07-18": "openai/gpt-4o-mini",
    "gpt-5-chat-latest": "openai/gpt-5-chat",
    "gpt-5-codex": "openai/gpt-5-codex",
    "gpt-5.1-chat-latest": "openai/gpt-5.1-chat",
    "gpt-5.1-codex-max": "openai/gpt-5.1-codex-max",
    "together/llama-3.3-70b": "together/llama-3.3-70b",
    "bedrock/llama-3.3-70b": "bedrock/llama-3.3-70b",
    "GPT-4o": "openai/gpt-4o",
    "claude sonnet 4": "anthropic/claude-sonnet-4",
}


def _sample(model: prices.Model) -> prices.Estimate:
    """1000 in / 500 out (input only for embeddings), shrunk for tiny context windows."""
    inp, out = 1000, 0 if model.kind == "embedding" else 500
    if model.context_window is not None and model.context_window < inp + out:
        inp, out = model.context_window // 2, model.context_window // 4
    return prices.estimate(model, inp, out)


@pytest.mark.parametrize("model", CATALOG.models, ids=lambda m: m.key)
def test_every_model_prices_a_sample_usage(model: prices.Model) -> None:
    total = _sample(model).total
    assert isinstance(total, Decimal)
    assert total > 0


@pytest.mark.parametrize("model", CATALOG.models, ids=lambda m: m.key)
def test_every_model_has_a_source_and_a_checked_date(model: prices.Model) -> None:
    assert model.source.startswith("https://")
    assert model.checked.year >= 2026


@pytest.mark.parametrize("model", CATALOG.models, ids=lambda m: m.key)
def test_history_is_in_date_order(model: prices.Model) -> None:
    starts = [p.starts for p in model.history if p.starts is not None]
    assert starts == sorted(starts)
    assert model.history[0].starts is None or len(model.history) == 1


def test_every_alias_resolves_to_its_own_model() -> None:
    for model in CATALOG.models:
        for name in (model.id, *model.aliases):
            found = CATALOG.get(f"{model.provider}/{name}")
            assert found is model, f"{model.provider}/{name} -> {found.key}, not {model.key}"


def test_no_two_models_of_a_provider_share_a_name() -> None:
    for provider in CATALOG.providers():
        names = Counter(
            key
            for model in CATALOG.by_provider(provider)
            for key in {normalize_name(n) for n in (model.id, *model.aliases)}
        )
        assert [n for n, count in names.items() if count > 1] == []


@pytest.mark.parametrize("model_id", REQUIRED)
def test_required_canonical_ids_resolve(model_id: str) -> None:
    model = CATALOG.get(model_id)
    assert model.id == model_id
    assert CATALOG.get(f"{model_id}-latest") is model or model.provider == "mistral"


@pytest.mark.parametrize(("name", "key"), SPELLINGS.items())
def test_dated_latest_and_prefixed_spellings_resolve(name: str, key: str) -> None:
    assert CATALOG.get(name).key == key


def test_every_provider_is_there() -> None:
    assert set(CATALOG.providers()) == {
        "openai", "anthropic", "google", "mistral", "deepseek", "xai", "cohere",
        "groq", "together", "bedrock", "vertex", "azure", "openrouter", "fireworks", "perplexity",
    }  # fmt: skip


def test_encodings_follow_the_openai_families() -> None:
    assert CATALOG.get("gpt-4o").encoding == "o200k_base"
    assert CATALOG.get("gpt-5").encoding == "o200k_base"
    assert CATALOG.get("o3").encoding == "o200k_base"
    assert CATALOG.get("gpt-4-turbo").encoding == "cl100k_base"
    assert CATALOG.get("gpt-3.5-turbo").encoding == "cl100k_base"
    assert CATALOG.get("text-embedding-3-small").encoding == "cl100k_base"
    assert CATALOG.get("text-embedding-3-small").kind == "embedding"
    assert CATALOG.get("claude-sonnet-4").encoding is None


# -- a broken copy of the data is refused, naming file, model and field ------------------------

BROKEN = [
    ("input_per_mtok: 2.5\n", "input_per_mtok: two\n", "gpt-4o", "input_per_mtok"),
    (
        "    context_window: 128000\n",
        "    context_window: 128000\n    colour: red\n",
        "gpt-4o",
        "colour",
    ),
    ("        output_per_mtok: 10\n", "", "gpt-4o", "input_per_mtok"),
]


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    path = folder / "openai.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\n  gpt-4o:\n")
    end = text.index("\n  gpt-4o-2024-05-13:\n")
    block = text[start:end]
    assert old in block
    path.write_text(text[:start] + block.replace(old, new, 1) + text[end:], encoding="utf-8")
    return folder


@pytest.mark.parametrize(("old", "new", "model", "field"), BROKEN, ids=["rate", "field", "output"])
def test_a_broken_copy_is_refused(
    tmp_path: Path, old: str, new: str, model: str, field: str
) -> None:
    folder = _broken_copy(tmp_path, old, new)
    with pytest.raises(prices.CatalogError) as caught:
        prices.load_catalog(folder)
    assert caught.value.file == "openai.yaml"
    assert caught.value.model == model
    assert field in (caught.value.field or "")
    assert "openai.yaml" in caught.value.message and model in caught.value.message


def test_tiers_out_of_order_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    path = folder / "anthropic.yaml"
    text = path.read_text(encoding="utf-8")
    tier = "          - {threshold_input_tokens: 200000, inclusive: false,"
    assert tier in text
    text = text.replace(
        tier,
        "          - {threshold_input_tokens: 300000, inclusive: false, input_per_mtok: 9}\n"
        + tier,
        1,
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(prices.CatalogError) as caught:
        prices.load_catalog(folder)
    assert caught.value.file == "anthropic.yaml"
    assert caught.value.model is not None
    assert "tiers" in (caught.value.field or "")


def test_a_bad_override_is_refused(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "models:\n  openai/gpt-4o:\n    prices: [{input_per_mtok: -1, output_per_mtok: 1}]\n"
    )
    with pytest.raises(prices.CatalogError) as caught:
        prices.load_catalog(overrides=extra)
    assert caught.value.model == "gpt-4o"
    assert caught.value.field == "prices[0].input_per_mtok"


def test_an_organisation_override_file_adds_a_contract_price(tmp_path: Path) -> None:
    extra = tmp_path / "acme.yaml"
    extra.write_text(
        "models:\n"
        "  acme/contract-gpt-4o:\n"
        "    reason: contract\n"
        "    source: https://platform.openai.com/docs/pricing\n"
        "    checked: 2026-11-29\n"
        "    prices: [{input_per_mtok: 2, output_per_mtok: 8}]\n"
    )
    catalog = prices.load_catalog(overrides=extra)
    assert prices.estimate("contract-gpt-4o", 1000, 500, catalog=catalog).total == Decimal("0.006")
    assert "acme/contract-gpt-4o" in catalog.overridden


TRICKY_YAML = """\
plain: word
quoted: "01:00"
sexagesimal: 16:30
yes_word: yes
nothing: ~
rate: 0.0028
whole: 10
negative: -3
day: 2026-11-29
stamp: 2026-11-29 10:00:00
base: &base {a: 1}
merged:
  <<: *base
  b: 2.5
items: [True, Off, null, 1_000]
"""


def test_fast_yaml_reading_matches_the_safe_loader(tmp_path: Path) -> None:
    import yaml

    from prices.catalog import read_yaml

    class Reference(yaml.SafeLoader):
        """PyYAML's pure-Python safe loader with the same Decimal floats."""

    def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
        return Decimal(str(loader.construct_scalar(node)).replace("_", ""))

    Reference.add_constructor("tag:yaml.org,2002:float", _decimal)
    tricky = tmp_path / "tricky.yaml"
    tricky.write_text(TRICKY_YAML)
    for path in [tricky, *sorted(DATA_DIR.glob("*.yaml"))]:
        expected = yaml.load(path.read_text(encoding="utf-8"), Loader=Reference)
        assert repr(read_yaml(path)) == repr(expected), path.name
    infinite = tmp_path / "inf.yaml"
    infinite.write_text("rate: .inf\n")
    with pytest.raises(prices.CatalogError, match=r"inf\.yaml"):
        read_yaml(infinite)


# -- lifecycle (prices/lifecycle.py) and context windows for `cheapest` ---------------------------

#: The vendors' deprecation pages a lifecycle entry may cite.
DEPRECATION_PAGES = {
    "anthropic": "https://docs.claude.com/en/docs/about-claude/model-deprecations",
    "openai": "https://platform.openai.com/docs/deprecations",
    "google": "https://ai.google.dev/gemini-api/docs/deprecations",
    "mistral": "https://docs.mistral.ai/getting-started/models/",
    "cohere": "https://docs.cohere.com/docs/deprecations",
    "xai": "https://docs.x.ai/docs/models#model-deprecations",
    "groq": "https://console.groq.com/docs/deprecations",
    "together": "https://docs.together.ai/docs/deprecations",
    "bedrock": "https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html",
}


@pytest.mark.parametrize("key", sorted(LIFECYCLE))
def test_lifecycle_entries_name_a_model_and_a_source(key: str) -> None:
    entry = LIFECYCLE[key]
    model = next(m for m in CATALOG.models if m.key == key)  # StopIteration: no such model
    assert model.deprecated and not model.suggestable(model.checked)
    assert entry.source == DEPRECATION_PAGES[model.provider]
    if entry.shutdown is None:  # retired, no date recorded by hand: the note says so
        assert f"Retired; shutdown date not recorded ({entry.source}" in model.notes
        assert model.retires_on is None or model.retired(model.checked)  # LiteLLM's date
    else:
        assert model.retires_on == entry.shutdown
        assert f"on {entry.shutdown.isoformat()} ({entry.source}" in (model.notes or "")
        scheduled = entry.shutdown > model.checked  # announced for later: the note says so
        assert ("shutdown scheduled" in model.notes) is scheduled
        assert model.retired(model.checked) is not scheduled
    if entry.replacement is not None:
        assert CATALOG.get(entry.replacement).provider == model.provider


@pytest.mark.parametrize(
    "key",
    [
        "anthropic/claude-v1", "anthropic/claude-2", "anthropic/claude-3-sonnet",
        "anthropic/claude-3-opus", "anthropic/claude-3-5-sonnet", "anthropic/claude-3-5-haiku",
        "anthropic/claude-3-7-sonnet", "openai/gpt-4-32k", "openai/o1-mini",
        "google/gemini-1.5-pro", "google/gemini-1.5-flash",
    ],
)  # fmt: skip
def test_retired_models_are_flagged(key: str) -> None:
    assert next(m for m in CATALOG.models if m.key == key).deprecated


def test_current_models_are_not_flagged() -> None:
    for name in ("claude-sonnet-4-6", "claude-haiku-4-5", "gpt-5.5", "gemini-3-flash-preview"):
        model = CATALOG.get(name)
        assert not model.deprecated and model.suggestable(model.checked), name


def test_scheduled_and_retired_models_say_so() -> None:
    """Issue 14's review: retired models still price, scheduled ones carry their date, and
    neither is ever suggested."""
    day = CATALOG.get("gpt-4o").checked
    assert CATALOG.get("gpt-4o").lifecycle(day) == "scheduled"
    assert CATALOG.get("gpt-4o").retires_on == date(2027, 1, 14)
    assert CATALOG.get("o1").lifecycle(day) == "retired"
    assert CATALOG.get("claude-sonnet-4").retired(day)
    assert not CATALOG.get("claude-sonnet-4").retired(date(2026, 6, 14))
    assert prices.estimate("claude-sonnet-4", 100_000, 0).total == Decimal("0.3")  # still priced
    offered = {m.key for m in CATALOG.candidates(on=day, provider="anthropic")}
    assert "anthropic/claude-sonnet-4" not in offered and "anthropic/claude-haiku-4-5" in offered
    suggested = CATALOG.candidates(on=day, kind=None, widen=True)
    assert all(not m.retired(day) and not m.deprecated for m in suggested)
    assert {m.provider_kind for m in CATALOG.candidates(on=day)} == {"first_party"}


def test_no_speech_model_is_in_the_catalog() -> None:
    assert [m.key for m in CATALOG.models if is_speech_model(m.id)] == []
    for name in ("nova-sonic", "nova-2-sonic", "gpt-realtime", "gemini-2.5-flash-tts"):
        with pytest.raises(prices.UnknownModel):
            CATALOG.get(name)


#: Models `cheapest` ranks first for small and long prompts: each must say how much it holds,
#: or it is offered for prompts it cannot take.
CHEAPEST_CANDIDATES = [
    "mistral/mistral-small", "mistral/mistral-medium", "mistral/ministral-3b",
    "mistral/ministral-8b", "mistral/ministral-8b-2410", "mistral/ministral-14b-2512",
    "mistral/codestral", "mistral/devstral-2512", "mistral/pixtral-12b", "mistral/pixtral-large",
    "mistral/mistral-nemo", "mistral/mistral-small-24b-instruct-2501",
    "cohere/command-r7b", "cohere/command-r", "cohere/command-a",
    "groq/llama-3.1-8b", "groq/llama-3.3-70b", "groq/llama-3.2-1b", "groq/llama-3.2-3b",
    "groq/llama-3.2-11b", "groq/llama-3.2-90b", "groq/llama-3.1-70b", "groq/llama-3-8b",
    "groq/llama-3-70b", "groq/llama-4-scout",
    "together/llama-3.1-8b", "together/llama-3.1-70b", "together/llama-3.1-405b",
    "together/llama-3.3-70b", "together/llama-3-8b", "together/llama-3-8b-lite",
    "bedrock/llama-3.2-1b", "bedrock/llama-3.2-3b", "bedrock/llama-3.1-8b",
    "bedrock/llama-3.3-70b", "bedrock/nova-micro", "bedrock/nova-lite", "bedrock/nova-pro",
    "bedrock/nova-premier",
    "xai/grok-3", "xai/grok-3-mini", "xai/grok-4", "xai/grok-code-fast-1",
    "deepseek/deepseek-v4-flash", "deepseek/deepseek-v4-pro", "deepseek/deepseek-v3.2",
    "openai/gpt-5-nano", "openai/gpt-4.1-nano", "google/gemini-2.5-flash-lite",
]  # fmt: skip
WINDOWS = {
    "groq/llama-3.2-1b": 131_072,
    "groq/llama-3-8b": 8_192,
    "together/llama-3-8b": 8_192,
    "cohere/command-r7b": 128_000,
    "mistral/ministral-3b": 131_072,
    "bedrock/nova-micro": 128_000,
    "bedrock/nova-lite": 300_000,
    "bedrock/nova-pro": 300_000,
    "bedrock/nova-premier": 1_000_000,
    "xai/grok-3": 131_072,
    "xai/grok-4": 256_000,
    "xai/grok-code-fast-1": 256_000,
}


@pytest.mark.parametrize("key", CHEAPEST_CANDIDATES)
def test_cheapest_candidates_have_a_context_window(key: str) -> None:
    model = next(m for m in CATALOG.models if m.key == key)
    assert model.context_window is not None
    if key in WINDOWS:
        assert model.context_window == WINDOWS[key]


def test_a_long_prompt_does_not_fit_the_small_models() -> None:
    for key in ("cohere/command-r7b", "groq/llama-3.2-1b", "mistral/ministral-3b"):
        model = next(m for m in CATALOG.models if m.key == key)
        with pytest.raises(prices.BadUsage):
            prices.estimate(model, 300_000, 500)
