"""Convert genai-prices' data (published JSON shape) into our provider documents (pure).

Used by `prices.sync` (the package's objects, through `prices.upstream.to_raw`) and by the
runtime refresh (the fetched JSON, through `prices.upstream.parse_payload`): one conversion for
both. Which upstream models a provider carries is data: `keep` and `drop` in
`prices/data/providers.yaml`. Skipped: models with no text-token prices (audio-only,
image-only, OCR, voice, transcription and TTS models billed per hour, character or page) and
free entries with no prices. Dropped, and named in the generated file's header: speech, voice,
realtime, TTS and transcription models that upstream prices per text token (`nova-sonic`,
`gpt-realtime`, `gemini-2.5-flash-tts`, ...), because the catalog's kinds are `chat` and
`embedding` and such a model is neither: listed as chat, it would be offered by `cheapest` and
as a cheaper alternative for text requests it does not serve.

genai-prices' `google` provider also sells partner models through Vertex AI (Claude): those
become provider `vertex`, so that `google` means Gemini and Gemma only, `vertex/claude-...`
names the Vertex AI offer, and a bare `claude-...` still means Anthropic's.

Display names come from `prices.sync_names`. Context windows and output limits from vendors'
model pages are merged from `prices.limits`, and retirement dates from vendors' deprecation
pages from `prices.lifecycle`; `prices.litellm_facts` adds LiteLLM's at sync time.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import PricesError
from .lifecycle import LIFECYCLE, lifecycle_note
from .limits import LIMITS
from .providers import Provider, registry
from .sync_names import display_name

__all__ = [
    "DROPPED_REASON", "ProviderDoc", "SyncError", "convert_provider", "is_speech_model",
    "synced_providers",
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


class SyncError(PricesError):
    """The upstream data has a shape the sync does not know how to convert."""


def synced_providers() -> tuple[Provider, ...]:
    """The providers the sync and the refresh produce, in preference order."""
    return registry().providers


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
    # Titan Embeddings G1 and V2 would both be `titan-embed-text`; DeepSeek-R1 would be `r1`.
    ("bedrock", "amazon.titan-embed-text-v1"): "titan-embed-text-v1",
    ("bedrock", "amazon.titan-embed-text-v2:0"): "titan-embed-text-v2",
    ("bedrock", "deepseek.r1-v1:0"): "deepseek-r1",
    # Azure lists o3 only under its dated id; the undated name is what deployments are called.
    ("azure", "o3-2025-04-16"): "o3",
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
    dropped: list[str] = field(default_factory=list)
    """Ids left out as speech models (`is_speech_model`), named in the file's header."""


def canonical_id(provider: str, genai_id: str, equals: Iterable[str]) -> str:
    """The name a user types for a genai-prices model: undated, no `-latest`, no `-0`."""
    if (provider, genai_id) in RENAMES:
        return RENAMES[(provider, genai_id)]
    low = genai_id.lower()
    spec = registry().get(provider)
    if spec is not None and spec.hosted_ids:
        return _hosted_id(low)
    names = {e.lower() for e in equals}
    if low.endswith("-latest"):
        low = low.removesuffix("-latest")
    for pattern in (r"-0$", r"-\d{4}$"):  # claude-opus-4-0, grok-4-0709: when undated is a name
        shorter = re.sub(pattern, "", low)
        if shorter != low and shorter in names:
            low = shorter
    return _clean(low)


#: A cloud's region or endpoint prefix (`global.anthropic.claude-...` on Bedrock).
_REGION = re.compile(r"^(?:global|regional|us|eu|apac)\.")
#: A vendor written before a dot (`amazon.nova-pro-v1:0`, `meta.llama3-70b`, `qwen.qwen3-32b`).
_DOTTED_VENDOR = re.compile(r"^[a-z][a-z0-9]*\.(?=[a-z])")
#: Version and revision suffixes of hosted ids: `-v1:0`, `-v2`, `:0`, `-1:0`.
_REVISION = re.compile(r"(?:-v\d+(?::\d+)?|-\d+:\d+|:\d+)$")


