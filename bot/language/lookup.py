"""The lookup commands: `count MODEL <text>` (verbatim text) and `models [provider]`, and
the "did you mean" error every command gives for a word that may be a misspelt model."""

from __future__ import annotations

import difflib
import re

from bot.language import commands as c
from bot.language.catalog_cache import per_catalog
from bot.language.errors import ParseError
from bot.language.lexing import Word, canonical_name, lex, resolve_span, split_words
from prices import Catalog
from prices.tokens import MAX_TEXT_CHARS

__all__ = [
    "COUNT_SKIP",
    "MODELS_WORDS",
    "couldnt_read",
    "looks_like_model",
    "parse_count",
    "parse_models",
    "unknown_words_error",
]


def _split(text: str) -> list[str]:
    """The words of `text` (keeps the word lists below readable)."""
    return text.split()


#: Words between `count` and the model name that carry no meaning.
COUNT_SKIP = frozenset({"tokens", "token", "for", "in", "with", "of", "the", "using", "on"})
#: First words that ask for the model list.
MODELS_WORDS = frozenset({"models", "list", "ls", "providers", "catalog"})


def parse_count(catalog: Catalog, text: str) -> c.Count:
    """`count MODEL <text>`: everything after the model name is the text, verbatim."""
    if len(text) > MAX_TEXT_CHARS:
        raise ParseError(f"That text is over {MAX_TEXT_CHARS:,} characters; count it in parts.")
    head_end = split_words(text[:200])[0].end
    words = split_words(text[head_end : head_end + 400])
    i = 0
    while i < len(words) and words[i].text.lower() in COUNT_SKIP:
        i += 1
    span = resolve_span(catalog, words, i) if i < len(words) else None
    if span is None:
        shown = f" `{words[i].text}`" if i < len(words) else ""
        suggestions = catalog.suggest(words[i].text) if i < len(words) else ()
        hint = (
            (" Did you mean " + " or ".join(f"`{s}`" for s in suggestions) + "?")
            if suggestions
            else ""
        )
        raise ParseError(
            f"Which model's tokenizer? I don't know{shown or ' that'}; "
            f"write `count gpt-4o <text>`.{hint}",
            suggestions,
        )
    model, j = span
    body = text[head_end + words[j - 1].end :]
    # The separator is the blanks after the name (a `:` glued to the name went with it).
    body = body.lstrip(" \t").removeprefix("\n") if body.strip() else ""
    if not body.strip():
        raise ParseError("Paste the text after the model name: `count gpt-4o Hello, world`.")
    return c.Count(canonical_name(catalog, model), body)


def parse_models(catalog: Catalog, words: list[Word]) -> c.Models:
    items = [it for it in lex(catalog, words) if it.kind not in ("filler",)]
    providers = [it.word for it in items if it.kind == "provider"]
    known = set(catalog.providers())
    for it in items:
        name = it.text.lower()
        if it.kind == "word" and name not in MODELS_WORDS and name not in known:
            raise ParseError(
                f"I don't know the provider `{it.text}`; try one of: {', '.join(sorted(known))}.",
                tuple(sorted(known)),
            )
        if it.kind == "word" and name in known:
            providers.append(name)
    if len(set(providers)) > 1:
        raise ParseError("List one provider at a time, like `models anthropic`.")
    share = any(it.kind == "flag" and it.word == "share" for it in items)
    return c.Models(providers[0] if providers else None, share=share)


@per_catalog(maxsize=1024)
def _suggest(catalog: Catalog, name: str) -> tuple[str, ...]:
    """`Catalog.suggest`, remembered (the same typo comes back often), current models first."""
    found = catalog.suggest(name)
    return tuple(sorted(found, key=lambda m: (_deprecated(catalog, m), found.index(m))))


def _deprecated(catalog: Catalog, model_id: str) -> bool:
    """Shut down already: suggested last (a model with a retirement date ahead is still in
    wide use, and the closest spelling wins among those)."""
    model = catalog.find(model_id)
    return model is not None and model.retired()


#: A word that may continue a model name spelt out in words (`sonet 4`, `4.5`, `70b`).
_NAME_PART = re.compile(r"\d{1,2}(?:\.\d)?|\d{1,3}b")


