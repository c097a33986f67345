"""Sentence words made plain for the grammar: `documents` are requests, `500 token
summaries` are output, `20k times a day` is `x 20k/day`, `$50 a day` is a budget.

`bot.language.questions` reads a sentence with these; each function does one rewrite and
says which phrasing it is for.
"""

from __future__ import annotations

import re
from decimal import Decimal

from bot.language import commands as c
from bot.language.errors import ParseError
from bot.language.grammar import period_at
from bot.language.lexing import Item, Word
from bot.language.quantities import MAX_BUDGET_USD

__all__ = ["OUTPUT_NOUNS", "counted", "normalise", "plain_items", "plain_words", "read_budget"]


def _split(text: str) -> list[str]:
    """The words of `text` (keeps the word lists below readable)."""
    return text.split()


#: Nouns people count requests in (`2,000 documents a day`), read as `requests`.
_REQUEST_NOUNS = frozenset(
    _split(
        "documents document docs doc tickets ticket emails email pages page files file articles "
        "article items item records record searches lookups "
        "questions question chats chat turns turn jobs job tasks task"
    )
)
#: Nouns for what the model writes back (`500 token summaries`), read as `output`.
OUTPUT_NOUNS = frozenset(_split("summary summaries back replies answers responses"))
#: `per million tokens`, `per 1M tokens`, `/1M`, `per mtok`: asking for the rates.
_PER_MILLION = re.compile(
    r"(?:\bper|/)\s*(?:1\s*m\b|1m\b|one million|million|mtok|1,000,000)(?:\s*tokens?)?"
    r"|\ba\s+(?:million|mtok)\s+tokens?",
    re.IGNORECASE,
)
#: `500 documents of 3k tokens each`: the size of each request, said after the volume.
_EACH_OF = re.compile(
    r"(?P<count>\b\d[\d.,]*[km]?\s+)?(?P<noun>\b[a-z]+s)\s+of\s+"
    r"(?P<size>[~\d][\d.,]*[km]?)\s+tokens?(?:\s+each)?\b",
    re.IGNORECASE,
)
_HYPHEN_COUNT = re.compile(r"(\d[\d.,]*[kKmM]?)-(tokens?|toks?)\b")
_POSSESSIVE = re.compile(r"(\S)['\u2019]s\b")
_DASHES = re.compile(r"[\u2014\u2013]|(?<=\s)--?(?=\s)")
#: `per request`, `each call`, `per summary`: phrases that only repeat "one request".
_PER_ONE = frozenset({"per", "a", "each", "every"})


def normalise(text: str) -> tuple[str, bool]:
    """The sentence with its spellings made plain; True when it asked for rates per 1M."""
    per_million = bool(_PER_MILLION.search(text))
    text = _PER_MILLION.sub(" ", text)
    text = _DASHES.sub(" ", text)
    text = _HYPHEN_COUNT.sub(r"\1 \2", text)
    text = _EACH_OF.sub(_size_first, text)
    text = _POSSESSIVE.sub(r"\1", text)
    return text, per_million


def _size_first(match: re.Match[str]) -> str:
    """`documents of 3k tokens each` -> `documents (3k input)`, when the noun counts requests."""
    if match["noun"].lower() not in _REQUEST_NOUNS:
        return match.group()
    return f"{match['size']} input , {match['count'] or ''}{match['noun']}"


def plain_words(words: list[Word]) -> list[Word]:
    """Sentence nouns mapped to the grammar's words: `documents` -> `requests`."""
    out: list[Word] = []
    skip = False
    for k, w in enumerate(words):
        lower = w.text.lower()
        if skip:
            skip = False
            continue
        nxt = words[k + 1].text.lower() if k + 1 < len(words) else ""
        if lower in _PER_ONE and (nxt in _REQUEST_NOUNS or nxt in OUTPUT_NOUNS):
            skip = True  # `per summary`, `each document`: one request, said again
            continue
        if lower == "back" and out and out[-1].text.lower() in ("output", "answer", "reply"):
            continue  # `a 1k token answer back`: `back` repeats the output label
        if lower in _REQUEST_NOUNS and (lower.endswith("s") or _numeric(out)):
            # A singular noun counts requests only after a number (`1 chat`): elsewhere it
            # may be part of a model's name (`deepseek chat`).
            w = Word("requests", w.start, w.end)
        elif lower in OUTPUT_NOUNS:
            w = Word("output", w.start, w.end)
        out.append(w)
    return out


