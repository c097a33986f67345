"""Fill an answer's live-figure placeholders from the price catalog.

Answers never hard-code a price. They hold placeholders that are computed from the catalog
each time the answer is shown, so a price change can never leave an answer wrong.

Placeholder language: `{{name arg arg key=value}}`, arguments split like a shell (quote text
that has spaces). Token counts take `1200`, `1,200`, `5k` or `1.2M`.

* `{{price MODEL FIELD [per=mtok|1k|token]}}`: a rate, FIELD one of `input`, `output`,
  `cached_input`, `cache_write`, `cache_write_1h`. USD per million tokens by default.
* `{{estimate MODEL [in=N] [out=N] [cached=N] [write=N] [batch] [x=N/PERIOD]
  [per=request|day|month]}}`: the cost of one request, or with a volume `x` (PERIOD one of
  second, minute, hour, day, week, month) its cost per day or per 30-day month.
* `{{ratio MODEL}}`: output price ÷ input price, e.g. `4×`.
* `{{ratio_table MODEL...}}`: one bullet per model with both rates and the ratio.
* `{{compare_table in=N out=N MODEL...}}`: one bullet per model, cheapest first.
* `{{tier MODEL}}` and `{{tier_threshold MODEL}}`: the first long-context tier's rates and
  the prompt size it starts above.
* `{{batch_saving MODEL}}`: the Batch API saving on a 1,000-in/500-out call, as a percent.
* `{{context_window MODEL}}`, `{{checked MODEL}}`: a model's limits and check date.
* `{{tokens MODEL "text"}}`: how many tokens the text is for the model (`about N` when the
  count is an approximation).
* `{{as_of}}`, `{{oldest_checked}}`, `{{model_count}}`, `{{provider_count}}`: the catalog.

A placeholder that does not resolve (unknown name, unknown model, a missing rate) raises
`RenderError` naming the entry and the placeholder; the tests render every entry.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import prices
from faq.errors import NoMatch, RenderError
from faq.matcher import Match, match
from faq.store import MAX_ANSWER_CHARS, Entry, load_entries
from prices.numbers import read_number

__all__ = ["PLACEHOLDERS", "RenderedAnswer", "ask", "render"]

_PLACEHOLDER = re.compile(r"\{\{([^{}\n]*)\}\}")
_MTOK = Decimal(1_000_000)
_FIELDS = {
    "input": "input_per_mtok",
    "output": "output_per_mtok",
    "cached_input": "cached_input_per_mtok",
    "cache_write": "cache_write_per_mtok",
    "cache_write_1h": "cache_write_1h_per_mtok",
}


class _Unresolved(Exception):
    """A placeholder could not be filled; the caller adds the entry and placeholder."""


@dataclass(frozen=True, slots=True)
class RenderedAnswer:
    """An entry's answer with every figure filled in, ready for a reply."""

    id: str
    question: str
    text: str
    """Slack mrkdwn, under `MAX_ANSWER_CHARS`."""
    related: tuple[tuple[str, str], ...]
    """(id, question) of the follow-up questions, for buttons."""
    reviewed: date
    """When a person last reviewed the prose."""
    as_of: date
    """The newest check date of the catalog the figures came from."""


@dataclass(frozen=True, slots=True)
class _Args:
    positional: tuple[str, ...]
    options: dict[str, str]
    flags: frozenset[str]


def _parse_args(words: Sequence[str]) -> _Args:
    positional: list[str] = []
    options: dict[str, str] = {}
    flags: set[str] = set()
    for word in words:
        key, eq, value = word.partition("=")
        if eq:
            options[key] = value
        elif word == "batch":
            flags.add(word)
        else:
            positional.append(word)
    return _Args(tuple(positional), options, frozenset(flags))


def _count(text: str) -> int:
    """`1200`, `1,200`, `5k`, `1.2M` -> an int."""
    value = read_number(text.replace("_", ""))
    if value is None:
        raise _Unresolved(f"{text!r} is not a number")
    if value != value.to_integral_value() or value < 0:
        raise _Unresolved(f"{text!r} is not a whole, non-negative number")
    return int(value)


def _one(args: _Args, what: str = "a model") -> str:
    if len(args.positional) != 1:
        raise _Unresolved(f"expects exactly one argument: {what}")
    return args.positional[0]


def _model(catalog: prices.Catalog, name: str) -> prices.Model:
    return catalog.get(name)


