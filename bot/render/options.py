"""Model picker options: type-ahead over the catalog for external selects (`block_suggestion`).

Slack asks for options as the user types (https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#external_select)
and the answer must come within 3 seconds (slack-facts §9); Slack shows at most 100 options.
Matching runs over precomputed, normalised ids and aliases (about 760 names): ranked exact id,
id prefix, alias prefix, id substring, alias or provider substring; current models before
older ones, and the vendor's own API before clouds, hosts and aggregators. It takes
well under a millisecond.

An option's value is the model's `provider/id` key (unique across providers; `Catalog.get`
reads it back), its text `gpt-4o · openai`, within Slack's 75-character option text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from bot.answers.lineage import old_label
from prices import Catalog, Model, normalize_name

__all__ = [
    "MAX_OPTIONS",
    "MAX_OPTION_TEXT_CHARS",
    "model_option",
    "model_options",
    "options_response",
]

MAX_OPTIONS = 100
"""Options Slack shows for one external select answer."""
MAX_OPTION_TEXT_CHARS = 75
"""Characters in an option's text."""
MAX_QUERY_CHARS = 100
"""Longer type-ahead text is cut (a model name is never this long)."""


@dataclass(frozen=True, slots=True)
class _Entry:
    model: Model
    id_key: str
    alias_keys: tuple[str, ...]
    provider_key: str


_INDEX: WeakKeyDictionary[Catalog, tuple[_Entry, ...]] = WeakKeyDictionary()


def _entries(catalog: Catalog) -> tuple[_Entry, ...]:
    """The catalog's names, normalised once per catalog."""
    entries = _INDEX.get(catalog)
    if entries is None:
        entries = tuple(
            _Entry(
                m,
                normalize_name(m.id),
                tuple(normalize_name(a) for a in m.aliases),
                normalize_name(m.provider),
            )
            for m in catalog.models
        )
        _INDEX[catalog] = entries
    return entries


def _rank(entry: _Entry, query: str) -> int | None:
    """How well `entry` matches `query` (lower is better), or None for no match."""
    if not query:
        return 5
    if entry.id_key == query:
        return 0
    if entry.id_key.startswith(query):
        return 1
    if entry.provider_key == query:
        return 1  # `anthropic`: the provider's own models before resellers' aliases of them
    if any(a.startswith(query) for a in entry.alias_keys):
        return 2
    if query in entry.id_key:
        return 3
    if any(query in a for a in entry.alias_keys) or query in entry.provider_key:
        return 4
    return None


def model_option(model: Model) -> dict[str, Any]:
    """The option for one model: text `id · provider` (cut to 75), value `provider/id`."""
    old = old_label(model)
    label = f"{model.id} · {model.provider}" + (f" ({old})" if old else "")
    if len(label) > MAX_OPTION_TEXT_CHARS:
        label = label[: MAX_OPTION_TEXT_CHARS - 1] + "…"
    return {"text": {"type": "plain_text", "text": label, "emoji": False}, "value": model.key}


def model_options(
    catalog: Catalog, query: str, *, limit: int = MAX_OPTIONS, kinds: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Options for what the user typed, best first, at most `limit` (and never over 100).

    `kinds` keeps only models of those kinds (`("chat",)`), when given.
    """
    wanted = normalize_name(query[:MAX_QUERY_CHARS])
    ranked: list[tuple[int, bool, bool, str, str, Model]] = []
    for entry in _entries(catalog):
        if kinds and entry.model.kind not in kinds:
            continue
        rank = _rank(entry, wanted)
        if rank is not None:
            m = entry.model
            ranked.append((rank, bool(old_label(m)), not m.first_party, m.id, m.provider, m))
    ranked.sort(key=lambda t: t[:5])
    return [model_option(t[5]) for t in ranked[: min(limit, MAX_OPTIONS)]]


def options_response(options: list[dict[str, Any]]) -> dict[str, Any]:
    """The body of a `block_suggestion` answer (what Bolt's `ack(options=...)` sends)."""
    return {"options": options[:MAX_OPTIONS]}
