"""Display names for synced models: vendor-style names made from the canonical id.

Used by `prices.sync_convert`; not taken from genai-prices, whose names are inconsistent
(`gpt 4o`, `o4 Mini High`).
"""

from __future__ import annotations

import re

__all__ = ["NAMES", "display_name"]

#: Display names the rules in `display_name` cannot know, by `provider/id`.
NAMES: dict[str, str] = {
    "anthropic/claude-v1": "Claude 1",
    "openai/gpt-5.3": "GPT-5.3 Chat",  # upstream's gpt-5.3 is gpt-5.3-chat-latest (128K)
    "google/gemini-pro": "Gemini 1.0 Pro",
    "google/gemini-pro-1.5": "Gemini 1.5 Pro",
    "google/gemini-flash-1.5": "Gemini 1.5 Flash",
    "google/gemini-flash-1.5-8b": "Gemini 1.5 Flash-8B",
    "google/gemini-2.5-flash-preview": "Gemini 2.5 Flash Preview 05-20",
    "google/gemini-robotics-er-2-preview": "Gemini Robotics-ER 2 Preview",
    "google/gemini-robotics-er-2-streaming-preview": "Gemini Robotics-ER 2 Streaming Preview",
    "google/gemma-4-26b-a4b-it-maas": "Gemma 4 26B A4B IT (Vertex AI MaaS)",
    "groq/llama-3.3-70b-specdec": "Llama 3.3 70B SpecDec",
    "groq/llama-3-groq-70b-tool-use": "Llama 3 Groq 70B Tool Use",
    "groq/llama-3-groq-8b-tool-use": "Llama 3 Groq 8B Tool Use",
    "deepseek/deepseek-flash": "DeepSeek V4.1 Flash",
}
#: Providers whose genai-prices names are already the vendor's (minus a trailing "Latest").
_UPSTREAM_NAMES = {"mistral", "cohere", "xai"}
_WORD = {
    "tts": "TTS", "api": "API", "it": "IT", "er": "ER", "fp8": "FP8", "ai": "AI",
}  # fmt: skip
_OPENAI_LOWER = {"mini", "nano", "pro"}  # OpenAI writes "GPT-4o mini", "GPT-5 pro"
_DATE = re.compile(r"-(\d{4}-\d{2}-\d{2})$")


def display_name(provider: str, model_id: str, upstream: str | None = None) -> str:
    """The vendor-style name of a model: `GPT-4o mini`, `o4-mini`, `Claude Sonnet 4.5`,
    `Gemini 2.5 Flash-Lite`, `Llama 3.3 70B`, `Nova Pro`, `DeepSeek V4 Flash`, `Command R+`.

    Made from the canonical id by family rules, so that it does not depend on genai-prices'
    spelling; `NAMES` holds what the rules cannot know. For Mistral, Cohere and xAI, whose
    upstream names are the vendor's own, the upstream name is kept (without "Latest").
    """
    key = f"{provider}/{model_id}"
    if key in NAMES:
        return NAMES[key]
    if provider in _UPSTREAM_NAMES and upstream:
        return re.sub(r"\s+latest$", "", upstream.strip(), flags=re.IGNORECASE)
    if model_id.startswith("claude-"):
        return _claude_name(model_id)
    if provider in ("openai", "azure") or re.match(r"(?:gpt-|chatgpt-|o\d(?:-|$))", model_id):
        return _openai_name(model_id)
    if model_id.startswith(("gemini-", "gemma-")):
        return _words(model_id)
    if model_id.startswith(("llama-", "codellama-")):
        return _words(model_id.replace("codellama-", "code-llama-", 1).removesuffix("-hf"))
    if model_id.startswith("nova-"):
        regional = model_id.endswith("-regional")
        name = _words(model_id.removesuffix("-regional"))
        return f"{name} (regional)" if regional else name
    if model_id.startswith("deepseek-"):
        return "DeepSeek " + _words(model_id.removeprefix("deepseek-"))
    return upstream or _words(model_id)