def _rate(model: prices.Model, field: str) -> Decimal:
    attribute = _FIELDS.get(field)
    if attribute is None:
        raise _Unresolved(f"unknown rate {field!r}; use one of {', '.join(_FIELDS)}")
    value = model.current.rate(attribute)
    if value is None:
        raise _Unresolved(f"{model.id} has no {field} rate")
    return value


def _price(args: _Args, catalog: prices.Catalog) -> str:
    if len(args.positional) != 2:
        raise _Unresolved("expects a model and a rate: {{price gpt-4o input}}")
    rate = _rate(_model(catalog, args.positional[0]), args.positional[1])
    per = args.options.get("per", "mtok")
    divisors = {"mtok": Decimal(1), "1k": Decimal(1000), "token": _MTOK}
    if per not in divisors:
        raise _Unresolved(f"per={per} is not one of mtok, 1k, token")
    return prices.format_usd(rate / divisors[per])


def _estimate_of(args: _Args, catalog: prices.Catalog, model: str) -> prices.Estimate:
    opts = args.options
    return prices.estimate(
        _model(catalog, model),
        _count(opts.get("in", "0")),
        _count(opts.get("out", "0")),
        _count(opts.get("cached", "0")),
        _count(opts.get("write", "0")),
        batch="batch" in args.flags,
        catalog=catalog,
    )


def _estimate(args: _Args, catalog: prices.Catalog) -> str:
    total = _estimate_of(args, catalog, _one(args)).total
    per = args.options.get("per", "request")
    if per == "request":
        return prices.format_usd(total)
    volume, _, period = args.options.get("x", "").partition("/")
    if not period:
        raise _Unresolved(f"per={per} needs a volume, e.g. x=5000/day")
    projection = prices.project(total, _count(volume), period)
    if per == "day":
        return prices.format_usd(projection.per_day)
    if per == "month":
        return prices.format_usd(projection.per_month)
    raise _Unresolved(f"per={per} is not one of request, day, month")


def _ratio_of(model: prices.Model) -> str:
    rates = model.current
    if rates.input_per_mtok == 0:
        raise _Unresolved(f"{model.id} has a zero input price")
    ratio = (rates.output_per_mtok / rates.input_per_mtok).quantize(Decimal("0.1"))
    return f"{ratio.normalize():f}×"


def _ratio(args: _Args, catalog: prices.Catalog) -> str:
    return _ratio_of(_model(catalog, _one(args)))


def _ratio_table(args: _Args, catalog: prices.Catalog) -> str:
    if not args.positional:
        raise _Unresolved("expects one or more models")
    lines = []
    for name in args.positional:
        model = _model(catalog, name)
        rates = model.current
        lines.append(
            f"• `{model.id}`: {prices.format_usd(rates.input_per_mtok)} in, "
            f"{prices.format_usd(rates.output_per_mtok)} out per 1M, "
            f"so output costs *{_ratio_of(model)}* input"
        )
    return "\n".join(lines)


def _compare_table(args: _Args, catalog: prices.Catalog) -> str:
    if not args.positional or "in" not in args.options:
        raise _Unresolved("expects in=N out=N and one or more models")
    rows = [_estimate_of(args, catalog, name) for name in args.positional]
    rows.sort(key=lambda row: (row.total, row.model.id))
    return "\n".join(f"• `{row.model.id}`: {prices.format_usd(row.total)}" for row in rows)


def _first_tier(catalog: prices.Catalog, name: str) -> tuple[prices.Model, prices.Tier]:
    model = _model(catalog, name)
    if not model.current.tiers:
        raise _Unresolved(f"{model.id} has no long-context tier")
    return model, model.current.tiers[0]


def _tier(args: _Args, catalog: prices.Catalog) -> str:
    model, tier = _first_tier(catalog, _one(args))
    base = model.current
    rate_in = tier.rates.get("input_per_mtok", base.input_per_mtok)
    rate_out = tier.rates.get("output_per_mtok", base.output_per_mtok)
    return (
        f"{prices.format_usd(rate_in)} in / {prices.format_usd(rate_out)} out per 1M "
        "for the whole request"
    )


def _tier_threshold(args: _Args, catalog: prices.Catalog) -> str:
    return f"{_first_tier(catalog, _one(args))[1].threshold_input_tokens:,}"


def _batch_saving(args: _Args, catalog: prices.Catalog) -> str:
    model = _model(catalog, _one(args))
    if model.current.batch is None:
        raise _Unresolved(f"{model.id} has no batch price")
    standard = prices.estimate(model, 1000, 500, catalog=catalog).total
    batch = prices.estimate(model, 1000, 500, batch=True, catalog=catalog).total
    return prices.format_percent(1 - batch / standard)


