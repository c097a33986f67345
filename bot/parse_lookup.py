"""The lookup commands: `count MODEL <text>` (verbatim text) and `models [provider]`."""

from __future__ import annotations

from prices import Catalog
from prices.tokens import MAX_TEXT_CHARS

from . import commands as c
from .errors import ParseError
from .lexing import Word, canonical_name, lex, resolve_span, split_words

__all__ = ["COUNT_SKIP", "MODELS_WORDS", "parse_count", "parse_models"]

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
