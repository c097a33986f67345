"""Results as the JSON objects of `--json` (DESIGN.md §3): `kind` on every object, money as
exact decimal strings, never floats."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.answers import results as r
from bot.answers.ledger_results import LEDGER_RESULTS, AnyResult
from bot.render.ledger import ledger_json
from prices import Model, PriceSet, TimeWindow, usd_string

__all__ = ["price_fields", "requests_value", "to_json"]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _money(value: Decimal | None) -> str | None:
    return None if value is None else usd_string(value)


def requests_value(requests: int | Decimal | None) -> int | str | None:
    """JSON `requests`: an int when whole, else an exact decimal string (`"2.5"`)."""
    if requests is None or isinstance(requests, int):
        return requests
    if requests == requests.to_integral_value():
        return int(requests)
    return f"{requests.normalize():f}"


def window_fields(window: TimeWindow) -> dict[str, Any]:
    """A time-of-day window: UTC `start`/`end` (`HH:MM`, end exclusive) and `weekdays`."""
    return {
        "start": f"{window.start:%H:%M}",
        "end": f"{window.end:%H:%M}",
        "weekdays": [_DAYS[d] for d in sorted(window.weekdays)],
    }


def price_fields(
    model: Model, p: PriceSet, time_of_day: tuple[r.PeakRate, ...] = ()
) -> dict[str, Any]:
    """The fields of `prices show MODEL --json`, plus `time_of_day`: the peak-hour rates that
    replace these inside daily UTC windows (empty for most models)."""
    return {
        "model": model.id,
        "provider": model.provider,
        "aliases": list(model.aliases),
        "input_per_mtok": usd_string(p.input_per_mtok),
        "output_per_mtok": usd_string(p.output_per_mtok),
        "cached_input_per_mtok": _money(p.cached_input_per_mtok),
        "cache_write_per_mtok": _money(p.cache_write_per_mtok),
        "context_window": model.context_window,
        "max_output_tokens": model.max_output_tokens,
        "tiers": [
            {
                "threshold_input_tokens": t.threshold_input_tokens,
                "inclusive": t.inclusive,
                **{name: usd_string(rate) for name, rate in t.rates.items()},
            }
            for t in p.tiers
        ],
        "batch": None
        if p.batch is None
        else {
            "input_per_mtok": usd_string(p.batch.input_per_mtok),
            "output_per_mtok": usd_string(p.batch.output_per_mtok),
            "cached_input_per_mtok": _money(p.batch.cached_input_per_mtok),
        },
        "as_of": model.checked.isoformat(),
        "source": model.source,
        "time_of_day": [
            {
                **window_fields(peak.window),
                "input_per_mtok": usd_string(peak.prices.input_per_mtok),
                "output_per_mtok": usd_string(peak.prices.output_per_mtok),
                "cached_input_per_mtok": _money(peak.prices.cached_input_per_mtok),
            }
            for peak in time_of_day
        ],
    }


def _estimate(res: r.EstimateResult) -> dict[str, Any]:
    est = res.estimate
    data: dict[str, Any] = {
        "kind": res.kind,
        "model": est.model.id,
        "provider": est.model.provider,
        "input_tokens": est.input_tokens,
        "output_tokens": est.output_tokens,
        "cached_input_tokens": est.cached_input_tokens,
        "cache_write_tokens": est.cache_write_tokens,
        "reasoning_tokens": res.reasoning_tokens,
        "batch": est.batch,
        "requests": requests_value(res.requests),
        "period": res.period,
        "cost_per_request": {
            "input": usd_string(est.input_cost),
            "cached_input": usd_string(est.cached_input_cost),
            "cache_write": usd_string(est.cache_write_cost),
            "output": usd_string(est.output_cost - res.reasoning_cost),
            "reasoning": usd_string(res.reasoning_cost),
            "total": usd_string(est.total),
        },
    }
    if res.projection is not None:
        data["cost_per_day"] = usd_string(res.projection.per_day)
        data["cost_per_month"] = usd_string(res.projection.per_month)
    if (total := res.volume_total) is not None:
        data["cost_total"] = usd_string(total)  # `x 100`: the one-off total
    data["prices"] = {
        "input_per_mtok": usd_string(est.rates.input_per_mtok),
        "output_per_mtok": usd_string(est.rates.output_per_mtok),
        "cached_input_per_mtok": _money(est.rates.cached_input_per_mtok),
        "cache_write_per_mtok": _money(est.rates.cache_write_per_mtok),
    }
    data["as_of"] = est.as_of.isoformat()
    if res.peak is not None:
        data["peak_window"] = window_fields(res.peak)  # priced at these peak-hour rates
    if res.warnings:
        data["warnings"] = list(res.warnings)
    return data


def _price(res: r.PriceResult) -> dict[str, Any]:
    model = res.model
    data = {"kind": res.kind, **price_fields(model, res.prices, res.time_of_day)}
    day = res.at.date() if res.at is not None else None
    data["lifecycle"] = model.lifecycle(day)
    data["retires_on"] = model.retires_on.isoformat() if model.retires_on else None
    data["replacement"] = model.replacement
    data["price_changes"] = [
        {
            "day": step.day.isoformat(),
            "before": {
                "input_per_mtok": usd_string(step.before.input_per_mtok),
                "output_per_mtok": usd_string(step.before.output_per_mtok),
                "cached_input_per_mtok": _money(step.before.cached_input_per_mtok),
            },
            "after": {
                "input_per_mtok": usd_string(step.after.input_per_mtok),
                "output_per_mtok": usd_string(step.after.output_per_mtok),
                "cached_input_per_mtok": _money(step.after.cached_input_per_mtok),
            },
        }
        for step in res.changes
    ]
    if res.lineage is not None:
        data["warnings"] = [res.lineage]
    return data


def _compare(res: r.CompareResult) -> dict[str, Any]:
    """`compare` JSON: the contract's fields, plus the volume, the per-day and per-month
    figures of each row when a volume was given, and `warnings` (a model left out says why)."""
    rows = []
    for row in res.rows:
        fields = {
            "model": row.model.id,
            "provider": row.model.provider,
            "total": usd_string(row.estimate.total),
        }
        if row.per_day is not None and row.per_month is not None:
            fields["cost_per_day"] = usd_string(row.per_day)
            fields["cost_per_month"] = usd_string(row.per_month)
        if res.requests is not None and res.period is None:
            fields["cost_total"] = usd_string(row.estimate.total * res.requests)
        rows.append(fields)
    return {
        "kind": res.kind,
        "models": list(res.models),
        "input_tokens": res.input_tokens,
        "output_tokens": res.output_tokens,
        "cached_input_tokens": res.cached_input_tokens,
        "cache_write_tokens": res.cache_write_tokens,
        "reasoning_tokens": res.reasoning_tokens,
        "batch": res.batch,
        "requests": requests_value(res.requests),
        "period": res.period,
        "rows": rows,
        "warnings": list(res.warnings),
    }


def _model_row(model: Model) -> dict[str, Any]:
    p = model.current
    return {
        "model": model.id,
        "provider": model.provider,
        "name": model.name,
        "input_per_mtok": usd_string(p.input_per_mtok),
        "output_per_mtok": usd_string(p.output_per_mtok),
        "cached_input_per_mtok": _money(p.cached_input_per_mtok),
        "context_window": model.context_window,
        "deprecated": model.deprecated,
    }


def to_json(result: AnyResult) -> dict[str, Any]:
    """The JSON object of a result."""
    if isinstance(result, LEDGER_RESULTS):
        return ledger_json(result)
    match result:
        case r.EstimateResult():
            return _estimate(result)
        case r.CompareResult():
            return _compare(result)
        case r.CountResult():
            return {
                "kind": result.kind,
                "model": result.model.id,
                "encoding": result.count.encoding,
                "tokens": result.count.tokens,
                "exact": result.count.exact,
                "cost_as_input": usd_string(result.cost_as_input),
            }
        case r.PriceResult():
            return _price(result)
        case r.PricesResult():
            return {"kind": result.kind, "prices": [_price(card) for card in result.cards]}
        case r.ModelsResult():
            models = [m for _, group in result.groups for m in group]
            return {
                "kind": result.kind,
                "provider": result.provider,
                "models": [_model_row(m) for m in models],
            }
        case r.HelpResult():
            text = f"{result.note}\n{result.text}" if result.note else result.text
            return {"kind": result.kind, "text": text}
        case r.ErrorResult():
            return {
                "kind": result.kind,
                "error": result.message,
                "suggestions": list(result.suggestions),
            }
        case r.FaqResult():
            return {
                "kind": result.kind,
                "id": result.id,
                "question": result.question,
                "answer": result.answer,
            }
        case r.FaqMissResult():
            return {
                "kind": result.kind,
                "suggestions": [{"id": i, "question": q} for i, q in result.suggestions],
            }
