"""The stored questions: load `faq/entries.yaml`, validate every entry, and look entries up.

An entries file is YAML with one top-level key, `entries`, holding a list of mappings. Each
entry has a stable `id` (users, buttons and tests refer to it), the `question` as shown, the
`phrasings` and `keywords` the matcher ranks on, the `answer` in Slack mrkdwn (it may contain
live-figure placeholders, see `faq.render`), `related` ids, `owner`, the date it was last
`reviewed` and how often it should be (`review_every_days`, default 90).

Validation is strict and names the file, the entry and the field, so a bad edit fails the
tests and the bot's start-up instead of serving half a store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from faq.errors import EntryError

__all__ = [
    "DEFAULT_ENTRIES_PATH",
    "MAX_ANSWER_CHARS",
    "Entry",
    "get_entry",
    "list_entries",
    "load_entries",
    "parse_entry",
    "read_entries",
]

DEFAULT_ENTRIES_PATH = Path(__file__).with_name("entries.yaml")

#: A section block's text is capped at 3,000 characters; the margin leaves room for escaping.
#: https://api.slack.com/reference/block-kit/blocks#section
MAX_ANSWER_CHARS = 2900

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REQUIRED = ("id", "question", "phrasings", "keywords", "answer", "related", "reviewed")
_OPTIONAL = ("owner", "review_every_days")
_MARKDOWN_ONLY = re.compile(r"\*\*|^\s{0,3}#{1,6}\s|\[[^\]]+\]\([^)]+\)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Entry:
    """One stored question and its answer template."""

    id: str
    """Stable slug, e.g. `why-output-costs-more`; never reused for another question."""
    question: str
    """The question as shown to users (a header and a suggestion button)."""
    phrasings: tuple[str, ...]
    """Other ways people ask it; ranked by the matcher, never shown."""
    keywords: tuple[str, ...]
    """Specific terms that point at this entry; ranked by the matcher."""
    answer: str
    """Slack mrkdwn, possibly with `{{...}}` placeholders filled by `faq.render`."""
    related: tuple[str, ...]
    """Ids of entries offered as follow-up questions."""
    reviewed: date
    """The day a person last checked the prose (figures are always live)."""
    owner: str = "tokencost"
    """Who keeps the entry current."""
    review_every_days: int = 90
    """Review interval in days; an entry past it is due for review."""

    def review_due(self, today: date) -> bool:
        """Whether the entry is past its review interval on `today`."""
        return (today - self.reviewed).days > self.review_every_days


def _text(file: str, entry: str, field: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise EntryError(file, entry, field, "must be a non-empty string")
    return value.strip()


def _texts(file: str, entry: str, field: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise EntryError(file, entry, field, "must be a list of strings")
    out: list[str] = []
    for index, item in enumerate(value):
        out.append(_text(file, entry, f"{field}[{index}]", item))
    return tuple(out)


def _answer(file: str, entry: str, value: object) -> str:
    text = _text(file, entry, "answer", value)
    bad = _MARKDOWN_ONLY.search(text)
    if bad is not None:
        problem = f"uses Markdown, not Slack mrkdwn: {bad.group(0).strip()!r}"
        raise EntryError(file, entry, "answer", problem)
    if len(text) >= MAX_ANSWER_CHARS:
        problem = f"is {len(text)} characters; the limit is {MAX_ANSWER_CHARS}"
        raise EntryError(file, entry, "answer", problem)
    return text


def parse_entry(raw: object, file: str, index: int = 0) -> Entry:
    """Validate one entry mapping as read from YAML (`file` and `index` name it in errors).

    The one validation for bundled entries and workspace drafts (`faq.drafts`). Raises
    `EntryError`. Related ids are checked by the caller, who knows the whole store.
    """
    if not isinstance(raw, dict):
        raise EntryError(file, f"#{index}", None, "each entry must be a mapping")
    raw_id = raw.get("id")
    name = raw_id if isinstance(raw_id, str) and raw_id else f"#{index}"
    for field in _REQUIRED:
        if field not in raw:
            raise EntryError(file, name, field, "is missing")
    unknown = sorted(set(raw) - set(_REQUIRED) - set(_OPTIONAL), key=str)
    if unknown:
        raise EntryError(file, name, str(unknown[0]), "is not a known field")
    entry_id = _text(file, name, "id", raw_id)
    if not _ID.match(entry_id):
        raise EntryError(file, name, "id", "must be a lowercase slug like `what-is-a-token`")
    reviewed = raw["reviewed"]
    if not isinstance(reviewed, date):
        raise EntryError(file, name, "reviewed", "must be a date like 2026-11-29")
    every: Any = raw.get("review_every_days", 90)
    if not isinstance(every, int) or isinstance(every, bool) or every <= 0:
        raise EntryError(file, name, "review_every_days", "must be a positive integer")
    return Entry(
        id=entry_id,
        question=_text(file, name, "question", raw["question"]),
        phrasings=_texts(file, name, "phrasings", raw["phrasings"]),
        keywords=_texts(file, name, "keywords", raw["keywords"]),
        answer=_answer(file, name, raw["answer"]),
        related=_texts(file, name, "related", raw["related"]),
        reviewed=reviewed,
        owner=_text(file, name, "owner", raw.get("owner", "tokencost")),
        review_every_days=every,
    )


def _read_file(path: Path) -> list[Entry]:
    import yaml  # only when the entries are read: the compiled index (faq.compiled) skips it

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    file = str(path)
    try:
        # libyaml's parser when PyYAML has it: ~10x faster than the pure-Python one, the same
        # safe constructors (a CLI question was spending ~0.1 s here, issue 15).
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except OSError as exc:
        raise EntryError(file, None, None, f"cannot be read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise EntryError(file, None, None, f"is not valid YAML ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise EntryError(file, None, "entries", "the file must hold a list under `entries:`")
    return [parse_entry(raw, file, index) for index, raw in enumerate(data["entries"])]


def read_entries(path: Path) -> tuple[Entry, ...]:
    """Load and validate entries from a YAML file, or from every `*.yaml` in a directory.

    Raises `EntryError` naming the file, entry and field: bad YAML, a missing or mistyped
    field, a duplicate id, a related id that does not exist, Markdown instead of mrkdwn.
    """
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    entries: list[Entry] = []
    where: dict[str, str] = {}
    for file in files:
        for entry in _read_file(file):
            if entry.id in where:
                problem = f"duplicate id (first defined in {where[entry.id]})"
                raise EntryError(str(file), entry.id, "id", problem)
            where[entry.id] = str(file)
            entries.append(entry)
    if not entries:
        raise EntryError(str(path), None, "entries", "there are no entries")
    for entry in entries:
        for related in entry.related:
            if related not in where:
                raise EntryError(where[entry.id], entry.id, "related", f"unknown id {related!r}")
            if related == entry.id:
                raise EntryError(
                    where[entry.id], entry.id, "related", "an entry cannot relate to itself"
                )
    return tuple(entries)


@lru_cache(maxsize=1)
def load_entries() -> tuple[Entry, ...]:
    """The bundled entries (`faq/entries.yaml`), loaded and validated once."""
    return read_entries(DEFAULT_ENTRIES_PATH)


def list_entries() -> tuple[Entry, ...]:
    """Every bundled entry, in file order (the order `faq list` shows)."""
    return load_entries()


def get_entry(entry_id: str) -> Entry:
    """The bundled entry with this id; raises `KeyError` for an unknown id."""
    for entry in load_entries():
        if entry.id == entry_id:
            return entry
    raise KeyError(entry_id)
