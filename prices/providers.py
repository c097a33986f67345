"""Who the providers are: read and validate `prices/data/providers.yaml`, the one owner of the
provider list, its preference order, name prefixes, display names, kinds and sync filters.

Everything else (the catalog's lookups, the sync, the runtime refresh, the bot's words for a
provider) asks this module; see docs/prices-api.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .compiled import cached
from .errors import CatalogError

__all__ = [
    "KINDS",
    "PROVIDERS_FILE",
    "IdFilter",
    "Provider",
    "ProviderRegistry",
    "load_providers",
    "registry",
]

PROVIDERS_FILE = "providers.yaml"
#: Provider kinds, in the order `cheapest` widens to them.
KINDS = ("first_party", "cloud", "host", "aggregator")
_FIELDS = {
    "id", "name", "kind", "prefixes", "upstream", "keep", "drop", "source", "fallback",
    "litellm", "hosted_ids",
}  # fmt: skip
_MATCHERS = ("starts_with", "contains", "ends_with")
_ID = re.compile(r"^[a-z][a-z0-9]*$")
_WORD = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


@dataclass(frozen=True, slots=True)
class IdFilter:
    """A match on lower-case upstream model ids: any listed prefix, substring or suffix."""

    starts_with: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    ends_with: tuple[str, ...] = ()

    def matches(self, model_id: str) -> bool:
        """Whether `model_id` (any case) matches one of the strings."""
        low = model_id.lower()
        return (
            low.startswith(self.starts_with)
            or any(part in low for part in self.contains)
            or low.endswith(self.ends_with)
        )


@dataclass(frozen=True, slots=True)
class Provider:
    """One provider we carry, as `providers.yaml` describes it."""

    id: str
    name: str
    kind: str
    """One of `KINDS`: first_party, cloud, host or aggregator."""
    prefixes: tuple[str, ...]
    upstream: str
    """genai-prices' provider id."""
    keep: IdFilter | None = None
    drop: IdFilter | None = None
    source: str | None = None
    fallback: str | None = None
    litellm: tuple[str, ...] = ()
    hosted_ids: bool = False

    @property
    def first_party(self) -> bool:
        """Whether this provider sells its own models (not a cloud, host or aggregator)."""
        return self.kind == "first_party"

    def syncs(self, upstream_model_id: str) -> bool:
        """Whether the sync (and the refresh) carries this upstream model."""
        if self.keep is not None and not self.keep.matches(upstream_model_id):
            return False
        return self.drop is None or not self.drop.matches(upstream_model_id)


class ProviderRegistry:
    """The validated provider list, in preference order, with its lookups."""

    def __init__(self, providers: Sequence[Provider], vendor_prefixes: Sequence[str] = ()) -> None:
        self.providers: tuple[Provider, ...] = tuple(providers)
        self.order: tuple[str, ...] = tuple(p.id for p in self.providers)
        """Provider ids in preference order."""
        self._by_id = {p.id: p for p in self.providers}
        self.prefixes: dict[str, str | None] = {w: None for w in vendor_prefixes}
        """Every prefix word -> the provider id it means (None: a vendor, not a provider)."""
        for provider in self.providers:
            for word in (provider.id, *provider.prefixes):
                self.prefixes[word] = provider.id

    def __iter__(self) -> Any:
        return iter(self.providers)

    def __len__(self) -> int:
        return len(self.providers)

    def get(self, provider_id: str) -> Provider | None:
        """The provider with this id, or None."""
        return self._by_id.get(provider_id)

    def resolve(self, word: str) -> str | None:
        """The provider id a word means (`claude` -> anthropic, `vertex_ai` -> vertex), or None."""
        return self.prefixes.get(word.strip().lower())

    def rank(self, provider_id: str) -> int:
        """Position in the preference order; unknown providers (an operator's) come last."""
        try:
            return self.order.index(provider_id)
        except ValueError:
            return len(self.order)

    def kind(self, provider_id: str) -> str:
        """The provider's kind; an unknown one (an operator's contract prices) is first-party."""
        provider = self._by_id.get(provider_id)
        return provider.kind if provider else "first_party"

    def name(self, provider_id: str) -> str:
        """The display name (`Azure OpenAI`), or the id for an unknown provider."""
        provider = self._by_id.get(provider_id)
        return provider.name if provider else provider_id

    def fallbacks(self) -> dict[str, str]:
        """Provider id -> the provider a prefixed name is looked up at when this one lacks it."""
        return {p.id: p.fallback for p in self.providers if p.fallback}


