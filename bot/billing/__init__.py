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
