"""The words of every reply, as parts (title, body, table, notes) shared by text and Block Kit.

Estimates, comparisons, counts, help, errors and FAQ answers here; price cards and model
lists in `bot.render.cards`; the `Style` (plain or escaped mrkdwn) in `bot.render.style`.
"""

from __future__ import annotations

from decimal import Decimal

from bot.answers import results as r
from bot.answers.ledger_results import LEDGER_RESULTS, AnyResult
from bot.render.cards import models_parts, price_parts, prices_parts
from bot.render.ledger import ledger_parts
from bot.render.style import (
    PLAIN,
    SLACK,
    Parts,
    Style,
    count_text,
    mrkdwn_escape,
    plural,
    rate_text,
    window_text,
)
from prices import PriceSet, format_percent, format_usd

__all__ = ["PLAIN", "SLACK", "Parts", "Style", "mrkdwn_escape", "parts_of"]


_n = count_text
_rate = rate_text


def _volume_line(res: r.EstimateResult, s: Style, total: str, per_month: str) -> str | None:
    """The volume's line; `total` and `per_month` are the estimate's figures, formatted."""
    est, proj = res.estimate, res.projection
    if res.requests is None:
        return None
    if res.period is None:
        total = format_usd(est.total * res.requests)
        return f"For {plural(res.requests, 'request')}: {s.bold(total)} in total"
    if proj is None:  # pragma: no cover - a period always comes with a projection
        return None
    money = (
        f"{s.bold(format_usd(proj.per_day))} per day, "
        f"{s.bold(per_month)} per month (a month = 30 days)"
    )
    rate = f"{plural(res.requests, 'request')} per {res.period}"
    if res.period != "day":
        rate += f" ({_n(proj.requests_per_day)} per day)"
    if res.budget is not None:
        budget = f"{format_usd(res.budget.usd)} per {res.budget.period}"
        if res.requests == 0:
            return f"A budget of {budget} doesn't cover one request ({total})."
        return f"A budget of {budget} buys {s.bold(rate)}: {money}"
    return f"At {rate}: {money}"


def _estimate(res: r.EstimateResult, s: Style) -> Parts:
    est = res.estimate
    model, rates = est.model, est.rates
    # Each figure formatted once: a reply shows the total, the month and the rates twice.
    total = format_usd(est.total)
    per_month = format_usd(res.projection.per_month) if res.projection is not None else ""
    input_rate, output_rate = _rate(rates.input_per_mtok), _rate(rates.output_per_mtok)
    cached_rate = _rate(rates.cached_input_per_mtok)
    cached = f" ({_n(est.cached_input_tokens)} cached)" if est.cached_input_tokens else ""
    batch = ", batch API" if est.batch else ""
    reasoning = f" + {_n(res.reasoning_tokens)} reasoning" if res.reasoning_tokens else ""
    plain = est.input_tokens - est.cached_input_tokens - est.cache_write_tokens
    body = [
        f"{s.bold(s.esc(model.id))} ({s.esc(model.provider)}): "
        f"{plural(est.input_tokens, 'input token')}{cached}, "
        f"{plural(est.output_tokens - res.reasoning_tokens, 'output token')}{reasoning}{batch}",
        f"• uncached input: {_n(plain)} × {input_rate} = {format_usd(est.input_cost)}",
        f"• cached input: {_n(est.cached_input_tokens)} × {cached_rate} = "
        f"{format_usd(est.cached_input_cost)}",
        f"• output: {_n(est.output_tokens - res.reasoning_tokens)} × "
        f"{output_rate} = {format_usd(est.output_cost - res.reasoning_cost)}",
        f"Per request: {s.bold(total)}",
    ]
    if res.reasoning_tokens:
        body.insert(
            len(body) - 1,
            f"• reasoning (billed as output): {_n(res.reasoning_tokens)} × "
            f"{output_rate} = {format_usd(res.reasoning_cost)}",
        )
    if est.cache_write_tokens:
        body.insert(
            3,
            f"• cache writes: {_n(est.cache_write_tokens)} × {_rate(_write_rate(rates))} = "
            f"{format_usd(est.cache_write_cost)}",
        )
    if (volume := _volume_line(res, s, total, per_month)) is not None:
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
        f"input {input_rate.removesuffix('/M')}, cached input "
        f"{cached_rate.removesuffix('/M')}, output {output_rate.removesuffix('/M')}"
    ]
    if est.tier is not None and not est.notes:
        notes.append(
            f"The prompt is over {_n(est.tier.threshold_input_tokens)} tokens, so the whole "
            "request is billed at the long-context rate."
        )
    elif est.tier is not None:
        # It can't be one request (a note below says so): the rate is a what-if, not a bill.
        notes.append(
            f"The figure uses the long-context rate for prompts over "
            f"{_n(est.tier.threshold_input_tokens)} tokens."
        )
    if res.output_assumed:
        notes.append(
            "You gave one number, so I read it as input and assumed 0 output tokens; "
            "add one like `500 out`."
        )
    notes.extend(_time_of_day_notes(res))
    if isinstance(res.requests, Decimal) and res.period is not None:
        notes.append(
            f"The rate is fractional, so requests per day and month are averages "
            f"({_n(res.requests)} per {res.period})."
        )
    notes.extend(s.esc(warning) for warning in res.warnings)
    per = f"{total} per request"
    if res.projection is not None:
        per += f", {per_month} per month"
    return Parts(f"{model.id}: {per}", body, None, notes)


