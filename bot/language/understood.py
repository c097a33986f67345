"""What a sentence said, back in words: for replies that name what was understood and what
is missing, with the command to type (`I read gpt-4o at 10,000 requests per day, but not how
many tokens a request has; try ...`)."""

from __future__ import annotations

from decimal import Decimal

from bot.language.errors import ParseError
from bot.language.grammar import Usage
from prices import usd_string

__all__ = ["describe", "missing_error", "suggest_command"]


def _n(value: int | Decimal) -> str:
    return f"{value:,}"


def _volume_text(usage: Usage) -> str | None:
    if usage.volume is None:
        return None
    per = f" per {usage.volume.period}" if usage.volume.period else " in total"
    noun = "request" if usage.volume.requests == 1 else "requests"
    return f"{_n(usage.volume.requests)} {noun}{per}"


def describe(usage: Usage) -> str:
    """The parts of a usage that were read, as a phrase: `gpt-4o, 2,000 input tokens, 300
    requests per hour`."""
    parts = [" and ".join(usage.models)] if usage.models else []
    for value, name in (
        (usage.input_tokens, "input"),
        (usage.cached_input_tokens, "cached"),
        (usage.cache_write_tokens, "cache-write"),
        (usage.output_tokens, "output"),
        (usage.reasoning_tokens, "reasoning"),
    ):
        if value is not None:
            parts.append(f"{_n(value)} {name} {'token' if value == 1 else 'tokens'}")
    if (volume := _volume_text(usage)) is not None:
        parts.append(volume)
    if usage.budget is not None:
        parts.append(f"a budget of ${usd_string(usage.budget.usd)} per {usage.budget.period}")
    if usage.providers:
        parts.append(f"models of {usage.providers[0]}")
    return ", ".join(parts) if parts else "no model and no counts"


def _tail(usage: Usage) -> str:
    """The volume or budget part of a suggested command."""
    if usage.volume is not None:
        per = f"/{usage.volume.period}" if usage.volume.period else ""
        return f" x {usage.volume.requests}{per}"
    if usage.budget is not None:
        return f" budget ${usd_string(usage.budget.usd)}/{usage.budget.period}"
    return ""


def suggest_command(models: list[str], usage: Usage | None = None, kind: str = "") -> str:
    """The command to type for what was read, with example counts where they are missing."""
    usage = usage or Usage()
    counts = (
        f"{usage.input_tokens if usage.input_tokens is not None else 1000} in "
        f"{usage.output_tokens if usage.output_tokens is not None else 500} out"
    )
    if kind == "cheapest" or not models:
        provider = f" {usage.providers[0]}" if usage.providers else ""
        return f"cheapest {counts}{provider}{_tail(usage)}"
    if len(models) > 1:
        return f"compare {' '.join(models)} {counts}{_tail(usage)}"
    return f"{models[0]} {counts}{_tail(usage)}"


def missing_error(usage: Usage, kind: str) -> ParseError:
    """The error for a sentence that asks for a price but leaves out a count."""
    if not usage.models and kind != "cheapest":
        missing = "which model"
        command = "gpt-4o " + suggest_command(["gpt-4o"], usage, kind).removeprefix("gpt-4o ")
        cheapest = suggest_command([], usage, "cheapest")
        # `cheapest` takes counts and a volume, not a budget: offer it only without one.
        also = f", or ask for `{cheapest}`" if usage.budget is None else ""
        return ParseError(
            f"I read {describe(usage)}, but not {missing}. Name it, like `{command}`{also}.",
            (command,),
        )
    if usage.input_tokens is None and usage.output_tokens is None:
        missing = "how many tokens a request has"
    elif usage.output_tokens is None:
        missing = "how many output tokens a request has"
    else:
        missing = "how many input tokens a request has"
    command = suggest_command(usage.models, usage, kind)
    return ParseError(
        f"I read {describe(usage)}, but not {missing}. Type it with your counts, like `{command}`.",
        (command,),
    )