def _hosted_id(low: str) -> str:
    """A hosted model's id as said: no vendor path or platform prefix, no revision suffix, no
    date on a Claude id; Llama ids in Meta's spelling. A regional (premium) endpoint keeps
    `-regional`. `meta.llama3-3-70b-instruct-v1:0` -> llama-3.3-70b,
    `meta-llama/Llama-4-Scout-17B-16E-Instruct` -> llama-4-scout,
    `global.anthropic.claude-sonnet-4-5-20250929-v1:0` -> claude-sonnet-4-5."""
    regional = low.startswith("regional.")
    name = _REGION.sub("", low).rsplit("/", 1)[-1]
    name = _DOTTED_VENDOR.sub("", name)
    name = _REVISION.sub("", name).removesuffix("-latest")
    name = re.sub(r"^meta-llama", "llama", name)
    if name.startswith("claude-"):
        name = re.sub(r"-\d{8}$", "", name)
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
    name = _clean(name)
    return f"{name}-regional" if regional else name


def _clean(name: str) -> str:
    return re.sub(r"[:/]+", "-", name.lower()).strip("-.")


def _match_names(clause: Any) -> list[str]:
    """The `equals` and `starts_with` values of a genai match clause tree, in order.

    A `starts_with` value that ends in a bare year (`claude-sonnet-4-2025`) is a prefix of
    dated ids, not a name, and is left out; the catalog strips date suffixes itself.
    """
    if not isinstance(clause, Mapping):
        return []
    found: list[str] = []
    for attr in ("or", "and"):
        for sub in clause.get(attr) or ():
            found.extend(_match_names(sub))
    if isinstance(value := clause.get("equals"), str):
        found.append(value)
    value = clause.get("starts_with")
    if isinstance(value, str) and not re.search(r"-20\d\d$", value):
        found.append(value)
    return found


def _equals_names(clause: Any) -> list[str]:
    if not isinstance(clause, Mapping):
        return []
    found = [v for sub in clause.get("or") or () for v in _equals_names(sub)]
    value = clause.get("equals")
    return [*found, value] if isinstance(value, str) else found


def _usable_alias(provider: str, name: str) -> bool:
    """Skip fragments (`claude-sonnet-4@`, `gpt-5-nano-`) and names that carry
    another provider's prefix (Vertex's `anthropic/claude-sonnet-4` must not shadow Anthropic's)."""
    prefix, slash, _ = name.partition("/")
    if slash and registry().prefixes.get(prefix, provider) not in (provider, None):
        return False
    return bool(re.fullmatch(r"[a-z0-9][a-z0-9._/:-]*[a-z0-9]", name))


def _encoding(provider: str, model_id: str) -> str | None:
    if provider not in ("openai", "azure"):
        return None
    if re.match(r"^(ft-)?(gpt-4o|gpt-4\.1|gpt-4\.5|o1|o3|o4|gpt-5|gpt-6|chatgpt-4o)", model_id):
        return "o200k_base"
    if re.match(r"^(ft-)?gpt-(4|3\.5)(?![.o0-9])|^text-embedding-(3|ada)", model_id):
        return "cl100k_base"
    return None


