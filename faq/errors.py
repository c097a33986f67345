"""The errors of the FAQ package; each carries a `.message` that is safe to show a user.

`FaqError` is the base. `NoMatch` is what `faq.ask()` raises when no stored answer is confident
enough; it carries the closest questions so a reply can offer them. `EntryError` is a bad
entries file (it names the file, the entry and the field), and `RenderError` is an answer whose
live-figure placeholder cannot be filled (it names the entry and the placeholder). `TeachError`
refuses a phrasing a person tried to teach, saying why in one sentence.
"""

from __future__ import annotations

__all__ = ["EntryError", "FaqError", "NoMatch", "RenderError", "TeachError"]


class FaqError(Exception):
    """Base class of every error the FAQ package raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NoMatch(FaqError):
    """No stored question matches confidently; `suggestions` holds the closest (id, question)."""

    def __init__(
        self,
        question: str,
        suggestions: tuple[tuple[str, str], ...] = (),
        *,
        off_topic: bool = False,
    ) -> None:
        super().__init__("I don't have an answer for that one yet.")
        self.question = question
        self.suggestions = suggestions
        self.off_topic = off_topic


class EntryError(FaqError):
    """An entries file is invalid; the message names the file, the entry and the field."""

    def __init__(self, file: str, entry: str | None, field: str | None, problem: str) -> None:
        where = file
        if entry is not None:
            where += f": entry {entry!r}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {problem}")
        self.file = file
        self.entry = entry
        self.field = field


class RenderError(FaqError):
    """A placeholder in an answer did not resolve; the message names the entry and placeholder."""

    def __init__(self, entry: str, placeholder: str, problem: str) -> None:
        super().__init__(f"entry {entry!r}: placeholder {{{{{placeholder}}}}}: {problem}")
        self.entry = entry
        self.placeholder = placeholder


class TeachError(FaqError):
    """A phrasing cannot be taught as a way of asking an entry; the message says why."""
