"""Lifecycle and limits from LiteLLM's model map, merged by `prices.sync` (sync time only).

LiteLLM ships `model_prices_and_context_window_backup.json` in its package (the `sync` extra,
never a runtime dependency; the runtime refresh keeps what the bundled files got from here).
From an entry whose `litellm_provider` is one of the provider's (`litellm:` in
`prices/data/providers.yaml`) and whose key is one of the model's names, bare or prefixed
(`gpt-4o`, `azure/o3`, `global.anthropic.claude-sonnet-4-20250514-v1:0`), the sync takes:

- `deprecation_date` as `retires_on`, with a dated note naming LiteLLM, and `deprecated: true`
  when the shutdown is past or within `RETIRING_SOON_DAYS` of the sync,
- `max_output_tokens` as the output limit,
- `max_input_tokens + max_output_tokens` as the context window: LiteLLM gives the largest
  prompt, the catalog's window is prompt plus output, and the sum never refuses a request the
  provider accepts (a too-small window would).

Only where nothing better is known: the reviewed tables (`prices.limits`, `prices.lifecycle`)
and genai-prices' own context window win; hand entries stay the sourced overrides.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from .models import RETIRING_SOON_DAYS
from .providers import Provider
from .sync_convert import ProviderDoc

__all__ = ["LITELLM_FILE", "LiteLLMMap", "load_litellm", "merge_litellm"]

LITELLM_FILE = "model_prices_and_context_window_backup.json"
_MODES = {"chat", "completion", "responses", "embedding", None}


class LiteLLMMap:
    """LiteLLM's model map, looked up by provider and model names."""

    def __init__(self, entries: Mapping[str, Any], version: str) -> None:
        self.entries = {k.lower(): v for k, v in entries.items() if isinstance(v, dict)}
        self.version = version

    @property
    def source(self) -> str:
        return f"LiteLLM's model map (litellm {self.version})"

    def find(self, provider: Provider, names: Iterable[str]) -> dict[str, Any] | None:
        """The first entry of this provider under one of `names`, bare or prefixed."""
        prefixes = dict.fromkeys([*provider.litellm, *provider.prefixes, provider.id])
        for name in names:
            low = name.lower()
            for key in (low, *(f"{p}/{low}" for p in prefixes)):
                entry = self.entries.get(key)
                if (
                    entry is not None
                    and entry.get("litellm_provider") in provider.litellm
                    and entry.get("mode") in _MODES
                ):
                    return entry
        return None


def load_litellm() -> LiteLLMMap | None:
    """The map shipped in the installed litellm package, or None when litellm is absent."""
    spec = find_spec("litellm")  # located, not imported: importing litellm is slow
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / LITELLM_FILE
    if not path.exists():
        return None
    try:
        release = version("litellm")
    except PackageNotFoundError:
        release = "unknown"
    return LiteLLMMap(json.loads(path.read_text(encoding="utf-8")), release)


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def merge_litellm(
    docs: list[ProviderDoc], providers: Mapping[str, Provider], litellm: LiteLLMMap, day: date
) -> None:
    """Fill each document's missing lifecycle and limits from LiteLLM (in place)."""
    for doc in docs:
        provider = providers.get(doc.provider)
        if provider is None or not provider.litellm:
            continue
        for model_id, fields in doc.models.items():
            names = [doc.origins.get(model_id, model_id), model_id, *fields.get("aliases", ())]
            entry = litellm.find(provider, names)
            if entry is not None:
                _merge(fields, entry, litellm.source, day)


def _merge(fields: dict[str, Any], entry: Mapping[str, Any], source: str, day: date) -> None:
    output = _positive(entry.get("max_output_tokens"))
    prompt = _positive(entry.get("max_input_tokens"))
    if "context_window" not in fields and prompt:
        fields["context_window"] = prompt + (output or 0)
    window = fields.get("context_window")
    if (
        fields.get("kind") != "embedding"
        and "max_output_tokens" not in fields
        and output
        and (window is None or output <= window)  # a limit past the window is not one
    ):
        fields["max_output_tokens"] = output
    raw = entry.get("deprecation_date")
    if "retires_on" in fields or not isinstance(raw, str):
        return
    try:
        shutdown = date.fromisoformat(raw)
    except ValueError:
        return
    if shutdown <= day + timedelta(days=RETIRING_SOON_DAYS):  # a far-off date only says so
        fields["deprecated"] = True
    fields["retires_on"] = shutdown
    when = "Retired" if shutdown <= day else "Deprecated; shutdown scheduled"
    note = f"{when} on {shutdown.isoformat()} ({source})."
    fields["notes"] = f"{fields['notes']} {note}" if fields.get("notes") else note
