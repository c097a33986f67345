"""The "Count tokens" message shortcut's ephemeral reply: tokens and input cost for a model.

The message's text is counted once, when the shortcut fires, for each tokenizer the catalog
uses (`count_by_tokenizer`); only those counts and the text's length are kept, in the reply's
model-picker `block_id` (`COUNT_BLOCK_PREFIX|chars=…|o200k_base=…`), so picking another model
re-prices without the text. The text is never stored, logged or echoed back.

Pricing is `bot.answers.evaluate` (an estimate of `tokens` input and no output); counting is
`prices.count_tokens`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import prices
from bot.answers import evaluate
from bot.answers.results import EstimateResult
from bot.language import commands as c
from bot.render.options import model_option
from bot.render.slack import context, escape, section
from bot.render.style import count_text, plural, rate_text
from prices import Catalog, Model

__all__ = [
    "ACTION_COUNT_MODEL",
    "COUNT_BLOCK_PREFIX",
    "COUNT_SHORTCUT_CALLBACK",
    "DEFAULT_COUNT_MODEL",
    "TokenCounts",
    "count_by_tokenizer",
    "count_reply",
    "read_counts",
]

COUNT_SHORTCUT_CALLBACK = "tokencost_count_tokens"
"""The message shortcut's `callback_id` (manifest `features.shortcuts`)."""
ACTION_COUNT_MODEL = "count_model"
"""The picker's `action_id` in the reply (options from `bot.render.options`)."""
COUNT_BLOCK_PREFIX = "tc_count"
DEFAULT_COUNT_MODEL = "gpt-4o"
"""The model a fresh count is priced for, until the user picks another."""
APPROX = "approx"
"""The key of counts made without a tokenizer (about 4 characters a token)."""
_MAX_BLOCK_ID = 255


@dataclass(frozen=True, slots=True)
class TokenCounts:
    """Token counts of one text, by the tokenizer that made them; no text."""

    chars: int
    tokens: Mapping[str, int]
    """`o200k_base` / `cl100k_base` -> tokens; `approx` when no tokenizer could be loaded."""

    def for_model(self, model: Model) -> tuple[int, str, bool]:
        """(tokens, tokenizer, exact) for `model`: exact only with its own public tokenizer."""
        wanted = model.encoding or "o200k_base"
        if wanted in self.tokens:
            return self.tokens[wanted], wanted, model.encoding is not None
        if self.tokens:
            name, count = next(iter(self.tokens.items()))
            return count, name, False
        return (self.chars + 3) // 4, APPROX, False


def count_by_tokenizer(text: str, catalog: Catalog) -> TokenCounts:
    """Count `text` once per tokenizer the catalog's models use (two today)."""
    tried: set[str] = set()
    seen: dict[str, int] = {}
    for model in catalog.models:
        wanted = model.encoding or "o200k_base"
        if wanted in tried:
            continue
        tried.add(wanted)
        counted = prices.count_tokens(text, model)
        seen.setdefault(wanted if counted.encoding == wanted else APPROX, counted.tokens)
    return TokenCounts(len(text), seen)


def _block_id(counts: TokenCounts) -> str:
    parts = [COUNT_BLOCK_PREFIX, f"chars={counts.chars}"]
    parts += [f"{name}={n}" for name, n in sorted(counts.tokens.items())]
    return "|".join(parts)[:_MAX_BLOCK_ID]


def read_counts(block_id: str) -> TokenCounts | None:
    """The counts a reply's picker carries, or None for a block id we did not write."""
    prefix, *fields = block_id.split("|")
    if prefix != COUNT_BLOCK_PREFIX:
        return None
    values: dict[str, int] = {}
    for field in fields:
        name, _, number = field.partition("=")
        if not number.isdigit() or len(number) > 12:
            return None
        values[name] = int(number)
    chars = values.pop("chars", None)
    return None if chars is None else TokenCounts(chars, values)


def count_reply(counts: TokenCounts, model: Model, catalog: Catalog) -> dict[str, Any]:
    """The ephemeral message (`text` and `blocks`) for `counts` priced as input to `model`."""
    tokens, tokenizer, exact = counts.for_model(model)
    result = evaluate(c.Estimate(model.key, tokens, 0), catalog)
    how = "exact" if exact else "approximate"
    line = (
        f"*{count_text(tokens)}* {'token' if tokens == 1 else 'tokens'} in "
        f"{plural(counts.chars, 'character')} for *{escape(model.id)}* ({tokenizer}, {how})"
    )
    if isinstance(result, EstimateResult):
        cost = prices.format_usd(result.estimate.total)
        rate = rate_text(result.estimate.rates.input_per_mtok)
        line += f"\nAs input: *{cost}* at {rate}"
        plain_cost = f"; as input: {cost}"
    else:
        line += f"\n{escape(getattr(result, 'message', 'No price for this model.'))}"
        plain_cost = ""
    picker = {
        "type": "external_select",
        "action_id": ACTION_COUNT_MODEL,
        "placeholder": {"type": "plain_text", "text": "Price for another model"},
        "initial_option": model_option(model),
        "min_query_length": 1,
    }
    note = "The message text is not stored; this reply keeps only the counts."
    if tokenizer == APPROX:
        note = "No tokenizer could be loaded, so this counts about 4 characters a token. " + note
    elif not exact:
        note = (
            f"{model.provider} publishes no tokenizer for {model.id}, so this is an {tokenizer} "
            "count; real counts often differ by 10-20%. " + note
        )
    text = f"{count_text(tokens)} tokens for {escape(model.id)}{plain_cost}"
    blocks = [
        section(line),
        {"type": "actions", "block_id": _block_id(counts), "elements": [picker]},
        context(escape(note)),
    ]
    return {"response_type": "ephemeral", "text": text, "blocks": blocks}