def _context_window(args: _Args, catalog: prices.Catalog) -> str:
    model = _model(catalog, _one(args))
    if model.context_window is None:
        raise _Unresolved(f"{model.id} has no published context window")
    return f"{model.context_window:,}"


def _checked(args: _Args, catalog: prices.Catalog) -> str:
    return _model(catalog, _one(args)).checked.isoformat()


def _tokens(args: _Args, catalog: prices.Catalog) -> str:
    if len(args.positional) != 2:
        raise _Unresolved('expects a model and quoted text: {{tokens gpt-4o "Hello"}}')
    counted = prices.count_tokens(args.positional[1], _model(catalog, args.positional[0]))
    return f"{counted.tokens:,}" if counted.exact else f"about {counted.tokens:,}"


def _catalog_only(value: Callable[[prices.Catalog], str]) -> Callable[[_Args, prices.Catalog], str]:
    def handler(args: _Args, catalog: prices.Catalog) -> str:
        if args.positional or args.options or args.flags:
            raise _Unresolved("takes no arguments")
        return value(catalog)

    return handler


PLACEHOLDERS: dict[str, Callable[[_Args, prices.Catalog], str]] = {
    "price": _price,
    "estimate": _estimate,
    "ratio": _ratio,
    "ratio_table": _ratio_table,
    "compare_table": _compare_table,
    "tier": _tier,
    "tier_threshold": _tier_threshold,
    "batch_saving": _batch_saving,
    "context_window": _context_window,
    "checked": _checked,
    "tokens": _tokens,
    "as_of": _catalog_only(lambda c: c.as_of.isoformat()),
    "oldest_checked": _catalog_only(lambda c: min(m.checked for m in c.models).isoformat()),
    "model_count": _catalog_only(lambda c: f"{len(c.models):,}"),
    "provider_count": _catalog_only(lambda c: f"{len(c.providers()):,}"),
}
"""Placeholder name -> handler(args, catalog) returning the text to put in its place."""


def _fill(entry: Entry, catalog: prices.Catalog) -> str:
    def replace(found: re.Match[str]) -> str:
        body = found.group(1).strip()
        try:
            words = shlex.split(body)
        except ValueError as exc:
            raise RenderError(entry.id, body, f"cannot be split ({exc})") from exc
        if not words:
            raise RenderError(entry.id, body, "is empty")
        handler = PLACEHOLDERS.get(words[0])
        if handler is None:
            raise RenderError(entry.id, body, f"unknown placeholder {words[0]!r}")
        try:
            return handler(_parse_args(words[1:]), catalog)
        except _Unresolved as exc:
            raise RenderError(entry.id, body, str(exc)) from exc
        except prices.PricesError as exc:
            raise RenderError(entry.id, body, exc.message) from exc

    text = _PLACEHOLDER.sub(replace, entry.answer)
    leftover = re.search(r"\{\{|\}\}", text)
    if leftover is not None:
        snippet = text[max(leftover.start() - 20, 0) : leftover.end() + 20]
        raise RenderError(entry.id, snippet, "is not a complete placeholder")
    return text


def render(
    entry: Entry,
    catalog: prices.Catalog | None = None,
    *,
    entries: Sequence[Entry] | None = None,
) -> RenderedAnswer:
    """Render `entry`'s answer with live figures from `catalog` (default: the bundled one).

    `entries` is the store the related ids refer to (default: the bundled entries). Raises
    `RenderError` when a placeholder does not resolve or the result is over Slack's limit.
    """
    catalog = catalog if catalog is not None else prices.default_catalog()
    store = {e.id: e for e in (entries if entries is not None else load_entries())}
    text = _fill(entry, catalog)
    if len(text) >= MAX_ANSWER_CHARS:
        raise RenderError(entry.id, "*", f"renders to {len(text)} characters, over the limit")
    related = tuple((rid, store[rid].question) for rid in entry.related if rid in store)
    return RenderedAnswer(entry.id, entry.question, text, related, entry.reviewed, catalog.as_of)


def ask(question: str, catalog: prices.Catalog | None = None) -> RenderedAnswer:
    """Match and render in one step; raises `NoMatch` (with suggestions) below the bar."""
    result = match(question)
    if not isinstance(result, Match):
        raise NoMatch(question, result.suggestions, off_topic=result.off_topic)
    return render(result.entry, catalog)