def _numeric(words: list[Word]) -> bool:
    """Whether the last word kept is a count (`1`, `2k`, `1,000`)."""
    return bool(words) and words[-1].text[:1].isdigit()


def _prune(items: list[Item]) -> list[Item]:
    """Drop words that only repeat "one request" (`per request`, `each call`, `a summary`)
    and move `times` before its number (`20k times a day` is `x 20k/day`)."""
    out: list[Item] = []
    k = 0
    while k < len(items):
        item = items[k]
        nxt = items[k + 1] if k + 1 < len(items) else None
        if (
            item.kind in ("per", "a")
            and item.text.lower() in _PER_ONE
            and nxt is not None
            and (nxt.kind == "req" or (nxt.kind == "label" and nxt.text.lower() in OUTPUT_NOUNS))
        ):
            k += 2
            continue
        if (
            item.kind == "times"
            and out
            and out[-1].kind == "num"
            and (nxt is None or nxt.kind != "num")
        ):
            out.insert(len(out) - 1, item)
            k += 1
            continue
        out.append(item)
        k += 1
    return out


def _drop_lonely_in(items: list[Item]) -> list[Item]:
    """`fit in $500`, `in total`: an `in` with no count beside it is a preposition."""
    out = []
    for k, item in enumerate(items):
        if item.kind == "label" and item.text.lower() == "in":
            near = [items[j] for j in (k - 1, k + 1) if 0 <= j < len(items)]
            near += [items[j] for j in (k - 2, k + 2) if 0 <= j < len(items)]
            if not any(n.kind in ("num", "pair") for n in near[:2]) and not (
                len(near) > 2
                and any(n.kind == "num" for n in near[2:])
                and any(n.kind == "filler" for n in near[:2])
            ):
                continue
        out.append(item)
    return out


def read_budget(items: list[Item]) -> tuple[c.Money | None, list[Item]]:
    """A dollar amount in a sentence is a budget: its period is its own (`$10/hour`), the
    phrase after it (`$50 a day`), a `daily` before it, or that of `calls per month`.
    Returns the budget and the items without it."""
    amounts = [k for k, it in enumerate(items) if it.kind == "usd"]
    if not amounts:
        return None, items
    if len(amounts) > 1:
        raise ParseError("Give one dollar amount, the budget, like `with $100 a day`.")
    k = amounts[0]
    item = items[k]
    used = {k}
    period = item.word or None
    if period is None and (after := period_at(items, k + 1)) is not None:
        period, marks = after
        used.update(marks)
    j = k - 1
    while period is None and j >= 0 and items[j].kind == "filler":
        j -= 1
    if period is None and j >= 0 and items[j].kind == "adverb":
        period = items[j].word
        used.add(j)
    for i, it in enumerate(items):
        if period is None and it.kind == "req" and (found := period_at(items, i + 1)):
            period = found[0]  # `how many calls per month does $1,000 buy`
    if period is None:
        raise ParseError(
            f"Per what is the budget of `{item.text}`? Write it like `$100 a day` or `$3000/month`."
        )
    usd = item.num if item.num is not None else Decimal(0)
    if not 0 < usd <= MAX_BUDGET_USD:
        raise ParseError(f"A budget is between $0 and ${MAX_BUDGET_USD:,}; `{item.text}` isn't.")
    return c.Money(usd, period), [it for i, it in enumerate(items) if i not in used]


def counted(items: list[Item]) -> bool:
    """Whether the items hold token counts: a labelled number (`4k input`, `in=4k`, `1k/500`)
    or two numbers; `tier 5` or a lone `cached` are no counts."""
    if any(it.kind in ("bound", "pair") for it in items):
        return True
    nums = [k for k, it in enumerate(items) if it.kind == "num"]
    if len(nums) > 1:
        return True
    return any(
        it.kind == "label" and any(abs(k - j) <= 2 for j in nums) for k, it in enumerate(items)
    )


def plain_items(items: list[Item]) -> list[Item]:
    """Items as the grammar reads them: `per request` dropped, `20k times` as `x 20k`, and
    an `in` with no count beside it (`fit in $500`) dropped."""
    return _drop_lonely_in(_prune(items))
