"""Changes a person makes to a workspace's FAQ: each checked, recorded with who and when, undoable.

* `teach`: "this question is a way of asking <entry>" (checked by `faq.teach.check_alternate`
  on the workspace's matcher, so the off-topic gate and the already-taught rule hold).
* `unteach` / `unteach_question`: undo a taught phrasing; the question misses again.
* `dismiss` / `undismiss`: "not ours" for a group of misses, and taking it back.
* `preview_entry` / `save_entry` / `withdraw_entry`: a workspace's own entry, validated and
  rendered with live figures before it is stored.

Refusals are `faq.TeachError`, `faq.EntryError`, `faq.RenderError` or `StoreError`, each one
sentence a person can act on. `by` is a Slack user id, or ``cli:<login>`` from the CLI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.runtime import Runtime
from bot.store import faq_learning as store
from bot.store.faq_learning import AlternateRow
from bot.store.workspace import Workspace
from faq.drafts import DraftPreview, check_draft, draft_entry
from faq.learning import group_key
from faq.teach import TeachCheck, check_alternate

__all__ = [
    "Taught",
    "dismiss",
    "preview_entry",
    "save_entry",
    "teach",
    "undismiss",
    "unteach",
    "unteach_question",
    "withdraw_entry",
]


@dataclass(frozen=True)
class Taught:
    """A phrasing now taught, and what the workspace answered before."""

    alternate_id: int
    check: TeachCheck

    def summary(self, question_of: dict[str, str]) -> str:
        """One line: "was: a miss (closest X, 41%) → now: ENTRY"."""
        before = self.check.before
        if self.check.already_answered:
            was = "already answered with it (now firm)"
        elif self.check.replaces is not None:
            was = f"answered with `{self.check.replaces}` (this changes that answer)"
        else:
            suggestions = getattr(before, "suggestions", ())
            closest = f" (closest `{suggestions[0][0]}`)" if suggestions else ""
            was = f"a miss{closest}"
        entry = self.check.entry_id
        return f"“{self.check.phrasing}”: was {was} → now: `{entry}` ({question_of.get(entry, '')})"


def teach(
    runtime: Runtime,
    ws: Workspace,
    question: str,
    entry_id: str,
    by: str,
    *,
    source_miss_key: str | None = None,
) -> Taught:
    """Teach `question` as a way of asking `entry_id` in `ws`, approved by `by`, now."""
    check = check_alternate(runtime.faq_matcher(ws), entry_id, question)
    row_id = store.teach_alternate(
        runtime.db(), ws, check.entry_id, check.phrasing, by, runtime.clock(), source_miss_key
    )
    return Taught(row_id, check)


def unteach(runtime: Runtime, ws: Workspace, alternate_id: int, by: str) -> AlternateRow | None:
    """Undo the taught phrasing `alternate_id`; None when there is no such live one."""
    live = {row.id: row for row in store.alternate_history(runtime.db(), ws, include_undone=False)}
    row = live.get(alternate_id)
    if row is None or not store.unteach_alternate(runtime.db(), ws, row.id, by, runtime.clock()):
        return None
    return row


def unteach_question(
    runtime: Runtime, ws: Workspace, question: str, by: str
) -> AlternateRow | None:
    """Undo the taught phrasing that means the same as `question` (same terms); None if none."""
    matcher = runtime.faq_matcher(ws)
    wanted = group_key(matcher.terms(question))
    for row in store.alternate_history(runtime.db(), ws, include_undone=False):
        if group_key(matcher.terms(row.phrasing)) == wanted:
            return unteach(runtime, ws, row.id, by)
    return None


def dismiss(runtime: Runtime, ws: Workspace, key: str, by: str) -> bool:
    """Mark the miss group `key` "not ours"; False when it already was."""
    return store.dismiss_miss_group(runtime.db(), ws, key.strip(), by, runtime.clock())


def undismiss(runtime: Runtime, ws: Workspace, key: str, by: str) -> bool:
    """Take back a "not ours"; False when the group was not dismissed."""
    return store.undismiss_miss_group(runtime.db(), ws, key.strip(), by, runtime.clock())


def preview_entry(
    runtime: Runtime,
    ws: Workspace,
    *,
    question: str,
    answer: str,
    owner: str,
    related: Sequence[str] = (),
    phrasings: Sequence[str] = (),
    keywords: Sequence[str] = (),
) -> DraftPreview:
    """Validate a new workspace entry and render it with today's figures (nothing stored).

    Raises `faq.EntryError` (its `.field` names the input) or `faq.RenderError`.
    """
    existing = runtime.faq_matcher(ws).entries
    entry = draft_entry(
        question=question, answer=answer, owner=owner, today=runtime.clock().date(),
        existing=existing, related=related, phrasings=phrasings, keywords=keywords,
    )  # fmt: skip
    return check_draft(entry, existing, runtime.catalog)


def save_entry(runtime: Runtime, ws: Workspace, preview: DraftPreview, by: str) -> int:
    """Store a previewed workspace entry, made by `by` now; return its row id.

    The workspace's matcher is rebuilt here (about 70 ms), not by the next question.
    """
    row_id = store.save_draft(runtime.db(), ws, preview.entry, by, runtime.clock())
    runtime.faq_matcher(ws)
    return row_id


def withdraw_entry(runtime: Runtime, ws: Workspace, entry_id: str, by: str) -> bool:
    """Withdraw a workspace entry (kept as history); False when it has none by that id."""
    return store.delete_draft(runtime.db(), ws, entry_id, by, runtime.clock())