def unknown_words_error(
    catalog: Catalog, unknown: list[str], words: list[Word], example: str
) -> ParseError:
    """The error for words we could not place: a near-miss model, or plain confusion."""
    first = unknown[0]
    # The run of words around the first unknown one, as a model name (`claude sonet 4`).
    idx = next((i for i, w in enumerate(words) if w.text == first), None)
    if idx is None:  # part of a glued word (`×0<`): nothing to suggest from
        return ParseError(f"I didn't understand `{first}`; try `{example}` or `help`.")
    run = [first]
    if idx > 0 and words[idx - 1].text.lower() in catalog.registry.prefixes:  # `claude sonet 4`
        run.insert(0, words[idx - 1].text)
    for w in words[idx + 1 : idx + 4]:
        if w.text in unknown:
            run.append(w.text)
        elif _NAME_PART.fullmatch(w.text.lower()) and not any(ch.isdigit() for ch in "".join(run)):
            # One version number completes a name that has none yet (`claude sonet 4`); after
            # that, bare numbers are counts (`gtp-4o 1 2`, `claude sonet 4 1 2`).
            run.append(w.text)
        else:
            break
    if first.lower() not in _NOT_NUMBERS and (len(run) > 1 or looks_like_model(catalog, first)):
        for size in range(len(run), 0, -1):
            suggestions = _suggest(catalog, "-".join(run[:size]))
            if suggestions:
                shown = " or ".join(f"`{s}`" for s in suggestions)
                name = " ".join(run[:size])
                return ParseError(
                    f"I don't know the model `{name}`. Did you mean {shown}?", suggestions
                )
    return couldnt_read(first, example)


#: Words of the grammar a misread word may have meant, as they are typed.
_GRAMMAR_WORDS = _split(
    "input output prompt completion cached reasoning batch share vs per budget context "
    "requests calls compare cheapest count price models help log digest day hour month week "
    "second minute daily monthly"
)
#: Second words of two-word labels: `write` alone means `cache write`.
_CACHE_SECOND = frozenset({"write", "writes", "written", "creation", "read", "reads"})
#: Words that look like numbers to a program but are none a person means.
_NOT_NUMBERS = frozenset({"nan", "inf", "infinity", "-inf", "+inf", "null", "none", "undefined"})


def couldnt_read(word: str, example: str) -> ParseError:
    """`I couldn't read `write``, with the command word or label it is closest to."""
    lower = word.lower()
    if lower in _NOT_NUMBERS:
        return ParseError(
            f"I couldn't read `{word}`: counts are numbers like `1000`, `1,000`, `1.5k` or `2M`."
        )
    if re.fullmatch(r"\d{1,3}\.\d{3}", lower):
        thousands, one = lower.replace(".", ""), lower.split(".")[0]
        return ParseError(
            f"I couldn't read `{word}`: is it {thousands} or {one}? "
            f"Write `{thousands}` or `{lower.replace('.', ',')}`."
        )
    if lower in _CACHE_SECOND:
        close = [f"cache {lower}"]
    else:
        close = difflib.get_close_matches(lower, _GRAMMAR_WORDS, n=1, cutoff=0.75)
    if close:
        return ParseError(
            f"I couldn't read `{word}`; did you mean `{close[0]}`? For example `{example}`.",
            (close[0],),
        )
    return ParseError(f"I couldn't read `{word}`; try `{example}` or `help`.")


def looks_like_model(catalog: Catalog, word: str) -> bool:
    """Whether a word we could not place may be a misspelt model name: shaped like an id
    (`gtp-4o`, `claude-sonet-4`, `gpt5o`), or close to a word of the catalog's ids (`sonet`,
    `haiku`), but not `5x`, `write` or `NaN`."""
    lower = word.lower()
    has_letter = any(ch.isalpha() for ch in lower)
    has_digit = any(ch.isdigit() for ch in lower)
    if has_letter and has_digit:
        return "-" in lower or "." in lower or (len(lower) >= 4 and lower[0].isalpha())
    words = _id_words(catalog)
    parts = [p for p in lower.split("-") if p]
    # `claude-sonet`, `sonet`: a part is (close to) a word of the ids; `lowest-cost` is not.
    return any(
        p in catalog.registry.prefixes or difflib.get_close_matches(p, words, n=1, cutoff=0.8)
        for p in parts
    ) and (len(parts) > 1 or lower not in _GRAMMAR_WORDS)


@per_catalog(maxsize=1)
def _id_words(catalog: Catalog) -> list[str]:
    """The alphabetic words of the catalog's ids (`claude`, `sonnet`, `flash`, `mini`)."""
    return sorted(
        {p for m in catalog.models for p in m.id.split("-") if p.isalpha() and len(p) > 3}
    )
