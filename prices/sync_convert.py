"""Convert genai-prices' provider records into our YAML documents (pure; used by `prices.sync`).

genai-prices is a dev dependency: nothing here imports it at module level, the caller passes
its `Provider` objects in. Skipped: models with no text-token prices (audio-only, image-only,
OCR, voice, transcription and TTS models billed per hour, character or page), free entries
with no prices, and models outside our scope on the hosting providers (Groq and Together:
Meta Llama only; Bedrock: Meta Llama and Amazon Nova only). Dropped, and named in the
generated file's header: speech, voice, realtime, TTS and transcription models that upstream
prices per text token (`nova-sonic`, `gpt-realtime`, `gemini-2.5-flash-tts`, ...), because the
catalog's kinds are `chat` and `embedding` and such a model is neither: listed as chat, it would
be offered by `cheapest` and as a cheaper alternative for text requests it does not serve.

genai-prices' `google` provider also sells partner models through Vertex AI (Claude): those
become provider `vertex`, so that `google` means Gemini and Gemma only, `vertex/claude-...`
names the Vertex AI offer, and a bare `claude-...` still means Anthropic's.

Display names are made here from the canonical id by vendor-style rules (`display_name`),
not taken from genai-prices, whose names are inconsistent (`gpt 4o`, `o4 Mini High`).
Context windows and output limits from vendors' model pages are merged from `prices.limits`,
and retirement dates from vendors' deprecation pages from `prices.lifecycle`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from .catalog import PROVIDER_PREFIXES
from .lifecycle import LIFECYCLE, lifecycle_note
from .limits import LIMITS

__all__ = [
    "DROPPED_REASON", "PROVIDERS", "ProviderDoc", "SyncError", "SyncSpec", "convert_provider",
    "is_speech_model",
]  # fmt: skip

#: genai-prices price keys and ours. Other keys (web searches, audio, images) are not modelled.
PRICE_KEYS = {
    "input_mtok": "input_per_mtok",
    "cache_read_mtok": "cached_input_per_mtok",
    "cache_write_mtok": "cache_write_per_mtok",
    "cache_write_1h_mtok": "cache_write_1h_per_mtok",
    "output_mtok": "output_per_mtok",
}
#: Request-context variants we carry: genai `when` -> our field. Fast/default modes are ignored.
VARIANTS = {
    ("processing", "batch"): "batch",
    ("service_tier", "flex"): "flex",
    ("service_tier", "priority"): "priority",
}
_FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)

#: A word in a model id that makes it a speech model: speech-to-speech (Nova Sonic), realtime
#: voice, audio chat, text-to-speech, transcription and Gemini Live models.
_SPEECH = re.compile(r"(?:^|-)(?:audio|realtime|tts|transcribe|live|sonic)(?:-|$)")
DROPPED_REASON = (
    "speech, voice, realtime, TTS and transcription models, which are neither `chat` nor "
    "`embedding` (the catalog's kinds), so `cheapest` would offer them for text requests"
)


def is_speech_model(model_id: str) -> bool:
    """A speech-to-speech, realtime voice, audio, TTS, transcription or Live model id."""
    return bool(_SPEECH.search(model_id.lower()))


class SyncError(Exception):
    """The upstream data has a shape the sync does not know how to convert."""


@dataclass(frozen=True)
class SyncSpec:
    """One of our providers: where it comes from in genai-prices and which models we keep."""

    id: str
    name: str
    genai_id: str
    keep: Callable[[str], bool] = lambda _model_id: True
    source: str | None = None
    """The file's default source URL; default: genai-prices' first pricing URL."""


def _is_llama(model_id: str) -> bool:
    low = model_id.lower()
    return low.startswith(("llama", "meta-llama/", "meta.llama", "codellama/"))


def _is_llama_or_nova(model_id: str) -> bool:
    return _is_llama(model_id) or "amazon.nova" in model_id.lower()


def _is_google_model(model_id: str) -> bool:
    """Google's own models in genai's `google` provider; the rest are Vertex AI partner models."""
    return model_id.lower().startswith(("gemini", "gemma"))


def _is_vertex_partner(model_id: str) -> bool:
    return not _is_google_model(model_id)


PROVIDERS: tuple[SyncSpec, ...] = (
    SyncSpec("openai", "OpenAI", "openai"),
    SyncSpec("anthropic", "Anthropic", "anthropic"),
    SyncSpec("google", "Google", "google", _is_google_model),
    SyncSpec(
        "vertex",
        "Google Vertex AI",
        "google",
        _is_vertex_partner,
        "https://cloud.google.com/vertex-ai/generative-ai/pricing",
    ),
    SyncSpec("mistral", "Mistral", "mistral"),
    SyncSpec("deepseek", "DeepSeek", "deepseek"),
    SyncSpec("xai", "xAI", "x-ai"),
    SyncSpec("cohere", "Cohere", "cohere"),
    SyncSpec("groq", "Groq", "groq", _is_llama),
    SyncSpec("together", "Together AI", "together", _is_llama),
    SyncSpec("bedrock", "AWS Bedrock", "aws", _is_llama_or_nova),
)

#: Canonical ids the generic rules below would get wrong or leave ambiguous.
RENAMES: dict[tuple[str, str], str] = {
    ("vertex", "claude-4-opus"): "claude-opus-4",
    ("vertex", "claude-4-sonnet"): "claude-sonnet-4",
    # `ministral-8b` is taken by the `-latest` alias (Ministral 3 8B); this is Ministral 8B 24.10.
    ("mistral", "ministral-8b"): "ministral-8b-2410",
    ("openai", "gpt-4o-mini-2024-07-18.ft-"): "ft-gpt-4o-mini-2024-07-18",
    ("groq", "llama-3.3-70b-specdec"): "llama-3.3-70b-specdec",
    ("together", "meta-llama/Llama-3-70b-chat-hf"): "llama-3-70b-chat",
    ("together", "meta-llama/Llama-3-8b-chat-hf"): "llama-3-8b-chat",
    ("bedrock", "regional.amazon.nova-2-lite-v1:0"): "nova-2-lite-regional",
}
_LLAMA_DROP = {"instruct", "chat", "hf", "versatile", "instant", "text", "preview", "turbo", "fp8"}


# -- display names ------------------------------------------------------------------------------

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
    if provider == "openai":
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


@dataclass
class ProviderDoc:
    """One generated provider file: its models by canonical id, and where each came from."""

    provider: str
    name: str
    source: str
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    """Our model id -> the genai-prices model id it was converted from."""
    dropped: list[str] = field(default_factory=list)
    """Ids left out as speech models (`is_speech_model`), named in the file's header."""


