"""OpenAI billed cost: ``GET /v1/organization/costs`` with an admin key, every page.

Reference: platform.openai.com/docs/api-reference/usage/costs (re-checked 2026-11-29 against
the openai-python ``admin.organization.usage.costs`` docstring): ``start_time`` / ``end_time``
in Unix seconds (end exclusive), ``bucket_width=1d``, ``group_by`` of ``project_id`` and
``line_item``, ``limit`` 1-180 buckets per page, ``page`` = the previous ``next_page``.
``amount.value`` is a JSON number in dollars with up to 34 significant digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from bot.billing.connector import Connector
from bot.billing.days import is_provisional, unix_midnight, utc_day
from bot.billing.errors import AuthError, BadResponse
from bot.billing.models import BilledCost, CostReport, Provider
from bot.billing.money import clean_amount
from bot.billing.pages import Bucket, check_range, merge_rows
from bot.billing.urls import OPENAI_API_URL

__all__ = ["OPENAI_API_URL", "OpenAICosts", "check_openai_admin_key"]


_NAME = "OpenAI"
_KEY_HELP = "create one at platform.openai.com → Settings → Organization → Admin keys"
_MAX_LIMIT = 180


def _key_problem(api_key: str) -> str | None:
    key = api_key.strip()
    if key.startswith("sk-admin-"):
        return None
    if key.startswith("sk-ant-"):
        return (
            f"That is an Anthropic key; OpenAI billing needs an admin key sk-admin-... "
            f"({_KEY_HELP})."
        )
    if key.startswith("sk-"):  # sk-proj-, sk-svcacct- and legacy user keys
        return f"That's a project key; billing needs an admin key sk-admin-... ({_KEY_HELP})."
    return f"That is not an OpenAI admin key; billing needs one starting sk-admin- ({_KEY_HELP})."


def check_openai_admin_key(api_key: str) -> None:
    """Raise ``AuthError`` when ``api_key`` is visibly not an OpenAI admin key (``sk-admin-``)."""
    problem = _key_problem(api_key)
    if problem:
        raise AuthError(problem, provider="openai")


def _auth_error(status: int, api_key: str) -> AuthError:
    problem = _key_problem(api_key)  # a project key gets the plain explanation
    if problem:
        return AuthError(problem, provider="openai")
    if status == 403:
        return AuthError(
            "OpenAI refused the admin key (403): give it read access to usage "
            "(the Usage API scope) or use an unrestricted admin key.",
            provider="openai",
        )
    return AuthError(
        f"OpenAI rejected the admin key (401): it may be revoked or mistyped ({_KEY_HELP}).",
        provider="openai",
    )


@dataclass(frozen=True)
class OpenAICosts(Connector):
    """Daily billed cost of one OpenAI organisation, grouped by project and line item."""

    url_setting: ClassVar[str] = "TOKENCOST_OPENAI_API_URL"
    max_page_limit: ClassVar[int] = _MAX_LIMIT

    base_url: str = OPENAI_API_URL
    """``TOKENCOST_OPENAI_API_URL``: the API root including ``/v1``."""

    @property
    def provider(self) -> Provider:
        """Always ``openai``."""
        return "openai"

    def fetch(self, start: date, end: date, *, now: datetime | None = None) -> CostReport:
        """Fetch billed cost for UTC days ``start`` (inclusive) to ``end`` (exclusive)."""
        check_range(start, end, _NAME)
        now = now or datetime.now(UTC)
        params: list[tuple[str, str | int]] = [
            ("start_time", unix_midnight(start)),
            ("end_time", unix_midnight(end)),
            ("bucket_width", "1d"),
            ("group_by[]", "project_id"),
            ("group_by[]", "line_item"),
            ("limit", self.page_limit),
        ]
        headers = {"Authorization": f"Bearer {self.api_key.strip()}"}
        url = f"{self.base_url}/organization/costs"

        buckets, pages = self._buckets(
            url, params, headers, _bucket, _NAME, _auth_error, start, end
        )
        today = utc_day(now)
        rows = [
            BilledCost(
                provider="openai",
                day=bucket.day,
                line_item=_text(result.get("line_item")) or "(all line items)",
                project=_text(result.get("project_id")),
                model=None,
                amount_usd=_amount(result),
                provisional=is_provisional(bucket.day, today),
            )
            for bucket in buckets
            for result in bucket.results
        ]
        return CostReport(
            provider="openai",
            start=start,
            end=end,
            rows=merge_rows(rows, _NAME),
            days=tuple(sorted({b.day for b in buckets})),
            fetched_utc=now,
            pages=pages,
        )


def _bucket(raw: Any) -> Bucket:
    if not isinstance(raw, dict) or not isinstance(raw.get("start_time"), int):
        raise ValueError("a bucket without an integer start_time")
    results = raw.get("results", raw.get("result"))  # some doc renderings say "result"
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise ValueError("a bucket without a results list")
    return Bucket(utc_day(raw["start_time"]), tuple(results))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _amount(result: dict[str, Any]) -> Decimal:
    kind = result.get("object", "organization.costs.result")
    amount = result.get("amount")
    if kind != "organization.costs.result" or not isinstance(amount, dict):
        raise BadResponse(f"OpenAI sent a {kind!s:.40} row where a cost was expected.")
    value, currency = amount.get("value"), amount.get("currency")
    if not isinstance(currency, str) or currency.lower() != "usd":
        raise BadResponse(f"OpenAI reported a cost in {currency!s:.10}, not USD.")
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise BadResponse("OpenAI sent a cost whose amount is not a number.")
    try:
        return clean_amount(Decimal(value))
    except ValueError as exc:
        raise BadResponse("OpenAI sent a cost whose amount is not finite.") from exc
