"""The one factory for Slack Web API clients: every client honours `SLACK_API_URL` (a proxy,
or the local fake in tests) and retries rate limits (HTTP 429) after Slack's `Retry-After`."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.config import Settings

__all__ = ["web_client"]


def web_client(
    settings: Settings, token: str | None = None, *, rate_limit_retries: int = 2, timeout: int = 30
) -> WebClient:
    """A Web API client for `token` (default: the configured bot token)."""
    kwargs: dict[str, Any] = {"token": token or settings.bot_token, "timeout": timeout}
    if settings.slack_api_url:
        kwargs["base_url"] = settings.slack_api_url.rstrip("/") + "/"
    handler = RateLimitErrorRetryHandler(max_retry_count=rate_limit_retries)
    return WebClient(retry_handlers=[handler], **kwargs)
