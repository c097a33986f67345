"""The words of every reply, as parts (title, body, table, notes) shared by text and Block Kit.

A `Style` says how to write them: plain for the CLI, or Slack mrkdwn with `&`, `<` and `>`
escaped in everything that comes from outside our templates (user text, model ids, URLs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from prices import format_percent, format_usd

from . import results as r

__all__ = ["PLAIN", "SLACK", "Parts", "Style", "mrkdwn_escape", "parts_of"]


def mrkdwn_escape(text: str) -> str:
    """Escape the three characters Slack mrkdwn treats as markup (and nothing else)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True, slots=True)
class Style:
    """How to write a reply: escaping and bold."""

    esc: Callable[[str], str]
    bold: Callable[[str], str]


PLAIN = Style(esc=lambda s: s, bold=lambda s: s)
SLACK = Style(esc=mrkdwn_escape, bold=lambda s: f"*{s}*")


@dataclass(slots=True)
class Parts:
    """A reply split the way Block Kit shows it: header, sections, a table, context notes."""

    title: str
    """Plain text (a Block Kit header is plain_text); empty for no header."""
    body: list[str] = field(default_factory=list)
    """Lines, already styled."""
    table: str | None = None
    """A monospace table (shown in a code block), already escaped."""
    notes: list[str] = field(default_factory=list)
    """Small print, already styled."""


def _n(count: int | Decimal) -> str:
    if isinstance(count, Decimal) and count != count.to_integral_value():
        return f"{count.quantize(Decimal('0.01')):,}"
    return f"{int(count):,}"


def _rate(rate: Decimal | None) -> str:
    return "not offered" if rate is None else f"{format_usd(rate)}/M"


def _volume_line(res: r.EstimateResult, s: Style) -> str | None:
    est, proj = res.estimate, res.projection
    if res.requests is None:
        return None
    if res.period is None:
        total = format_usd(est.total * res.requests)
        return f"For {_n(res.requests)} requests: {s.bold(total)} in total"
    if proj is None:  # pragma: no cover - a period always comes with a projection
        return None
    money = (
        f"{s.bold(format_usd(proj.per_day))} per day, "
        f"{s.bold(format_usd(proj.per_month))} per month (a month = 30 days)"
    )
    rate = f"{_n(res.requests)} requests per {res.period}"
    if res.period != "day":
        rate += f" ({_n(proj.requests_per_day)} per day)"
    if res.budget is not None:
        budget = f"{format_usd(res.budget.usd)} per {res.budget.period}"
        if res.requests == 0:
            return f"A budget of {budget} doesn't cover one request ({format_usd(est.total)})."
        return f"A budget of {budget} buys {s.bold(rate)}: {money}"
    return f"At {rate}: {money}"


def _estimate(res: r.EstimateResult, s: Style) -> Parts:
    est = res.estimate
    model, rates = est.model, est.rates
    cached = f" ({_n(est.cached_input_tokens)} cached)" if est.cached_input_tokens else ""
    batch = ", batch API" if est.batch else ""
    plain = est.input_tokens - est.cached_input_tokens - est.cache_write_tokens
    body = [
        f"{s.bold(s.esc(model.id))} ({s.esc(model.provider)}): {_n(est.input_tokens)} input "
        f"tokens{cached}, {_n(est.output_tokens)} output tokens{batch}",
        f"• uncached input: {_n(plain)} × {_rate(rates.input_per_mtok)} = "
        f"{format_usd(est.input_cost)}",
        f"• cached input: {_n(est.cached_input_tokens)} × {_rate(rates.cached_input_per_mtok)} = "
        f"{format_usd(est.cached_input_cost)}",
        f"• output: {_n(est.output_tokens)} × {_rate(rates.output_per_mtok)} = "
        f"{format_usd(est.output_cost)}",
        f"Per request: {s.bold(format_usd(est.total))}",
    ]
    if est.cache_write_tokens:
        body.insert(
            3, f"• cache writes: {_n(est.cache_write_tokens)} = {format_usd(est.cache_write_cost)}"
        )
    if (volume := _volume_line(res, s)) is not None:
        body.append(volume)
    if (alt := res.alternative) is not None:
        figure = (
            format_usd(alt.per_month) + " per month"
            if alt.per_month is not None
            else (format_usd(alt.total) + " per request")
        )
        body.append(
            f"Cheaper at {s.esc(model.provider)}: {s.bold(s.esc(alt.model.id))}: {figure}, "
            f"{format_percent(alt.saving)} less"
        )
    notes = [
        f"Prices per 1M tokens{' (batch)' if est.batch else ''}, as of {est.as_of.isoformat()}: "
        f"input {format_usd(rates.input_per_mtok)}, cached input "
        f"{_rate(rates.cached_input_per_mtok).removesuffix('/M')}, output "
        f"{format_usd(rates.output_per_mtok)}"
    ]
    if est.tier is not None:
        notes.append(
            f"The prompt is over {_n(est.tier.threshold_input_tokens)} tokens, so the whole "
            "request is billed at the long-context rate."
        )
    if res.output_assumed:
        notes.append(
            "You gave one number, so I read it as input and assumed 0 output tokens; "
            "add one like `500 out`."
        )
    per = f"{format_usd(est.total)} per request"
    if res.projection is not None:
        per += f", {format_usd(res.projection.per_month)} per month"
    return Parts(f"{model.id}: {per}", body, None, notes)


