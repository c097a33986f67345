"""Items to a usage: which numbers are input, output, cached, volume, budget, context.

`read_usage` consumes the lexer's items in passes (flags, budget, context, volume, labelled
counts, bare counts) and returns a `Usage` with whatever it found plus the words it could
not place; the parser then decides which command that is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from bot.language.commands import Cheapest, Compare, Estimate, Money, Volume
from bot.language.errors import ParseError
from bot.language.lexing import LABEL_NAMES, Item
from bot.language.quantities import MAX_BUDGET_USD, MAX_REQUESTS_PER_DAY, whole
from prices import MAX_TOKENS, PERIOD_SECONDS

__all__ = ["EXAMPLE", "Usage", "period_at", "read_usage", "token_count"]

EXAMPLE = "gpt-4o 1000 in 500 out x 10k/day"
_SKIPPABLE = frozenset({"filler"})


@dataclass(slots=True)
class Usage:
    """What a run of items said, before it becomes a command."""

    models: list[str] = field(default_factory=list)
    input_tokens: int | None = None
    output_tokens: int | None = None
    cached_input_tokens: int | None = None
    cache_write_tokens: int | None = None
    reasoning_tokens: int | None = None
    batch: bool = False
    share: bool = False
    widen: bool = False
    """`all` / `any provider`: `cheapest` looks beyond the vendors' own current models."""
    volume: Volume | None = None
    budget: Money | None = None
    budget_word: bool = False
    tag: str | None = None
    min_context: int | None = None
    providers: list[str] = field(default_factory=list)
    versus: bool = False
    numbers: int = 0
    """How many number items were seen (to tell a question from a broken estimate)."""
    unknown: list[str] = field(default_factory=list)
    """Words nothing could place, in order."""

    def cheapest(self) -> Cheapest:
        """The `cheapest` command this usage describes (the caller checked the counts)."""
        return Cheapest(
            input_tokens=self.input_tokens or 0,
            output_tokens=self.output_tokens or 0,
            provider=self.providers[0] if self.providers else None,
            min_context=self.min_context,
            batch=self.batch,
            volume=self.volume,
            share=self.share,
            widen=self.widen,
        )

    def estimate(self, output_assumed: bool) -> Estimate:
        """The estimate of its first model this usage describes (the caller checked the rest);
        `output_assumed`: no output count was given, and the reply should say 0 was assumed."""
        return Estimate(
            model=self.models[0],
            input_tokens=self.input_tokens or 0,
            output_tokens=self.output_tokens or 0,
            cached_input_tokens=self.cached_input_tokens or 0,
            batch=self.batch,
            volume=self.volume,
            budget=self.budget,
            output_assumed=output_assumed,
            share=self.share,
            cache_write_tokens=self.cache_write_tokens or 0,
            reasoning_tokens=self.reasoning_tokens or 0,
        )

    def compare(self) -> Compare:
        """The comparison of its models this usage describes (the caller checked the rest)."""
        return Compare(
            models=tuple(self.models),
            input_tokens=self.input_tokens or 0,
            output_tokens=self.output_tokens or 0,
            cached_input_tokens=self.cached_input_tokens or 0,
            batch=self.batch,
            volume=self.volume,
            share=self.share,
            cache_write_tokens=self.cache_write_tokens or 0,
            reasoning_tokens=self.reasoning_tokens or 0,
        )


def _num(item: Item) -> Decimal:
    """The number a num/usd/bound item carries."""
    if item.num is None:  # pragma: no cover - the lexer sets it on every number item
        raise ParseError(f"`{item.text}` isn't a number.")
    return item.num


def token_count(item: Item, what: str = "token") -> int:
    """A number item as a whole, capped token count."""
    count = whole(_num(item))
    if count is None:
        raise ParseError(
            f"`{item.text}` isn't a whole number of {what}s; write it like `1500` or `1.5k`."
        )
    if count > MAX_TOKENS:
        raise ParseError(
            f"`{item.text}` {what}s is more than any request holds (the cap is {MAX_TOKENS:,})."
        )
    return count


def _neighbour(items: list[Item], index: int, step: int) -> int | None:
    """Index of the nearest unused item in direction `step`, skipping filler words."""
    j = index + step
    while 0 <= j < len(items):
        if not items[j].used and items[j].kind not in _SKIPPABLE:
            return j
        j += step
    return None


def _period_after(items: list[Item], index: int) -> tuple[str, list[int]] | None:
    """A period named right after `index`: `/day`, `per day`, `a day`, `daily`, `rps`."""
    j = index + 1
    if j < len(items) and items[j].kind == "req":
        j += 1
    if j >= len(items):
        return None
    if items[j].kind == "rateunit":
        return items[j].word, [j]
    return period_at(items, j)


def _mark(items: list[Item], indexes: list[int]) -> None:
    for j in indexes:
        items[j].used = True


