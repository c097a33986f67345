"""Load the price data once, validate it whole, and look models up by any name people use."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .errors import CatalogError, UnknownModel
from .models import Model
from .schema import parse_provider

__all__ = ["DATA_DIR", "Catalog", "default_catalog", "load_catalog", "normalize_name"]

DATA_DIR = Path(__file__).parent / "data"
OVERRIDES_FILE = "overrides.yaml"

#: When two providers serve a model under the same id (Llama on Groq, Together and Bedrock),
#: the bare id means the first of these; `together/llama-3.3-70b` picks another.
PROVIDER_PREFERENCE = (
    "openai", "anthropic", "google", "mistral", "deepseek", "xai", "cohere",
    "groq", "together", "bedrock", "vertex",
)  # fmt: skip

#: Prefixes people and tools put before model ids (LiteLLM, OpenRouter, OTel), by provider.
PROVIDER_PREFIXES = {
    "openai": "openai", "azure": "openai",
    "anthropic": "anthropic", "claude": "anthropic",
    "google": "google", "gemini": "google", "vertex_ai": "vertex", "vertex": "vertex",
    "mistral": "mistral", "mistralai": "mistral", "codestral": "mistral",
    "deepseek": "deepseek", "deepseek-ai": "deepseek",
    "xai": "xai", "x-ai": "xai", "grok": "xai",
    "cohere": "cohere",
    "groq": "groq",
    "together": "together", "together_ai": "together", "togethercomputer": "together",
    "bedrock": "bedrock", "aws": "bedrock", "amazon": "bedrock",
    "meta-llama": None, "meta": None,
}  # fmt: skip

#: Vertex AI also sells Google's Gemini, and Google sells Claude through Vertex AI: a name with
#: one of these prefixes that its provider lacks is looked up once at the other
#: (`vertex/gemini-2.5-pro` is google's, `google/claude-sonnet-4` is vertex's).
PROVIDER_FALLBACK = {"vertex": "google", "google": "vertex"}

_DATE_SUFFIX = re.compile(
    r"(?:[-@_](?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4})|-latest|-v\d+(?::\d+)?|-preview)$"
)


_MISSING = object()
_FOUND_CACHE_SIZE = 4096


class _DecimalLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]  # the C loader is optional
    """A YAML loader that reads every float as an exact `Decimal`."""


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(str(loader.construct_scalar(node)).replace("_", ""))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
#: The plain words YAML 1.1 reads as booleans or null; any other word starting with a letter
#: is a string, which lets `_DecimalLoader.resolve` skip PyYAML's regex scan for most scalars.
_YAML_WORDS = frozenset(
    f(w)
    for w in ("yes", "no", "true", "false", "on", "off", "null", "y", "n")
    for f in (str.lower, str.title, str.upper)
)


def _resolve(self: _DecimalLoader, kind: Any, value: str, implicit: tuple[bool, bool]) -> str:
    """PyYAML's implicit tag resolution, with a fast path for plain words."""
    if kind is yaml.ScalarNode and implicit[0] and value[:1].isalpha() and value not in _YAML_WORDS:
        return "tag:yaml.org,2002:str"
    tag: str = yaml.SafeLoader.resolve(self, kind, value, implicit)  # type: ignore[no-untyped-call]  # types-PyYAML leaves it unannotated
    return tag


_DecimalLoader.resolve = _resolve


