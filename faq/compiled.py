"""The compiled FAQ index: the bundled entries, validated and indexed once, reused while the
files that shaped them hold.

Reading `faq/entries.yaml`, validating every entry and building the matcher's index (BM25
postings, typo table) costs ~40-60 ms, most of a CLI question's start (issue 15); loading the
stored index costs a few. It is stored like the compiled catalog (`prices.compiled`: same
folder, `$TOKENCOST_CACHE_DIR` or `~/.cache/tokencost`, private, written atomically) and keyed
by a hash of the Python version, the source of the `faq` package (normalisation, vocabulary,
matcher) and the bytes of `entries.yaml`: edit an entry, a phrasing, a synonym or the ranking
code, and the next question indexes the YAML again and rewrites the file. Any error reading or
writing it falls back to indexing the YAML: a cache never fails a command, and never answers
from entries that are not the ones on disk.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from faq.store import DEFAULT_ENTRIES_PATH
from prices.compiled import cached

__all__ = ["CACHE_NAME", "compiled_index", "index_inputs"]

CACHE_NAME = "faq-index"
"""The cache file's name (`faq-index-<tag>.pickle`, one per copy of the package on disk)."""

_PACKAGE = Path(__file__).parent


def index_inputs(entries: Path = DEFAULT_ENTRIES_PATH) -> list[Path]:
    """Every file the index depends on: the `faq` package's source, then the entries."""
    return [*sorted(_PACKAGE.glob("*.py")), entries]


def compiled_index(
    build: Callable[[], dict[str, object]], entries: Path = DEFAULT_ENTRIES_PATH
) -> dict[str, object]:
    """The matcher's index state (`Matcher.index_state`) over `entries`, stored, or `build()`
    when the stored one was made from other files (or is missing, or unreadable)."""
    return cached(CACHE_NAME, index_inputs(entries), build)
