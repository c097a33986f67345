"""Pick a connector by provider name: what the CLI and the clock call with a stored key."""

from __future__ import annotations

import time

from bot.billing.anthropic import AnthropicCosts, check_anthropic_admin_key
from bot.billing.models import CostSource, Provider
from bot.billing.openai import OpenAICosts, check_openai_admin_key
from bot.billing.transport import RetryPolicy, Sleep
from bot.billing.urls import DEFAULT_API_URLS

__all__ = ["DEFAULT_API_URLS", "check_admin_key", "cost_source"]


def check_admin_key(provider: Provider, api_key: str) -> None:
    """Raise ``AuthError`` when ``api_key`` is visibly not ``provider``'s admin key.

    Offline and instant: ``billing connect`` calls it before storing anything.
    """
    if provider == "openai":
        check_openai_admin_key(api_key)
    else:
        check_anthropic_admin_key(api_key)


def cost_source(
    provider: Provider,
    api_key: str,
    *,
    base_url: str | None = None,
    policy: RetryPolicy | None = None,
    sleep: Sleep = time.sleep,
) -> CostSource:
    """The connector for ``provider`` with ``api_key`` (base URL defaults to the public API)."""
    url = base_url or DEFAULT_API_URLS[provider]
    retry = policy or RetryPolicy()
    if provider == "openai":
        return OpenAICosts(api_key, base_url=url, policy=retry, sleep=sleep)
    return AnthropicCosts(api_key, base_url=url, policy=retry, sleep=sleep)