def _write_rate(rates: PriceSet) -> Decimal:
    """The cache-write rate applied: its own, or the input rate when it has none."""
    if rates.cache_write_per_mtok is not None:
        return rates.cache_write_per_mtok
    return rates.input_per_mtok


def _time_of_day_notes(res: r.EstimateResult) -> list[str]:
    """Which time-of-day rate priced the request, and the other rates of the day."""
    if res.peak is not None:
        return [f"Priced at the peak-hour rate ({window_text(res.peak)})."]
    if not res.peaks:
        return []
    windows = "; ".join(
        f"{window_text(p.window)}: input {format_usd(p.prices.input_per_mtok)}, output "
        f"{format_usd(p.prices.output_per_mtok)} per 1M"
        for p in res.peaks
    )
    return [f"Priced at the standard rate; peak hours cost more ({windows})."]


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
    tokens = "token" if res.input_tokens + res.output_tokens == 1 else "tokens"
    usage = f"{_n(res.input_tokens)} input + {_n(res.output_tokens)} output {tokens}"
    if res.cached_input_tokens:
        usage += f" ({_n(res.cached_input_tokens)} input cached)"
    if res.cache_write_tokens:
        usage += f" ({_n(res.cache_write_tokens)} written to the cache)"
    if res.reasoning_tokens:
        usage += f" ({_n(res.reasoning_tokens)} of the output is reasoning)"
    if res.batch:
        usage += ", batch API"
    first = res.rows[0]
    body = [
        f"Cheapest: {s.bold(s.esc(first.model.id))} ({s.esc(first.model.provider)}) at "
        f"{s.bold(format_usd(first.estimate.total))} per request"
    ]
    notes = []
    if res.requests is not None and res.period is not None:
        notes.append(f"At {plural(res.requests, 'request')} per {res.period}; a month = 30 days.")
    notes.extend(s.esc(warning) for warning in res.warnings)
    as_of = max(row.estimate.as_of for row in res.rows)
    notes.append(f"Prices as of {as_of.isoformat()}.")
    return Parts(f"{res.title}: {usage}", body, s.esc(table), notes)


def _count(res: r.CountResult, s: Style) -> Parts:
    count = res.count
    exact = "exact" if count.exact else "approximate"
    body = [
        f"{s.bold(_n(count.tokens))} {'token' if count.tokens == 1 else 'tokens'} for "
        f"{s.esc(res.model.id)} ({s.esc(count.encoding)}, {exact}) in "
        f"{plural(res.chars, 'character')}",
        f"As input: {s.bold(format_usd(res.cost_as_input))} at "
        f"{_rate(res.model.current.input_per_mtok)}",
    ]
    notes = [s.esc(n) for n in (count.note, res.note) if n]
    return Parts(f"{res.model.id}: {plural(count.tokens, 'token')}", body, None, notes)


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


def _error(result: r.ErrorResult, s: Style) -> Parts:
    """An error: its sentence, what the user may have meant, and the hint to `help`."""
    notes = []
    repeated = any(x in result.message for x in result.suggestions)
    if result.suggestions and not repeated and "Did you mean" not in result.message:
        notes.append("Did you mean: " + ", ".join(s.esc(x) for x in result.suggestions))
    if "`help`" not in result.message:
        notes.append("Type `help` for examples.")
    message = s.esc(result.message)
    if result.channel:
        message = message.replace(f"#{result.channel}", s.channel(result.channel))
    return Parts("", [message], None, notes)


def parts_of(result: AnyResult, s: Style) -> Parts:
    """The parts of any result, styled."""
    if isinstance(result, LEDGER_RESULTS):
        return ledger_parts(result, s)
    match result:
        case r.EstimateResult():
            return _estimate(result, s)
        case r.CompareResult():
            return _compare(result, s)
        case r.CountResult():
            return _count(result, s)
        case r.PriceResult():
            return price_parts(result, s)
        case r.PricesResult():
            return prices_parts(result, s)
        case r.ModelsResult():
            return models_parts(result, s)
        case r.HelpResult():
            lines = [s.esc(result.note)] if result.note else []
            return Parts("tokencost help", lines + s.esc(result.text).splitlines())
        case r.ErrorResult():
            return _error(result, s)
        case r.FaqResult():
            notes = (
                ["Related: " + " · ".join(s.esc(q) for _i, q in result.related)]
                if result.related
                else []
            )
            return Parts(result.question, s.stored(result.answer).splitlines(), None, notes)
        case r.FaqMissResult():
            return _faq_miss(result, s)