def _compare(res: r.CompareResult, s: Style) -> Parts:
    cheapest = res.rows[0].estimate.total
    monthly = any(row.per_month is not None for row in res.rows)
    header = [
        "model",
        "provider",
        "per request",
        *(["per month"] if monthly else []),
        "vs cheapest",
    ]
    lines = [header]
    for row in res.rows:
        total = row.estimate.total
        if total == cheapest:
            diff = "cheapest"
        elif cheapest == 0:
            diff = f"+{format_usd(total)}"
        else:
            diff = (
                f"+{format_usd(total - cheapest)} ({(total / cheapest).quantize(Decimal('0.1'))}×)"
            )
        month = [format_usd(row.per_month)] if row.per_month is not None else []
        lines.append([row.model.id, row.model.provider, format_usd(total), *month, diff])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    table = "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip() for line in lines
    )
    usage = f"{_n(res.input_tokens)} input + {_n(res.output_tokens)} output tokens"
    if res.cached_input_tokens:
        usage += f" ({_n(res.cached_input_tokens)} input cached)"
    if res.batch:
        usage += ", batch API"
    first = res.rows[0]
    body = [
        f"Cheapest: {s.bold(s.esc(first.model.id))} ({s.esc(first.model.provider)}) at "
        f"{s.bold(format_usd(first.estimate.total))} per request"
    ]
    notes = []
    if res.requests is not None and res.period is not None:
        notes.append(f"At {_n(res.requests)} requests per {res.period}; a month = 30 days.")
    for model_id, why in res.skipped:
        notes.append(f"{s.esc(model_id)} left out: {s.esc(why)}")
    as_of = max(row.estimate.as_of for row in res.rows)
    notes.append(f"Prices as of {as_of.isoformat()}.")
    return Parts(f"{res.title}: {usage}", body, s.esc(table), notes)


def _count(res: r.CountResult, s: Style) -> Parts:
    count = res.count
    exact = "exact" if count.exact else "approximate"
    body = [
        f"{s.bold(_n(count.tokens))} tokens for {s.esc(res.model.id)} ({s.esc(count.encoding)}, "
        f"{exact}) in {_n(res.chars)} characters",
        f"As input: {s.bold(format_usd(res.cost_as_input))} at "
        f"{_rate(res.model.current.input_per_mtok)}",
    ]
    notes = [s.esc(n) for n in (count.note, res.note) if n]
    return Parts(f"{res.model.id}: {count.tokens:,} tokens", body, None, notes)


