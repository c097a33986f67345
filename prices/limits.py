"""Context windows and output limits from the vendors' model pages, read by `prices.sync`.

genai-prices has no output limit and misses some context windows, so these figures are kept
here, apart from the conversion, and survive every regeneration. They are not overrides: a
model with limits here stays in the cross-check against genai-prices (limits change no price).

`prices.estimate` refuses a request over a model's `context_window` (input plus output) or
`max_output_tokens`, so a figure that is too small refuses real requests. Rules for this table:

- Only figures from the vendor's own documentation, each with its source URL.
- When a vendor documents a larger limit behind a flag (a beta header), the larger one is
  written, so that such requests are not refused; the comment says so.
- When unsure, leave the model out (`None` keeps genai-prices' context window, if any). A
  missing limit only means nothing is refused on that count.

Keys are `provider/id` as in the generated files; a value is
`(context_window, max_output_tokens)`, either of which may be `None`.
"""

from __future__ import annotations

__all__ = ["LIMITS"]

Limits = tuple[int | None, int | None]

_OPENAI: dict[str, Limits] = {
    # https://platform.openai.com/docs/models/gpt-4o
    "gpt-4o": (128_000, 16_384),
    # https://platform.openai.com/docs/models/gpt-4o-mini
    "gpt-4o-mini": (128_000, 16_384),
    # https://platform.openai.com/docs/models/gpt-4o-search-preview
    "gpt-4o-search-preview": (128_000, 16_384),
    # https://platform.openai.com/docs/models/gpt-4o-mini-search-preview
    "gpt-4o-mini-search-preview": (128_000, 16_384),
    # https://platform.openai.com/docs/models/chatgpt-4o-latest
    "chatgpt-4o": (128_000, 16_384),
    # https://platform.openai.com/docs/models/gpt-4.1 (and gpt-4.1-mini, gpt-4.1-nano)
    "gpt-4.1": (1_047_576, 32_768),
    "gpt-4.1-mini": (1_047_576, 32_768),
    "gpt-4.1-nano": (1_047_576, 32_768),
    # https://platform.openai.com/docs/models/gpt-4.5-preview
    "gpt-4.5-preview": (128_000, 16_384),
    # https://platform.openai.com/docs/models/gpt-4-turbo
    "gpt-4-turbo": (128_000, 4_096),
    # https://platform.openai.com/docs/models/gpt-4
    "gpt-4": (8_192, 8_192),
    # https://platform.openai.com/docs/models/gpt-3.5-turbo
    "gpt-3.5-turbo": (16_385, 4_096),
    # https://platform.openai.com/docs/models/o1 (and o1-pro)
    "o1": (200_000, 100_000),
    "o1-pro": (200_000, 100_000),
    # https://platform.openai.com/docs/models/o1-mini
    "o1-mini": (128_000, 65_536),
    # https://platform.openai.com/docs/models/o3 (and o3-pro, o3-mini, o4-mini)
    "o3": (200_000, 100_000),
    "o3-pro": (200_000, 100_000),
    "o3-mini": (200_000, 100_000),
    "o4-mini": (200_000, 100_000),
    # https://platform.openai.com/docs/models/gpt-5 (and gpt-5-mini, gpt-5-nano)
    "gpt-5": (400_000, 128_000),
    "gpt-5-mini": (400_000, 128_000),
    "gpt-5-nano": (400_000, 128_000),
    # https://platform.openai.com/docs/models/gpt-5-pro
    "gpt-5-pro": (400_000, 272_000),
    # https://platform.openai.com/docs/models/gpt-5-chat-latest
    "gpt-5-chat": (128_000, 16_384),
    # https://platform.openai.com/docs/models/gpt-5-codex
    "gpt-5-codex": (400_000, 128_000),
    # https://platform.openai.com/docs/models/gpt-5.1
    "gpt-5.1": (400_000, 128_000),
    # https://platform.openai.com/docs/models/gpt-5.1-chat-latest
    "gpt-5.1-chat": (128_000, 16_384),
    # https://platform.openai.com/docs/models/gpt-5.1-codex
    "gpt-5.1-codex": (400_000, 128_000),
    # https://platform.openai.com/docs/models/babbage-002 (and davinci-002): 16,384 context.
    "babbage-002": (16_384, None),
    "davinci-002": (16_384, None),
}

