"""What users see: display names, limits from vendors' pages, distinct products, Vertex AI."""

from __future__ import annotations

import re

import pytest

import prices
from prices.limits import LIMITS
from prices.sync_convert import PRODUCT_WORDS, products_in
from prices.sync_names import display_name

CATALOG = prices.default_catalog()

#: Vendor spellings of the models users ask about most.
NAMES = {
    "openai/gpt-4o": "GPT-4o",
    "openai/gpt-4o-mini": "GPT-4o mini",
    "openai/gpt-4.1": "GPT-4.1",
    "openai/gpt-4.1-nano": "GPT-4.1 nano",
    "openai/gpt-5": "GPT-5",
    "openai/gpt-5-codex": "GPT-5-Codex",
    "openai/gpt-4-turbo": "GPT-4 Turbo",
    "openai/gpt-3.5-turbo": "GPT-3.5 Turbo",
    "openai/o4-mini": "o4-mini",
    "openai/o3": "o3",
    "openai/chatgpt-4o": "ChatGPT-4o",
    "openai/gpt-oss-120b": "gpt-oss-120b",
    "openai/text-embedding-3-small": "text-embedding-3-small",
    "openai/gpt-4o-mini-search-preview": "GPT-4o mini Search Preview",
    "anthropic/claude-sonnet-4-5": "Claude Sonnet 4.5",
    "anthropic/claude-3-5-haiku": "Claude Haiku 3.5",
    "anthropic/claude-opus-4": "Claude Opus 4",
    "vertex/claude-sonnet-4-5": "Claude Sonnet 4.5",
    "google/gemini-2.5-pro": "Gemini 2.5 Pro",
    "google/gemini-2.5-flash-lite": "Gemini 2.5 Flash-Lite",
    "google/gemini-2.0-flash": "Gemini 2.0 Flash",
    "groq/llama-3.3-70b": "Llama 3.3 70B",
    "together/llama-3.3-70b": "Llama 3.3 70B",
    "bedrock/llama-4-maverick": "Llama 4 Maverick",
    "bedrock/nova-pro": "Nova Pro",
    "xai/grok-4": "Grok 4",
    "deepseek/deepseek-v4-flash": "DeepSeek V4 Flash",
    "cohere/command-r-plus": "Command R+",
    "mistral/mistral-small": "Mistral Small",
}


def _model(key: str) -> prices.Model:
    provider, _, model_id = key.partition("/")
    return next(m for m in CATALOG.by_provider(provider) if m.id == model_id)


@pytest.mark.parametrize(("key", "name"), NAMES.items())
def test_vendor_display_names(key: str, name: str) -> None:
    assert _model(key).name == name


def test_o4_mini_is_called_o4_mini() -> None:
    assert CATALOG.get("o4-mini").name == "o4-mini"  # upstream: "o4 Mini High"


def test_no_display_name_is_a_lower_case_spelling_of_the_id() -> None:
    bad = [
        f"{m.key}: {m.name!r}"
        for m in CATALOG.models
        if m.name.startswith("gpt ")
        or re.match(r"^[a-z]+ \d", m.name)  # `gpt 4o`, `gemini 1.5 flash`
        or re.search(r"\bLatest$", m.name)
    ]
    assert bad == []


#: genai-prices carries both `gemini-1.5-flash` and OpenRouter's `gemini-flash-1.5` (and the
#: same for Pro) as separate entries whose cache rates and context windows differ.
UPSTREAM_DUPLICATES = {"Gemini 1.5 Flash", "Gemini 1.5 Pro"}


def test_display_names_are_unique_within_a_provider() -> None:
    for provider in CATALOG.providers():
        names = [m.name for m in CATALOG.by_provider(provider)]
        twice = {n for n in names if names.count(n) > 1} - UPSTREAM_DUPLICATES
        assert sorted(twice) == [], provider


@pytest.mark.parametrize(
    ("provider", "model_id", "upstream", "expected"),
    [
        ("openai", "gpt-5.1-codex-max", None, "GPT-5.1-Codex-Max"),
        ("openai", "gpt-4o-2024-05-13", "gpt 4o (2024-05-13)", "GPT-4o (2024-05-13)"),
        ("openai", "ft-gpt-4o-mini", None, "GPT-4o mini (fine-tuned)"),
        ("openai", "gpt-image-1-mini", None, "GPT Image 1 mini"),
        ("openai", "gpt-4o-mini-tts", None, "GPT-4o mini TTS"),
        ("anthropic", "claude-3-7-sonnet", "Claude Sonnet 3.7", "Claude Sonnet 3.7"),
        ("anthropic", "claude-2", None, "Claude 2"),
        ("google", "gemini-3.8-flash-lite-tts", None, "Gemini 3.8 Flash-Lite TTS"),
        ("groq", "llama-prompt-guard-2-22m", None, "Llama Prompt Guard 2 22M"),
        ("together", "codellama-13b-instruct-hf", None, "Code Llama 13B Instruct"),
        ("bedrock", "nova-2-lite-regional", "Nova 2 Lite", "Nova 2 Lite (regional)"),
        ("mistral", "mistral-medium", "Mistral Medium Latest", "Mistral Medium"),
        ("xai", "grok-4-1-fast-reasoning", "Grok 4.1 Fast Reasoning", "Grok 4.1 Fast Reasoning"),
        ("fake", "fake-model-2", None, "Fake Model 2"),
    ],
)
def test_display_name_rules(
    provider: str, model_id: str, upstream: str | None, expected: str
) -> None:
    assert display_name(provider, model_id, upstream) == expected