def _decimal(where: str, value: Any) -> Decimal:
    """A rate from upstream data: a JSON number, a Decimal or a numeric string."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise SyncError(f"{where}: {value!r} is not a price")
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise SyncError(f"{where}: {value!r} is not a price") from exc


def _rates(where: str, model_price: Any) -> dict[str, Any]:
    """Our rate fields and tiers for one genai price mapping."""
    if not isinstance(model_price, Mapping):
        raise SyncError(f"{where}: prices must be a mapping, not {model_price!r}")
    out: dict[str, Any] = {}
    tiered: dict[str, tuple[Decimal, list[tuple[int, Decimal]]]] = {}
    for genai_key, ours in PRICE_KEYS.items():
        value = model_price.get(genai_key)
        if value is None:
            continue
        if isinstance(value, Mapping):
            steps = value.get("tiers")
            if not isinstance(steps, list) or not all(
                isinstance(t, Mapping) and isinstance(t.get("start"), int) for t in steps
            ):
                raise SyncError(f"{where}.{genai_key}: tiers must be a list of start/price")
            base = _decimal(f"{where}.{genai_key}.base", value.get("base"))
            tiered[ours] = (
                base,
                sorted(
                    (t["start"], _decimal(f"{where}.{genai_key}", t.get("price"))) for t in steps
                ),
            )
            out[ours] = base
        else:
            out[ours] = _decimal(f"{where}.{genai_key}", value)
    if tiered:
        out["tiers"] = _tiers(tiered)
    return out


def _tiers(tiered: dict[str, tuple[Decimal, list[tuple[int, Decimal]]]]) -> list[dict[str, Any]]:
    """Group genai's per-key tiers by threshold; each tier carries every tiered key's rate."""
    bounds: dict[int, bool] = {}
    for _base, steps in tiered.values():
        for start, _price in steps:
            # genai bills a tier when input_tokens > start; start 199999 is the vendor's
            # inclusive 200000 boundary (pydantic/genai-prices#711).
            if str(start).endswith("999"):
                bounds[start + 1] = True
            else:
                bounds[start] = False
    out = []
    for threshold in sorted(bounds):
        inclusive = bounds[threshold]
        limit = threshold - 1 if inclusive else threshold
        tier: dict[str, Any] = {"threshold_input_tokens": threshold, "inclusive": inclusive}
        for key, (base, steps) in tiered.items():
            rate = base
            for start, price in steps:
                if start <= limit:
                    rate = price
            tier[key] = rate
        out.append(tier)
    return out


def _constraint(where: str, raw: Any) -> tuple[str, Any]:
    """A price constraint as (`date`, day) or (`window`, (start, end)), or (`none`, None)."""
    if raw is None:
        return "none", None
    if isinstance(raw, Mapping) and set(raw) == {"start_date"}:
        value = raw["start_date"]
        try:
            return "date", value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError as exc:
            raise SyncError(f"{where}: start_date {value!r} is not a date") from exc
    if isinstance(raw, Mapping) and set(raw) == {"start_time", "end_time"}:
        return "window", (_utc_time(where, raw["start_time"]), _utc_time(where, raw["end_time"]))
    raise SyncError(f"{where}: unknown price constraint {raw!r}")


def _utc_time(where: str, value: Any) -> time:
    if isinstance(value, time):
        parsed = value
    else:
        try:
            parsed = time.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError as exc:
            raise SyncError(f"{where}: {value!r} is not a time of day") from exc
    if parsed.tzinfo is not None:
        parsed = datetime.combine(date(1970, 1, 1), parsed).astimezone(UTC).time()
    return parsed.replace(tzinfo=None)


def _variants(
    model: Mapping[str, Any],
) -> list[tuple[tuple[str, str], str, Any, Mapping[str, Any]]]:
    """The request-context variants we carry: (when, its first key/value as a tuple),
    constraint kind, constraint value, price mapping. Other variants (fast mode) are ignored."""
    out = []
    for i, variant in enumerate(model.get("price_variants") or ()):
        where = f"{model['id']}.price_variants[{i}]"
        when = variant.get("when") if isinstance(variant, Mapping) else None
        if not isinstance(when, Mapping) or len(when) != 1:
            continue
        key = next(iter(when.items()))
        if key not in VARIANTS:
            continue
        kind, value = _constraint(where, variant.get("constraint"))
        if kind == "window":
            raise SyncError(f"{where}: variant constraint is not a date")
        prices = variant.get("prices")
        if not isinstance(prices, Mapping):
            raise SyncError(f"{where}: prices must be a mapping")
        out.append((key, kind, value, prices))
    return out


def _variant_rates(
    model: Mapping[str, Any], key: tuple[str, str], at: datetime
) -> dict[str, Any] | None:
    """The partial rates of one request-context variant in force at `at`, first match per key."""
    merged: dict[str, Any] = {}
    found = False
    for when, kind, start, prices in _variants(model):
        if when != key or (kind == "date" and at.date() < start):
            continue
        found = True
        for genai_key, value in prices.items():
            if value is not None and genai_key in PRICE_KEYS:
                merged.setdefault(genai_key, value)
    if not found or not merged:
        return None
    return _rates(str(model["id"]), merged)


def _history(model: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Price periods, oldest first, each with the variants in force at its end."""
    raw = model.get("prices")
    where = str(model["id"])
    if isinstance(raw, list):
        if not raw or not all(isinstance(c, Mapping) for c in raw):
            raise SyncError(f"{where}: prices must be a non-empty list of conditional prices")
        entries = [(_constraint(where, c.get("constraint")), c.get("prices")) for c in raw]
    else:
        entries = [(("none", None), raw)]
    starts = sorted(value for (kind, value), _ in entries if kind == "date")
    periods = []
    for (kind, value), model_price in entries:
        period: dict[str, Any] = {}
        at = _FAR_FUTURE
        if kind == "date":
            period["from"] = value
            later = [s for s in starts if s > value]
            if later:
                at = datetime.combine(later[0] - timedelta(days=1), time(12), UTC)
        elif kind == "window":
            period["window"] = {
                "start": value[0].strftime("%H:%M"),
                "end": value[1].strftime("%H:%M"),
            }
        elif starts:
            at = datetime.combine(starts[0] - timedelta(days=1), time(12), UTC)
        period.update(_rates(where, model_price))
        for key, name in VARIANTS.items():
            rates = _variant_rates(model, key, at)
            if rates is not None:
                period[name] = rates
        periods.append(period)
    return periods


