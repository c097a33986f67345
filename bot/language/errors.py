"""The parser's error: a user-safe sentence of what was wrong, and what to type instead."""

from __future__ import annotations

from bot.errors import BotError

__all__ = ["ParseError"]


class ParseError(BotError):
    """Text that is not a command we understand; `message` is safe to show the user."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        """One or two sentences: what was wrong and what to type instead."""
        self.suggestions = suggestions
        """Things the user may have meant (model ids, or example commands)."""
