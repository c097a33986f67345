"""What every provider connector holds: its admin key, where to call, how to retry, page size."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar
from urllib.parse import urlencode

from bot.billing.errors import AuthError, BadResponse
from bot.billing.pages import Bucket, collect, error_message
from bot.billing.transport import RetryPolicy, Sleep, check_base_url, get_json

__all__ = ["Connector"]


@dataclass(frozen=True)
class Connector:
    """The settings of one organisation's connector; subclasses set the provider's defaults."""

    url_setting: ClassVar[str] = ""
    """The environment setting that overrides ``base_url`` (named in errors)."""
    max_page_limit: ClassVar[int] = 31
    """The provider's largest ``limit`` (buckets per page)."""

    api_key: str = field(repr=False)
    """The organisation's admin key; never logged or shown."""
    base_url: str = ""
    """The API root (``TOKENCOST_*_API_URL``)."""
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    """Retries, waits and timeouts for each page."""
    page_limit: int = 31
    """Buckets (days) asked for per page."""
    sleep: Sleep = field(default=time.sleep, repr=False, compare=False)
    """How to wait between retries."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", check_base_url(self.base_url, self.url_setting))
        if not 1 <= self.page_limit <= self.max_page_limit:
            raise ValueError(f"page_limit must be 1-{self.max_page_limit}")

    def _buckets(
        self,
        url: str,
        params: Sequence[tuple[str, str | int]],
        headers: Mapping[str, str],
        parse_bucket: Callable[[Any], Bucket],
        name: str,
        auth_error: Callable[[int, str], AuthError],
        start: date,
        end: date,
    ) -> tuple[list[Bucket], int]:
        """Every bucket of a cost report, page after page (the cursor added to otherwise
        unchanged parameters); 401/403 become ``auth_error``, other failures ``BadResponse``."""

        def get_page(cursor: str | None) -> Any:
            query = [*params, *([("page", cursor)] if cursor else [])]
            answer = get_json(
                f"{url}?{urlencode(query)}",
                headers,
                name=name,
                policy=self.policy,
                sleep=self.sleep,
            )
            if answer.status in (401, 403):
                raise auth_error(answer.status, self.api_key)
            if answer.status != 200:
                raise BadResponse(
                    error_message(name, answer.status, answer.payload), provider=name.lower()
                )
            return answer.payload

        return collect(get_page, parse_bucket, name, start, end)