def canonical_id(provider: str, genai_id: str, equals: Iterable[str]) -> str:
    """The name a user types for a genai-prices model: undated, no `-latest`, no `-0`."""
    if (provider, genai_id) in RENAMES:
        return RENAMES[(provider, genai_id)]
    low = genai_id.lower()
    if provider in ("groq", "together", "bedrock"):
        return _hosted_id(low)
    names = {e.lower() for e in equals}
    if low.endswith("-latest"):
        low = low.removesuffix("-latest")
    for pattern in (r"-0$", r"-\d{4}$"):  # claude-opus-4-0, grok-4-0709: when undated is a name
        shorter = re.sub(pattern, "", low)
        if shorter != low and shorter in names:
            low = shorter
    return _clean(low)


def _hosted_id(low: str) -> str:
    """A hosted Llama or Nova id as said: `meta.llama3-3-70b-instruct-v1:0`: llama-3.3-70b."""
    name = low.rsplit("/", 1)[-1]
    name = re.sub(r"^(global\.|regional\.)?(amazon|meta)\.", "", name)
    name = re.sub(r"-v\d+(:\d+)?$", "", name)
    name = re.sub(r"^meta-llama", "llama", name)
    version = re.match(r"^llama-?(\d)(?:[.-](\d))?-(.*)$", name)
    if version and not name.startswith("llama-guard"):
        major, minor, rest = version.groups()
        words = [
            w for w in rest.split("-") if w not in _LLAMA_DROP and not re.fullmatch(r"\d{4,5}", w)
        ]
        if major == "4":  # llama-4-maverick-17b-128e-instruct -> llama-4-maverick
            words = [w for w in words if not re.fullmatch(r"\d+[be]", w)]
        head = f"llama-{major}" + (f".{minor}" if minor else "")
        name = "-".join([head, *words])
    return _clean(name)