_STR, _INT, _FLOAT, _NULL, _BOOL, _TIMESTAMP = (
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "null", "bool", "timestamp")
)
_SIMPLE_INT = re.compile(r"-?[0-9]+")
_SIMPLE_FLOAT = re.compile(r"-?[0-9]*\.[0-9]+")
_SIMPLE_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _construct(node: yaml.Node, loader: _DecimalLoader) -> Any:
    """Build Python values from a composed node tree, as the safe constructor would.

    The price files are thousands of small scalars and PyYAML's general constructor is most
    of the start-up time; the common shapes are built directly here and anything else
    (sexagesimal times, merge keys, special floats) goes through the standard constructor.
    """
    if isinstance(node, yaml.ScalarNode):
        tag, value = node.tag, node.value
        if tag == _STR:
            return value
        if tag == _FLOAT and _SIMPLE_FLOAT.fullmatch(value):
            return Decimal(value)
        if tag == _INT and _SIMPLE_INT.fullmatch(value):
            return int(value)
        if tag == _TIMESTAMP and _SIMPLE_DATE.fullmatch(value):
            return date.fromisoformat(value)
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return value.lower() in ("true", "yes", "on", "y")
        return loader.construct_object(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, loader) for item in node.value]
    if isinstance(node, yaml.MappingNode) and all(
        k.tag != "tag:yaml.org,2002:merge" for k, _ in node.value
    ):
        return {_construct(k, loader): _construct(v, loader) for k, v in node.value}
    return loader.construct_object(node, deep=True)


def read_yaml(path: Path) -> Any:
    """Read a YAML file with exact decimals; a syntax error names the file."""
    try:
        with path.open(encoding="utf-8") as fh:
            loader = _DecimalLoader(fh)  # a SafeLoader subclass
            try:
                node = loader.get_single_node()
                return None if node is None else _construct(node, loader)
            finally:
                loader.dispose()
    except yaml.YAMLError as exc:
        raise CatalogError(path.name, None, None, f"is not valid YAML: {exc}") from exc
    except ArithmeticError as exc:  # `.inf` / `.nan`: not a price
        raise CatalogError(path.name, None, None, "holds a number that is not finite") from exc
    except OSError as exc:
        raise CatalogError(str(path), None, None, f"cannot be read: {exc.strerror}") from exc


def normalize_name(name: str) -> str:
    """The lookup key of a name: lower case, with spaces, dashes, dots and underscores removed."""
    return re.sub(r"[\s\-_.]+", "", name.strip().lower())


