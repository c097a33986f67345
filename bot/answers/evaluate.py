"""Commands to results: price them with `prices`, answer questions with `faq`.

`evaluate` never raises for anything a user can type: pricing errors (unknown model, usage
that cannot be a real request) come back as `ErrorResult`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_FLOOR, Decimal

import prices
from bot.answers.alternatives import cheaper_alternative
from bot.answers.changes import CARD_CHANGES, price_steps
from bot.answers.faq import answer_question
from bot.answers.lineage import lineage_warning
from bot.answers.results import (
    CompareResult,
    CompareRow,
    CountResult,
    ErrorResult,
    EstimateResult,
    HelpResult,
    ModelsResult,
    PriceResult,
    PricesResult,
    Result,
    time_of_day,
    window_at,
)
from bot.language import commands as c
from bot.language.errors import ParseError
from bot.language.parse import parse_command
from prices import Catalog, Model, PricesError, default_catalog, format_usd

__all__ = ["CHEAPEST_ROWS", "HELP_TEXT", "ask", "evaluate"]

#: Rows a `cheapest` answer shows.
CHEAPEST_ROWS = 10

HELP_TEXT = """\
Estimate what an LLM API call costs. Examples:
• `gpt-4o 1000 500`: 1,000 input and 500 output tokens (one bare number = input only)
• `gpt-4o 1000 in 500 out x 10k/day`: per request, per day and per month (a month = 30 days)
• `gpt-4.1 5000 in 1000 out cached 4000`, `cache write 2000`, `gpt-4o 1000 500 batch`
• `o3 1000 500 reasoning 4000`: reasoning tokens, billed as output and shown apart
• `gpt-4o 1000 500 budget $100/day`: how many requests a budget buys
• `compare gpt-4o gpt-4o-mini claude-haiku-4-5 2000 400`, `gpt-4o vs claude-sonnet-4 1k 1k`
• `cheapest 1000 500 [provider] [min context 200k]`; add `all` for any provider and host
• `count gpt-4o <pasted text>`: tokens in a text
• `price gpt-4o [more models]`: price cards; `models [provider]`: what I know
• `log gpt-4o 120k 30k #team`, `budget 500/month #team`, `digest on #channel at 09:00`
• `billing`: what OpenAI and Anthropic billed (admin keys); `budget 5000/month billed`
Or ask in a sentence:
• `what will 50k requests a day on gpt-4o cost with 2k in and 1k out?`
• `is gpt-4o or claude-sonnet-4 cheaper for 1k in 1k out?`
• `how many gpt-4o-mini calls can I make with $100 a day at 1500 in 500 out?`
• `why is output more expensive?` (a general question gets the stored answer)
Numbers: `1000`, `1,000`, `1k`, `1.5k`, `2M`, `two million`. Volumes: `x 10k/day`, \
`300/hour`, `5 rps`, `50k requests a month`. Add `share` to post the answer for everyone."""


def ask(text: str, catalog: Catalog | None = None, *, at: datetime | None = None) -> Result:
    """Parse and evaluate `text` as typed after `/tokencost`; never raises for user input."""
    catalog = catalog or default_catalog()
    try:
        command = parse_command(text, catalog)
    except ParseError as exc:
        return ErrorResult(exc.message, exc.suggestions)
    return evaluate(command, catalog, at=at)


def evaluate(
    command: c.Command, catalog: Catalog | None = None, *, at: datetime | None = None
) -> Result:
    """The result of one command, priced at `at` (default now)."""
    catalog = catalog or default_catalog()
    try:
        return _evaluate(command, catalog, at)
    except PricesError as exc:
        suggestions = getattr(exc, "suggestions", ())
        return ErrorResult(exc.message, tuple(suggestions), share=command.share)


def _evaluate(command: c.Command, catalog: Catalog, at: datetime | None) -> Result:
    match command:
        case c.Estimate():
            return _estimate(command, catalog, at)
        case c.Compare():
            return _compare(command, catalog, at)
        case c.Cheapest():
            return _cheapest(command, catalog, at)
        case c.Count():
            return _count(command, catalog, at)
        case c.Price():
            cards = tuple(
                _price_card(catalog, name, at, command.share)
                for name in dict.fromkeys((command.model, *command.others))
            )
            if len(cards) == 1:
                return cards[0]
            return PricesResult(cards, share=command.share)
        case c.Models():
            return _models(command, catalog)
        case c.Help():
            return HelpResult(HELP_TEXT, share=command.share)
        case c.Faq():
            return answer_question(command.question, catalog, share=command.share)
        case c.Log() | c.Budget() | c.Digest() | c.Billing():
            # They read and write the store, so every surface runs them through `bot.respond`
            # (`bot.ledger.commands`); this pure evaluator has no store and says so.
            name = type(command).__name__.lower()
            return ErrorResult(
                f"`{name}` works on the usage ledger: use it in Slack, `tokencost ask` or the "
                "console, not the pure `bot.answers.ask`.",
                share=command.share,
            )


def _price_card(catalog: Catalog, name: str, at: datetime | None, share: bool) -> PriceResult:
    """One model's card at the standard rates of `at`'s day."""
    model = catalog.get(name)
    base, _peaks = time_of_day(model, at)
    day = at.astimezone(UTC).date() if at else None
    changes = price_steps(model)[-CARD_CHANGES:]
    return PriceResult(model, base, share=share, at=at,
                       lineage=lineage_warning(catalog, model, day, on_card=True),
                       changes=changes)  # fmt: skip


def _projection(
    total: Decimal, requests: int | Decimal | None, period: str | None
) -> prices.Projection | None:
    if requests is None or period is None:
        return None
    return prices.project(total, requests, period)


def _no_output(model: Model) -> str:
    return f"Embedding models have no output tokens; give just the input, like `{model.id} 1000`."


def _estimate(command: c.Estimate, catalog: Catalog, at: datetime | None) -> EstimateResult:
    model = catalog.get(command.model)
    if model.kind == "embedding" and command.output_tokens:
        raise PricesError(_no_output(model))
    est = prices.estimate(
        model,
        command.input_tokens,
        command.output_tokens + command.reasoning_tokens,  # reasoning is billed as output
        command.cached_input_tokens,
        command.cache_write_tokens,
        batch=command.batch,
        at=at,
        catalog=catalog,
        strict=False,  # over the window: priced, with a note saying it can't be one request
    )
    requests: int | Decimal | None = command.volume.requests if command.volume else None
    period = command.volume.period if command.volume else None
    if command.budget is not None:
        period = command.budget.period
        if est.total == 0:
            raise PricesError(
                "A request of 0 tokens costs nothing, so any volume fits a budget; give the "
                f"counts, like `{model.id} 1000 500 budget $100/day`."
            )
        requests = int((command.budget.usd / est.total).to_integral_value(ROUND_FLOOR))
        if requests == 0:
            # Never a $0 estimate: the budget buys nothing, so say that and only that.
            raise PricesError(
                f"A budget of {format_usd(command.budget.usd)} per {command.budget.period} "
                f"doesn't cover one {model.id} request ({format_usd(est.total)}); raise the "
                "budget or send fewer tokens."
            )
    projection = _projection(est.total, requests, period)
    return EstimateResult(
        estimate=est,
        requests=requests,
        period=period,
        projection=projection,
        budget=command.budget,
        alternative=cheaper_alternative(catalog, est, command.batch, at, projection),
        output_assumed=command.output_assumed and model.kind != "embedding",
        peak=window_at(model, at),
        peaks=time_of_day(model, at)[1],
        share=command.share,
        reasoning_tokens=command.reasoning_tokens,
        lineage=lineage_warning(catalog, model),
    )


def _rows(
    models: list[Model],
    command: c.Compare | c.Cheapest,
    cached: int,
    at: datetime | None,
    write: int = 0,
    reasoning: int = 0,
) -> tuple[list[CompareRow], list[tuple[str, str]]]:
    rows: list[CompareRow] = []
    skipped: list[tuple[str, str]] = []
    volume = command.volume
    for model in models:
        if model.kind == "embedding" and command.output_tokens:
            skipped.append((model.id, "embedding models have no output tokens"))
            continue
        try:
            est = prices.estimate(
                model,
                command.input_tokens,
                command.output_tokens + reasoning,
                cached,
                write,
                batch=command.batch,
                at=at,
            )
        except PricesError as exc:
            skipped.append((model.id, exc.message))
            continue
        projection = _projection(
            est.total, volume.requests if volume else None, volume.period if volume else None
        )
        rows.append(
            CompareRow(
                model,
                est,
                projection.per_month if projection else None,
                projection.per_day if projection else None,
            )
        )
    rows.sort(key=lambda r: (r.estimate.total, r.model.id))
    return rows, skipped


def _compare(command: c.Compare, catalog: Catalog, at: datetime | None) -> CompareResult:
    models = [catalog.get(name) for name in command.models]
    rows, skipped = _rows(
        models,
        command,
        command.cached_input_tokens,
        at,
        command.cache_write_tokens,
        command.reasoning_tokens,
    )
    if not rows:
        raise PricesError(f"None of those models can price this request: {skipped[0][1]}")
    lineage = tuple(w for m in models if (w := lineage_warning(catalog, m)) is not None)
    return CompareResult(
        models=tuple(m.id for m in models),
        input_tokens=command.input_tokens,
        output_tokens=command.output_tokens + command.reasoning_tokens,
        rows=tuple(rows),
        cached_input_tokens=command.cached_input_tokens,
        batch=command.batch,
        requests=command.volume.requests if command.volume else None,
        period=command.volume.period if command.volume else None,
        skipped=tuple(skipped),
        share=command.share,
        cache_write_tokens=command.cache_write_tokens,
        reasoning_tokens=command.reasoning_tokens,
        lineage=lineage,
    )


#: The largest request `cheapest` offers a model with an unknown context window for.
UNKNOWN_WINDOW_MAX_TOKENS = 8_192


def _cheapest(command: c.Cheapest, catalog: Catalog, at: datetime | None) -> CompareResult:
    if command.provider and not catalog.by_provider(command.provider):
        known = ", ".join(_known(catalog))
        raise PricesError(f"I don't know the provider `{command.provider}`; try one of: {known}.")
    need = command.min_context or 0
    size = command.input_tokens + command.output_tokens
    # Current chat models only (never retired or retiring), from the vendors' own APIs unless
    # a provider is named or `all` widens it (resellers would crowd the list with the same
    # models).
    on = at.date() if at else None
    candidates = [
        m
        for m in catalog.candidates(on=on, provider=command.provider, widen=command.widen)
        if (need == 0 or (m.context_window or 0) >= need)
        # A model whose window nobody documented is only offered for requests that fit
        # every current model; a big prompt needs a window we know.
        and (m.context_window is not None or size <= UNKNOWN_WINDOW_MAX_TOKENS)
    ]
    rows, _skipped = _rows(candidates, command, 0, at)
    if not rows:
        raise PricesError("No model fits that request; try fewer tokens or a smaller context.")
    rows = rows[:CHEAPEST_ROWS]
    title = "Cheapest" + (f" of {command.provider}" if command.provider else "")
    if command.widen and not command.provider:
        title += ", any provider or host"
    if command.min_context:
        title += f", {command.min_context:,}+ token context"
    return CompareResult(
        models=tuple(r.model.id for r in rows),
        input_tokens=command.input_tokens,
        output_tokens=command.output_tokens,
        rows=tuple(rows),
        batch=command.batch,
        requests=command.volume.requests if command.volume else None,
        period=command.volume.period if command.volume else None,
        title=title,
        share=command.share,
    )


def _count(command: c.Count, catalog: Catalog, at: datetime | None) -> CountResult:
    model = catalog.get(command.model)
    counted = prices.count_tokens(command.text, model)
    est = prices.estimate(model, counted.tokens, 0, at=at, catalog=catalog, strict=False)
    cost = est.total
    note = None
    if est.notes:
        note = (
            f"That's more than {model.id}'s context window of {model.context_window or 0:,} tokens."
        )
    return CountResult(model, counted, cost, len(command.text), note, share=command.share)


def _models(command: c.Models, catalog: Catalog) -> ModelsResult:
    if command.provider is not None:
        models = catalog.by_provider(command.provider)
        if not models:
            known = ", ".join(_known(catalog))
            raise PricesError(
                f"I don't know the provider `{command.provider}`; try one of: {known}."
            )
        return ModelsResult(
            models[0].provider, ((models[0].provider, models),), share=command.share
        )
    groups = tuple((p, catalog.by_provider(p)) for p in _known(catalog))
    return ModelsResult(None, groups, share=command.share)


def _known(catalog: Catalog) -> tuple[str, ...]:
    """Providers with models, in the registry's preference order (vendors' own APIs first)."""
    return tuple(p for p in catalog.provider_order if catalog.by_provider(p))
