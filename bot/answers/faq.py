"""The bridge to the FAQ package: a question in, a `FaqResult` or `FaqMissResult` out.

Kept apart so the rest of `bot` works (answering with help) while `faq` is absent or broken.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from bot.answers.results import FaqMissResult, FaqResult
from bot.language.catalog_cache import per_catalog
from prices import Catalog

if TYPE_CHECKING:
    from faq.matcher import Matcher
    from faq.render import RenderedAnswer
    from faq.store import Entry

# `faq` (its index and vocabulary) is imported by the first question, not by every answer:
# `tokencost ask gpt-4o 1000 500` starts faster without it (issue 15).

__all__ = ["answer_question"]

log = logging.getLogger(__name__)


@per_catalog(maxsize=256)
def _render(
    catalog: Catalog, entry: Entry, related: tuple[Entry, ...], day: date
) -> RenderedAnswer:
    """A rendered answer, cached per catalog, entry and UTC day (live figures change with
    prices, which change by date and by refresh; `day` in the key expires the cache at
    midnight, and a refreshed catalog gets a memo of its own while the old one is freed).

    Keyed by the `Entry` itself, not its id: a workspace's own entries are not bundled, and
    an edited one is a different key. `related` are the entries its related ids name."""
    del day
    from faq.render import render

    return render(entry, catalog, entries=related)


def answer_question(
    question: str, catalog: Catalog, *, matcher: Matcher | None = None, share: bool = False
) -> FaqResult | FaqMissResult:
    """Match `question` against the FAQ: an answer, or the closest questions.

    `matcher` is the asking workspace's (bundled entries, its own entries and the phrasings
    it was taught; `Runtime.faq_matcher`); the default is the bundled one.
    """
    from faq.errors import FaqError
    from faq.matcher import Match, default_matcher

    matcher = matcher if matcher is not None else default_matcher()
    found = matcher.match(question)
    if not isinstance(found, Match):
        return FaqMissResult(question, found.suggestions, found.off_topic, share=share)
    by_id = {entry.id: entry for entry in matcher.entries}
    related = tuple(by_id[rid] for rid in found.entry.related if rid in by_id)
    try:
        rendered = _render(catalog, found.entry, related, datetime.now(UTC).date())
    except FaqError:
        # A live figure could not be filled (a model left the catalog): offer the entry
        # rather than show half an answer. The FAQ's own tests catch this in CI.
        log.exception("FAQ entry %s did not render", found.entry.id)
        return FaqMissResult(question, ((found.entry.id, found.entry.question),), share=share)
    return FaqResult(
        rendered.id,
        rendered.question,
        rendered.text,
        asked=question,
        related=rendered.related,
        share=share,
    )
