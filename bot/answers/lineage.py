"""Old models and what replaced them: a warning and a did-you-mean toward current models.

Two cases, both read from the catalog, no list of names kept here:
- a deprecated model: the replacement its notes name (`replacement: gemini-2.5-flash`, from
  the vendors' deprecation pages via `prices.lifecycle`), else newer models of its family;
- a legacy name: an id without a version (`gemini-pro`) whose model is an old version
  (`Gemini 1.0 Pro`) while the provider prices newer ones (`gemini-2.5-pro`).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

from bot.language.catalog_cache import per_catalog
from bot.language.lexing import canonical_name
from prices import Catalog, Model

__all__ = ["deprecation_sentence", "lineage_warning", "old_label", "successors"]

_REPLACEMENT = re.compile(r"replacement:\s*([\w/-]+(?:\.\w[\w-]*)*)")
_VERSION = re.compile(r"(?<![\w.])v?(\d{1,2}(?:\.\d)?)(?![\d])")
_SUGGESTED = 3
#: Id words that mark a release, not another model (`-preview`, `-latest`).
_RELEASE_WORDS = frozenset({"preview", "latest", "exp", "v"})


def _version(text: str) -> Decimal | None:
    """The first small version number in an id or name (`Gemini 1.0 Pro` -> 1.0); dates and
    sizes (`2411`, `70b`) are no versions."""
    found = _VERSION.search(text.replace("-", " "))
    return Decimal(found.group(1)) if found else None


def _parts(model_id: str) -> set[str]:
    return {p for p in re.split(r"[-.]", model_id) if p and not p.isdigit()}


def _family(
    catalog: Catalog, model: Model, newer_than: Decimal | None, on: date
) -> tuple[str, ...]:
    """Current models of the same provider and kind whose id holds every word of this one's
    and a newer version; non-preview first, then newest."""
    mine = _parts(model.id)
    if len(mine) < 2:
        return ()  # `claude-2`: a family of one word would match every model of the provider
    found: list[tuple[bool, Decimal, str]] = []
    for other in catalog.by_provider(model.provider):
        if other is model or not other.suggestable(on) or other.kind != model.kind:
            continue
        theirs = _parts(other.id)
        if not mine <= theirs or not theirs - mine <= _RELEASE_WORDS:
            continue  # `gemini-3-pro-image-preview` is another kind of model
        version = _version(other.id)
        if version is None or (newer_than is not None and version <= newer_than):
            continue
        found.append(("preview" in other.id, -version, canonical_name(catalog, other)))
    return tuple(model_id for _, _, model_id in sorted(found)[:_SUGGESTED])


def _today() -> date:
    return datetime.now(UTC).date()


def _old(model: Model, on: date) -> bool:
    """Deprecated, retired, or retiring soon on `on`: the cases that get a warning."""
    return model.deprecated or model.retiring(on)


def old_label(model: Model, on: date | None = None) -> str:
    """`retired`, `deprecated` (flagged, or shutting down within 90 days) or `` (current): the
    word model lists show, from the dates, so a shutdown that passes after the sync counts."""
    day = on or _today()
    if model.retired(day):
        return "retired"
    return "deprecated" if _old(model, day) else ""


def successors(catalog: Catalog, model: Model, on: date | None = None) -> tuple[str, ...]:
    """Current models to suggest instead of `model` on day `on` (default today UTC), best
    first, by the name that means them (`vertex/claude-sonnet-4` when the bare id is another
    provider's); empty for a current model. Never a deprecated, retired or retiring model."""
    return _successors(catalog, model, on or _today())


@per_catalog(maxsize=1024)
def _successors(catalog: Catalog, model: Model, on: date) -> tuple[str, ...]:
    if _old(model, on):
        named = model.replacement
        if named is None and (found := _REPLACEMENT.search(model.notes + " ")) is not None:
            named = found.group(1)
        if named is not None:
            replacement = catalog.find(named)
            if replacement is not None and replacement.suggestable(on):
                return (canonical_name(catalog, replacement),)
        return _family(catalog, model, _version(model.id) or _version(model.name), on)
    if any(ch.isdigit() for ch in model.id):
        return ()
    version = _version(model.name)
    return _family(catalog, model, version, on) if version is not None else ()


def deprecation_sentence(model: Model, on: date | None = None) -> str:
    """`gpt-4o retires on 2027-01-14`, `o1 was retired on 2026-10-23`, or (no date announced)
    `x is deprecated by its provider`: the start of a warning, without a full stop."""
    match model.lifecycle(on):
        case "retired":
            return f"{model.id} was retired by its provider on {model.retires_on}"
        case "scheduled":
            return f"{model.id} is deprecated and retires on {model.retires_on}"
    return f"{model.id} is deprecated by its provider"


def lineage_warning(
    catalog: Catalog, model: Model, on: date | None = None, *, on_card: bool = False
) -> str | None:
    """One sentence for a deprecated, retired, retiring (within 90 days of `on`) or legacy
    model, with what to use instead; else None. `on_card`: the sentence is on the model's own
    price card, so it never points at that card."""
    day = on or _today()
    instead = successors(catalog, model, day)
    shown = " or ".join(f"`{m}`" for m in instead)
    if _old(model, day):
        see = "." if on_card else f"; see `price {model.id}`."
        tail = f"; did you mean {shown}?" if shown else see
        return deprecation_sentence(model, day) + tail
    if instead:
        return (
            f"{model.id} is {model.name}, an older model (priced as asked); did you mean {shown}?"
        )
    return None
