"""Price documents before they become models: read the provider files, merge overrides files.

A document is the mapping one provider file holds (`provider`, `name`, `source`, `models`);
`prices.catalog.build_catalog` validates documents into a `Catalog`. The sync writes them and
the runtime refresh makes them from genai-prices' published data.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import CatalogError
from .providers import PROVIDERS_FILE

__all__ = ["OVERRIDES_FILE", "Docs", "apply_overrides", "read_price_docs", "read_yaml"]

OVERRIDES_FILE = "overrides.yaml"
#: `provider -> (file name, document)`.
Docs = dict[str, tuple[str, dict[str, Any]]]


def read_yaml(path: Path) -> Any:
    """`prices.yaml_io.read_yaml`, imported on first use: PyYAML (~15 ms) is not needed when
    the compiled catalog is current (`prices.compiled`)."""
    from .yaml_io import read_yaml as read

    return read(path)


def read_price_docs(folder: Path) -> Docs:
    """Every provider price file in `folder` (not overrides or the provider list), by provider."""
    docs: Docs = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name in (OVERRIDES_FILE, PROVIDERS_FILE):
            continue
        doc = read_yaml(path)
        if not isinstance(doc, dict) or not isinstance(doc.get("provider"), str):
            raise CatalogError(path.name, None, "provider", "every price file names its provider")
        docs[doc["provider"]] = (path.name, doc)
    if not docs:
        raise CatalogError(str(folder), None, None, "holds no price files")
    return docs


def apply_overrides(path: Path, docs: Docs) -> set[str]:
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
