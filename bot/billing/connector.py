"""What every provider connector holds: its admin key, where to call, how to retry, page size."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import ClassVar

from bot.billing.transport import RetryPolicy, Sleep, check_base_url

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
