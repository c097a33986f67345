"""Load the price data once, validate it whole, and look models up by any name people use."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from .compiled import cached
from .errors import CatalogError, UnknownModel
from .models import Model
from .price_docs import apply_overrides, read_price_docs, read_yaml
from .providers import PROVIDERS_FILE, Provider, ProviderRegistry
from .providers import registry as default_registry
from .schema import parse_provider

__all__ = [
    "DATA_DIR", "Catalog", "default_catalog", "is_classifier", "load_catalog", "normalize_name",
    "read_yaml",
]  # fmt: skip

DATA_DIR = Path(__file__).parent / "data"
OVERRIDES_FILE = "overrides.yaml"
#: Files in the data folder that are not provider price files.
NOT_PRICE_FILES = frozenset({OVERRIDES_FILE, PROVIDERS_FILE})

# Kept for callers written before `prices/data/providers.yaml` (the bot's lexer): read-only
# views of the registry. New code asks the catalog (`Catalog.registry`, `provider_order`,
# `resolve_provider`).
#: Provider ids in preference order: the bare id of a model several providers serve means the
#: first of these; `together/llama-3.3-70b` picks another.
PROVIDER_PREFERENCE: tuple[str, ...] = default_registry().order
#: Prefix words people and tools put before model ids, by the provider they mean (None: a
#: vendor such as `meta-llama`, not a provider).
PROVIDER_PREFIXES: Mapping[str, str | None] = default_registry().prefixes
#: A prefixed name its provider lacks is looked up once at this other provider
#: (`vertex/gemini-2.5-pro` is google's, `azure/gpt-4o` is openai's).
PROVIDER_FALLBACK: Mapping[str, str] = default_registry().fallbacks()

_DATE_SUFFIX = re.compile(
    r"(?:[-@_](?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4})|-latest|-v\d+(?::\d+)?|-preview)$"
)


_NAME_PUNCTUATION = re.compile(r"[\s\-_.]+")
_MISSING = object()
_FOUND_CACHE_SIZE = 4096


#: Safety and moderation classifiers (`llama-guard-4-12b`, `gpt-oss-safeguard-20b`,
#: `gpt-jt-moderation-6b`): priced as chat models, but they label text rather than answer it.
_CLASSIFIER = re.compile(r"(?:^|[-_.])(?:guard|safeguard|moderation)(?:[-_.]|$)")


def is_classifier(model_id: str) -> bool:
    """Whether a model id names a safety or moderation classifier: never suggested as a
    cheaper or cheapest model (it can still be priced by name)."""
    return _CLASSIFIER.search(model_id.lower()) is not None


def normalize_name(name: str) -> str:
    """The lookup key of a name: lower case, with spaces, dashes, dots and underscores removed."""
    return _NAME_PUNCTUATION.sub("", name.lower())


class Catalog:
    """Every model we price, indexed by id, alias and spelling. Build it with `load_catalog`."""

    def __init__(
        self,
        models: Iterable[Model],
        overridden: Iterable[str] = (),
        registry: ProviderRegistry | None = None,
    ) -> None:
        self.registry: ProviderRegistry = registry or default_registry()
        """Who the providers are: order, prefixes, kinds, names (`prices/data/providers.yaml`)."""
        self._prefixes = self.registry.prefixes
        self._fallback = self.registry.fallbacks()
        rank = self.registry.rank
        ordered = sorted(models, key=lambda m: (rank(m.provider), m.provider, m.id))
        self.models: tuple[Model, ...] = tuple(sorted(ordered, key=lambda m: (m.provider, m.id)))
        self.overridden: frozenset[str] = frozenset(overridden)
        """Keys (`provider/id`) whose data comes from overrides, not the synced files."""
        self._by_key: dict[str, Model] = {}
        self._index: dict[str, Model] = {}
        for model in ordered:
            if model.key in self._by_key:
                raise CatalogError(model.provider, model.id, "id", "is defined twice")
            self._by_key[model.key] = model
        # A bare name means the vendor's own model: first-party ids, then their aliases, then
        # resellers' (clouds, hosts, aggregators) ids and aliases; ids before aliases, so an
        # alias never shadows another model's id of the same standing.
        for group in (
            [m for m in ordered if m.first_party],
            [m for m in ordered if not m.first_party],
        ):
            for model in group:
                self._index.setdefault(normalize_name(model.id), model)
            for model in group:
                for alias in model.aliases:
                    owner = self._index.setdefault(normalize_name(alias), model)
                    if owner.provider == model.provider and owner.id != model.id:
                        raise CatalogError(
                            model.provider,
                            model.id,
                            "aliases",
                            f"{alias!r} already names {owner.id}",
                        )
        self._keys = sorted(self._index)
        self._found: dict[str, Model | None] = {}
        self.as_of: date = max((m.checked for m in self.models), default=date.min)
        """The newest date any price was checked."""
        self.largest_context_window: int | None = max(
            (m.context_window for m in self.models if m.context_window), default=None
        )
        """The largest context window of any model: no request can be bigger than this."""

    def __len__(self) -> int:
        return len(self.models)

    def providers(self) -> tuple[str, ...]:
        """Provider ids, sorted."""
        return tuple(sorted({m.provider for m in self.models}))

    def by_provider(self, provider: str) -> tuple[Model, ...]:
        """The models of one provider (any spelling of the provider's name)."""
        wanted = self._prefixes.get(provider.lower().strip(), provider.lower().strip())
        return tuple(m for m in self.models if m.provider == wanted)

    @property
    def provider_order(self) -> tuple[str, ...]:
        """Provider ids in preference order (the registry's, then any others, sorted)."""
        known = self.registry.order
        return (*known, *sorted(set(self.providers()) - set(known)))

    def resolve_provider(self, word: str) -> str | None:
        """The provider id a word means (`claude` -> anthropic, `aws` -> bedrock), or None
        for a word that is no provider name (vendor words such as `meta-llama` included)."""
        return self._prefixes.get(word.strip().lower())

    def provider_info(self, provider: str) -> Provider | None:
        """The registry entry for a provider id or prefix word, or None."""
        resolved = self.resolve_provider(provider) or provider.strip().lower()
        return self.registry.get(resolved)

    def provider_name(self, provider: str) -> str:
        """A provider's display name (`Azure OpenAI`); the id for providers not in the registry."""
        return self.registry.name(self.resolve_provider(provider) or provider)

    def candidates(
        self,
        *,
        on: date | None = None,
        kind: str | None = "chat",
        provider: str | None = None,
        widen: bool = False,
    ) -> tuple[Model, ...]:
        """The models worth suggesting (`cheapest`, cheaper alternatives): not deprecated, not
        retired on `on` (default today, UTC), of `kind` (None: any). By default only
        first-party models (the vendors' own APIs), unless `provider` names one or `widen`
        adds the clouds, hosts and aggregators."""
        pool = self.by_provider(provider) if provider else self.models
        return tuple(
            m
            for m in pool
            if (kind is None or m.kind == kind)
            and m.suggestable(on)
            and (widen or provider is not None or m.first_party)
            and not is_classifier(m.id)
        )

    def retired(self, on: date | None = None) -> tuple[Model, ...]:
        """Models whose provider has shut them down by `on` (default today, UTC)."""
        return tuple(m for m in self.models if m.retired(on))

    def by_key(self, key: str) -> Model | None:
        """The model with exactly this `provider/id`, or None (no spelling rules)."""
        return self._by_key.get(key)

    def find(self, name: str) -> Model | None:
        """The model a name means, or None."""
        cached = self._found.get(name, _MISSING)
        if cached is not _MISSING:
            return cached  # type: ignore[return-value]  # _MISSING is excluded just above
        found = self._find(name, fallback=True)
        if len(self._found) < _FOUND_CACHE_SIZE:  # bounded: names come from users
            self._found[name] = found
        return found

    def _find(self, name: str, fallback: bool) -> Model | None:
        text = name.strip().lower()
        if not text or len(text) > 120:
            return None
        found = self._index.get(normalize_name(text))
        prefix = text.partition("/")[0] if "/" in text else ""
        if found is not None and self._prefixes.get(prefix, found.provider) in (
            found.provider,
            None,
        ):  # an alias that happens to contain `anthropic/` must not beat the provider route
            return found
        provider: str | None = None
        bases = []  # exact spellings first: an alias may be `meta.llama3-70b-instruct-v1:0`
        if "/" in text:
            prefix, _, rest = text.partition("/")
            provider = self._prefixes.get(prefix, prefix)
            bases.append(rest)
            text = rest.rsplit("/", 1)[-1]
        if "." in text and text.split(".", 1)[0] in self._prefixes:  # amazon.nova-pro-v1:0
            bases.append(text)
            text = text.split(".", 1)[1]
        candidates = [*dict.fromkeys([*bases, text])]
        stripped = text
        while (shorter := _DATE_SUFFIX.sub("", stripped)) != stripped:
            stripped = shorter
            candidates.append(stripped)
        for candidate in candidates:
            key = normalize_name(candidate)
            if provider is not None and (exact := self._by_key.get(f"{provider}/{candidate}")):
                return exact
            model = self._index.get(key)
            if model is not None:
                if provider is None or model.provider == provider:
                    return model
                for other in self.models:  # the same model at the provider that was named
                    if other.provider == provider and key in _names(other):
                        return other
        if fallback and provider in self._fallback and bases:
            return self._find(f"{self._fallback[provider]}/{bases[0]}", fallback=False)
        return None

    def get(self, name: str) -> Model:
        """The model a name means; raises `UnknownModel` with close matches otherwise."""
        model = self.find(name)
        if model is None:
            raise UnknownModel(name.strip(), self.suggest(name))
        return model

    def suggest(self, name: str, limit: int = 3) -> tuple[str, ...]:
        """Canonical ids that look like `name`, best first."""
        key = normalize_name(name.rsplit("/", 1)[-1])
        close = difflib.get_close_matches(key, self._keys, n=limit * 3, cutoff=0.6)
        if not close:
            close = [k for k in self._keys if key and (k.startswith(key) or key in k)][: limit * 3]
        # Closest first, but a vendor's own current model before a reseller's copy or a
        # retired one (`gtp-4o` means gpt-4o, not a host's `ft-gpt-4o`).
        models = sorted(
            (self._index[k] for k in close), key=lambda m: (m.retired(), not m.first_party)
        )
        ids: list[str] = []
        for model in models:
            if model.id not in ids:
                ids.append(model.id)
        return tuple(ids[:limit])

    def names(self) -> dict[str, Model]:
        """Every normalised name (ids and aliases) and the model it means."""
        return dict(self._index)


def _names(model: Model) -> set[str]:
    return {normalize_name(model.id), *(normalize_name(a) for a in model.aliases)}


def load_catalog(
    data_dir: Path | None = None,
    overrides: Path | None = None,
    registry: ProviderRegistry | None = None,
) -> Catalog:
    """Load and validate every provider file plus overrides; refuse a catalog with any error.

    `overrides` is an extra overrides file (an organisation's contract prices), applied
    after the bundled `overrides.yaml`. The bundled data's result is reused from
    `prices.compiled` while none of its inputs changed.
    """
    if data_dir is None and registry is None and (overrides is None or overrides.exists()):
        inputs = [*sorted(DATA_DIR.glob("*.yaml")), *([overrides] if overrides else [])]
        name = "catalog" if overrides is None else "catalog-overrides"
        catalog = cached(name, inputs, lambda: _load(DATA_DIR, overrides, None))
        # Unpickled, it holds an equal copy of the registry (both come from the same
        # providers.yaml, which is part of the key); share the process's one.
        reg = default_registry()
        catalog.registry, catalog._prefixes, catalog._fallback = reg, reg.prefixes, reg.fallbacks()
        return catalog
    return _load(data_dir or DATA_DIR, overrides, registry)


def _load(folder: Path, overrides: Path | None, registry: ProviderRegistry | None) -> Catalog:
    """Read and validate the YAML (see `load_catalog`)."""
    docs = read_price_docs(folder)
    extra = [folder / OVERRIDES_FILE] if (folder / OVERRIDES_FILE).exists() else []
    if overrides is not None:
        if not overrides.exists():
            raise CatalogError(str(overrides), None, None, "does not exist")
        extra.append(overrides)
    return build_catalog(docs, extra, registry)


def build_catalog(
    docs: dict[str, tuple[str, dict[str, Any]]],
    overrides: Iterable[Path] = (),
    registry: ProviderRegistry | None = None,
) -> Catalog:
    """A validated catalog from provider documents (`provider -> (file, doc)`, changed in
    place) and overrides files applied in order. The runtime refresh builds its catalog here
    too, so a refreshed catalog passes exactly the checks the bundled one does."""
    reg = registry or default_registry()
    overridden: set[str] = set()
    for path in overrides:
        overridden |= apply_overrides(path, docs)
    models: list[Model] = []
    for file, doc in docs.values():
        models.extend(parse_provider(file, doc, kind=reg.kind(str(doc.get("provider")))))
    return Catalog(models, overridden, reg)


@cache
def default_catalog() -> Catalog:
    """The bundled catalog, loaded and validated once per process."""
    return load_catalog()
