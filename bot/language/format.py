"""Commands back to text: the canonical way to type each command (the parser's inverse).

Useful wherever a command is shown or replayed (a "Share" button, recent queries on the App
Home tab); `parse_command(format_command(cmd)) == cmd` is property-tested.
"""

from __future__ import annotations

from bot.language import commands as c
from prices import usd_string

__all__ = ["format_command"]


def _usage(
    input_tokens: int, output_tokens: int, cached: int = 0, write: int = 0, reasoning: int = 0
) -> str:
    text = f"{input_tokens} in {output_tokens} out"
    return text + _extra(cached, write, reasoning)


def _extra(cached: int = 0, write: int = 0, reasoning: int = 0) -> str:
    """` cached N`, ` cache write N`, ` reasoning N`, for the counts given."""
    return (
        (f" cached {cached}" if cached else "")
        + (f" cache write {write}" if write else "")
        + (f" reasoning {reasoning}" if reasoning else "")
    )


def _volume(volume: c.Volume | None) -> str:
    if volume is None:
        return ""
    return f" x {volume.requests}" + (f"/{volume.period}" if volume.period else "")


def _flags(batch: bool = False, share: bool = False) -> str:
    return (" batch" if batch else "") + (" share" if share else "")


def _estimate(command: c.Estimate) -> str:
    if command.output_assumed and not command.output_tokens:
        usage = f"{command.input_tokens}" + _extra(
            command.cached_input_tokens, command.cache_write_tokens, command.reasoning_tokens
        )
    else:
        usage = _usage(
            command.input_tokens,
            command.output_tokens,
            command.cached_input_tokens,
            command.cache_write_tokens,
            command.reasoning_tokens,
        )
    budget = ""
    if command.budget is not None:
        budget = f" budget ${usd_string(command.budget.usd)}/{command.budget.period}"
    flags = _flags(command.batch, command.share)
    return f"{command.model} {usage}{_volume(command.volume)}{budget}{flags}"


def _team(command: c.Log | c.Budget | c.Digest) -> str:
    share = _flags(share=command.share)
    match command:
        case c.Log():
            tag = f" #{command.tag}" if command.tag else ""
            usage = _usage(command.input_tokens, command.output_tokens, command.cached_input_tokens)
            return f"log {command.model} {usage}{tag}{share}"
        case c.Budget():
            amount = ""
            if command.amount is not None:
                amount = f" ${usd_string(command.amount.usd)}/{command.amount.period}"
            tag = f" #{command.tag}" if command.tag else ""
            billed = " billed" if command.billed else ""
            return f"budget{amount}{tag}{billed}{share}"
        case c.Digest():
            parts = ["digest", command.action]
            if command.channel:
                parts.append(f"#{command.channel}")
            if command.time:
                parts += ["at", command.time]
            if command.tz:
                parts.append(command.tz)
            return " ".join(parts) + share


def format_command(command: c.Command) -> str:
    """The text that parses back to `command`."""
    match command:
        case c.Estimate():
            return _estimate(command)
        case c.Compare():
            usage = _usage(
                command.input_tokens,
                command.output_tokens,
                command.cached_input_tokens,
                command.cache_write_tokens,
                command.reasoning_tokens,
            )
            return (
                f"compare {' '.join(command.models)} {usage}"
                f"{_volume(command.volume)}{_flags(command.batch, command.share)}"
            )
        case c.Cheapest():
            provider = f" {command.provider}" if command.provider else ""
            context = f" min context {command.min_context}" if command.min_context else ""
            wide = " all" if command.widen else ""
            return (
                f"cheapest {_usage(command.input_tokens, command.output_tokens)}{provider}{wide}"
                f"{context}{_volume(command.volume)}{_flags(command.batch, command.share)}"
            )
        case c.Count():
            return f"count {command.model} {command.text}"
        case c.Price():
            models = " ".join((command.model, *command.others))
            return f"price {models}{_flags(share=command.share)}"
        case c.Models():
            provider = f" {command.provider}" if command.provider else ""
            return f"models{provider}{_flags(share=command.share)}"
        case c.Help():
            return "help" + _flags(share=command.share)
        case c.Faq():
            return f"faq {command.question}"
        case c.Log() | c.Budget() | c.Digest():
            return _team(command)
        case c.Billing():
            return "billing" + _flags(share=command.share)
