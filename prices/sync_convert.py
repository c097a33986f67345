"""Convert genai-prices' provider records into our YAML documents (pure; used by `prices.sync`).

genai-prices is a dev dependency: nothing here imports it at module level, the caller passes
its `Provider` objects in. Skipped: models with no text-token prices (audio-only, image-only,
OCR, voice, transcription and TTS models billed per hour, character or page), free entries
with no prices, and models outside our scope on the hosting providers (Groq and Together:
Meta Llama only; Bedrock: Meta Llama and Amazon Nova only).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from .catalog import PROVIDER_PREFIXES

__all__ = ["PROVIDERS", "ProviderDoc", "SyncError", "SyncSpec", "convert_provider"]

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


class SyncError(Exception):
    """The upstream data has a shape the sync does not know how to convert."""


@dataclass(frozen=True)
class SyncSpec:
    """One of our providers: where it comes from in genai-prices and which models we keep."""

    id: str
    name: str
    genai_id: str
    keep: Callable[[str], bool] = lambda _model_id: True


def _is_llama(model_id: str) -> bool:
    low = model_id.lower()
    return low.startswith(("llama", "meta-llama/", "meta.llama", "codellama/"))


def _is_llama_or_nova(model_id: str) -> bool:
    return _is_llama(model_id) or "amazon.nova" in model_id.lower()


PROVIDERS: tuple[SyncSpec, ...] = (
    SyncSpec("openai", "OpenAI", "openai"),
    SyncSpec("anthropic", "Anthropic", "anthropic"),
    SyncSpec("google", "Google", "google"),
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
    ("google", "claude-4-opus"): "claude-opus-4",
    ("google", "claude-4-sonnet"): "claude-sonnet-4",
    # `ministral-8b` is taken by the `-latest` alias (Ministral 3 8B); this is Ministral 8B 24.10.
    ("mistral", "ministral-8b"): "ministral-8b-2410",
    ("openai", "gpt-4o-mini-2024-07-18.ft-"): "ft-gpt-4o-mini-2024-07-18",
    ("groq", "llama-3.3-70b-specdec"): "llama-3.3-70b-specdec",
    ("together", "meta-llama/Llama-3-70b-chat-hf"): "llama-3-70b-chat",
    ("together", "meta-llama/Llama-3-8b-chat-hf"): "llama-3-8b-chat",
    ("bedrock", "regional.amazon.nova-2-lite-v1:0"): "nova-2-lite-regional",
}
_LLAMA_DROP = {"instruct", "chat", "hf", "versatile", "instant", "text", "preview", "turbo", "fp8"}


@dataclass
class ProviderDoc:
    """One generated provider file: its models by canonical id, and where each came from."""

    provider: str
    name: str
    source: str
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    """Our model id -> the genai-prices model id it was converted from."""


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
    fields: dict[str, Any] = {}
    if model.name:
        fields["name"] = model.name
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
    doc = ProviderDoc(spec.id, spec.name, (genai_provider.pricing_urls or [""])[0])
    claimed: dict[str, str] = {}  # normalised name -> our id
    converted: list[tuple[str, str, dict[str, Any]]] = []
    for model in genai_provider.models:
        if not spec.keep(model.id):
            continue
        result = convert_model(spec, model, checked)
        if result is None:
            continue
        model_id, fields = result
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
        claimed[key] = model_id
        converted.append((model_id, model.id, fields))
    for model_id, genai_id, fields in converted:  # ids first: an alias never shadows an id
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
        doc.models[model_id] = fields
        doc.origins[model_id] = genai_id
    return doc


def _norm(name: str) -> str:
    """The catalog's lookup key (see `prices.catalog.normalize_name`)."""
    return re.sub(r"[\s\-_.]+", "", name.strip().lower())
