"""The bridge to the FAQ package: a question in, a `FaqResult` or `FaqMissResult` out.

Kept apart so the rest of `bot` works (answering with help) while `faq` is absent or broken.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from bot.answers.results import FaqMissResult, FaqResult
from bot.language.catalog_cache import per_catalog
from faq.errors import FaqError
from faq.matcher import Match, match
from faq.render import RenderedAnswer, render
from faq.store import get_entry
from prices import Catalog

__all__ = ["answer_question"]

log = logging.getLogger(__name__)


@per_catalog(maxsize=256)
def _render(catalog: Catalog, entry_id: str, day: date) -> RenderedAnswer:
    """A rendered answer, cached per catalog and UTC day (live figures change with prices,
    which change by date and by refresh; `day` in the key expires the cache at midnight, and
    a refreshed catalog gets a memo of its own while the old one is freed)."""
    del day
    return render(get_entry(entry_id), catalog)


def answer_question(
    question: str, catalog: Catalog, *, share: bool = False
) -> FaqResult | FaqMissResult:
    """Match `question` against the stored FAQ: an answer, or the closest questions."""
    found = match(question)
    if not isinstance(found, Match):
        return FaqMissResult(question, found.suggestions, found.off_topic, share=share)
    try:
        rendered = _render(catalog, found.entry.id, datetime.now(UTC).date())
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
