"""The providers' public API addresses, apart from their connectors so that `bot.config` can
name the defaults without importing the HTTP client (issue 15: every CLI command reads config)."""

from __future__ import annotations

from bot.billing.models import Provider

__all__ = ["ANTHROPIC_API_URL", "DEFAULT_API_URLS", "OPENAI_API_URL"]

ANTHROPIC_API_URL = "https://api.anthropic.com"
OPENAI_API_URL = "https://api.openai.com/v1"
"""Admin endpoints exist only on the platform API, never on a proxy or Azure deployment."""

DEFAULT_API_URLS: dict[Provider, str] = {
    "openai": OPENAI_API_URL,
    "anthropic": ANTHROPIC_API_URL,
}
"""Used when ``TOKENCOST_OPENAI_API_URL`` / ``TOKENCOST_ANTHROPIC_API_URL`` are unset."""
