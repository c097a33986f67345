"""The errors of the pricing module; every one carries a message that is safe to show a user."""

from __future__ import annotations

__all__ = ["BadUsage", "CatalogError", "PricesError", "UnknownModel"]


class PricesError(Exception):
    """Base class: something about a price request the user can fix."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownModel(PricesError):
    """A model name that is neither an id nor an alias in the catalog."""

    def __init__(self, name: str, suggestions: tuple[str, ...] = ()) -> None:
        shown = name if len(name) <= 60 else name[:57] + "..."
        message = f"I don't know the model `{shown}`."
        if suggestions:
            message += " Did you mean " + " or ".join(f"`{s}`" for s in suggestions[:3]) + "?"
        else:
            message += " Try `models` to see the ones I know."
        super().__init__(message)
        self.name = name
        self.suggestions = suggestions


class BadUsage(PricesError):
    """Token counts that cannot describe a real request (negative, cached > input, too large)."""


class CatalogError(PricesError):
    """A price data file is wrong; the message names the file, the model and the field."""

    def __init__(self, file: str, model: str | None, field: str | None, problem: str) -> None:
        where = (
            file + (f": model {model!r}" if model else "") + (f", field {field!r}" if field else "")
        )
        super().__init__(f"{where}: {problem}")
        self.file = file
        self.model = model
        self.field = field
