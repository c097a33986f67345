"""The typed commands of the /tokencost language: what `bot.language.parse.parse_command` returns.

Every command is a frozen dataclass. Model names are canonical (`gpt-4o`), or `provider/id`
when the user picked a provider other than the catalog's default for that id. Every command
carries `share`: the user asked for the reply to be posted for everyone (Slack `in_channel`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

__all__ = [
    "PERIODS",
    "Billing",
    "Budget",
    "Cheapest",
    "Command",
    "Compare",
    "Count",
    "Digest",
    "Estimate",
    "Faq",
    "Help",
    "Log",
    "Models",
    "Money",
    "Price",
    "Volume",
]

#: The periods a volume or a budget can be given per, shortest first.
PERIODS: tuple[str, ...] = ("second", "minute", "hour", "day", "week", "month")


@dataclass(frozen=True, slots=True)
class Volume:
    """How many requests: per `period`, or in total when `period` is None (`x 100`)."""

    requests: int | Decimal
    """Number of requests in one period: an int, or an exact fractional Decimal for a rate
    per second, minute or hour (`2.5/s`). Whole numbers are always ints."""
    period: str | None
    """One of `PERIODS`, or None for a one-off total."""


@dataclass(frozen=True, slots=True)
class Money:
    """An amount of USD per period (`$100/day`), for budgets."""

    usd: Decimal
    """The amount in USD, exact."""
    period: str
    """One of `PERIODS`."""


@dataclass(frozen=True, slots=True)
class Estimate:
    """Price one request, optionally at a volume or inverted against a budget."""

    model: str
    input_tokens: int
    """The whole prompt, cached part included."""
    output_tokens: int
    cached_input_tokens: int = 0
    """The cached part of `input_tokens` (cache reads)."""
    batch: bool = False
    volume: Volume | None = None
    budget: Money | None = None
    """`budget 100/day`: answer how many requests per period fit."""
    output_assumed: bool = False
    """True when the user gave one bare number, read as input with 0 output."""
    share: bool = False
    cache_write_tokens: int = 0
    """The part of `input_tokens` written to the prompt cache (`cache write 500`)."""
    reasoning_tokens: int = 0
    """Reasoning (thinking) tokens, billed as output on top of `output_tokens`."""


@dataclass(frozen=True, slots=True)
class Compare:
    """Price the same usage on several models, cheapest first."""

    models: tuple[str, ...]
    """In the order given."""
    input_tokens: int
    output_tokens: int
    cached_input_tokens: int = 0
    batch: bool = False
    volume: Volume | None = None
    share: bool = False
    cache_write_tokens: int = 0
    """The part of `input_tokens` written to the prompt cache."""
    reasoning_tokens: int = 0
    """Reasoning tokens, billed as output on top of `output_tokens`."""


@dataclass(frozen=True, slots=True)
class Cheapest:
    """Find the cheapest chat models for a usage, optionally within a provider."""

    input_tokens: int
    output_tokens: int
    provider: str | None = None
    min_context: int | None = None
    """Smallest acceptable context window, in tokens."""
    batch: bool = False
    volume: Volume | None = None
    share: bool = False
    widen: bool = False
    """`all` / `any provider`: clouds, hosts and aggregators too, not only the vendors' own
    APIs (retired and retiring models stay out either way)."""


@dataclass(frozen=True, slots=True)
class Count:
    """Count the tokens of a pasted text for a model."""

    model: str
    text: str
    """Verbatim, everything after the model name."""
    share: bool = False


@dataclass(frozen=True, slots=True)
class Price:
    """Show a model's price card (or several: `price gpt-4o claude-sonnet-4`)."""

    model: str
    share: bool = False
    others: tuple[str, ...] = ()
    """More models whose cards follow, in the order given."""


@dataclass(frozen=True, slots=True)
class Models:
    """List the models we price, optionally of one provider."""

    provider: str | None = None
    share: bool = False


@dataclass(frozen=True, slots=True)
class Help:
    """Show how to use the bot."""

    share: bool = False


@dataclass(frozen=True, slots=True)
class Faq:
    """A question for the stored FAQ."""

    question: str
    share: bool = False


@dataclass(frozen=True, slots=True)
class Log:
    """Report usage to the ledger (`log gpt-4o 120k 30k #search-team`)."""

    model: str
    input_tokens: int
    output_tokens: int
    cached_input_tokens: int = 0
    tag: str | None = None
    """Without the leading `#`."""
    share: bool = False


@dataclass(frozen=True, slots=True)
class Budget:
    """Set or show a budget (`budget 500/month #search-team`); no amount shows the status."""

    amount: Money | None = None
    tag: str | None = None
    billed: bool = False
    """`budget 5000/month billed`: count what the providers billed, not the ledger."""
    share: bool = False


@dataclass(frozen=True, slots=True)
class Billing:
    """`billing`: connected providers, the last sync, and yesterday's and the month's billed
    spend."""

    share: bool = False


@dataclass(frozen=True, slots=True)
class Digest:
    """Subscribe a channel to the daily digest, unsubscribe, preview, or show the status."""

    action: Literal["on", "off", "preview", "status"]
    channel: str | None = None
    """Channel name or id, without `#`."""
    time: str | None = None
    """Local time of day, `HH:MM`."""
    tz: str | None = None
    """IANA time zone name (`Europe/Berlin`)."""
    share: bool = False


Command = (
    Estimate
    | Compare
    | Cheapest
    | Count
    | Price
    | Models
    | Help
    | Faq
    | Log
    | Budget
    | Digest
    | Billing
)
"""Any command the parser can return."""
