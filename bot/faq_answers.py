"""The bridge to the FAQ package: a question in, a `FaqResult` or `FaqMissResult` out.

Kept apart so the rest of `bot` works (answering with help) while `faq` is absent or broken.
"""

from __future__ import annotations

import logging

from prices import Catalog

from .results import FaqMissResult, FaqResult

__all__ = ["answer_question"]

log = logging.getLogger(__name__)


def answer_question(
    question: str, catalog: Catalog, *, share: bool = False
) -> FaqResult | FaqMissResult | None:
    """Match `question` against the stored FAQ; None when the FAQ package is unavailable."""
    try:
        import faq
    except ImportError:
        return None
    found = faq.match(question)
    if not isinstance(found, faq.Match):
        return FaqMissResult(question, found.suggestions, found.off_topic, share=share)
    try:
        rendered = faq.render(found.entry, catalog)
    except faq.FaqError:
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
