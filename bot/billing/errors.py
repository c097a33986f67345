"""The billing package's one exception tree; every message is one user-safe sentence.

No message ever contains an API key, a request header or a raw response body: a caller may
show ``str(error)`` to a user or write it to a log as it is.
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "BadResponse",
    "BillingError",
    "ProviderUnavailable",
    "RateLimited",
    "VaultError",
]


class BillingError(Exception):
    """Billed spend could not be read or a key could not be kept; ``str()`` says why."""

    def __init__(self, message: str, *, provider: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        """The one-sentence, user-safe explanation."""
        self.provider = provider
        """``openai`` or ``anthropic`` when the error is about one provider."""

    def __str__(self) -> str:
        return self.message


class AuthError(BillingError):
    """The provider refused the key (401/403), or the key is not an admin key at all."""


class RateLimited(BillingError):
    """The provider kept answering 429, or asked us to wait longer than we are willing to."""

    def __init__(
        self, message: str, *, provider: str | None = None, retry_after_s: float | None = None
    ) -> None:
        super().__init__(message, provider=provider)
        self.retry_after_s = retry_after_s
        """The provider's last ``Retry-After`` in seconds, when it sent one."""


class ProviderUnavailable(BillingError):
    """The provider answered 5xx, timed out or could not be reached, even after retries."""


class BadResponse(BillingError):
    """The provider answered something we cannot read as billed spend (or rejected our query)."""


class VaultError(BillingError):
    """``TOKENCOST_SECRET_KEY`` is missing or invalid, or a stored key cannot be decrypted."""
