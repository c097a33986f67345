"""Build a fresh catalog from genai-prices' published data, or refuse to.

`fetch` gets the payload (stdlib `urllib`, a timeout, a size cap); `build` converts it with
the sync's own code (`prices.sync_convert`), keeps what the bundled files know beyond upstream
(limits and lifecycle from vendors' pages and LiteLLM, merged at sync time), applies
`overrides.yaml` and the operator's overrides, validates the whole catalog exactly as the
bundled one is validated, and merges price changes into each model's dated history
(`prices.history`). A payload that is malformed, fails validation, or would lose more than
`MAX_MISSING_SHARE` of the models is refused with `RefreshRefused`; an unreachable source
raises `SourceUnreachable`. Either way the caller keeps its current catalog
(`prices.live.LiveCatalog` does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .catalog import DATA_DIR, OVERRIDES_FILE, Catalog, build_catalog
from .errors import CatalogError, PricesError
from .history import PriceChange, merge_history
from .price_docs import Docs, read_price_docs

if TYPE_CHECKING:
    from .sync_convert import ProviderDoc

# `urllib.request` and the converter are imported where they are used: every CLI answer
# imports `prices` (through `prices.live`), and those two cost ~40 ms of its start (issue 15).

__all__ = [
    "MAX_MISSING_SHARE",
    "MAX_PAYLOAD_BYTES",
    "RefreshRefused",
    "Refreshed",
    "SourceUnreachable",
    "build",
    "fetch",
]  # fmt: skip

#: Refuse a payload that would leave out more than this share of the current catalog's
#: synced models (5%): a truncated or half-migrated upstream file, not a real change.
MAX_MISSING_SHARE = Decimal("0.05")
#: The published file is about 1 MB; anything past this is not it.
MAX_PAYLOAD_BYTES = 32 * 1024 * 1024
#: Fields a refreshed model takes from the bundled file when upstream has none: the reviewed
#: facts the sync merges (vendors' pages, LiteLLM), which upstream does not publish.
_KEPT_FIELDS = ("context_window", "max_output_tokens", "retires_on", "replacement")


class SourceUnreachable(PricesError):
    """The price source could not be fetched (network, HTTP error, timeout)."""


class RefreshRefused(PricesError):
    """The payload arrived but cannot be used (malformed, invalid, or too many models lost)."""


@dataclass(frozen=True)
class Refreshed:
    """A catalog built from a payload, and what changed against the current one."""

    catalog: Catalog
    changes: tuple[PriceChange, ...]
    """Models whose prices changed, dated."""
    added: tuple[str, ...]
    """Keys upstream has that the current catalog lacked."""
    missing: tuple[str, ...]
    """Synced keys upstream no longer has; kept from the bundled data, still priced."""


def fetch(url: str, timeout: float = 10.0) -> bytes:
    """The payload at `url`; raises `SourceUnreachable` with a one-line reason."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "tokencost-prices-refresh"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # the operator's URL
            body: bytes = response.read(MAX_PAYLOAD_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise SourceUnreachable(f"{url} answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SourceUnreachable(f"{url} could not be reached ({reason})") from exc
    if len(body) > MAX_PAYLOAD_BYTES:
        raise RefreshRefused(f"the payload is larger than {MAX_PAYLOAD_BYTES:,} bytes")
    return body


def _docs(converted: list[ProviderDoc], bundled: Docs) -> tuple[Docs, list[str]]:
    """Refreshed provider documents with the bundled files' reviewed facts, plus the bundled
    entries upstream no longer has (returned by key: they keep pricing old usage)."""
    docs: Docs = {}
    carried: list[str] = []
    for doc in converted:
        old_models: dict[str, Any] = dict(
            (bundled.get(doc.provider) or ("", {}))[1].get("models") or {}
        )
        models: dict[str, Any] = {}
        for model_id, fields in doc.models.items():
            old = old_models.get(model_id) or {}
            for field in _KEPT_FIELDS:
                if field in old and field not in fields:
                    fields[field] = old[field]
            if old.get("deprecated") is True:
                fields["deprecated"] = True
                if "retires_on" in old and old.get("notes"):
                    fields["notes"] = old["notes"]
            models[model_id] = fields
        for model_id, fields in old_models.items():
            if model_id not in models:
                models[model_id] = fields
                carried.append(f"{doc.provider}/{model_id}")
        docs[doc.provider] = (
            f"{doc.provider} (refreshed)",
            {"provider": doc.provider, "name": doc.name, "source": doc.source, "models": models},
        )
    for provider, entry in bundled.items():  # providers the registry no longer syncs
        docs.setdefault(provider, entry)
    return docs, carried


def build(
    payload: bytes | str,
    current: Catalog,
    *,
    day: date,
    source: str,
    found: datetime,
    overrides: Path | None = None,
    data_dir: Path | None = None,
) -> Refreshed:
    """A validated catalog from a published payload, with price changes against `current`
    merged into dated history; raises `RefreshRefused` (the message says why)."""
    from .sync_convert import SyncError, convert_all
    from .upstream import UpstreamError, parse_payload

    folder = data_dir or DATA_DIR
    try:
        converted = convert_all(parse_payload(payload), day, current.registry.providers)
    except (UpstreamError, SyncError) as exc:
        raise RefreshRefused(f"the payload cannot be converted: {exc}") from exc
    produced = {f"{d.provider}/{model_id}" for d in converted for model_id in d.models}
    synced = {m.key for m in current.models if m.key not in current.overridden}
    missing = sorted(synced - produced)
    if synced and Decimal(len(missing)) / len(synced) > MAX_MISSING_SHARE:
        raise RefreshRefused(
            f"the payload lacks {len(missing)} of {len(synced)} models "
            f"(more than {MAX_MISSING_SHARE:.0%}), e.g. {', '.join(missing[:3])}"
        )
    try:
        docs, _carried = _docs(converted, read_price_docs(folder))
        extra = [folder / OVERRIDES_FILE] if (folder / OVERRIDES_FILE).exists() else []
        if overrides is not None:
            extra.append(overrides)
        fresh = build_catalog(docs, extra, current.registry)
    except CatalogError as exc:
        raise RefreshRefused(f"the refreshed data is invalid: {exc.message}") from exc
    models = []
    changes: list[PriceChange] = []
    for model in fresh.models:
        old = current.by_key(model.key)
        if old is None:
            models.append(model)
            continue
        merged, change = merge_history(old, model, day, source, found)
        models.append(merged)
        if change is not None:
            changes.append(change)
    catalog = Catalog(models, fresh.overridden, current.registry)
    added = tuple(sorted({m.key for m in catalog.models} - {m.key for m in current.models}))
    return Refreshed(catalog, tuple(changes), added, tuple(missing))