def _variant_note(model: Mapping[str, Any]) -> str:
    dated = sorted(
        {(VARIANTS[when], start) for when, kind, start, _ in _variants(model) if kind == "date"}
    )
    if not dated:
        return ""
    parts = ", ".join(f"{name} from {start.isoformat()}" for name, start in dated)
    return f"Variant rates as verified upstream: {parts} (earlier variant history not modelled)."


def _fees(model: Mapping[str, Any]) -> str:
    """A sentence on a per-request fee, which the catalog's token prices do not include."""
    raw = model.get("prices")
    mappings = [c.get("prices") for c in raw] if isinstance(raw, list) else [raw]
    fees = {
        m["requests_kcount"]
        for m in mappings
        if isinstance(m, Mapping) and m.get("requests_kcount") is not None
    }
    if not fees:
        return ""
    fee = max(_decimal(str(model["id"]), f) for f in fees)
    return f"Plus ${format(fee.normalize(), 'f')} per 1,000 requests, billed apart (not modelled)."


def _has_text_prices(periods: list[dict[str, Any]], embedding: bool) -> bool:
    needed = ("input_per_mtok",) if embedding else ("input_per_mtok", "output_per_mtok")
    return all(all(key in p for key in needed) for p in periods)


def convert_model(
    spec: Provider, model: Mapping[str, Any], checked: date
) -> tuple[str, dict[str, Any]] | None:
    """One upstream model as (canonical id, our fields), or None when we skip it."""
    upstream_id = str(model["id"])
    embedding = "embed" in upstream_id.lower()
    periods = _history(model)
    if not _has_text_prices(periods, embedding):
        return None
    for period in periods:
        if embedding:
            period.setdefault("output_per_mtok", Decimal(0))
    match = model.get("match")
    model_id = canonical_id(spec.id, upstream_id, _equals_names(match))
    upstream_name = model.get("name") if isinstance(model.get("name"), str) else None
    fields: dict[str, Any] = {"name": display_name(spec.id, model_id, upstream_name)}
    names = [upstream_id, *_match_names(match), f"{model_id}-latest"]
    fields["aliases"] = [n for n in dict.fromkeys(names) if _usable_alias(spec.id, n.lower())]
    if embedding:
        fields["kind"] = "embedding"
    encoding = _encoding(spec.id, model_id)
    if encoding:
        fields["encoding"] = encoding
    window = model.get("context_window")
    if isinstance(window, int) and not isinstance(window, bool) and window > 0:
        fields["context_window"] = window
    if model.get("deprecated") is True:
        fields["deprecated"] = True
    fields["checked"] = checked
    comments = model.get("price_comments")
    notes = " ".join(
        n
        for n in (comments if isinstance(comments, str) else "", _variant_note(model), _fees(model))
        if n
    )
    if notes:
        fields["notes"] = notes
    fields["prices"] = periods
    return model_id, fields


def convert_provider(spec: Provider, upstream: Mapping[str, Any], checked: date) -> ProviderDoc:
    """Convert one upstream provider (published shape) into our document, with unique ids
    and aliases."""
    urls = upstream.get("pricing_urls") or [""]
    doc = ProviderDoc(spec.id, spec.name, spec.source or str(urls[0]))
    claimed: dict[str, str] = {}  # normalised name -> our id
    converted: list[tuple[str, Mapping[str, Any], dict[str, Any]]] = []
    for model in upstream.get("models") or ():
        upstream_id = str(model["id"])
        if not spec.syncs(upstream_id):
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
        if key in claimed:  # upstream's own id, then with its vendor path (`qwen-qwen3-32b`)
            low = upstream_id.lower()
            model_id = next(
                (
                    c
                    for c in (_clean(low.rsplit("/", 1)[-1]), _clean(low))
                    if _norm(c) not in claimed
                ),
                "",
            )
            if not model_id:
                raise SyncError(f"{spec.id}: two models want the id {_clean(low)!r}; add a rename")
            key = _norm(model_id)
            fields["name"] = display_name(spec.id, model_id, model.get("name"))
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
        doc.origins[model_id] = str(model["id"])
    return doc