def _clean(name: str) -> str:
    return re.sub(r"[:/]+", "-", name.lower()).strip("-.")


def _match_names(clause: Any) -> list[str]:
    """The `equals` and `starts_with` values of a genai match clause tree, in order.

    A `starts_with` value that ends in a bare year (`claude-sonnet-4-2025`) is a prefix of
    dated ids, not a name, and is left out; the catalog strips date suffixes itself.
    """
    found: list[str] = []
    for attr in ("or_", "and_"):
        for sub in getattr(clause, attr, None) or ():
            found.extend(_match_names(sub))
    if isinstance(value := getattr(clause, "equals", None), str):
        found.append(value)
    value = getattr(clause, "starts_with", None)
    if isinstance(value, str) and not re.search(r"-20\d\d$", value):
        found.append(value)
    return found


def _equals_names(clause: Any) -> list[str]:
    found = [v for sub in getattr(clause, "or_", None) or () for v in _equals_names(sub)]
    value = getattr(clause, "equals", None)
    return [*found, value] if isinstance(value, str) else found


def _usable_alias(provider: str, name: str) -> bool:
    """Skip fragments (`claude-sonnet-4@`, `gpt-5-nano-`) and names that carry
    another provider's prefix (Vertex's `anthropic/claude-sonnet-4` must not shadow Anthropic's)."""
    prefix, slash, _ = name.partition("/")
    if slash and PROVIDER_PREFIXES.get(prefix, provider) not in (provider, None):
        return False
    return bool(re.fullmatch(r"[a-z0-9][a-z0-9._/:-]*[a-z0-9]", name))


def _encoding(provider: str, model_id: str) -> str | None:
    if provider != "openai":
        return None
    if re.match(r"^(ft-)?(gpt-4o|gpt-4\.1|gpt-4\.5|o1|o3|o4|gpt-5|gpt-6|chatgpt-4o)", model_id):
        return "o200k_base"
    if re.match(r"^(ft-)?gpt-(4|3\.5)(?![.o0-9])|^text-embedding-(3|ada)", model_id):
        return "cl100k_base"
    return None


def _rates(model_price: Any) -> dict[str, Any]:
    """Our rate fields and tiers for one genai `ModelPrice`."""
    out: dict[str, Any] = {}
    tiered: dict[str, Any] = {}
    for genai_key, ours in PRICE_KEYS.items():
        value = getattr(model_price, genai_key, None)
        if value is None:
            continue
        if isinstance(value, Decimal):
            out[ours] = value
        else:
            out[ours] = value.base
            tiered[ours] = value
    if tiered:
        out["tiers"] = _tiers(tiered)
    return out