# -- limits -------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", sorted(LIMITS))
def test_limits_from_vendor_pages_are_in_the_data(key: str) -> None:
    context_window, max_output = LIMITS[key]
    model = _model(key)
    if context_window is not None:
        assert model.context_window == context_window
    if max_output is not None:
        assert model.max_output_tokens == max_output


@pytest.mark.parametrize("model", CATALOG.models, ids=lambda m: m.key)
def test_output_limit_fits_the_context_window(model: prices.Model) -> None:
    if model.max_output_tokens is not None and model.context_window is not None:
        assert 0 < model.max_output_tokens <= model.context_window


@pytest.mark.parametrize(
    ("name", "context_window", "max_output"),
    [
        ("gpt-4o", 128_000, 16_384),
        ("gpt-4.1", 1_047_576, 32_768),
        ("o4-mini", 200_000, 100_000),
        ("gpt-5", 400_000, 128_000),
        ("claude-sonnet-4", 200_000, 64_000),
        ("claude-opus-4", 200_000, 32_000),
        ("claude-3-haiku", 200_000, 4_096),
        ("gemini-2.5-pro", 1_048_576, 65_536),
        ("gemini-2.0-flash", 1_048_576, 8_192),
        ("groq/llama-3.3-70b", 131_072, 32_768),
        ("together/llama-3.3-70b", 131_072, 131_072),  # output limit: LiteLLM's
        ("command-a", 256_000, 8_000),
    ],
)
def test_documented_limits(name: str, context_window: int, max_output: int | None) -> None:
    model = CATALOG.get(name)
    assert (model.context_window, model.max_output_tokens) == (context_window, max_output)


def test_requests_inside_documented_limits_are_priced_and_beyond_them_refused() -> None:
    assert prices.estimate("gpt-4o", 100_000, 16_384).total > 0
    assert prices.estimate("claude-sonnet-4", 136_000, 64_000).total > 0
    with pytest.raises(prices.BadUsage, match="context window"):  # the 1M beta was retired
        prices.estimate("claude-sonnet-4-5", 500_000, 1000)
    with pytest.raises(prices.BadUsage, match="16,384 output tokens"):
        prices.estimate("gpt-4o", 1000, 16_385)
    with pytest.raises(prices.BadUsage, match="context window"):
        prices.estimate("gemini-2.5-pro", 1_048_576, 1)


# -- distinct products upstream folds into another model ----------------------------------------


def test_products_in_splits_distinct_products_and_keeps_spellings() -> None:
    names = [
        "gpt-5-2025-08-07", "gpt-5-chat", "gpt-5-chat-latest", "gpt-5-codex", "gpt-5-high",
        "gpt-5-preview",
    ]  # fmt: skip
    assert products_in("gpt-5", "GPT-5", names) == {
        "gpt-5-chat": ["gpt-5-chat", "gpt-5-chat-latest"],
        "gpt-5-codex": ["gpt-5-codex"],
    }
    assert products_in("gpt-5.3", "GPT-5.3 Chat", ["gpt-5.3-chat-latest"]) == {}
    assert products_in("gpt-5.1", None, ["gpt-5-1-codex-max"]) == {
        "gpt-5.1-codex-max": ["gpt-5-1-codex-max"]
    }
    assert "search" in PRODUCT_WORDS and "preview" not in PRODUCT_WORDS


def test_no_alias_names_another_product() -> None:
    for model in CATALOG.models:
        assert products_in(model.id, model.name, model.aliases) == {}, model.key


def test_search_preview_is_its_own_model_at_the_base_rates() -> None:
    search, base = CATALOG.get("gpt-4o-mini-search-preview"), CATALOG.get("gpt-4o-mini")
    assert search is not base
    assert CATALOG.get("gpt-4o-mini-search-preview-2025-03-11") is search
    assert CATALOG.get("gpt-4o-mini-2024-07-18") is base
    assert search.current.input_per_mtok == base.current.input_per_mtok
    assert search.current.output_per_mtok == base.current.output_per_mtok


# -- Vertex AI ----------------------------------------------------------------------------------


def test_google_is_gemini_and_vertex_is_claude() -> None:
    assert all(m.id.startswith(("gemini", "gemma")) for m in CATALOG.by_provider("google"))
    vertex = CATALOG.by_provider("vertex")
    assert vertex and all(m.id.startswith("claude-") for m in vertex)
    assert CATALOG.by_provider("vertex_ai") == vertex
    assert CATALOG.get("claude-sonnet-4-5").provider == "anthropic"
    assert CATALOG.get("vertex/claude-sonnet-4-5").key == "vertex/claude-sonnet-4-5"
    assert CATALOG.get("vertex/gemini-2.5-pro").key == "google/gemini-2.5-pro"