_CLAUDE: dict[str, Limits] = {
    # All from https://docs.claude.com/en/docs/about-claude/models/overview
    # (the legacy models' table for the Claude 3 family).
    "claude-opus-4": (200_000, 32_000),
    "claude-opus-4-1": (200_000, 32_000),
    "claude-opus-4-5": (200_000, 64_000),
    # Sonnet 4 and 4.5: 200K. Their 1M-context beta was retired on 2026-04-30 and requests
    # over 200K now error (genai-prices' notes, citing Anthropic's release notes), so the >200K
    # tiers in the price data only describe usage from before then.
    "claude-sonnet-4": (200_000, 64_000),
    "claude-sonnet-4-5": (200_000, 64_000),
    "claude-haiku-4-5": (200_000, 64_000),
    # 64K output by default, 128K with the `output-128k-2025-02-19` beta header.
    "claude-3-7-sonnet": (200_000, 128_000),
    "claude-3-5-sonnet": (200_000, 8_192),
    "claude-3-5-haiku": (200_000, 8_192),
    "claude-3-opus": (200_000, 4_096),
    "claude-3-haiku": (200_000, 4_096),
}
# Claude on Vertex AI has the same limits (the Vertex `claude-opus-4` entry also matches
# Opus 4.1, whose limits are Opus 4's): https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude
_VERTEX = {k: v for k, v in _CLAUDE.items() if k != "claude-opus-4-1"}

_GEMINI: dict[str, Limits] = {
    # https://ai.google.dev/gemini-api/docs/models#gemini-2.5-pro (and the sections below)
    "gemini-2.5-pro": (1_048_576, 65_536),
    "gemini-2.5-flash": (1_048_576, 65_536),
    "gemini-2.5-flash-lite": (1_048_576, 65_536),
    # https://ai.google.dev/gemini-api/docs/models#gemini-2.0-flash
    "gemini-2.0-flash": (1_048_576, 8_192),
    "gemini-2.0-flash-lite": (1_048_576, 8_192),
    # https://ai.google.dev/gemma/docs/core/model_card_2 ("context length of 8192 tokens")
    "gemma-2-27b-it": (8_192, None),
}

# Mistral documents "128k" / "256k" / "32k" context in its models overview and model cards
# (https://docs.mistral.ai/getting-started/models/) and returns the exact figure (131072,
# 262144, 32768) as `max_context_length` from its models API; the exact figure is written.
_MISTRAL: dict[str, Limits] = {
    # `mistral-small(-latest)` is Mistral Small 4 since 2026-03-16 (upstream's note), whose dated
    # id mistral-small-2603 has genai-prices' 262,144.
    "mistral-small": (262_144, None),
    # Mistral Small 3.2 and 3.1: 128k
    "mistral-small-3.2-24b-instruct": (131_072, None),
    "mistral-small-3.1-24b-instruct": (131_072, None),
    # Mistral Small 3 (25.01): 32k
    "mistral-small-24b-instruct-2501": (32_768, None),
    # `mistral-medium(-latest)` is Mistral Medium 3.5 since 2026-06 (upstream's note), whose
    # dated entry mistral-medium-3-5 has genai-prices' 262,144.
    "mistral-medium": (262_144, None),
    # Mistral Medium 3.1 and 3: 128k
    "mistral-medium-3-1": (131_072, None),
    # `ministral-8b(-latest)` is Ministral 3 8B since 2025-12-02 (upstream's note), whose dated
    # id ministral-8b-2512 has genai-prices' 262,144.
    "ministral-8b": (262_144, None),
    # Ministral 3B and 8B (24.10): 128k. (The
    # `-latest` alias of ministral-3b is Ministral 3 3B, also 131,072 in genai-prices.)
    "ministral-3b": (131_072, None),
    "ministral-8b-2410": (131_072, None),
    # Pixtral 12B (24.09) and Pixtral Large (24.11): 128k
    "pixtral-12b": (131_072, None),
    "pixtral-large": (131_072, None),
    # Mistral NeMo: 128k
    "mistral-nemo": (131_072, None),
    # Mistral Saba: 32k
    "mistral-saba": (32_768, None),
}