def _tiers(tiered: dict[str, Any]) -> list[dict[str, Any]]:
    """Group genai's per-key tiers by threshold; each tier carries every tiered key's rate."""
    bounds: dict[int, bool] = {}
    for prices in tiered.values():
        for step in prices.tiers:
            # genai bills a tier when input_tokens > start; start 199999 is the vendor's
            # inclusive 200000 boundary (pydantic/genai-prices#711).
            if str(step.start).endswith("999"):
                bounds[step.start + 1] = True
            else:
                bounds[step.start] = False
    out = []
    for threshold in sorted(bounds):
        inclusive = bounds[threshold]
        start = threshold - 1 if inclusive else threshold
        tier: dict[str, Any] = {"threshold_input_tokens": threshold, "inclusive": inclusive}
        for key, prices in tiered.items():
            rate = prices.base
            for step in prices.tiers:
                if step.start <= start:
                    rate = step.price
            tier[key] = rate
        out.append(tier)
    return out


def _variant_rates(model: Any, key: tuple[str, str], at: datetime) -> dict[str, Any] | None:
    """The partial rates of one request-context variant in force at `at`, first match per key."""
    merged: dict[str, Any] = {}
    found = False
    for variant in model.price_variants or ():
        if tuple(variant.when.items()) != (key,):
            continue
        constraint = variant.constraint
        if constraint is not None:
            if type(constraint).__name__ != "StartDateConstraint":
                raise SyncError(f"{model.id}: variant constraint {constraint!r} is not a date")
            if not constraint.active(at):
                continue
        found = True
        for genai_key, value in vars(variant.prices).items():
            if value is not None and genai_key in PRICE_KEYS:
                merged.setdefault(genai_key, value)
    if not found or not merged:
        return None
    return _rates(_Prices(merged))


class _Prices:
    """A stand-in `ModelPrice` with only the keys we read."""

    def __init__(self, values: dict[str, Any]) -> None:
        for key in PRICE_KEYS:
            setattr(self, key, values.get(key))


def _history(model: Any) -> list[dict[str, Any]]:
    """Price periods, oldest first, each with the variants in force at its end."""
    raw = model.prices if isinstance(model.prices, list) else None
    entries: list[tuple[Any, Any]] = (
        [(c.constraint, c.prices) for c in raw] if raw is not None else [(None, model.prices)]
    )
    starts = sorted(c.start_date for c, _ in entries if type(c).__name__ == "StartDateConstraint")
    periods = []
    for constraint, model_price in entries:
        period: dict[str, Any] = {}
        at = _FAR_FUTURE
        kind = type(constraint).__name__
        if kind == "StartDateConstraint":
            period["from"] = constraint.start_date
            later = [s for s in starts if s > constraint.start_date]
            if later:
                at = datetime.combine(later[0] - timedelta(days=1), time(12), UTC)
        elif kind == "TimeOfDateConstraint":
            period["window"] = {
                "start": constraint.start_time.strftime("%H:%M"),
                "end": constraint.end_time.strftime("%H:%M"),
            }
        elif constraint is None:
            if starts:
                at = datetime.combine(starts[0] - timedelta(days=1), time(12), UTC)
        else:
            raise SyncError(f"{model.id}: unknown price constraint {constraint!r}")
        period.update(_rates(model_price))
        for key, name in VARIANTS.items():
            rates = _variant_rates(model, key, at)
            if rates is not None:
                period[name] = rates
        periods.append(period)
    return periods


def _variant_note(model: Any) -> str:
    dated = sorted(
        {
            (VARIANTS[when[0]], v.constraint.start_date)
            for v in model.price_variants or ()
            if len(when := tuple(v.when.items())) == 1 and when[0] in VARIANTS and v.constraint
        }
    )
    if not dated:
        return ""
    parts = ", ".join(f"{name} from {start.isoformat()}" for name, start in dated)
    return f"Variant rates as verified upstream: {parts} (earlier variant history not modelled)."


def _has_text_prices(periods: list[dict[str, Any]], embedding: bool) -> bool:
    needed = ("input_per_mtok",) if embedding else ("input_per_mtok", "output_per_mtok")
    return all(all(key in p for key in needed) for p in periods)


