"""What the ledger commands (`log`, `budget`, `digest`) evaluate to: pure values, like every
other result, rendered by `bot.render` as text, JSON and Block Kit.

`bot.ledger.commands` builds them (it reads and writes the store); nothing here does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from bot.answers.results import Result, _fields
from bot.billing import Figure

__all__ = [
    "LEDGER_RESULTS",
    "AnyResult",
    "BillingProvider",
    "BillingResult",
    "BudgetLine",
    "BudgetResult",
    "DigestResult",
    "LedgerResult",
    "LoggedResult",
]


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One budget and what has been spent against it this period."""

    tag: str
    """`''` for the whole workspace."""
    amount_usd: Decimal
    period: str
    """`day`, `week` or `month`."""
    spent_usd: Decimal
    basis: str = "reported"
    """`reported` (the ledger) or `billed` (the providers' figures, UTC month to date)."""
    unavailable: str | None = None
    """For a billed budget without a billed figure: why (`spent_usd` is then 0)."""


@dataclass(frozen=True, slots=True)
class LoggedResult:
    """A `log` line recorded in the ledger, priced at today's rates."""

    kind: ClassVar[str] = "logged"
    model: str
    provider: str | None
    input_tokens: int
    output_tokens: int
    cached_input_tokens: int
    tag: str | None
    cost_usd: Decimal
    input_per_mtok: Decimal
    output_per_mtok: Decimal
    occurred_utc: datetime
    budgets: tuple[BudgetLine, ...] = ()
    """The budgets this line counts against, with their progress."""
    share: bool = False

    def log_fields(self) -> dict[str, Any]:
        """Query-log columns."""
        return _fields(self.kind, self.model, self.input_tokens, self.output_tokens, None,
                       self.cost_usd)  # fmt: skip


@dataclass(frozen=True, slots=True)
class BudgetResult:
    """`budget`: the budgets of the workspace (after setting one, when an amount was given)."""

    kind: ClassVar[str] = "budget"
    budgets: tuple[BudgetLine, ...]
    set_now: bool = False
    """A budget was set by this command."""
    share: bool = False

    def log_fields(self) -> dict[str, Any]:
        """Query-log columns."""
        return _fields(self.kind)


@dataclass(frozen=True, slots=True)
class DigestResult:
    """`digest on|off|status|preview`: a subscription's state, or a preview of tomorrow's post."""

    kind: ClassVar[str] = "digest"
    action: str
    """`on`, `off`, `status` or `preview`."""
    channel: str | None = None
    """The channel id acted on (None for a preview without one)."""
    on: bool | None = None
    """Whether the channel has a digest now (on/status)."""
    was_on: bool | None = None
    """For `off`: whether there was one to turn off."""
    local_time: str | None = None
    timezone: str | None = None
    day: date | None = None
    """For `preview`: the day the digest covers."""
    preview_text: str | None = None
    """For `preview`: the digest as posted, plain (None when the day has nothing to report)."""
    preview_blocks: list[dict[str, Any]] = field(default_factory=list)
    """For `preview`: the digest's Block Kit, as posted."""
    share: bool = False

    def log_fields(self) -> dict[str, Any]:
        """Query-log columns."""
        return _fields(self.kind)


@dataclass(frozen=True, slots=True)
class BillingProvider:
    """One provider in `billing`: its key (as a fingerprint), last sync, billed figures."""

    provider: str
    """`openai` or `anthropic`."""
    fingerprint: str | None
    """`sk-admin-…1a2b3c4d`; None when no key is connected any more."""
    source: str | None
    """`stored` (`billing connect`) or `environment` (`OPENAI_ADMIN_KEY`); None: no key."""
    last_sync_utc: datetime | None
    last_sync_ok: bool | None
    last_sync_message: str | None
    """What the last sync fetched, or why it failed."""
    day_usd: Figure | None
    """Billed on `BillingResult.day`; None before the first sync."""
    month_to_date_usd: Figure | None
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class BillingResult:
    """`billing`: connected providers, their last sync and outcome, yesterday's and the
    month's billed spend (UTC days)."""

    kind: ClassVar[str] = "billing"
    day: date
    """Yesterday, as a UTC day."""
    providers: tuple[BillingProvider, ...]
    total_day_usd: Figure | None = None
    total_month_to_date_usd: Figure | None = None
    share: bool = False

    def log_fields(self) -> dict[str, Any]:
        """Query-log columns."""
        return _fields(self.kind)


LedgerResult = LoggedResult | BudgetResult | DigestResult | BillingResult
"""Any result of a ledger command."""

LEDGER_RESULTS = (LoggedResult, BudgetResult, DigestResult, BillingResult)
"""The ledger result classes, for `isinstance`."""

AnyResult = Result | LedgerResult
"""Any result a command can produce."""