def _read_flags(items: list[Item], usage: Usage) -> None:
    for item in items:
        if item.kind == "model":
            if item.word not in usage.models:
                usage.models.append(item.word)
        elif item.kind == "flag":
            usage.batch |= item.word == "batch"
            usage.share |= item.word == "share"
            usage.widen |= item.word == "widen"
        elif item.kind == "tag":
            usage.tag = item.word
        elif item.kind == "vs":
            usage.versus = True
        elif item.kind == "provider":
            usage.providers.append(item.word)
        elif item.kind == "budget":
            usage.budget_word = True
            continue  # consumed by _read_budget, which needs it as a neighbour
        elif item.kind not in ("filler", "period", "per", "a"):
            continue
        item.used = True
    usage.numbers = sum(1 for it in items if it.kind in ("num", "pair", "bound", "usd"))


def _read_budget(items: list[Item], usage: Usage) -> None:
    for i, item in enumerate(items):
        if item.kind != "usd" and not (usage.budget_word and item.kind == "num"):
            continue
        if item.kind == "num":  # a plain number counts only right after `budget`
            prev = _neighbour(items, i, -1)
            if prev is None or items[prev].kind != "budget":
                continue
        if not usage.budget_word:
            raise ParseError(
                f"A dollar amount only makes sense as a budget: `{EXAMPLE} budget $100/day`."
            )
        period = item.word or None
        marks = [i]
        if period is None and (after := _period_after(items, i)) is not None:
            period, more = after
            marks += more
        if period is None:
            raise ParseError(f"Per what is the budget of `{item.text}`? Write `budget $100/day`.")
        if not 0 < _num(item) <= MAX_BUDGET_USD:
            raise ParseError(
                f"A budget is between $0 and ${MAX_BUDGET_USD:,}; `{item.text}` isn't."
            )
        if usage.budget is not None:
            raise ParseError("Give one budget, like `budget $100/day`.")
        usage.budget = Money(_num(item), period)
        _mark(items, marks)
    for item in items:
        if item.kind == "budget":
            item.used = True


def _read_context(items: list[Item], usage: Usage) -> None:
    for i, item in enumerate(items):
        if item.kind != "context":
            continue
        item.used = True
        for step in (1, -1):
            j = _neighbour(items, i, step)
            if j is not None and items[j].kind == "num":
                usage.min_context = token_count(items[j])
                items[j].used = True
                break
        else:
            raise ParseError("How big a context window? Write `min context 200k`.")


#: Periods short enough that a fractional rate is natural (`2.5/s`, `0.5 rpm`).
_FRACTIONAL_PERIODS = frozenset({"second", "minute", "hour"})


def _volume(items: list[Item], i: int, period: str | None, marks: list[int]) -> Volume:
    item = items[i]
    value = _num(item)
    requests: int | Decimal | None = whole(value)
    if requests is None and period in _FRACTIONAL_PERIODS:
        requests = value  # `2.5/s`: kept exact; the projection is exact too
    if value <= 0:
        raise ParseError(
            f"A volume is a number of requests above 0, like `x 10k/day`; `{item.text}` isn't."
        )
    if requests is None:
        raise ParseError(
            f"A volume {'per ' + period if period else 'in total'} is a whole number of "
            f"requests, so `{item.text}` doesn't fit (only rates per second, minute or hour may "
            "be fractional, like `2.5/s`)."
        )
    per_day = value * 86_400 / PERIOD_SECONDS[period] if period else value
    if per_day > MAX_REQUESTS_PER_DAY:
        raise ParseError(
            f"`{item.text}` requests per {period or 'run'} is over the cap of "
            f"{MAX_REQUESTS_PER_DAY:,} a day; is that a typo?"
        )
    _mark(items, [i, *marks])
    return Volume(requests, period)


def period_at(items: list[Item], j: int) -> tuple[str, list[int]] | None:
    """A period phrase starting at `j`: `/day`, `daily`, `per day`, `a day`."""
    if j >= len(items):
        return None
    first = items[j]
    if first.kind in ("slash", "adverb"):
        return first.word, [j]
    if first.kind in ("per", "a") and j + 1 < len(items) and items[j + 1].kind == "period":
        return items[j + 1].word, [j, j + 1]
    return None


def _leading_volume(items: list[Item], i: int) -> tuple[int, str, list[int]] | None:
    """`per day 10k`, `daily 10k [requests]`: a period phrase at `i` naming the number after
    it. Returns (index of the number, period, marks)."""
    found = period_at(items, i)
    if found is None:
        return None
    period, marks = found
    j = marks[-1] + 1
    if j >= len(items) or items[j].kind != "num" or items[j].used:
        return None
    if _period_after(items, j) is not None:
        return None  # `daily 10k/day`: the number has its own period
    if j + 1 < len(items) and items[j + 1].kind == "req":
        marks = [*marks, j + 1]
    return j, period, marks


def _pair_before(items: list[Item], i: int) -> bool:
    """Whether the number at `i` ends a bare pair of counts (`1000 500 per day 10k`)."""
    j = i - 1
    while j >= 0 and items[j].kind in _SKIPPABLE:
        j -= 1
    return j >= 0 and items[j].kind == "num" and not items[j].used


