"""Slash-command text -> a typed `Command`, or a `ParseError` with a helpful sentence.

Pure: the only input besides the text is the price catalog (to recognise model names).
The first word picks the command (`compare`, `count`, `price`, ...); anything else is read as
an estimate, and text that is no command but reads like a question becomes `Faq`.
Sentences (`how much would gpt-4o cost at 2k in 1k out?`) are read by
`bot.language.questions`; the README's "Using it" table lists the grammar.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from bot.language import commands as c
from bot.language.admin import parse_billing, parse_budget, parse_digest, parse_log
from bot.language.errors import ParseError
from bot.language.grammar import EXAMPLE, Usage, read_usage
from bot.language.lexing import Word, lex, split_words
from bot.language.lookup import MODELS_WORDS, parse_count, parse_models, unknown_words_error
from bot.language.questions import is_sentence, read_question
from faq.routing import looks_like_question as faq_looks_like_question
from prices import Catalog, default_catalog

__all__ = [
    "COUNT_WORDS",
    "MAX_COMMAND_CHARS",
    "MAX_COMPARE",
    "clean_text",
    "looks_like_question",
    "parse_command",
]

#: Longest text accepted, except pasted text for `count` (up to prices' MAX_TEXT_CHARS).
MAX_COMMAND_CHARS = 4000
#: Most models one `compare` prices.
MAX_COMPARE = 10

_PREFIX = re.compile(r"^\s*(?:/?tokencost\b|<@[A-Z0-9]+(?:\|[^>]*)?>)[\s:,]*", re.IGNORECASE)
_QUESTION_WORDS = frozenset(
    [
        "what",
        "whats",
        "why",
        "how",
        "hows",
        "when",
        "which",
        "should",
        "can",
        "could",
        "does",
        "do",
        "did",
        "is",
        "are",
        "isnt",
        "will",
        "would",
        "explain",
        "where",
        "who",
        "whos",
    ]
)
_HELP = frozenset({"help", "?", "h", "-h", "--help", "usage", "commands", "start", "hi", "hello"})
_COMPARE = frozenset({"compare", "cmp", "comparison", "diff"})
_CHEAPEST = frozenset({"cheapest", "cheap", "cheaper", "lowest", "cheapest-model"})
#: First words of a `count` command: everything after the model is pasted text, never kept.
COUNT_WORDS = frozenset({"count", "tokenize", "tokenise", "tokens", "tokenizer"})
_PRICE = frozenset({"price", "prices", "pricing", "card", "info", "rates", "rate"})
#: First words that name a command: such text is never read as a sentence first.
_COMMAND_HEADS = _COMPARE | _CHEAPEST | _PRICE | MODELS_WORDS


def looks_like_question(text: str) -> bool:
    """Whether text that is no command should go to the FAQ (the FAQ's own rule)."""
    return faq_looks_like_question(text)


#: Control characters and bidirectional overrides: never echoed back (a reply quotes words).
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def clean_text(text: str) -> str:
    """`text` without control characters and bidi overrides (tabs and newlines stay)."""
    return _UNSAFE.sub("", text)


_TEAM_PARSERS: dict[str, Callable[[Catalog, list[Word]], c.Command]] = {
    "log": parse_log,
    "budget": parse_budget,
    "digest": parse_digest,
    "billing": parse_billing,
}
"""The commands that act on the workspace's store, by their first word."""


def parse_command(text: str, catalog: Catalog | None = None) -> c.Command:
    """Parse what a user typed after `/tokencost`; raises `ParseError` for anything else."""
    catalog = catalog or default_catalog()
    raw = _PREFIX.sub("", text, count=1).lstrip()
    words = split_words(raw)
    if words and words[0].text.lower() in COUNT_WORDS:
        return parse_count(catalog, raw)  # the pasted text is kept verbatim
    text = clean_text(raw)
    if text is not raw and text != raw:
        words = split_words(text)  # only when something was stripped: the words are the same
    text = text.rstrip()
    if not words:
        return c.Help()
    head = words[0].text.lower()
    if len(text) > MAX_COMMAND_CHARS:
        raise ParseError(
            f"That's {len(text):,} characters; commands are at most {MAX_COMMAND_CHARS:,} "
            "(only `count MODEL <text>` takes long text)."
        )
    if head in _HELP or (head == "faq" and len(words) == 1):
        return c.Help(share=_shared(words))
    if head == "faq":
        return c.Faq(text[words[1].start :].strip())
    if head in _TEAM_PARSERS:
        return _TEAM_PARSERS[head](catalog, words[1:])
    question = looks_like_question(text)
    sentence = is_sentence(text, words)
    reader_first = (question or sentence) and head not in _COMMAND_HEADS
    if reader_first and (read := read_question(catalog, text)) is not None:
        return _with_share(read, words)
    try:
        return _parse_priced(catalog, head, words)
    except ParseError as exc:
        if not reader_first and (read := _sentence(catalog, text)) is not None:
            return _with_share(read, words)
        if question or sentence or _is_prose(catalog, words):
            return c.Faq(text)
        if isinstance(exc, _UnknownWords):
            error = unknown_words_error(catalog, exc.usage.unknown, words, EXAMPLE)
            if head in _PRICE | _COMPARE and "don't know the model" not in error.message:
                # After `price` or `compare` a word we can't place is meant as a model.
                error = _unknown_model(catalog, exc.usage.unknown[0])
            raise error from None
        raise


def _unknown_model(catalog: Catalog, name: str) -> ParseError:
    """`price nosuchmodel`: the model is unknown; the closest ids, or where to find the list."""
    suggestions = catalog.suggest(name)
    if suggestions:
        shown = " or ".join(f"`{s}`" for s in suggestions)
        return ParseError(f"I don't know the model `{name}`. Did you mean {shown}?", suggestions)
    return ParseError(f"I don't know the model `{name}`; `models` lists the ones I know.")


def _sentence(catalog: Catalog, text: str) -> c.Command | None:
    """A command the question reader finds in text the terse grammar refused (`gpt-4o vs
    gpt-4o-mini for a 2k-token prompt and 300-token reply`). Its own complaints count only
    for a sentence; a terse command keeps the grammar's error."""
    try:
        read = read_question(catalog, text)
    except ParseError:
        if is_sentence(text):
            raise
        return None
    return None if isinstance(read, c.Price) else read


def _with_share(command: c.Command, words: list[Word]) -> c.Command:
    """A sentence's command, shared when the sentence says `share`."""
    if _shared(words) and not command.share:
        return replace(command, share=True)
    return command


def _shared(words: list[Word]) -> bool:
    return any(w.text.lower() in ("share", "--share", "public") for w in words)


def _is_prose(catalog: Catalog, words: list[Word]) -> bool:
    """Three or more words with no model and no number: a statement-question for the FAQ."""
    if len(words) < 3:
        return False
    items = lex(catalog, words)
    return not any(it.kind in ("model", "num", "pair", "bound", "usd") for it in items)


def _parse_priced(catalog: Catalog, head: str, words: list[Word]) -> c.Command:
    """Estimate, compare, cheapest, price and models: the commands that read a usage."""
    rest = words[1:]
    if head in MODELS_WORDS or (len(words) == 2 and words[1].text.lower() == "models"):
        return parse_models(catalog, words)
    if head in _CHEAPEST:
        return _parse_cheapest(read_usage(lex(catalog, rest)))
    if head in _COMPARE:
        usage = read_usage(lex(catalog, rest))
        usage.versus = True
        return _from_usage(catalog, usage, words)
    if head in _PRICE:
        usage = read_usage(lex(catalog, rest))
        return _from_usage(catalog, usage, rest, price_only=usage.numbers == 0)
    return _from_usage(catalog, read_usage(lex(catalog, words)), words)


def _parse_cheapest(usage: Usage) -> c.Cheapest:
    if usage.unknown:
        raise ParseError(
            f"I didn't understand `{usage.unknown[0]}`; try `cheapest 1000 500 anthropic "
            "min context 200k`."
        )
    if usage.input_tokens is None:
        raise ParseError("How many tokens? Try `cheapest 1000 in 500 out`.")
    if len(set(usage.providers)) > 1:
        raise ParseError("Give at most one provider, like `cheapest 1000 500 anthropic`.")
    if (
        usage.models
        or usage.budget
        or usage.cached_input_tokens
        or usage.cache_write_tokens
        or usage.reasoning_tokens
    ):
        raise ParseError("`cheapest` takes token counts, a provider and a context size only.")
    return usage.cheapest()


class _UnknownWords(ParseError):
    """Words we could not place; the real message (with "did you mean", which costs a fuzzy
    search) is built only if the text turns out not to be a question."""

    def __init__(self, usage: Usage) -> None:
        super().__init__(f"I didn't understand `{usage.unknown[0]}`.")
        self.usage = usage


def _from_usage(
    catalog: Catalog,
    usage: Usage,
    words: list[Word],
    *,
    price_only: bool = False,
) -> c.Command:
    """Turn a read usage into an estimate, a compare or a price card."""
    if usage.unknown:
        raise _UnknownWords(usage)
    if usage.providers and not usage.models:
        raise ParseError(f"Which model of {usage.providers[0]}? Try `models {usage.providers[0]}`.")
    if not usage.models:
        raise ParseError(f"Which model? Start with its name, like `{EXAMPLE}`.")
    if usage.min_context is not None:
        raise ParseError(
            "A minimum context only goes with `cheapest`: `cheapest 1000 500 min context 200k`."
        )
    if usage.tag is not None:
        raise ParseError("Tags (`#team`) go with `log` and `budget`, not with estimates.")
    if price_only and usage.numbers == 0 and not usage.batch:
        return c.Price(usage.models[0], share=usage.share, others=tuple(usage.models[1:]))
    if len(usage.models) > 1 or usage.versus:
        return _compare(usage)
    model = usage.models[0]
    if (
        usage.input_tokens is None
        and usage.output_tokens is None
        and usage.reasoning_tokens is None
    ):
        nothing_else = not (
            usage.batch
            or usage.volume
            or usage.budget
            or usage.cached_input_tokens
            or usage.cache_write_tokens
        )
        if price_only or nothing_else:
            return c.Price(model, share=usage.share)
        volume = ""
        if usage.volume is not None:
            per = f"/{usage.volume.period}" if usage.volume.period else ""
            volume = f" x {usage.volume.requests}{per}"
        raise ParseError(f"How many tokens per request? Try `{model} 1000 in 500 out{volume}`.")
    if usage.volume is not None and usage.budget is not None:
        raise ParseError("Give a volume or a budget, not both.")
    return usage.estimate(
        output_assumed=usage.output_tokens is None and usage.reasoning_tokens is None
    )


def _compare(usage: Usage) -> c.Compare:
    if len(usage.models) < 2:
        raise ParseError("Compare at least two models, like `gpt-4o vs claude-sonnet-4 1k 1k`.")
    if len(usage.models) > MAX_COMPARE:
        raise ParseError(
            f"I compare at most {MAX_COMPARE} models at once; you gave {len(usage.models)}."
        )
    if usage.input_tokens is None and usage.output_tokens is None:
        names = " ".join(usage.models)
        volume = ""
        if usage.volume is not None:
            per = f"/{usage.volume.period}" if usage.volume.period else ""
            volume = f" x {usage.volume.requests}{per}"
        raise ParseError(
            f"How many tokens per request? Try `compare {names} 1000 500{volume}`, or "
            f"`price {names}` for the rates."
        )
    if usage.budget is not None:
        raise ParseError("A budget goes with one model: `gpt-4o 1000 500 budget $100/day`.")
    return usage.compare()
