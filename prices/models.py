"""The domain values of the pricing module: frozen dataclasses, money in `Decimal`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

__all__ = [
    "RATE_FIELDS",
    "RETIRING_SOON_DAYS",
    "Estimate",
    "Model",
    "PricePeriod",
    "PriceSet",
    "Projection",
    "Tier",
    "TimeWindow",
    "TokenCount",
]

#: A model whose shutdown is this close is no longer suggested, even if not yet flagged.
RETIRING_SOON_DAYS = 90

#: The per-million-token rates a price set can carry, in the order they are shown.
RATE_FIELDS: tuple[str, ...] = (
    "input_per_mtok",
    "cached_input_per_mtok",
    "cache_write_per_mtok",
    "cache_write_1h_per_mtok",
    "output_per_mtok",
)


@dataclass(frozen=True, slots=True)
class Tier:
    """Long-context pricing: once a request's prompt passes the threshold, the whole request
    is billed at these rates (a cliff, as every vendor bills it)."""

    threshold_input_tokens: int
    """The prompt size (all input tokens, cached included) the tier is measured against."""
    inclusive: bool
    """True when a prompt of exactly `threshold_input_tokens` already pays the tier rate."""
    rates: dict[str, Decimal] = field(hash=False, compare=True)
    """USD per million tokens, by rate field; a field absent here keeps the base rate."""

    def applies(self, input_tokens: int) -> bool:
        """Whether a prompt of `input_tokens` tokens is billed at this tier."""
        if self.inclusive:
            return input_tokens >= self.threshold_input_tokens
        return input_tokens > self.threshold_input_tokens


@dataclass(frozen=True, slots=True)
class PriceSet:
    """The rates of one model at one time: USD per million tokens."""

    input_per_mtok: Decimal
    """Uncached input (prompt) tokens."""
    output_per_mtok: Decimal
    """Output tokens, reasoning tokens included."""
    cached_input_per_mtok: Decimal | None = None
    """Cache reads; None when the model has no prompt cache."""
    cache_write_per_mtok: Decimal | None = None
    """Cache writes (Anthropic's 5-minute TTL); None when writes cost the input rate."""
    cache_write_1h_per_mtok: Decimal | None = None
    """Cache writes with a 1-hour TTL, where they differ."""
    tiers: tuple[Tier, ...] = ()
    """Long-context tiers, lowest threshold first."""
    batch: PriceSet | None = None
    """The Batch API rates (already merged with these), or None when there is no batch."""
    flex: PriceSet | None = None
    """OpenAI's flex service tier, where it exists."""
    priority: PriceSet | None = None
    """The priority service tier, where it exists."""

    def rate(self, name: str) -> Decimal | None:
        """A rate by field name (one of `RATE_FIELDS`)."""
        value: Decimal | None = getattr(self, name)
        return value

    def at_prompt_size(self, input_tokens: int) -> tuple[PriceSet, Tier | None]:
        """The flat rates that bill a request of this prompt size, and the tier used if any."""
        chosen: Tier | None = None
        for tier in self.tiers:
            if tier.applies(input_tokens):
                chosen = tier
        if chosen is None:
            return self, None
        flat = PriceSet(
            input_per_mtok=chosen.rates.get("input_per_mtok", self.input_per_mtok),
            output_per_mtok=chosen.rates.get("output_per_mtok", self.output_per_mtok),
            cached_input_per_mtok=_tiered(chosen, "cached_input_per_mtok", self),
            cache_write_per_mtok=_tiered(chosen, "cache_write_per_mtok", self),
            cache_write_1h_per_mtok=_tiered(chosen, "cache_write_1h_per_mtok", self),
        )
        return flat, chosen


def _tiered(tier: Tier, name: str, base: PriceSet) -> Decimal | None:
    base_rate = base.rate(name)
    if base_rate is None:
        return None
    return tier.rates.get(name, base_rate)


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A daily UTC window in which other rates apply (DeepSeek's peak hours)."""

    start: time
    """Start of the window, UTC, inclusive."""
    end: time
    """End of the window, UTC, exclusive; may be earlier than `start` (wraps past midnight)."""
    weekdays: frozenset[int] = frozenset(range(7))
    """Days (Monday = 0) on which the window is open; other days use the base rates."""

    def contains(self, at: datetime) -> bool:
        """Whether the UTC instant `at` falls inside the window."""
        at = at.astimezone(UTC)
        if at.weekday() not in self.weekdays:
            return False
        now = at.time().replace(tzinfo=None)
        if self.start <= self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end


@dataclass(frozen=True, slots=True)
class PricePeriod:
    """One dated (and possibly time-of-day) entry of a model's price history."""

    prices: PriceSet
    starts: date | None = None
    """First UTC day these prices apply; None for 'since the model launched'."""
    window: TimeWindow | None = None
    """When set, these prices apply only inside this daily window."""

    def active(self, at: datetime) -> bool:
        """Whether this entry is in force at the UTC instant `at`."""
        if self.starts is not None and at.astimezone(UTC).date() < self.starts:
            return False
        return self.window is None or self.window.contains(at)


@dataclass(frozen=True, slots=True)
class Model:
    """One model of one provider, with its price history and limits."""

    id: str
    """The canonical id a user types: the provider's undated name (`gpt-4o`)."""
    provider: str
    """Provider id (`openai`, `anthropic`, `google`, `bedrock`, ...)."""
    name: str
    """Display name."""
    history: tuple[PricePeriod, ...]
    """Price entries in order; the last one in force wins (see `prices_at`)."""
    source: str
    """URL of the price page the figures come from."""
    checked: date
    """The day the figures were last checked against the source."""
    aliases: tuple[str, ...] = ()
    """Other names that mean this model: dated ids, `-latest`, spellings."""
    kind: str = "chat"
    """`chat` or `embedding`."""
    context_window: int | None = None
    """Largest prompt plus output, in tokens, or None when not published."""
    max_output_tokens: int | None = None
    """Largest output in tokens, or None when not published."""
    deprecated: bool = False
    """Still priced, but the provider has retired it, deprecated it, or will shut it down soon
    (an announced shutdown more than `RETIRING_SOON_DAYS` away sets only `retires_on`)."""
    retires_on: date | None = None
    """The shutdown date the provider announced: past (retired) or future (scheduled)."""
    replacement: str | None = None
    """The model the provider recommends instead, when it names one."""
    provider_kind: str = "first_party"
    """The provider's kind (`prices/data/providers.yaml`): first_party, cloud, host or
    aggregator."""
    notes: str = ""
    """Where a figure comes from, caveats, overrides applied."""
    encoding: str | None = None
    """tiktoken encoding name when the tokenizer is public, else None."""

    @property
    def key(self) -> str:
        """Unique key across providers: `provider/id`."""
        return f"{self.provider}/{self.id}"

    @property
    def first_party(self) -> bool:
        """Sold by the vendor's own API (not a cloud, host or aggregator reselling it)."""
        return self.provider_kind == "first_party"

    def retired(self, on: date | None = None) -> bool:
        """Whether the provider has shut the model down by the UTC day `on` (default today).

        A retired model still prices (old usage keeps its cost); it is never suggested."""
        if self.retires_on is None:
            return False
        return self.retires_on <= (on or datetime.now(UTC).date())

    def retiring(self, on: date | None = None) -> bool:
        """Whether the shutdown is announced for within `RETIRING_SOON_DAYS` of `on` (or past)."""
        if self.retires_on is None:
            return False
        day = on or datetime.now(UTC).date()
        return self.retires_on <= day + timedelta(days=RETIRING_SOON_DAYS)

    def suggestable(self, on: date | None = None) -> bool:
        """Whether the bot may offer this model (`cheapest`, a cheaper alternative): not
        deprecated, not retired, and not retiring within `RETIRING_SOON_DAYS` of `on`."""
        return not self.deprecated and not self.retiring(on)

    def lifecycle(self, on: date | None = None) -> str:
        """`retired`, `scheduled` (a shutdown date announced, still serving), `deprecated`
        (flagged, no date) or `active`, on the UTC day `on` (default today)."""
        if self.retired(on):
            return "retired"
        if self.retires_on is not None:
            return "scheduled"
        return "deprecated" if self.deprecated else "active"

    @property
    def current(self) -> PriceSet:
        """The prices in force now."""
        return self.prices_at(None)

    def prices_at(self, at: datetime | None = None) -> PriceSet:
        """The prices in force at the UTC instant `at` (default: now).

        The last active entry wins; before the first dated entry the first one applies.
        """
        if len(self.history) == 1:  # most models: one price, whatever the time
            return self.history[0].prices
        when = at if at is not None else datetime.now(UTC)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        for period in reversed(self.history):
            if period.active(when):
                return period.prices
        return self.history[0].prices


@dataclass(frozen=True, slots=True)
class Estimate:
    """The exact cost of one request; nothing here is rounded."""

    model: Model
    input_tokens: int
    """The whole prompt, cached and cache-write parts included."""
    output_tokens: int
    cached_input_tokens: int
    cache_write_tokens: int
    batch: bool
    input_cost: Decimal
    """USD for the uncached, non-cache-write part of the prompt."""
    cached_input_cost: Decimal
    """USD for cache reads."""
    cache_write_cost: Decimal
    """USD for cache writes."""
    output_cost: Decimal
    """USD for output tokens."""
    rates: PriceSet
    """The flat rates applied, after tier and batch."""
    tier: Tier | None
    """The long-context tier that applied, if any."""
    as_of: date
    """The day the prices were checked."""
    notes: tuple[str, ...] = ()
    """Why this can't be one real request (over the context window or output limit), when
    priced with `strict=False`."""

    @property
    def total(self) -> Decimal:
        """USD for the whole request."""
        return self.input_cost + self.cached_input_cost + self.cache_write_cost + self.output_cost


@dataclass(frozen=True, slots=True)
class Projection:
    """A per-request cost scaled to a volume. A month is 30 days."""

    requests_per_day: Decimal
    per_day: Decimal
    """USD per day."""
    per_month: Decimal
    """USD per 30-day month."""


@dataclass(frozen=True, slots=True)
class TokenCount:
    """How many tokens a text is for a model, and whether that count is exact."""

    model: str
    encoding: str
    """tiktoken encoding used, or `approx-chars/4` when no encoding was available."""
    tokens: int
    exact: bool
    """False for models without a public tokenizer, or when the encoding could not be loaded."""
    note: str | None = None
    """Why the count is approximate, for the user."""
