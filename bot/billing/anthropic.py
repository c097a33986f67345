"""Anthropic billed cost: ``GET /v1/organizations/cost_report`` with an admin key, every page.

Reference: platform.claude.com/docs/en/api/admin-api/usage-cost/get-cost-report (re-checked
2026-11-29): ``starting_at`` / ``ending_at`` in RFC 3339 (a misaligned ``ending_at`` answers
400, so both are sent as UTC midnight), ``bucket_width=1d``, ``group_by[]`` of
``workspace_id`` and ``description``, ``limit`` 1-31, ``page`` = the previous ``next_page``.
``amount`` is a decimal string in **cents** (``"123.45"`` USD is $1.2345): the unit other
tools read as dollars and reported 100x too much.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from bot.billing.connector import Connector
from bot.billing.days import is_provisional, rfc3339_midnight, utc_day
from bot.billing.errors import AuthError, BadResponse
from bot.billing.models import BilledCost, CostReport, Provider
from bot.billing.money import cents_to_usd
from bot.billing.pages import Bucket, check_range, merge_rows
from bot.billing.urls import ANTHROPIC_API_URL

__all__ = ["ANTHROPIC_API_URL", "ANTHROPIC_VERSION", "AnthropicCosts", "check_anthropic_admin_key"]

ANTHROPIC_VERSION = "2023-06-01"
"""The ``anthropic-version`` header the Admin API documents."""

_NAME = "Anthropic"
_KEY_HELP = "an organisation admin creates one at console.anthropic.com → Settings → Admin keys"
_MAX_LIMIT = 31
_DEFAULTS = {"service_tier": "standard", "context_window": "0-200k", "inference_geo": "global"}
"""Qualifiers left out of a line item when they have these values (or are null)."""


def _key_problem(api_key: str) -> str | None:
    key = api_key.strip()
    if key.startswith("sk-ant-admin"):
        return None
    if key.startswith("sk-ant-"):
        return (
            f"That's a workspace API key; billing needs an admin key sk-ant-admin... ({_KEY_HELP})."
        )
    return (
        f"That is not an Anthropic admin key; billing needs one starting sk-ant-admin "
        f"({_KEY_HELP})."
    )


def check_anthropic_admin_key(api_key: str) -> None:
    """Raise ``AuthError`` when ``api_key`` is visibly not an Anthropic admin key."""
    problem = _key_problem(api_key)
    if problem:
        raise AuthError(problem, provider="anthropic")


def _auth_error(status: int, api_key: str) -> AuthError:
    problem = _key_problem(api_key)
    if problem:
        return AuthError(problem, provider="anthropic")
    return AuthError(
        f"Anthropic rejected the admin key ({status}): it may be revoked or mistyped, "
        f"or the organisation has no Admin API ({_KEY_HELP}).",
        provider="anthropic",
    )


@dataclass(frozen=True)
class AnthropicCosts(Connector):
    """Daily billed cost of one Anthropic organisation, grouped by workspace and description."""

    url_setting: ClassVar[str] = "TOKENCOST_ANTHROPIC_API_URL"
    max_page_limit: ClassVar[int] = _MAX_LIMIT

    base_url: str = ANTHROPIC_API_URL
    """``TOKENCOST_ANTHROPIC_API_URL``: the API root, without ``/v1``."""

    @property
    def provider(self) -> Provider:
        """Always ``anthropic``."""
        return "anthropic"

    def fetch(self, start: date, end: date, *, now: datetime | None = None) -> CostReport:
        """Fetch billed cost for UTC days ``start`` (inclusive) to ``end`` (exclusive)."""
        check_range(start, end, _NAME)
        now = now or datetime.now(UTC)
        params = [
            ("starting_at", rfc3339_midnight(start)),
            ("ending_at", rfc3339_midnight(end)),
            ("bucket_width", "1d"),
            ("group_by[]", "workspace_id"),
            ("group_by[]", "description"),
            ("limit", str(self.page_limit)),
        ]
        headers = {"x-api-key": self.api_key.strip(), "anthropic-version": ANTHROPIC_VERSION}
        url = f"{self.base_url}/v1/organizations/cost_report"

        buckets, pages = self._buckets(
            url, params, headers, _bucket, _NAME, _auth_error, start, end
        )
        today = utc_day(now)
        rows = [
            BilledCost(
                provider="anthropic",
                day=bucket.day,
                line_item=_line_item(result),
                project=_text(result.get("workspace_id")),
                model=_text(result.get("model")),
                amount_usd=_amount(result),
                provisional=is_provisional(bucket.day, today),
            )
            for bucket in buckets
            for result in bucket.results
        ]
        return CostReport(
            provider="anthropic",
            start=start,
            end=end,
            rows=merge_rows(rows, _NAME),
            days=tuple(sorted({b.day for b in buckets})),
            fetched_utc=now,
            pages=pages,
        )


def _bucket(raw: Any) -> Bucket:
    starting_at = raw.get("starting_at") if isinstance(raw, dict) else None
    if not isinstance(starting_at, str):
        raise ValueError("a bucket without starting_at")
    moment = datetime.fromisoformat(starting_at)  # ValueError when malformed
    results = raw.get("results")
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise ValueError("a bucket without a results list")
    return Bucket(utc_day(moment), tuple(results))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _line_item(result: dict[str, Any]) -> str:
    """The description, plus tier, context window and region when they are not the default."""
    base = (
        _text(result.get("description"))
        or " ".join(filter(None, (_text(result.get("cost_type")), _text(result.get("token_type")))))
        or "(all costs)"
    )
    extras = [
        value
        for name, default in _DEFAULTS.items()
        if (value := _text(result.get(name))) and value not in (default, "not_available")
    ]
    return f"{base} ({', '.join(extras)})" if extras else base


def _amount(result: dict[str, Any]) -> Decimal:
    amount, currency = result.get("amount"), result.get("currency")
    if currency != "USD":
        raise BadResponse(f"Anthropic reported a cost in {currency!s:.10}, not USD.")
    if not isinstance(amount, str):
        # The documented form is a string of cents; a bare number would leave the unit unknown.
        raise BadResponse("Anthropic sent a cost whose amount is not a decimal string of cents.")
    try:
        return cents_to_usd(amount)
    except ValueError as exc:
        raise BadResponse("Anthropic sent a cost whose amount is not a decimal number.") from exc
