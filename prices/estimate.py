"""Pure arithmetic: usage x prices -> an exact `Estimate`, and volumes -> projections."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from .catalog import Catalog, default_catalog
from .errors import BadUsage
from .fast import MAX_TOKENS, flat, new_estimate, rates_at
from .models import Estimate, Model, Projection

__all__ = ["MAX_TOKENS", "PERIOD_SECONDS", "estimate", "project"]

_MTOK = Decimal(1_000_000)
_ZERO = Decimal(0)

#: Seconds in each period a volume can be given per. A month is 30 days.
PERIOD_SECONDS: dict[str, int] = {
    "second": 1,
    "minute": 60,
    "hour": 3600,
    "day": 86_400,
    "week": 7 * 86_400,
    "month": 30 * 86_400,
}
_DAY = Decimal(86_400)
_MONTH = Decimal(30 * 86_400)


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadUsage(f"The {name} count must be a whole number of tokens.")
    if value < 0:
        raise BadUsage(f"The {name} count can't be negative ({value:,}).")
    if value > MAX_TOKENS:
        raise BadUsage(f"{value:,} {name} tokens is beyond any real request (max {MAX_TOKENS:,}).")


def _check_usage(
    model: Model, inp: int, out: int, cached: int, written: int, strict: bool = True
) -> tuple[str, ...]:
    """Refuse impossible usage; returns notes for limits a lenient caller may go past."""
    if (  # the common case, checked without building messages (this is the hot path)
        type(inp) is int
        and type(out) is int
        and type(cached) is int
        and type(written) is int
        and 0 <= inp <= MAX_TOKENS
        and 0 <= out <= MAX_TOKENS
        and cached >= 0
        and written >= 0
        and cached + written <= inp
        and (
            model.context_window is None
            or model.kind != "chat"
            or inp + out <= model.context_window
        )
        and (model.max_output_tokens is None or out <= model.max_output_tokens)
    ):
        return ()
    for name, value in (
        ("input", inp),
        ("output", out),
        ("cached input", cached),
        ("cache write", written),
    ):
        _check_count(name, value)
    if cached + written > inp:
        raise BadUsage(
            f"Cached ({cached:,}) and cache-write ({written:,}) tokens are part of the prompt, "
            f"so together they can't exceed the {inp:,} input tokens."
        )
    notes: list[str] = []
    window = model.context_window
    if window is not None and model.kind == "chat" and inp + out > window:
        message = (
            f"{inp + out:,} tokens don't fit {model.id}'s context window of {window:,} "
            "(input plus output)"
        )
        if strict:
            raise BadUsage(message + ".")
        notes.append(
            message + ": one request can't be this big, so split it or pick a model with a "
            "larger window; the figure is what the tokens would cost."
        )
    limit = model.max_output_tokens
    if limit is not None and out > limit:
        message = f"{model.id} writes at most {limit:,} output tokens per request"
        if strict:
            raise BadUsage(message + ".")
        notes.append(message + "; the figure is what the tokens would cost over several calls.")
    return tuple(notes)


def estimate(
    model: Model | str,
    input_tokens: int,
    output_tokens: int = 0,
    cached_input_tokens: int = 0,
    cache_write_tokens: int = 0,
    *,
    batch: bool = False,
    at: datetime | None = None,
    catalog: Catalog | None = None,
    strict: bool = True,
) -> Estimate:
    """Price one request exactly.

    `input_tokens` is the whole prompt: cache reads and cache writes are parts of it and are
    priced at their own rates; only the rest is priced at the input rate. Long-context tiers
    bill the whole request at the tier rate. `at` picks the price in force then (default now).

    A request beyond the model's context window or output limit is refused (`BadUsage`);
    with `strict=False` it is priced anyway and `Estimate.notes` say why it can't be one call.
    Counts beyond 10^12 are refused either way.
    """
    if isinstance(model, str):
        model = (catalog or default_catalog()).get(model)
    if (  # the common case (issue 15): see `prices.fast`; anything else takes the full path
        not batch
        and type(input_tokens) is int
        and type(output_tokens) is int
        and type(cached_input_tokens) is int
        and type(cache_write_tokens) is int
        and not cached_input_tokens
        and not cache_write_tokens
    ):
        now = rates_at(model, at)
        if now is not None and now.fits(input_tokens, output_tokens):
            return new_estimate(
                model,
                input_tokens,
                output_tokens,
                0,
                0,
                False,
                input_tokens * now.input_per_mtok / _MTOK,
                _ZERO,
                _ZERO,
                output_tokens * now.output_per_mtok / _MTOK,
                now.rates,
                None,
                model.checked,
                (),
            )
    return _priced(
        model,
        input_tokens,
        output_tokens,
        cached_input_tokens,
        cache_write_tokens,
        batch=batch,
        at=at,
        catalog=catalog,
        strict=strict,
    )


def _priced(
    model: Model,
    input_tokens: int,
    output_tokens: int,
    cached_input_tokens: int,
    cache_write_tokens: int,
    *,
    batch: bool,
    at: datetime | None,
    catalog: Catalog | None,
    strict: bool,
) -> Estimate:
    """The full path: limits with notes, history at `at`, batch, tiers and cache rates."""
    notes = _check_usage(
        model, input_tokens, output_tokens, cached_input_tokens, cache_write_tokens, strict
    )
    if notes:
        largest = (catalog or default_catalog()).largest_context_window
        if largest is not None and input_tokens + output_tokens > largest:
            raise BadUsage(
                f"{input_tokens + output_tokens:,} tokens are beyond any model's context window "
                f"(the largest is {largest:,}); split the work into smaller requests."
            )
    prices = model.prices_at(at)
    if batch:
        if prices.batch is None:
            raise BadUsage(f"{model.id} has no batch price; drop `batch` for the standard rate.")
        prices = prices.batch
    rates, tier = prices.at_prompt_size(input_tokens)
    if cached_input_tokens and rates.cached_input_per_mtok is None:
        raise BadUsage(f"{model.id} has no cached-input price; it doesn't offer prompt caching.")
    plain = input_tokens - cached_input_tokens - cache_write_tokens
    write_rate = rates.cache_write_per_mtok
    if write_rate is None:
        write_rate = rates.input_per_mtok
    return new_estimate(
        model,
        input_tokens,
        output_tokens,
        cached_input_tokens,
        cache_write_tokens,
        batch,
        plain * rates.input_per_mtok / _MTOK,
        (
            cached_input_tokens * (rates.cached_input_per_mtok or 0) / _MTOK
            if cached_input_tokens
            else _ZERO
        ),
        cache_write_tokens * write_rate / _MTOK if cache_write_tokens else _ZERO,
        output_tokens * rates.output_per_mtok / _MTOK,
        flat(rates),
        tier,
        model.checked,
        notes,
    )


def project(cost_per_request: Decimal, requests: Decimal | int, period: str) -> Projection:
    """Scale a per-request cost to a volume of `requests` per `period` (a month is 30 days)."""
    seconds = PERIOD_SECONDS.get(period)
    if seconds is None:
        raise BadUsage(
            f"I can't project per {period!r}; use second, minute, hour, day, week or month."
        )
    volume = Decimal(requests)
    if volume < 0:
        raise BadUsage("The number of requests can't be negative.")
    # Multiply before dividing, so `x 1000/month` gives exactly cost x 1000 a month.
    total = cost_per_request * volume
    return Projection(
        requests_per_day=volume * _DAY / seconds,
        per_day=total * _DAY / seconds,
        per_month=total * _MONTH / seconds,
    )