def _word(word: str, lower: frozenset[str] | set[str] = frozenset()) -> str:
    if word in _WORD:
        return _WORD[word]
    if word in lower:
        return word
    if re.fullmatch(r"\d+(\.\d+)?[bm]|a\d+b|\d+e|\d+x\d+b", word):  # 70b, 22m, a4b, 128e
        return word.upper()
    if re.fullmatch(r"v\d+(\.\d+)*", word):  # DeepSeek V4
        return word.upper()
    return word[:1].upper() + word[1:]


def _words(model_id: str) -> str:
    """`gemini-2.5-flash-lite` -> `Gemini 2.5 Flash-Lite`; `llama-3.3-70b` -> `Llama 3.3 70B`."""
    text = model_id
    for joined in ("flash-lite", "non-reasoning", "multi-agent"):
        text = text.replace(joined, joined.replace("-", "~"))
    return " ".join("-".join(_word(w) for w in token.split("~")) for token in text.split("-"))


def _claude_name(model_id: str) -> str:
    """`claude-sonnet-4-5` and `claude-3-5-sonnet` -> `Claude Sonnet 4.5` / `Claude Sonnet 3.5`."""
    if m := re.fullmatch(r"claude-([a-z]+)-(\d+)(?:-(\d+))?", model_id):
        family, major, minor = m.groups()
    elif m := re.fullmatch(r"claude-(\d+)(?:-(\d+))?-([a-z]+)", model_id):
        major, minor, family = m.groups()
    elif m := re.fullmatch(r"claude-(\d+)", model_id):
        return f"Claude {m.group(1)}"
    else:
        return _words(model_id)
    version = major + (f".{minor}" if minor else "")
    return f"Claude {family.title()} {version}"


def _openai_name(model_id: str) -> str:
    """OpenAI's own styling: `GPT-4o mini`, `GPT-4.1`, `GPT-5-Codex`, `o4-mini`, `gpt-oss-120b`."""
    if model_id.startswith("ft-"):  # GPT-4o mini (fine-tuned), GPT-4o mini (2024-07-18, fine-tuned)
        base = _openai_name(model_id.removeprefix("ft-"))
        return base[:-1] + ", fine-tuned)" if base.endswith(")") else f"{base} (fine-tuned)"
    if m := re.fullmatch(r"chatgpt-(.*)", model_id):  # ChatGPT-4o, ChatGPT Image
        rest = m.group(1)
        return f"ChatGPT-{rest}" if rest[:1].isdigit() else "ChatGPT " + _words(rest)
    if m := re.fullmatch(r"gpt-(\d[\d.]*o?)(?:-(.*))?", model_id):
        version, rest = m.group(1), m.group(2) or ""
        dated = _DATE.search("-" + rest)
        if dated:
            rest = rest[: -len(dated.group(1))].rstrip("-")
        head = f"GPT-{version}"
        if rest.startswith("codex"):  # GPT-5-Codex, GPT-5.1-Codex-Max
            head += "-" + "-".join(_word(w) for w in rest.split("-"))
            rest = ""
        words = [_word(w, _OPENAI_LOWER) for w in rest.split("-") if w]
        if dated:
            words.append(f"({dated.group(1)})")
        return " ".join([head, *words])
    if m := re.fullmatch(r"gpt-image-(.*)", model_id):  # GPT Image 1 mini
        return "GPT Image " + " ".join(_word(w, _OPENAI_LOWER) for w in m.group(1).split("-"))
    if re.match(r"gpt-[a-z]", model_id) and not re.match(r"gpt-(oss|realtime|audio)", model_id):
        return "GPT " + " ".join(_word(w) for w in model_id.split("-")[1:])
    return model_id  # o4-mini, o3-deep-research, gpt-realtime, text-embedding-3-small, davinci-002
