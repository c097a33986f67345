"""genai-prices' data in its published JSON shape: the one input of the sync and the refresh.

genai-prices publishes its whole database as JSON (`DEFAULT_URL`, the address its own
`UpdatePrices` fetches): a list of providers, each `{"id", "name", "pricing_urls", "models":
[...]}`; a model is `{"id", "name", "match", "context_window", "deprecated",
"price_comments", "prices", "price_variants"}`, where `prices` is either one price mapping
(`{"input_mtok": 2.5, "cache_read_mtok": ..., "output_mtok": 10}`, a tiered rate written
`{"base": 3, "tiers": [{"start": 200000, "price": 6}]}`) or a list of
`{"constraint": {"start_date": "2026-03-13"} | {"start_time": "00:30:00Z", "end_time": ...},
"prices": {...}}`, and a variant is `{"when": {"processing": "batch"}, "constraint": ...,
"prices": {...}}`. A match clause is `{"equals" | "starts_with" | "contains" | ...: "..."}` or
`{"or" | "and": [clauses]}`.

`prices.sync` turns the installed package's objects into this shape (`to_raw`), the runtime
refresh parses the fetched bytes (`parse_payload`); `prices.sync_convert` converts both the
same way. Pure stdlib: genai-prices itself is only a dev dependency.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from datetime import date, time
from decimal import Decimal
from typing import Any

from .errors import PricesError

__all__ = ["DEFAULT_URL", "UpstreamError", "dump_json", "parse_payload", "to_raw"]

#: Where genai-prices' own updater (`genai_prices.update_prices.DEFAULT_UPDATE_URL`) fetches.
DEFAULT_URL = (
    "https://raw.githubusercontent.com/pydantic/genai-prices/refs/heads/main/prices/new_data/v2/"
    "data.json"
)
_RENAMED = {"or_": "or", "and_": "and"}
_SKIPPED = {"extractors", "_registry"}
_DEC = "\u0000D:"


class UpstreamError(PricesError):
    """The upstream data is not what genai-prices publishes (the message says what is wrong)."""


def parse_payload(payload: bytes | str) -> list[dict[str, Any]]:
    """The providers of a published JSON payload; numbers with a fraction are exact `Decimal`.

    Raises `UpstreamError` when the bytes are not JSON or not a list of providers with models.
    """
    try:
        raw = json.loads(payload, parse_float=Decimal)
    except (ValueError, RecursionError) as exc:
        raise UpstreamError(f"the payload is not JSON ({exc})") from exc
    if not isinstance(raw, list) or not raw:
        raise UpstreamError("the payload is not a list of providers")
    for i, provider in enumerate(raw):
        if not isinstance(provider, dict) or not isinstance(provider.get("id"), str):
            raise UpstreamError(f"provider #{i} has no id")
        models = provider.get("models")
        if not isinstance(models, list) or not all(
            isinstance(m, dict) and isinstance(m.get("id"), str) for m in models
        ):
            raise UpstreamError(f"provider {provider['id']!r}: `models` is not a list of models")
    return raw


def to_raw(value: Any) -> Any:
    """genai-prices' objects (providers, models, prices, clauses) as plain published-shape data.

    Decimals stay `Decimal`; dates and times become ISO strings, as in the published JSON.
    """
    if isinstance(value, Decimal | str | int | float | bool) or value is None:
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_raw(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_raw(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    else:
        items = dict(vars(value))
    return {
        _RENAMED.get(k, k): to_raw(v)
        for k, v in items.items()
        if v is not None and k not in _SKIPPED and not k.startswith("_")
    }


def dump_json(raw: Any) -> str:
    """Published-shape data as JSON text, `Decimal`s written as exact JSON numbers."""

    def encode(value: Any) -> Any:
        if isinstance(value, Decimal):
            return _DEC + format(value, "f")
        raise TypeError(f"{type(value).__name__} is not JSON")

    def mark(value: Any) -> Any:
        if isinstance(value, Decimal):
            return encode(value)
        if isinstance(value, list):
            return [mark(v) for v in value]
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        return value

    text = json.dumps(mark(raw), ensure_ascii=False, separators=(",", ":"))
    return re.sub(r'"\\u0000D:([-0-9.eE]+)"', r"\1", text)