def _price(res: r.PriceResult, s: Style) -> Parts:
    model, p = res.model, res.prices
    write = "at the input rate"
    if p.cache_write_per_mtok is not None:
        write = format_usd(p.cache_write_per_mtok)
    body = [
        f"{s.bold(s.esc(model.name))} ({s.esc(model.id)}, {s.esc(model.provider)}), "
        "USD per 1M tokens:",
        f"• input {format_usd(p.input_per_mtok)}, output {format_usd(p.output_per_mtok)}",
        f"• cached input {_rate(p.cached_input_per_mtok).removesuffix('/M')}, cache write {write}",
    ]
    if p.batch is not None:
        body.append(
            f"• batch: input {format_usd(p.batch.input_per_mtok)}, output "
            f"{format_usd(p.batch.output_per_mtok)}"
        )
    for tier in p.tiers:
        over = "from" if tier.inclusive else "over"
        rates = ", ".join(
            f"{name.removesuffix('_per_mtok').replace('_', ' ')} {format_usd(rate)}"
            for name, rate in tier.rates.items()
        )
        body.append(f"• prompts {over} {_n(tier.threshold_input_tokens)} tokens: {rates}")
    window = f"{_n(model.context_window)} tokens" if model.context_window else "not published"
    limit = f", max output {_n(model.max_output_tokens)}" if model.max_output_tokens else ""
    body.append(f"Context window: {window}{limit}")
    if model.deprecated:
        body.append("Deprecated: the provider is retiring this model.")
    notes = []
    if model.aliases:
        shown = ", ".join(model.aliases[:8]) + (" …" if len(model.aliases) > 8 else "")
        notes.append(f"Also known as: {s.esc(shown)}")
    notes.append(f"Prices as of {model.checked.isoformat()}; source: {s.esc(model.source)}")
    return Parts(f"{model.name} ({model.id}) prices", body, None, notes)


#: Ids shown per provider in the all-providers list before "+N more".
MODELS_PER_PROVIDER = 12
#: Lines shown for one provider before "+N more".
MODELS_ONE_PROVIDER = 60


def _models(res: r.ModelsResult, s: Style) -> Parts:
    body: list[str] = []
    if res.provider is not None:
        _, models = res.groups[0]
        for m in models[:MODELS_ONE_PROVIDER]:
            old = " (deprecated)" if m.deprecated else ""
            body.append(
                f"• {s.esc(m.id)}: {format_usd(m.current.input_per_mtok)} in / "
                f"{format_usd(m.current.output_per_mtok)} out per 1M{old}"
            )
        if len(models) > MODELS_ONE_PROVIDER:
            body.append(f"+{len(models) - MODELS_ONE_PROVIDER} more")
        return Parts(
            f"{res.provider} models ({len(models)})",
            body,
            None,
            ["Type `price MODEL` for a model's card."],
        )
    for provider, models in res.groups:
        current = [m for m in models if not m.deprecated]
        ids = ", ".join(s.esc(m.id) for m in current[:MODELS_PER_PROVIDER])
        more = len(current) - MODELS_PER_PROVIDER
        tail = f" +{more} more" if more > 0 else ""
        body.append(f"{s.bold(s.esc(provider))} ({len(current)}): {ids}{tail}")
    total = sum(len(models) for _, models in res.groups)
    return Parts(
        f"Models I price ({total})",
        body,
        None,
        ["Type `models PROVIDER` for one provider's full list with prices."],
    )


def _faq_miss(res: r.FaqMissResult, s: Style) -> Parts:
    if res.off_topic or not res.suggestions:
        return Parts(
            "",
            [
                "That doesn't look like a question I can answer about LLM costs; "
                "type `help` for what I can do."
            ],
        )
    body = ["I don't have a stored answer for that yet. The closest questions I know:"]
    body += [f"• {s.esc(question)}" for _id, question in res.suggestions]
    return Parts("", body, None, ["Ask one of them, or type `help`."])


def parts_of(result: r.Result, s: Style) -> Parts:
    """The parts of any result, styled."""
    match result:
        case r.EstimateResult():
            return _estimate(result, s)
        case r.CompareResult():
            return _compare(result, s)
        case r.CountResult():
            return _count(result, s)
        case r.PriceResult():
            return _price(result, s)
        case r.ModelsResult():
            return _models(result, s)
        case r.HelpResult():
            lines = [s.esc(result.note)] if result.note else []
            return Parts("tokencost help", lines + s.esc(result.text).splitlines())
        case r.ErrorResult():
            notes = []
            if result.suggestions and "Did you mean" not in result.message:
                notes.append("Did you mean: " + ", ".join(s.esc(x) for x in result.suggestions))
            notes.append("Type `help` for examples.")
            return Parts("", [s.esc(result.message)], None, notes)
        case r.FaqResult():
            notes = (
                ["Related: " + " · ".join(s.esc(q) for _i, q in result.related)]
                if result.related
                else []
            )
            return Parts(result.question, result.answer.splitlines(), None, notes)
        case r.FaqMissResult():
            return _faq_miss(result, s)
