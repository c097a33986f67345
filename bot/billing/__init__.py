"""Billed spend read from the providers themselves (issue 16): connectors, key vault, reconcile.

Self-contained: imports nothing else from ``bot/`` (stdlib and ``cryptography`` only), so the
store, CLI and digest can be wired to it from any layout.

- ``OpenAICosts`` / ``AnthropicCosts`` (or ``cost_source(provider, key)``): ``fetch(start,
  end, now=)`` reads every page of daily billed cost into a ``CostReport`` of ``BilledCost``
  rows, exact ``Decimal`` dollars.
- ``Vault``: admin keys encrypted with ``TOKENCOST_SECRET_KEY`` (Fernet); ``fingerprint``
  names a key without revealing it.
- ``summarise_billing``: billed day, month to date, forecast and the gap against the ledger,
  with ``Unavailable(reason)`` instead of $0 when a provider failed.
- Errors: ``BillingError`` → ``AuthError``, ``RateLimited``, ``ProviderUnavailable``,
  ``BadResponse``, ``VaultError``; each message is one user-safe sentence.
"""

import typing as _typing

if _typing.TYPE_CHECKING:
    from bot.billing.anthropic import ANTHROPIC_API_URL, AnthropicCosts
    from bot.billing.days import PROVISIONAL_DAYS, is_partial, is_provisional, sync_window
    from bot.billing.errors import (
        AuthError,
        BadResponse,
        BillingError,
        ProviderUnavailable,
        RateLimited,
        VaultError,
    )
    from bot.billing.models import PROVIDERS, BilledCost, CostReport, CostSource, Provider
    from bot.billing.money import cents_to_usd, exact_sum
    from bot.billing.openai import OPENAI_API_URL, OpenAICosts
    from bot.billing.reconcile import (
        BilledSummary,
        Figure,
        ProviderBilling,
        ProviderSummary,
        Unavailable,
        summarise_billing,
    )
    from bot.billing.sources import DEFAULT_API_URLS, check_admin_key, cost_source
    from bot.billing.transport import RetryPolicy
    from bot.billing.vault import SECRET_KEY_VARIABLE, Vault, fingerprint, generate_secret_key

# Names load on first use (PEP 562): `bot.config` reads `bot.billing.models` and
# `bot.billing.urls` for every command, and must not pull in the HTTP client and cryptography
# (~30 ms of each CLI start; issue 15).
_HOMES = {
    "ANTHROPIC_API_URL": "bot.billing.anthropic",
    "AnthropicCosts": "bot.billing.anthropic",
    "PROVISIONAL_DAYS": "bot.billing.days",
    "is_partial": "bot.billing.days",
    "is_provisional": "bot.billing.days",
    "sync_window": "bot.billing.days",
    "AuthError": "bot.billing.errors",
    "BadResponse": "bot.billing.errors",
    "BillingError": "bot.billing.errors",
    "ProviderUnavailable": "bot.billing.errors",
    "RateLimited": "bot.billing.errors",
    "VaultError": "bot.billing.errors",
    "PROVIDERS": "bot.billing.models",
    "BilledCost": "bot.billing.models",
    "CostReport": "bot.billing.models",
    "CostSource": "bot.billing.models",
    "Provider": "bot.billing.models",
    "cents_to_usd": "bot.billing.money",
    "exact_sum": "bot.billing.money",
    "OPENAI_API_URL": "bot.billing.openai",
    "OpenAICosts": "bot.billing.openai",
    "BilledSummary": "bot.billing.reconcile",
    "Figure": "bot.billing.reconcile",
    "ProviderBilling": "bot.billing.reconcile",
    "ProviderSummary": "bot.billing.reconcile",
    "Unavailable": "bot.billing.reconcile",
    "summarise_billing": "bot.billing.reconcile",
    "DEFAULT_API_URLS": "bot.billing.sources",
    "check_admin_key": "bot.billing.sources",
    "cost_source": "bot.billing.sources",
    "RetryPolicy": "bot.billing.transport",
    "SECRET_KEY_VARIABLE": "bot.billing.vault",
    "Vault": "bot.billing.vault",
    "fingerprint": "bot.billing.vault",
    "generate_secret_key": "bot.billing.vault",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'bot.billing' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


__all__ = [
    "ANTHROPIC_API_URL",
    "DEFAULT_API_URLS",
    "OPENAI_API_URL",
    "PROVIDERS",
    "PROVISIONAL_DAYS",
    "SECRET_KEY_VARIABLE",
    "AnthropicCosts",
    "AuthError",
    "BadResponse",
    "BilledCost",
    "BilledSummary",
    "BillingError",
    "CostReport",
    "CostSource",
    "Figure",
    "OpenAICosts",
    "Provider",
    "ProviderBilling",
    "ProviderSummary",
    "ProviderUnavailable",
    "RateLimited",
    "RetryPolicy",
    "Unavailable",
    "Vault",
    "VaultError",
    "cents_to_usd",
    "check_admin_key",
    "cost_source",
    "exact_sum",
    "fingerprint",
    "generate_secret_key",
    "is_partial",
    "is_provisional",
    "summarise_billing",
    "sync_window",
]