def convert_model(spec: SyncSpec, model: Any, checked: date) -> tuple[str, dict[str, Any]] | None:
    """One genai `ModelInfo` as (canonical id, our fields), or None when we skip it."""
    embedding = "embed" in model.id.lower()
    periods = _history(model)
    if not _has_text_prices(periods, embedding):
        return None
    for period in periods:
        if embedding:
            period.setdefault("output_per_mtok", Decimal(0))
    model_id = canonical_id(spec.id, model.id, _equals_names(model.match))
    fields: dict[str, Any] = {"name": display_name(spec.id, model_id, model.name)}
    names = [model.id, *_match_names(model.match), f"{model_id}-latest"]
    fields["aliases"] = [n for n in dict.fromkeys(names) if _usable_alias(spec.id, n.lower())]
    if embedding:
        fields["kind"] = "embedding"
    encoding = _encoding(spec.id, model_id)
    if encoding:
        fields["encoding"] = encoding
    if model.context_window:
        fields["context_window"] = model.context_window
    if model.deprecated:
        fields["deprecated"] = True
    fields["checked"] = checked
    notes = " ".join(n for n in (model.price_comments or "", _variant_note(model)) if n)
    if notes:
        fields["notes"] = notes
    fields["prices"] = periods
    return model_id, fields


def convert_provider(spec: SyncSpec, genai_provider: Any, checked: date) -> ProviderDoc:
    """Convert one genai `Provider` into our document, with unique ids and aliases."""
    doc = ProviderDoc(spec.id, spec.name, spec.source or (genai_provider.pricing_urls or [""])[0])
    claimed: dict[str, str] = {}  # normalised name -> our id
    converted: list[tuple[str, Any, dict[str, Any]]] = []
    for model in genai_provider.models:
        if not spec.keep(model.id):
            continue
        result = convert_model(spec, model, checked)
        if result is None:
            continue
        model_id, fields = result
        if is_speech_model(model_id):
            doc.dropped.append(model_id)
            continue
        key = _norm(model_id)
        same = next((c for c in converted if _norm(c[0]) == key), None)
        if same is not None and same[2]["prices"] == fields["prices"]:
            same[2]["aliases"].extend(fields.get("aliases", []))  # one model, two upstream ids
            continue
        if key in claimed:
            model_id = _clean(model.id.lower().rsplit("/", 1)[-1])
            key = _norm(model_id)
            if key in claimed:
                raise SyncError(f"{spec.id}: two models want the id {model_id!r}; add a rename")
            fields["name"] = display_name(spec.id, model_id, model.name)
        claimed[key] = model_id
        converted.append((model_id, model, fields))
    converted = _split_products(spec, converted, claimed, doc.dropped)
    for model_id, model, fields in converted:  # ids first: an alias never shadows an id
        kept = []
        seen = {_norm(model_id)}
        for alias in fields["aliases"]:
            key = _norm(alias)
            if claimed.setdefault(key, model_id) == model_id and key not in seen:
                kept.append(alias)
                seen.add(key)
        fields["aliases"] = kept
        if not kept:
            del fields["aliases"]
        _merge_reviewed(f"{spec.id}/{model_id}", fields, checked)
        doc.models[model_id] = fields
        doc.origins[model_id] = model.id
    return doc


def _merge_reviewed(key: str, fields: dict[str, Any], checked: date) -> None:
    """Add the reviewed tables' facts: limits (`prices.limits`), retirement (`prices.lifecycle`)."""
    context_window, max_output = LIMITS.get(key, (None, None))
    if context_window is not None:
        fields["context_window"] = context_window
    if max_output is not None:
        fields["max_output_tokens"] = max_output
    if (lifecycle := LIFECYCLE.get(key)) is not None:
        fields["deprecated"] = True
        note = lifecycle_note(lifecycle, checked)
        fields["notes"] = f"{fields['notes']} {note}" if fields.get("notes") else note


# -- distinct products that upstream folds into another model ------------------------------------