class Catalog:
    """Every model we price, indexed by id, alias and spelling. Build it with `load_catalog`."""

    def __init__(self, models: Iterable[Model], overridden: Iterable[str] = ()) -> None:
        ordered = sorted(models, key=_preference)
        self.models: tuple[Model, ...] = tuple(sorted(ordered, key=lambda m: (m.provider, m.id)))
        self.overridden: frozenset[str] = frozenset(overridden)
        """Keys (`provider/id`) whose data comes from overrides, not the synced files."""
        self._by_key: dict[str, Model] = {}
        self._index: dict[str, Model] = {}
        for model in ordered:
            if model.key in self._by_key:
                raise CatalogError(model.provider, model.id, "id", "is defined twice")
            self._by_key[model.key] = model
        for model in ordered:  # ids first, so an alias never shadows another model's id
            self._index.setdefault(normalize_name(model.id), model)
        for model in ordered:
            for alias in model.aliases:
                owner = self._index.setdefault(normalize_name(alias), model)
                if owner.provider == model.provider and owner.id != model.id:
                    raise CatalogError(
                        model.provider, model.id, "aliases", f"{alias!r} already names {owner.id}"
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
        wanted = PROVIDER_PREFIXES.get(provider.lower().strip(), provider.lower().strip())
        return tuple(m for m in self.models if m.provider == wanted)

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
        if found is not None and PROVIDER_PREFIXES.get(prefix, found.provider) in (
            found.provider,
            None,
        ):  # an alias that happens to contain `anthropic/` must not beat the provider route
            return found
        provider: str | None = None
        bases = []  # exact spellings first: an alias may be `meta.llama3-70b-instruct-v1:0`
        if "/" in text:
            prefix, _, rest = text.partition("/")
            provider = PROVIDER_PREFIXES.get(prefix, prefix)
            bases.append(rest)
            text = rest.rsplit("/", 1)[-1]
        if "." in text and text.split(".", 1)[0] in PROVIDER_PREFIXES:  # amazon.nova-pro-v1:0
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
        if fallback and provider in PROVIDER_FALLBACK and bases:
            return self._find(f"{PROVIDER_FALLBACK[provider]}/{bases[0]}", fallback=False)
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
        ids: list[str] = []
        for k in close:
            model_id = self._index[k].id
            if model_id not in ids:
                ids.append(model_id)
        return tuple(ids[:limit])

    def names(self) -> dict[str, Model]:
        """Every normalised name (ids and aliases) and the model it means."""
        return dict(self._index)


def _names(model: Model) -> set[str]:
    return {normalize_name(model.id), *(normalize_name(a) for a in model.aliases)}


def _preference(model: Model) -> tuple[int, str, str]:
    try:
        rank = PROVIDER_PREFERENCE.index(model.provider)
    except ValueError:
        rank = len(PROVIDER_PREFERENCE)
    return (rank, model.provider, model.id)


def load_catalog(data_dir: Path | None = None, overrides: Path | None = None) -> Catalog:
    """Load and validate every provider file plus overrides; refuse a catalog with any error.

    `overrides` is an extra overrides file (an organisation's contract prices), applied
    after the bundled `overrides.yaml`.
    """
    folder = data_dir or DATA_DIR
    docs: dict[str, tuple[str, dict[str, Any]]] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == OVERRIDES_FILE:
            continue
        doc = read_yaml(path)
        if not isinstance(doc, dict) or not isinstance(doc.get("provider"), str):
            raise CatalogError(path.name, None, "provider", "every price file names its provider")
        docs[doc["provider"]] = (path.name, doc)
    if not docs:
        raise CatalogError(str(folder), None, None, "holds no price files")
    overridden: set[str] = set()
    bundled = folder / OVERRIDES_FILE
    if bundled.exists():
        overridden |= _apply_overrides(bundled, docs)
    if overrides is not None:
        if not overrides.exists():
            raise CatalogError(str(overrides), None, None, "does not exist")
        overridden |= _apply_overrides(overrides, docs)
    models: list[Model] = []
    for file, doc in docs.values():
        models.extend(parse_provider(file, doc))
    return Catalog(models, overridden)


def _apply_overrides(path: Path, docs: dict[str, tuple[str, dict[str, Any]]]) -> set[str]:
    """Merge an overrides file into the provider documents; returns the keys it touched.

    Format: `models:` maps `provider/id` to fields that replace the synced ones
    (`prices` replaces the whole history); `extra_aliases` appends aliases; `remove: true`
    drops a synced model (to fold it into another one's aliases). A key that does not exist
    yet adds a model (then `prices`, `source` and `checked` are required).
    """
    raw = read_yaml(path)
    if raw is None:
        return set()
    if not isinstance(raw, Mapping) or not isinstance(raw.get("models", {}), Mapping):
        raise CatalogError(path.name, None, "models", "must map `provider/id` to fields")
    touched: set[str] = set()
    for key, fields in (raw.get("models") or {}).items():
        provider, _, model_id = str(key).partition("/")
        if not model_id or not isinstance(fields, Mapping):
            raise CatalogError(path.name, str(key), None, "keys are `provider/id` with fields")
        _file, doc = docs.setdefault(
            provider, (path.name, {"provider": provider, "source": "", "models": {}})
        )
        models = doc.setdefault("models", {})
        entry = dict(models.get(model_id) or {})
        fields = dict(fields)
        fields.pop("reason", None)
        if fields.pop("remove", False) is True:  # a synced entry folded into another model
            if model_id not in models:
                raise CatalogError(path.name, str(key), "remove", "names no synced model")
            del models[model_id]
            touched.add(f"{provider}/{model_id}")
            continue
        extra = fields.pop("extra_aliases", None) or []
        entry.update(fields)
        if extra:
            entry["aliases"] = [*(entry.get("aliases") or []), *extra]
        models[model_id] = entry
        touched.add(f"{provider}/{model_id}")
    return touched


@cache
def default_catalog() -> Catalog:
    """The bundled catalog, loaded and validated once per process."""
    return load_catalog()