def _fail(file: str, entry: str | None, field: str | None, problem: str) -> CatalogError:
    return CatalogError(file, entry, field, problem)


def _words(file: str, entry: str, field: str, raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(w, str) and _WORD.match(w) for w in raw):
        raise _fail(file, entry, field, "must be a list of lower-case words")
    return tuple(raw)


def _filter(file: str, entry: str, field: str, raw: Any) -> IdFilter | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not raw or set(raw) - set(_MATCHERS):
        raise _fail(file, entry, field, f"must map {', '.join(_MATCHERS)} to lists of strings")
    parts: dict[str, tuple[str, ...]] = {}
    for key, values in raw.items():
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise _fail(file, entry, f"{field}.{key}", "must be a list of strings")
        parts[key] = tuple(v.lower() for v in values)
    return IdFilter(**parts)


def _parse_entry(file: str, index: int, raw: Any) -> Provider:
    entry = f"providers[{index}]"
    if not isinstance(raw, Mapping):
        raise _fail(file, entry, None, "must be a mapping of fields")
    pid = raw.get("id")
    if not isinstance(pid, str) or not _ID.match(pid):
        raise _fail(file, entry, "id", "must be a lower-case provider id (letters, digits)")
    if unknown := sorted(set(raw) - _FIELDS):
        raise _fail(file, pid, unknown[0], "is not a known field")
    for field in ("name", "upstream"):
        if not isinstance(raw.get(field), str) or not raw[field].strip():
            raise _fail(file, pid, field, "is required (a non-empty string)")
    if raw.get("kind") not in KINDS:
        raise _fail(file, pid, "kind", f"must be one of {', '.join(KINDS)}")
    source = raw.get("source")
    if source is not None and not (isinstance(source, str) and source.startswith("https://")):
        raise _fail(file, pid, "source", "must be an https:// URL")
    fallback = raw.get("fallback")
    if fallback is not None and not isinstance(fallback, str):
        raise _fail(file, pid, "fallback", "must be a provider id")
    hosted = raw.get("hosted_ids", False)
    if not isinstance(hosted, bool):
        raise _fail(file, pid, "hosted_ids", "must be true or false")
    return Provider(
        id=pid,
        name=raw["name"].strip(),
        kind=raw["kind"],
        prefixes=_words(file, pid, "prefixes", raw.get("prefixes")),
        upstream=raw["upstream"].strip(),
        keep=_filter(file, pid, "keep", raw.get("keep")),
        drop=_filter(file, pid, "drop", raw.get("drop")),
        source=source,
        fallback=fallback,
        litellm=_words(file, pid, "litellm", raw.get("litellm")),
        hosted_ids=hosted,
    )


def parse_providers(file: str, doc: Any) -> ProviderRegistry:
    """Validate a providers document; every error names the file, the entry and the field."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("providers"), list):
        raise _fail(file, None, "providers", "must be a list of provider entries")
    if unknown := sorted(set(doc) - {"providers", "vendor_prefixes"}):
        raise _fail(file, None, unknown[0], "is not a known field")
    providers = [_parse_entry(file, i, raw) for i, raw in enumerate(doc["providers"])]
    if not providers:
        raise _fail(file, None, "providers", "lists no provider")
    seen: dict[str, str] = {}
    ids = {p.id for p in providers}
    for provider in providers:
        for word in (provider.id, *provider.prefixes):
            owner = seen.setdefault(word, provider.id)
            if owner != provider.id:
                raise _fail(file, provider.id, "prefixes", f"{word!r} already means {owner}")
        if provider.fallback is not None and provider.fallback not in ids - {provider.id}:
            raise _fail(file, provider.id, "fallback", "must name another listed provider")
    vendors = _words(file, "vendor_prefixes", "vendor_prefixes", doc.get("vendor_prefixes"))
    if clash := sorted(set(vendors) & set(seen)):
        raise _fail(file, "vendor_prefixes", None, f"{clash[0]!r} already means {seen[clash[0]]}")
    return ProviderRegistry(providers, vendors)


def load_providers(path: Path) -> ProviderRegistry:
    """Read and validate a providers file."""
    from .yaml_io import read_yaml  # PyYAML only when the compiled registry is stale

    return parse_providers(path.name, read_yaml(path))


@cache
def registry() -> ProviderRegistry:
    """The bundled provider registry (`prices/data/providers.yaml`), read once per process
    (and compiled while the file is unchanged, see `prices.compiled`)."""
    path = Path(__file__).parent / "data" / PROVIDERS_FILE
    return cached("providers", [path], lambda: load_providers(path))