#: A word that, following a model's id in one of its upstream names, names another product:
#: genai-prices matches `gpt-4o-mini-search-preview` as gpt-4o-mini and `gpt-5-chat-latest`,
#: `gpt-5-codex` as gpt-5 because they cost the same per token, but they are other models
#: (their own limits, tools and fees). Suffixes not listed here (`-preview`, `-beta`, `-high`,
#: `-0309-reasoning`) are spellings or modes of the same model and stay aliases.
PRODUCT_WORDS = frozenset(
    {"search", "chat", "codex", "audio", "realtime", "transcribe", "diarize", "tts", "image",
     "live", "vision", "embedding"}
)  # fmt: skip
_UNDATED = re.compile(r"-(?:latest|\d{4}-\d{2}-\d{2}|\d{8})$")


def products_in(
    model_id: str, upstream_name: str | None, names: Iterable[str]
) -> dict[str, list[str]]:
    """Upstream names of other products folded into a model, by the products' own ids.

    A name is another product when, undated, it is the model's id plus a `PRODUCT_WORDS`
    word, unless the model's own upstream name has that word (genai's `gpt-5.3` is
    "GPT-5.3 Chat": there `gpt-5.3-chat` is the model itself).
    """
    own = set(re.findall(r"[a-z]+", (upstream_name or "").lower()))
    prefixes = {model_id, model_id.replace(".", "-")}
    found: dict[str, list[str]] = {}
    for name in names:
        base = _UNDATED.sub("", name.lower())
        for prefix in prefixes:
            if base.startswith(prefix + "-"):
                rest = base[len(prefix) + 1 :]
                word = rest.split("-", 1)[0]
                if word in PRODUCT_WORDS and word not in own:
                    found.setdefault(f"{model_id}-{rest}", []).append(name)
                break
    return found


def _split_products(
    spec: SyncSpec,
    converted: list[tuple[str, Any, dict[str, Any]]],
    claimed: dict[str, str],
    dropped: list[str],
) -> list[tuple[str, Any, dict[str, Any]]]:
    """Each model followed by the distinct products upstream folded into it, as models of
    their own at the same rates (genai-prices, the cross-check's oracle, prices them so).
    Speech products are only taken out of the model's aliases and added to `dropped`."""
    out = []
    for model_id, model, fields in converted:
        out.append((model_id, model, fields))
        for product_id, names in products_in(model_id, model.name, fields["aliases"]).items():
            fields["aliases"] = [a for a in fields["aliases"] if a not in names]
            if _norm(product_id) in claimed:  # upstream also lists it as a model of its own
                continue
            if is_speech_model(product_id):
                dropped.append(product_id)
                continue
            claimed[_norm(product_id)] = product_id
            out.append((product_id, model, _product_fields(spec, product_id, names, fields, model)))
    return out


def _product_fields(
    spec: SyncSpec, product_id: str, names: list[str], parent: dict[str, Any], model: Any
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "name": display_name(spec.id, product_id),
        "aliases": [*names, f"{product_id}-latest"],
    }
    for key in ("kind", "deprecated", "checked"):
        if key in parent:
            fields[key] = parent[key]
    encoding = _encoding(spec.id, product_id)
    if encoding:
        fields["encoding"] = encoding
    fees = (
        " Tool calls (web searches) are billed apart and not modelled."
        if "search" in product_id
        else ""
    )
    fields["notes"] = (
        f"genai-prices matches {', '.join(names)} as {model.id}: rates (and any batch, flex "
        f"or priority rates) are that entry's. A distinct model, so listed apart, with its own "
        f"limits (prices/limits.py), not {model.id}'s.{fees}"
    )
    fields["prices"] = copy.deepcopy(parent["prices"])
    return fields


def _norm(name: str) -> str:
    """The catalog's lookup key (see `prices.catalog.normalize_name`)."""
    return re.sub(r"[\s\-_.]+", "", name.strip().lower())