def _read_volume(items: list[Item], usage: Usage) -> None:
    found: list[Volume] = []
    taken: set[int] = set()  # period words a volume consumed (`per`/`a` are pre-marked used)
    for i, item in enumerate(items):
        if i in taken or (item.used and item.kind not in ("per", "a")):
            continue  # `per` and `a` are marked used up front; `taken` says if a volume did
        if item.kind == "times":
            j = _neighbour(items, i, 1)
            if j is None or items[j].kind != "num":
                raise ParseError(f"`{item.text}` needs a number of requests: `x 10k/day`.")
            after = _period_after(items, j)
            period, marks = after if after else (None, [])
            if after is None and j + 1 < len(items) and items[j + 1].kind == "req":
                marks = [j + 1]
            taken.update(marks)
            found.append(_volume(items, j, period, [i, *marks]))
        elif item.kind == "num":
            after = _period_after(items, i)
            if after is not None:
                # `1000 500 per day 10k`: the period names the number after it when the one
                # before it completes a pair of counts.
                if _pair_before(items, i) and _leading_volume(items, after[1][0]) is not None:
                    continue
                taken.update(after[1])
                found.append(_volume(items, i, after[0], after[1]))
            elif i + 1 < len(items) and items[i + 1].kind == "req":
                found.append(_volume(items, i, None, [i + 1]))
        elif (lead := _leading_volume(items, i)) is not None:
            j, period, marks = lead
            taken.update(marks)
            found.append(_volume(items, j, period, marks))
    if len(found) > 1:
        raise ParseError("Give one volume, like `x 10k/day`.")
    if found:
        usage.volume = found[0]


def _bind_labels(items: list[Item], usage: Usage) -> None:
    for i, item in enumerate(items):  # `cached input 4000` is one label
        nxt = _neighbour(items, i, 1)
        if item.kind == "label" and item.word in ("cached", "write") and nxt is not None:
            following = items[nxt]
            following.used |= following.kind == "label" and following.word == "in"
    labels = [i for i, it in enumerate(items) if it.kind == "label" and not it.used]
    suffix = False
    if labels:
        prev = _neighbour(items, labels[0], -1)
        suffix = prev is not None and items[prev].kind == "num"
        nxt = _neighbour(items, labels[0], 1)
        if (
            suffix
            and prev is not None
            and items[labels[0]].word in ("cached", "write", "reasoning")
            and (nxt is not None and items[nxt].kind == "num")
        ):
            # `5000 1000 cached 4000`, `1000 500 reasoning 4000`: the two bare counts stand
            # together (input, output), so the label names the number after it.
            before = _neighbour(items, prev, -1)
            suffix = before is None or items[before].kind != "num"
    for i in labels:
        label = items[i]
        j = None
        for step in (-1, 1) if suffix else (1, -1):
            j = _neighbour(items, i, step)
            if j is not None and items[j].kind == "num":
                break
            j = None
        if j is None:
            raise ParseError(f"`{label.text}` needs a number next to it, like `500 {label.text}`.")
        _assign(usage, label.word, token_count(items[j]), items[j].text)
        _mark(items, [i, j])
    for item in items:
        if item.kind == "bound" and not item.used:
            _assign(usage, item.word, token_count(item), item.text)
            item.used = True


_SLOTS = {
    "in": "input_tokens",
    "out": "output_tokens",
    "cached": "cached_input_tokens",
    "write": "cache_write_tokens",
    "reasoning": "reasoning_tokens",
}


def _assign(usage: Usage, slot: str, value: int, text: str) -> None:
    attr = _SLOTS[slot]
    if getattr(usage, attr) is not None:
        name = LABEL_NAMES[slot]
        raise ParseError(f"You gave the {name} count twice (again at `{text}`); give it once.")
    setattr(usage, attr, value)


def _read_bare(items: list[Item], usage: Usage) -> None:
    for item in items:
        if item.used:
            continue
        if item.kind == "pair":
            first = Item("num", item.text, num=_num(item))
            second = Item("num", item.text, num=item.num2)
            _assign(usage, "in", token_count(first), item.text)
            _assign(usage, "out", token_count(second), item.text)
        elif item.kind == "num":
            if usage.input_tokens is None:
                usage.input_tokens = token_count(item)
            elif usage.output_tokens is None:
                usage.output_tokens = token_count(item)
            else:
                raise ParseError(
                    f"I don't know what `{item.text}` counts; label the numbers, like "
                    "`5000 in 1000 out cached 4000`."
                )
        elif item.kind == "usd":
            raise ParseError(f"A dollar amount goes with a budget: `budget {item.text}/day`.")
        elif item.kind in ("word", "provider", "context", "req"):
            if item.kind == "word":
                usage.unknown.append(item.text)
            continue
        item.used = True


def read_usage(items: list[Item]) -> Usage:
    """Read what `items` say about a usage; raises `ParseError` on contradictions."""
    usage = Usage()
    _read_flags(items, usage)
    try:
        _read_budget(items, usage)
        _read_context(items, usage)
        _read_volume(items, usage)
        _bind_labels(items, usage)
        _read_bare(items, usage)
    except ParseError:
        # A misspelt model name (`claude sonet 4`) leaves numbers over; name the word first.
        usage.unknown = [it.text for it in items if it.kind == "word"]
        if not usage.unknown:
            raise
    return usage
