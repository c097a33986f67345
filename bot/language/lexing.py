"""Words to items: model names (several words long), numbers, labels, volumes, flags.

The lexer only classifies; `bot.language.grammar` decides what the items mean together.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal

from bot.language.catalog_cache import per_catalog
from bot.language.errors import ParseError
from bot.language.quantities import (
    PERIOD_ADVERBS,
    PERIOD_WORDS,
    RATE_UNITS,
    SCALE_WORDS,
    number_words,
    parse_number,
    parse_usd,
)
from prices import Catalog, Model, normalize_name

__all__ = [
    "LABELS",
    "LABEL_NAMES",
    "Item",
    "Word",
    "canonical_name",
    "lex",
    "resolve_span",
    "split_words",
]

#: Longest model name, in words (`llama 3.3 70b versatile instruct`).
MAX_NAME_WORDS = 6


def _split(text: str) -> list[str]:
    return text.split()


LABELS: dict[str, str] = {
    **dict.fromkeys(_split("in input inputs prompt prompts input_tokens prompt_tokens ins"), "in"),
    **dict.fromkeys(
        _split(
            "out output outputs completion completions output_tokens completion_tokens response "
            "responses generated gen answer reply outs"
        ),
        "out",
    ),
    **dict.fromkeys(
        _split(
            "cached cache cache-read cache_read cached_input cached_tokens cache-hit "
            "cache_hit cache-hits cache-reads cache_reads cache_read_input_tokens "
            "cached_input_tokens"
        ),
        "cached",
    ),
    **dict.fromkeys(
        _split(
            "cache-write cache_write cache-writes cache_writes cache_creation_input_tokens "
            "cache_write_tokens cache_creation"
        ),
        "write",
    ),
    **dict.fromkeys(
        _split("reasoning reasoning_tokens thinking thinking_tokens reasoning-tokens"),
        "reasoning",
    ),
}
#: The label a slot takes in messages and in the canonical text (`cache write 500`).
LABEL_NAMES: dict[str, str] = {
    "in": "input",
    "out": "output",
    "cached": "cached",
    "write": "cache write",
    "reasoning": "reasoning",
}
#: `cache write 500`, `cache read 4000`: two words that make one label.
_TWO_WORD_LABELS: dict[tuple[str, str], str] = {
    **dict.fromkeys(
        (("cache", w) for w in ("write", "writes", "creation", "created", "written")), "write"
    ),
    **dict.fromkeys((("cache", w) for w in ("read", "reads", "hit", "hits")), "cached"),
    **dict.fromkeys((("cached", w) for w in ("read", "reads")), "cached"),
}
_TYPO_TARGETS = ("input", "output", "prompt", "completion", "cached", "reasoning")
FLAGS = {
    **dict.fromkeys(("batch", "batched", "batch-api", "--batch", "bulk"), "batch"),
    **dict.fromkeys(("share", "shared", "public", "--share", "--public", "post"), "share"),
    # `cheapest 1000 500 all`, `... any provider`: beyond the vendors' own current models.
    **dict.fromkeys(("all", "any", "anywhere", "everywhere", "--all", "widen", "wider"), "widen"),
}
FILLER = frozenset(
    _split(
        "tokens token tok toks tkns and with for on of the a an at using use via model models "
        "cost costs costing estimate est calc calculate how much is does would will what whats "
        "please pls me to run call it be by + - & , : = | -> => plus each in/out i/o total "
        "per-request request price priced pricing if i we our my we'd send sending get gets "
        "also then that about around approx approximately roughly ~ min minimum least >= max "
        "provider providers"
    )
)
KEYWORDS: dict[str, str] = {
    **dict.fromkeys(("x", "×", "*", "times"), "times"),
    **dict.fromkeys(("per", "/"), "per"),
    **dict.fromkeys(("a", "an", "every", "each"), "a"),
    **dict.fromkeys(
        _split(
            "requests request req reqs calls call queries messages conversations chats runs hits"
        ),
        "req",
    ),
    **dict.fromkeys(("budget", "budgets", "within", "under"), "budget"),
    **dict.fromkeys(("vs", "vs.", "versus", "v", "v.", "against"), "vs"),
    **dict.fromkeys(("context", "ctx", "context_window", "window", "context-window"), "context"),
}
_STRIP_TRAIL = ",;:!?)]}\"'`"
_STRIP_LEAD = "([{\"'`~≈"
_BOUND = re.compile(r"(?P<label>[a-z_\-]+)[=:](?P<num>.+)")
_GLUED = re.compile(r"(?P<num>\d[\d.,]*k?)(?P<label>in|input|out|output|cached|prompt)")
_TIMES = re.compile(r"[x×*](?P<rest>\d.*)")
_NEGATIVE = re.compile(r"[-−]\$?\d[\d.,]*[kmb]?(?:/\w+)?")
#: Starts like a number but is none we read (`1e12`, `10..5k`): say so, never "unknown model".
_NUMBERISH = re.compile(r"\d[\d.,]*(?:e[+-]?\d+|[.,]{2,}[\d.,]*)[kmb]?(?:/\w+)?")


@dataclass(slots=True)
class Word:
    """One whitespace-separated word of the input with its place in the text."""

    text: str
    """The word without surrounding punctuation."""
    start: int
    end: int


@dataclass(slots=True)
class Item:
    """A classified word (or several, for a model name). Mutable: `used` marks consumption."""

    kind: str
    """model, num, pair, slash (a `/period`), period, adverb, rateunit, usd, label, bound,
    flag, tag, times, per, a, req, budget, vs, context, filler, word."""
    text: str
    num: Decimal | None = None
    num2: Decimal | None = None
    word: str = ""
    """Model id, label (`in`/`out`/`cached`), flag, period or tag, by kind."""
    used: bool = False


def split_words(text: str) -> list[Word]:
    """The words of `text`, stripped of surrounding punctuation, with their offsets."""
    words = []
    for match in re.finditer(r"\S+", text):
        raw = match.group()
        stripped = raw.rstrip(_STRIP_TRAIL).lstrip(_STRIP_LEAD)
        if stripped.endswith(".") and not stripped.endswith(("vs.", "v.")):
            stripped = stripped.rstrip(".")
        if not stripped:
            continue
        words.append(Word(stripped, match.start(), match.end()))
    return words


@per_catalog(maxsize=1)
def _vocabulary(catalog: Catalog) -> dict[str, Model]:
    return catalog.names()


def canonical_name(catalog: Catalog, model: Model) -> str:
    """The shortest name that means `model`: its id, or `provider/id` when the id alone
    means the same id at another provider."""
    found = catalog.find(model.id)
    return model.id if found is model else model.key


def _is_protected(lower: str) -> bool:
    """Words that are part of the grammar and never start a model name."""
    return (
        lower in LABELS
        or lower in FILLER
        or lower in KEYWORDS
        or lower in FLAGS
        or parse_number(lower) is not None
    )


def resolve_span(
    catalog: Catalog, words: list[Word], i: int, keys: list[str] | None = None
) -> tuple[Model, int] | None:
    """The longest model name starting at word `i`: (model, index after it), or None.

    A single word may be any spelling `Catalog.find` accepts (dated ids, `openai/gpt-4o`).
    Several words must spell an id or alias exactly (`claude sonnet 4.5`), so that a number
    after a name (`gpt-4o 2024`) is never swallowed as a date suffix, and a bare number after
    a complete one-word name stays a count (`claude-sonnet-4 5`), while a name spelt out in
    words takes the longest match (`claude sonnet 4 5` is claude-sonnet-4-5).

    `keys`: `normalize_name` of each word, when the caller has them (a name's key is its
    words' keys joined: normalising removes characters one by one).
    """
    first = words[i].text.lower()
    if _is_protected(first):
        return None
    if keys is None:
        keys = [normalize_name(w.text) for w in words[i : i + MAX_NAME_WORDS]]
        at = 0
    else:
        at = i
    vocab = _vocabulary(catalog)
    single = catalog.find(words[i].text)
    for j in range(min(len(words), i + MAX_NAME_WORDS), i + 1, -1):
        key = "".join(keys[at : at + j - i])
        if key in vocab:
            found = vocab[key]
            before = "".join(keys[at : at + j - 1 - i])
            if words[j - 1].text.isdigit() and j - 1 == i + 1 and (before in vocab or single):
                # `claude-sonnet-4 5 in 0 out`: a bare count after a complete one-word name is
                # a count, not the next version number (`claude-sonnet-4-5` is written with its
                # dash). A name typed as several words (`claude sonnet 4 5`) takes the longest
                # match: its words already show the user spelling the version out.
                continue
            # Words that don't change the model (`claude-sonnet-4 0` is an alias of the same
            # model) are left for the grammar: `0` is a token count there.
            for k in range(i + 1, j):
                shorter = "".join(keys[at : at + k - i])
                if vocab.get(shorter) is found or (k == i + 1 and single is found):
                    return found, k
            return found, j
    return (single, i + 1) if single is not None else None


def lex(catalog: Catalog, words: list[Word]) -> list[Item]:
    """Classify `words` into items, model names first (they may contain numbers)."""
    items: list[Item] = []
    keys = [normalize_name(w.text) for w in words]
    lowered = [w.text.lower() for w in words]
    i = 0
    while i < len(words):
        span = resolve_span(catalog, words, i, keys)
        if span is not None:
            model, j = span
            text = " ".join(w.text for w in words[i:j])
            items.append(Item("model", text, word=canonical_name(catalog, model)))
            i = j
            continue
        lower = lowered[i : i + 8]
        if len(lower) > 1 and (label := _TWO_WORD_LABELS.get((lower[0], lower[1]))):
            items.append(Item("label", f"{words[i].text} {words[i + 1].text}", word=label))
            i += 2
            continue
        if (spelt := number_words(lower)) is not None:
            value, used = spelt
            text = " ".join(w.text for w in words[i : i + used])
            items.append(Item("num", text, num=Decimal(value)))
            i += used
            continue
        items.extend(lex_word(words[i].text, catalog))
        i += 1
    return _apply_scale_words(items)


_CURRENCY_WORDS = frozenset({"usd", "dollars", "dollar", "bucks", "$"})


def _apply_scale_words(items: list[Item]) -> list[Item]:
    """`1.2 million` -> one number; `100 usd` -> one amount."""
    out: list[Item] = []
    for item in items:
        prev = out[-1] if out else None
        lower = item.text.lower()
        scale = SCALE_WORDS.get(lower)
        if prev is not None and prev.kind == "num" and prev.num is not None:
            if scale:
                prev.num *= scale
                prev.text += " " + item.text
                continue
            if lower in _CURRENCY_WORDS:
                prev.kind = "usd"
                prev.text += " " + item.text
                continue
        out.append(item)
    return out


def lex_word(  # noqa: C901 - one flat decision table
    text: str, catalog: Catalog | None = None
) -> list[Item]:
    """Classify one word (it may hold several items: `in=1k`, `10k/day`, `x10k`); provider
    words (`anthropic`, `claude`, `aws`) need the `catalog`, whose registry owns them."""
    lower = text.lower()
    if lower in FLAGS:
        return [Item("flag", text, word=FLAGS[lower])]
    if lower in LABELS:
        return [Item("label", text, word=LABELS[lower])]
    if lower in KEYWORDS:
        return [Item(KEYWORDS[lower], text)]
    if lower in PERIOD_ADVERBS:
        return [Item("adverb", text, word=PERIOD_ADVERBS[lower])]
    if lower in RATE_UNITS:
        return [Item("rateunit", text, word=RATE_UNITS[lower])]
    number = parse_number(lower)
    if number is not None:
        return [Item("num", text, num=number)]
    if _NEGATIVE.fullmatch(lower):
        raise ParseError(f"Counts can't be negative (`{text}`); write them like `1000` or `1.5k`.")
    if _NUMBERISH.fullmatch(lower):
        raise ParseError(
            f"I can't read the number `{text}`; write numbers like `1000`, `1,000`, `1.5k` or "
            "`2M`, and volumes like `10k/day`."
        )
    if lower in PERIOD_WORDS and len(lower) > 1:
        return [Item("period", text, word=PERIOD_WORDS[lower])]
    if lower in FILLER:
        return [Item("filler", text)]
    if lower.startswith("#") and len(lower) > 1:
        return [Item("tag", text, word=text[1:])]
    if _TIMES.fullmatch(lower):  # `x10k`, `x10k/day`
        return [Item("times", text[0]), *lex_word(text[1:], catalog)]
    usd = parse_usd(lower.split("/", 1)[0])
    if usd is not None:
        period = PERIOD_WORDS.get(lower.split("/", 1)[1]) if "/" in lower else None
        if "/" in lower and period is None:
            return [Item("word", text)]
        return [Item("usd", text, num=usd, word=period or "")]
    if "/" in lower:
        return _lex_slash(text)
    if (bound := _BOUND.fullmatch(lower)) and (label := LABELS.get(bound["label"])):
        value = parse_number(bound["num"])
        if value is not None:
            return [Item("bound", text, num=value, word=label)]
    if glued := _GLUED.fullmatch(lower):
        value = parse_number(glued["num"])
        if value is not None:
            return [Item("bound", text, num=value, word=LABELS[glued["label"]])]
    if catalog is not None and (provider := catalog.resolve_provider(lower)) is not None:
        return [Item("provider", text, word=provider)]
    if len(lower) >= 5 and lower.isalpha():
        close = difflib.get_close_matches(lower, _TYPO_TARGETS, n=1, cutoff=0.8)
        if close:
            return [Item("label", text, word=LABELS[close[0]])]
    return [Item("word", text)]


def _lex_slash(text: str) -> list[Item]:
    left, _, right = text.partition("/")
    period = PERIOD_WORDS.get(right.lower())
    left_num = parse_number(left.lower()) if left else None
    if period is not None:
        if not left:
            return [Item("slash", text, word=period)]
        if left_num is not None:
            return [Item("num", left, num=left_num), Item("slash", "/" + right, word=period)]
        if KEYWORDS.get(left.lower()) == "req":
            return [Item("req", left), Item("slash", "/" + right, word=period)]
    right_num = parse_number(right.lower())
    if left_num is not None and right_num is not None:
        return [Item("pair", text, num=left_num, num2=right_num)]
    if left.lower() == "in" and right.lower() == "out":
        return [Item("filler", text)]
    return [Item("word", text)]
