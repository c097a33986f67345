"""What a command evaluates to: one frozen dataclass per reply kind, all pure values.

`bot.answers.evaluate` builds them; `bot.render.replies` renders them as plain text, Block
Kit and JSON. Every result has `kind` (the JSON `kind`),
`share` (post for everyone) and `log_fields()` (the query-log columns).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import prices
from bot.answers.changes import PriceStep
from bot.answers.lineage import deprecation_sentence

if TYPE_CHECKING:
    from bot.language.commands import Money

__all__ = [
    "Alternative",
    "CompareResult",
    "CompareRow",
    "CountResult",
    "ErrorResult",
    "EstimateResult",
    "FaqMissResult",
    "FaqResult",
    "HelpResult",
    "ModelsResult",
    "PeakRate",
    "PriceResult",
    "PricesResult",
    "Result",
    "time_of_day",
    "window_at",
]


def _fields(
    kind: str,
    model: str | None = None,
    input_tokens: int | None = None,
    output_tokens: int | None = None,
    requests: int | Decimal | None = None,
    cost_usd: Decimal | None = None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "model": model,
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        # The query log keeps whole request counts; a fractional rate (`2.5/s`) is left out.
        "requests": requests if isinstance(requests, int) else None,
        "cost_usd": cost_usd,
    }


@dataclass(frozen=True, slots=True)
class PeakRate:
    """Rates that apply inside a daily UTC window (DeepSeek's peak hours)."""

    window: prices.TimeWindow
    prices: prices.PriceSet


def _utc(at: datetime | None) -> datetime:
    when = at if at is not None else datetime.now(UTC)
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def time_of_day(
    model: prices.Model, at: datetime | None = None
) -> tuple[prices.PriceSet, tuple[PeakRate, ...]]:
    """The rates in force on the day of `at` outside any window, and the windowed rates that
    replace them at certain hours (the entries after that base, as `Model.prices_at` reads
    the history: the last active entry wins)."""
    if len(model.history) == 1:
        return model.history[0].prices, ()
    day = _utc(at).astimezone(UTC).date()
    dated = [p.starts is None or p.starts <= day for p in model.history]
    base = max((i for i, p in enumerate(model.history) if p.window is None and dated[i]), default=0)
    peaks = tuple(
        PeakRate(p.window, p.prices)
        for i, p in enumerate(model.history)
        if i > base and p.window is not None and dated[i]
    )
    return model.history[base].prices, peaks


def window_at(model: prices.Model, at: datetime | None = None) -> prices.TimeWindow | None:
    """The time-of-day window whose rates `Model.prices_at(at)` returns, or None."""
    if len(model.history) == 1:
        return None
    when = _utc(at)
    for period in reversed(model.history):
        if period.active(when):
            return period.window
    return None


@dataclass(frozen=True, slots=True)
class Alternative:
    """A cheaper model of the same provider that fits the same request."""

    model: prices.Model
    total: Decimal
    """USD per request."""
    per_month: Decimal | None
    """USD per 30-day month at the same volume, when a volume was given."""
    saving: Decimal
    """Share saved against the asked-for model, 0..1."""


@dataclass(frozen=True, slots=True)
class EstimateResult:
    """The cost of one request, and of a volume of them."""

    kind: ClassVar[str] = "estimate"
    estimate: prices.Estimate
    requests: int | Decimal | None = None
    """Requests per `period` (given, or fitted to a budget); a total when `period` is None.
    An int, or an exact fractional Decimal for a rate like `2.5/s`."""
    period: str | None = None
    projection: prices.Projection | None = None
    """Per day and per month, when a volume per period was given or fitted."""
    budget: Money | None = None
    """Set for `budget 100/day`: `requests` is how many fit."""
    alternative: Alternative | None = None
    output_assumed: bool = False
    """One bare number was read as input with 0 output; the reply says so."""
    peak: prices.TimeWindow | None = None
    """The time-of-day window whose (peak) rates priced this request, if any."""
    peaks: tuple[PeakRate, ...] = ()
    """The model's time-of-day rates on that day, when it has any."""
    share: bool = False
    reasoning_tokens: int = 0
    """The part of `estimate.output_tokens` that is reasoning (`reasoning 4000`)."""
    lineage: str | None = None
    """A deprecated or legacy model: the sentence saying so, with what to use instead."""

    @property
    def model(self) -> prices.Model:
        """The model priced."""
        return self.estimate.model

    @property
    def volume_total(self) -> Decimal | None:
        """USD for `requests` requests when no period was named (`x 100`)."""
        if self.requests is None or self.period is not None:
            return None
        return self.estimate.total * self.requests

    @property
    def warnings(self) -> tuple[str, ...]:
        """Plain sentences the reply must show: a deprecated model, an impossible request."""
        model = self.estimate.model
        old: tuple[str, ...] = ()
        if self.lineage is not None:
            old = (self.lineage,)
        elif model.deprecated:
            old = (f"{deprecation_sentence(model)}; see `price {model.id}`.",)
        return old + self.estimate.notes

    @property
    def reasoning_cost(self) -> Decimal:
        """USD of the reasoning tokens (billed at the output rate), within `output_cost`."""
        rate = self.estimate.rates.output_per_mtok
        return rate * self.reasoning_tokens / 1_000_000

    def log_fields(self) -> dict[str, Any]:
        """Query-log columns; `cost_usd` is per request."""
        e = self.estimate
        return _fields(
            self.kind, e.model.id, e.input_tokens, e.output_tokens, self.requests, e.total
        )


@dataclass(frozen=True, slots=True)
class CompareRow:
    """One model of a comparison."""

    model: prices.Model
    estimate: prices.Estimate
    per_month: Decimal | None = None
    """USD per 30-day month at the given volume, when one was given."""
    per_day: Decimal | None = None
    """USD per day at the given volume, when one was given."""


@dataclass(frozen=True, slots=True)
class CompareResult:
    """The same usage priced on several models; `rows` cheapest first."""

    kind: ClassVar[str] = "compare"
    models: tuple[str, ...]
    """Canonical ids, in the order given (for `cheapest`: the order found)."""
    input_tokens: int
    output_tokens: int
    rows: tuple[CompareRow, ...]
    cached_input_tokens: int = 0
    batch: bool = False
    requests: int | Decimal | None = None
    period: str | None = None
    skipped: tuple[tuple[str, str], ...] = ()
    """(model id, why it could not be priced for this usage)."""
    title: str = "Comparison"
    """`Comparison`, or what `cheapest` searched (`Cheapest of anthropic, 200k+ context`)."""
    share: bool = False
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    """The part of `output_tokens` that is reasoning."""
    lineage: tuple[str, ...] = ()
    """Sentences about deprecated or legacy models among those compared."""

    @property
    def warnings(self) -> tuple[str, ...]:
        """Why a model is missing from `rows`, and which compared models are old."""
        left_out = tuple(
            f"{model_id} left out: {why.replace(model_id + ' ', 'it ', 1)}"
            for model_id, why in self.skipped
        )
        return left_out + self.lineage

    def log_fields(self) -> dict[str, Any]:
        """Query-log columns; `model` and `cost_usd` are the cheapest row's."""
        first = self.rows[0] if self.rows else None
        return _fields(
            self.kind,
            first.model.id if first else None,
            self.input_tokens,
            self.output_tokens,
            self.requests,
            first.estimate.total if first else None,
        )


@dataclass(frozen=True, slots=True)
class CountResult:
    """Tokens in a pasted text, and what it costs as input."""

    kind: ClassVar[str] = "count"
    model: prices.Model
    count: prices.TokenCount
    cost_as_input: Decimal
    chars: int
    """Length of the text in characters (the text itself is never kept)."""
    note: str | None = None
    """Extra caveat, e.g. the text is longer than the context window."""
    share: bool = False

    def log_fields(self) -> dict[str, Any]:
        """Query-log columns; the text is never logged."""
        return _fields(self.kind, self.model.id, self.count.tokens, 0, None, self.cost_as_input)


@dataclass(frozen=True, slots=True)
class PriceResult:
    """A model's price card."""

    kind: ClassVar[str] = "price"
    model: prices.Model
    prices: prices.PriceSet
    """The prices in force now (outside any time-of-day window)."""
    share: bool = False
    at: datetime | None = None
    """When the card is for (default now): picks the time-of-day rates shown."""
    lineage: str | None = None
    """A deprecated or legacy model: the sentence saying so, with what to use instead."""
    changes: tuple[PriceStep, ...] = ()
    """The model's most recent dated price changes (a refresh records them), oldest first."""

    @property
    def time_of_day(self) -> tuple[PeakRate, ...]:
        """The model's peak-hour rates in force on the card's day, if it has any."""
        return time_of_day(self.model, self.at)[1]

    @property
    def as_of(self) -> date:
        """When the prices were last checked."""
        return self.model.checked

    def log_fields(self) -> dict[str, Any]:
        """Query-log columns."""
        return _fields(self.kind, self.model.id)


@dataclass(frozen=True, slots=True)
class PricesResult:
    """Several price cards (`price gpt-4o claude-sonnet-4`), in the order asked."""

    kind: ClassVar[str] = "prices"
    cards: tuple[PriceResult, ...]
    share: bool = False

    def log_fields(self) -> dict[str, Any]:
        """Query-log columns: the first model asked."""
        return _fields(self.kind, self.cards[0].model.id)


@dataclass(frozen=True, slots=True)
class ModelsResult:
    """The models we price, grouped by provider."""

    kind: ClassVar[str] = "models"
    provider: str | None
    groups: tuple[tuple[str, tuple[prices.Model, ...]], ...]
    share: bool = False

    def log_fields(self) -> dict[str, Any]:
        """Query-log columns."""
        return _fields(self.kind)


@dataclass(frozen=True, slots=True)
class HelpResult:
    """How to use the bot."""

    kind: ClassVar[str] = "help"
    text: str
    note: str | None = None
    """Shown first, e.g. why help is the answer."""
    share: bool = False

    def log_fields(self) -> dict[str, Any]:
        """Query-log columns."""
        return _fields(self.kind)


@dataclass(frozen=True, slots=True)
class ErrorResult:
    """Input we could not answer: one sentence of what was wrong and what to type."""

    kind: ClassVar[str] = "error"
    message: str
    suggestions: tuple[str, ...] = ()
    share: bool = False
    channel: str | None = None
    """A channel id the message names as `#ID`: Slack shows it as a channel link."""

    def log_fields(self) -> dict[str, Any]:
        """Query-log columns."""
        return _fields(self.kind)


@dataclass(frozen=True, slots=True)
class FaqResult:
    """A stored answer, with live figures filled in."""

    kind: ClassVar[str] = "faq"
    id: str
    question: str
    answer: str
    """Slack mrkdwn from the reviewed store; not user input."""
    asked: str = ""
    """What the user typed."""
    related: tuple[tuple[str, str], ...] = ()
    """(id, question) of follow-up questions."""
    share: bool = False

    def log_fields(self) -> dict[str, Any]:
        """Query-log columns."""
        return _fields(self.kind)


@dataclass(frozen=True, slots=True)
class FaqMissResult:
    """A question the FAQ has no confident answer for; the closest questions instead."""

    kind: ClassVar[str] = "faq_miss"
    question: str
    suggestions: tuple[tuple[str, str], ...] = ()
    """(id, question) pairs."""
    off_topic: bool = False
    share: bool = False

    def log_fields(self) -> dict[str, Any]:
        """Query-log columns."""
        return _fields(self.kind)


Result = (
    EstimateResult
    | CompareResult
    | CountResult
    | PriceResult
    | PricesResult
    | ModelsResult
    | HelpResult
    | ErrorResult
    | FaqResult
    | FaqMissResult
)
"""Any result `evaluate` returns."""