def convert_all(
    upstream: list[dict[str, Any]], checked: date, providers: Iterable[Provider] | None = None
) -> list[ProviderDoc]:
    """Every provider we carry (default: `prices/data/providers.yaml`), converted from upstream
    data in the published shape; raises `SyncError` when a provider is missing or a shape is
    unknown."""
    by_id = {str(p.get("id")): p for p in upstream}
    docs = []
    for spec in synced_providers() if providers is None else providers:
        if spec.upstream not in by_id:
            raise SyncError(f"genai-prices has no provider {spec.upstream!r} (for {spec.id})")
        docs.append(convert_provider(spec, by_id[spec.upstream], checked))
    _drop_borrowed_dates(docs)
    return docs


_DATED = re.compile(r"-(?:\d{4}-\d{2}-\d{2}|\d{8})$")


def _drop_borrowed_dates(docs: list[ProviderDoc]) -> None:
    """Take from resellers' models the vendor's dated ids they match (Bedrock's regional
    Claude Sonnet 4 matches `claude-sonnet-4-20250514`): a bare dated id means the vendor's
    own model, which the catalog finds by stripping the date. Platform spellings
    (`claude-sonnet-4@20250514`, `anthropic.claude-...`) stay."""
    first_party = {
        _norm(name)
        for doc in docs
        if (spec := registry().get(doc.provider)) is not None and spec.first_party
        for model_id, fields in doc.models.items()
        for name in (model_id, *fields.get("aliases", ()))
    }
    for doc in docs:
        spec = registry().get(doc.provider)
        if spec is None or spec.first_party:
            continue
        for fields in doc.models.values():
            aliases = fields.get("aliases")
            if not aliases:
                continue
            kept = [
                a
                for a in aliases
                if re.search(r"[@/.:]", a)
                or _norm(a) in first_party
                or _norm(_DATED.sub("", a)) not in first_party
            ]
            if kept:
                fields["aliases"] = kept
            else:
                del fields["aliases"]


def _merge_reviewed(key: str, fields: dict[str, Any], checked: date) -> None:
    """Add the reviewed tables' facts: limits (`prices.limits`), retirement (`prices.lifecycle`)."""
    context_window, max_output = LIMITS.get(key, (None, None))
    if context_window is not None:
        fields["context_window"] = context_window
    if max_output is not None:
        fields["max_output_tokens"] = max_output
    if (lifecycle := LIFECYCLE.get(key)) is not None:
        fields["deprecated"] = True
        if lifecycle.shutdown is not None:
            fields["retires_on"] = lifecycle.shutdown
        if lifecycle.replacement is not None:
            fields["replacement"] = lifecycle.replacement
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
    spec: Provider,
    converted: list[tuple[str, Mapping[str, Any], dict[str, Any]]],
    claimed: dict[str, str],
    dropped: list[str],
) -> list[tuple[str, Mapping[str, Any], dict[str, Any]]]:
    """Each model followed by the distinct products upstream folded into it, as models of
    their own at the same rates (genai-prices, the cross-check's oracle, prices them so).
    Speech products are only taken out of the model's aliases and added to `dropped`."""
    out = []
    for model_id, model, fields in converted:
        out.append((model_id, model, fields))
        for product_id, names in products_in(
            model_id, model.get("name"), fields["aliases"]
        ).items():
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
    spec: Provider,
    product_id: str,
    names: list[str],
    parent: dict[str, Any],
    model: Mapping[str, Any],
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
        f"genai-prices matches {', '.join(names)} as {model['id']}: rates (and any batch, flex "
        f"or priority rates) are that entry's. A distinct model, so listed apart, with its own "
        f"limits (prices/limits.py), not {model['id']}'s.{fees}"
    )
    fields["prices"] = copy.deepcopy(parent["prices"])
    return fields


def _norm(name: str) -> str:
    """The catalog's lookup key (see `prices.catalog.normalize_name`)."""
    return re.sub(r"[\s\-_.]+", "", name.strip().lower())
