"""What a command evaluates to: one frozen dataclass per reply kind, all pure values.

`evaluate(command, catalog)` (in `bot.evaluate`, re-exported here) builds them; `bot.replies`
renders them as plain text, Block Kit and JSON. Every result has `kind` (the JSON `kind`),
`share` (post for everyone) and `log_fields()` (the query-log columns).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

import prices

if TYPE_CHECKING:
    from .commands import Command, Money

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
    "PriceResult",
    "Result",
    "ask",
    "evaluate",
]


def _fields(
    kind: str,
    model: str | None = None,
    input_tokens: int | None = None,
    output_tokens: int | None = None,
    requests: int | None = None,
    cost_usd: Decimal | None = None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "model": model,
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "requests": requests,
        "cost_usd": cost_usd,
    }


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
    requests: int | None = None
    """Requests per `period` (given, or fitted to a budget); a total when `period` is None."""
    period: str | None = None
    projection: prices.Projection | None = None
    """Per day and per month, when a volume per period was given or fitted."""
    budget: Money | None = None
    """Set for `budget 100/day`: `requests` is how many fit."""
    alternative: Alternative | None = None
    output_assumed: bool = False
    """One bare number was read as input with 0 output; the reply says so."""
    share: bool = False

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
    requests: int | None = None
    period: str | None = None
    skipped: tuple[tuple[str, str], ...] = ()
    """(model id, why it could not be priced for this usage)."""
    title: str = "Comparison"
    """`Comparison`, or what `cheapest` searched (`Cheapest of anthropic, 200k+ context`)."""
    share: bool = False

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
    """The prices in force now."""
    share: bool = False

    @property
    def as_of(self) -> date:
        """When the prices were last checked."""
        return self.model.checked

    def log_fields(self) -> dict[str, Any]:
        """Query-log columns."""
        return _fields(self.kind, self.model.id)


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
    | ModelsResult
    | HelpResult
    | ErrorResult
    | FaqResult
    | FaqMissResult
)
"""Any result `evaluate` returns."""


def evaluate(
    command: Command, catalog: prices.Catalog | None = None, *, at: datetime | None = None
) -> Result:
    """Evaluate a command against the catalog; see `bot.evaluate.evaluate`."""
    from .evaluate import evaluate as _evaluate  # evaluate imports these types

    return _evaluate(command, catalog, at=at)


def ask(text: str, catalog: prices.Catalog | None = None, *, at: datetime | None = None) -> Result:
    """Parse and evaluate `text` as typed after `/tokencost`; never raises for user input."""
    from .evaluate import ask as _ask

    return _ask(text, catalog, at=at)
