"""The one factory for Slack Web API clients, and how they treat Slack's refusals.

Every client honours `SLACK_API_URL` (a proxy, or the local fake in tests). Rate limits:
slack_sdk's `RateLimitErrorRetryHandler` sleeps whatever `Retry-After` says, inside the call:
an hour for `Retry-After: 3600`, which held a listener thread or the clock that long (issue 11).
`ShortRateLimitRetryHandler` retries only when the wait is at most `max_wait_s`; otherwise the
call raises `SlackApiError` (HTTP 429) at once, and `retry_after_s` tells the caller how long
to leave that method alone (the clock records it and tries again on a later tick).
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.config import Settings

__all__ = [
    "CANNOT_POST",
    "ShortRateLimitRetryHandler",
    "quick_web_client",
    "retry_after_s",
    "web_client",
]

DEFAULT_MAX_WAIT_S = 10.0
"""The longest Retry-After a client waits out inside a call by default."""


def web_client(
    settings: Settings,
    token: str | None = None,
    *,
    timeout: int = 30,
    retry_handler: RetryHandler | None = None,
) -> WebClient:
    """A Web API client for `token` (default: the configured bot token); by default it waits
    out rate limits of up to `DEFAULT_MAX_WAIT_S` and fails fast on longer ones."""
    kwargs: dict[str, Any] = {"token": token or settings.bot_token, "timeout": timeout}
    if settings.slack_api_url:
        kwargs["base_url"] = settings.slack_api_url.rstrip("/") + "/"
    handler = retry_handler or ShortRateLimitRetryHandler(DEFAULT_MAX_WAIT_S)
    return WebClient(retry_handlers=[handler], **kwargs)


def quick_web_client(client: WebClient, timeout: int) -> WebClient:
    """A copy of `client` (same token and URL) for a call made before the HTTP answer leaves:
    a short timeout and no retries, so Slack's 3-second window holds (`views.open`)."""
    return WebClient(
        token=client.token, base_url=client.base_url, timeout=timeout, retry_handlers=[]
    )


CANNOT_POST = frozenset({"not_in_channel", "channel_not_found", "is_archived"})
"""Slack errors meaning a channel cannot take our messages until someone acts there: posting
again is pointless, so the digest and alerts stop (and say why) instead of retrying."""


def _header_seconds(headers: object) -> int | None:
    if not isinstance(headers, dict):
        return None
    for name, value in headers.items():
        if str(name).lower() == "retry-after":
            raw = value[0] if isinstance(value, list) and value else value
            text = str(raw).strip()
            return int(text) if text.isdigit() else None
    return None


class ShortRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Retry a 429 after its Retry-After, but only when that is at most `max_wait_s`."""

    def __init__(self, max_wait_s: float, max_retry_count: int = 2) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait_s = max_wait_s

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = _header_seconds(response.headers)
        return wait is None or wait <= self.max_wait_s


def retry_after_s(error: BaseException) -> int | None:
    """The Retry-After seconds of a rate-limited (429) `SlackApiError`, else None."""
    if not isinstance(error, SlackApiError) or error.response.status_code != 429:
        return None
    return _header_seconds(error.response.headers) or 1