_COHERE: dict[str, Limits] = {
    # https://docs.cohere.com/docs/command-r
    "command-r": (128_000, 4_000),
    # https://docs.cohere.com/docs/command-r-plus
    "command-r-plus": (128_000, 4_000),
    # https://docs.cohere.com/docs/command-a
    "command-a": (256_000, 8_000),
    # https://docs.cohere.com/docs/command-r7b
    "command-r7b": (128_000, 4_000),
}

# Meta's model cards: Llama 3.1, 3.2 and 3.3 have a 128K (131,072-token) context, Llama 3 has
# 8,192 and Llama 2 4,096 (https://www.llama.com/docs/model-cards-and-prompt-formats/). A host
# can serve less than the model's own window, never more, so where a host's page gave no other
# figure the model's window is written: it refuses nothing the host accepts.

_GROQ: dict[str, Limits] = {
    # https://console.groq.com/docs/model/llama-3.3-70b-versatile
    "llama-3.3-70b": (131_072, 32_768),
    # https://console.groq.com/docs/model/llama-3.1-8b-instant
    "llama-3.1-8b": (131_072, 131_072),
    # https://console.groq.com/docs/model/llama-4-scout-17b-16e-instruct
    "llama-4-scout": (131_072, None),
    # Retired preview/legacy ids (https://console.groq.com/docs/deprecations): the models' own
    # windows (Meta's model cards above); `llama3-8b-8192` etc. say theirs in the id.
    "llama-3.1-70b": (131_072, None),
    "llama-3.1-405b-reasoning": (131_072, None),
    "llama-3.2-1b": (131_072, None),
    "llama-3.2-3b": (131_072, None),
    "llama-3.2-11b": (131_072, None),
    "llama-3.2-11b-vision": (131_072, None),
    "llama-3.2-90b": (131_072, None),
    "llama-3.2-90b-vision": (131_072, None),
    "llama-3.3-70b-specdec": (131_072, None),
    "llama-3-70b": (8_192, None),
    "llama-3-8b": (8_192, None),
    "llama-2-70b": (4_096, None),
}

_TOGETHER: dict[str, Limits] = {
    # https://docs.together.ai/docs/serverless-models (context length; no output limit given)
    "llama-3.3-70b": (131_072, None),
    "llama-3.1-8b": (131_072, None),
    "llama-3.1-70b": (131_072, None),
    "llama-3.1-405b": (130_815, None),  # Together's Turbo endpoint lists 130,815
    # Llama 3 (Turbo, Lite and the original chat endpoints): 8,192; Llama 2: 4,096.
    "llama-3-70b": (8_192, None),
    "llama-3-8b": (8_192, None),
    "llama-3-70b-lite": (8_192, None),
    "llama-3-8b-lite": (8_192, None),
    "llama-3-70b-chat": (8_192, None),
    "llama-3-8b-chat": (8_192, None),
    "llama-2-70b": (4_096, None),
    "llama-2-13b": (4_096, None),
    "llama-2-7b": (4_096, None),
}

LIMITS: dict[str, Limits] = {
    **{f"openai/{k}": v for k, v in _OPENAI.items()},
    **{f"anthropic/{k}": v for k, v in _CLAUDE.items()},
    **{f"vertex/{k}": v for k, v in _VERTEX.items()},
    **{f"google/{k}": v for k, v in _GEMINI.items()},
    **{f"mistral/{k}": v for k, v in _MISTRAL.items()},
    **{f"cohere/{k}": v for k, v in _COHERE.items()},
    **{f"groq/{k}": v for k, v in _GROQ.items()},
    **{f"together/{k}": v for k, v in _TOGETHER.items()},
}
