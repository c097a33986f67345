"""The bot's exceptions, in one tree (like `prices.PricesError` and `faq.FaqError`).

    BotError
    ├── ConfigError        settings missing or malformed (bot.config)
    ├── ParseError         text that is no command (bot.language)
    ├── StoreError         a store operation refused (bot.store); UsageRejected below it
    ├── EventProblems      one usage event's fields are wrong (bot.ledger.fields)
    ├── UsageRefused       a batch of usage refused, nothing stored (bot.ledger.pricing)
    ├── ImportRefused      a CSV that cannot be imported at all (bot.ledger.csv_import)
    └── UsageBodyError     a POST /usage body that is not events (bot.slack.ingest)

Each is defined beside the code that raises it; every one carries a user-safe message, so a
caller can show it without leaking internals. Anything else escaping a listener is a bug: it
is logged with an incident ref and the user gets an apology.
"""

from __future__ import annotations

__all__ = ["BotError"]


class BotError(Exception):
    """Base of the bot's own errors: what went wrong is safe to show to the person who asked."""
