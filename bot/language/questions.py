"""Questions in sentences: a model (or `cheapest`, or two models) with counts, read as the
estimate, comparison, cheapest or budget inversion they describe (issue 12).

    how many gpt-4o requests can I make with $100 a day at 1000 in 500 out?
    is gpt-4o or claude-sonnet-4 cheaper for 1k in 1k out
    we run 3k tickets a day, ~1500 tokens in and 400 out each, on claude-haiku-4-5. monthly?

The reader keeps the words the grammar knows (`bot.language.grammar`), drops the rest of the
sentence, and takes the intent from the models named and a few words (`cheapest`, `vs`, a
dollar amount). `read_question` returns None for text that is no priced request (a general
question for the FAQ), a command, or raises `ParseError` saying what it understood and what
is missing, with the command to type.
"""

from __future__ import annotations

from bot.language import commands as c
from bot.language.catalog_cache import per_catalog
from bot.language.errors import ParseError
from bot.language.grammar import Usage, read_usage
from bot.language.lexing import Item, Word, lex, split_words
from bot.language.lookup import looks_like_model, unknown_words_error
from bot.language.sentences import counted, normalise, plain_items, plain_words, read_budget
from bot.language.understood import describe, missing_error, suggest_command
from prices import Catalog

__all__ = ["QUESTION_WORDS", "SENTENCE_WORDS", "is_sentence", "read_question"]


def _split(text: str) -> list[str]:
    """The words of `text` (keeps the word lists below readable)."""
    return text.split()


#: First words that make a text a question (the FAQ router's list, plus a few).
QUESTION_WORDS = frozenset(
    _split(
        "what whats why how hows when which should can could does do did is are isnt will would "
        "explain where who whos if estimate tell give show"
    )
)
#: Words of ordinary sentences: a text that isn't a question is read as a sentence only
#: when it holds one of these (so `gpt-4o 1000 500 blah` stays an error about `blah`).
SENTENCE_WORDS = QUESTION_WORDS | frozenset(
    _split(
        "we our us i im i'm my you your they their it its that this these those them there "
        "have has need want wants run running process processing send sending get getting "
        "spend spending afford buy buys fit fits cheaper cheapest expensive pricier less more "
        "than or bill monthly daily weekly hourly total roughly about around expect expected "
        "ballpark summarise summarize summarising summarizing classify translate answer "
        "let lets make making hit hitting do doing"
    )
)
#: First words that open a sentence about a price (`cost of 400 output tokens on gpt-5.1`),
#: though no command starts with them.
_SENTENCE_OPENERS = frozenset({"cost", "costs"})
#: First words of questions that ask about prices, never for one (`why did o1 charge me
#: for 5000 output tokens`): the FAQ answers them.
_NEVER_PRICED = frozenset({"why", "explain", "whys"})
#: Words that ask for the cheapest model when no model is named.
_CHEAPEST = frozenset(
    _split("cheapest cheaper cheap lowest lowest-cost least cheapest-model low-cost")
)
#: Words that make the one-model price card the answer (`what are gpt-4o's rates`).
_PRICE_WORDS = frozenset(
    _split(
        "what whats how much does do would will is are was the a an its price prices pricing "
        "cost costs of for on it per current currently now today rate rates charge charges "
        "tell me show give us i we you pay to use using run running be can could please "
        "token tokens with at list"
    )
)


def is_sentence(text: str, split: list[Word] | None = None) -> bool:
    """Whether `text` reads as a sentence (a question word first, a `?`, or words like `we`,
    `cheaper`, `afford`), not as a terse command with a stray word. `split`: the words of
    `text` (`split_words`), when the caller has them already."""
    found = split_words(text) if split is None else split
    words = [w.text.lower().replace("'", "").replace("\u2019", "") for w in found]
    return bool(words) and (
        words[0] in QUESTION_WORDS
        or words[0] in _SENTENCE_OPENERS
        or "?" in text
        or any(w in SENTENCE_WORDS for w in words[1:])
    )


def read_question(catalog: Catalog, text: str) -> c.Command | None:
    """The priced request a sentence describes, or None when it describes none.

    Raises `ParseError` when the sentence asks for a price but leaves something out (no
    output count, no tokens at all) or names a model we don't know.
    """
    plain, per_million = normalise(text)
    words = plain_words(split_words(plain))
    if not words or words[0].text.lower() in _NEVER_PRICED:
        return None
    try:
        items = lex(catalog, words)
    except ParseError:
        return None  # an unreadable number: the terse grammar says so
    items = _prose_labels(items)
    dropped = [it for it in items if it.kind == "word"]
    lowered = {it.text.lower().strip("'\u2019") for it in items}
    first = words[0].text.lower().replace("'", "")
    question = (
        first in QUESTION_WORDS or first in _SENTENCE_OPENERS or _typo_of(first, QUESTION_WORDS)
    ) or "?" in text
    sentence = question or any(
        w.text.lower() in SENTENCE_WORDS or _typo_of(w.text.lower(), SENTENCE_WORDS)
        for w in words[1:]
    )
    if dropped and not sentence:
        return None
    models = list(dict.fromkeys(it.word for it in items if it.kind == "model"))
    numbers = any(it.kind in ("num", "pair", "bound", "usd") for it in items)
    _check_model_like(catalog, items, models, numbers or per_million, words)
    if not models:
        if counted(items) and lowered & _CHEAPEST:
            return _cheapest(items, sentence)
        if sentence and counted(items) and _volume_or_budget(items):
            _no_model(items)
        return None  # `does getting to tier 5 make tokens cheaper`: no counts to price
    if not numbers:
        if per_million:  # `is gpt-4o cheaper than claude-sonnet-4 per million tokens?`
            return c.Price(models[0], others=tuple(models[1:]))
        if len(models) == 1 and all(it.text.lower() in _PRICE_WORDS for it in dropped):
            return c.Price(models[0])
        return None
    kept = [it for it in items if it.kind not in ("word", "model", "provider", "vs", "budget")]
    budget, kept = read_budget(kept)
    usage = read_usage(plain_items(kept))
    usage.models = models
    usage.budget = budget
    if usage.min_context is not None:
        raise ParseError(
            "A minimum context only goes with `cheapest`: `cheapest 1000 500 min context 200k`."
        )
    if len(models) > 1:
        return _compare(usage, sentence)
    return _estimate(catalog, usage, sentence, per_million)


def _check_model_like(
    catalog: Catalog, items: list[Item], models: list[str], priced: bool, words: list[Word]
) -> None:
    """A misspelt model in a priced sentence gets a did-you-mean, never a silent drop:
    a word shaped like a model id (`gtp-4o`), or a provider word followed by an unknown
    word (`claude haiku`, `gemini flash`)."""
    suspects: list[str] = []
    for k, item in enumerate(items):
        if item.kind != "word":
            continue
        after_provider = (
            k > 0 and items[k - 1].kind == "provider" and _family_word(catalog, item.text)
        )
        if looks_like_model(catalog, item.text) or (after_provider and not models):
            if after_provider:
                suspects.append(items[k - 1].text)
            suspects.append(item.text)
            break
    if not suspects:
        return
    others = [it for it in items if it.kind == "word" and it.text not in suspects]
    if not priced and (models or any(it.text.lower() not in _PRICE_WORDS for it in others)):
        return  # `what r we paying for when we hit the openai api`: a question, no model
    name = " ".join(suspects)
    sentence_words = [Word(w, 0, 0) for w in name.split()] + words
    raise unknown_words_error(catalog, [suspects[-1]], sentence_words, suggest_command(models))


def _typo_of(word: str, vocabulary: frozenset[str]) -> bool:
    """Whether `word` is a vocabulary word typed with two neighbouring letters swapped
    (`hwo`, `wuold`, `waht`): the commonest typo of fast typists in chat."""
    if len(word) < 3 or not word.isalpha():
        return False
    return any(
        word[:k] + word[k + 1] + word[k] + word[k + 2 :] in vocabulary
        for k in range(len(word) - 1)
        if word[k] != word[k + 1]
    )


#: Labels that, in prose, may be plain words (`our system prompt is cached`).
_PROSE_LABELS = frozenset({"prompt", "input", "output", "cached", "completion"})


def _prose_labels(items: list[Item]) -> list[Item]:
    """A label with no count on either side is a word of the sentence, not a count's label:
    `our system prompt is cached: ... 20k prompt tokens with 18k cached`."""
    out = list(items)
    for k, item in enumerate(items):
        if item.kind != "label" or item.text.lower() not in _PROSE_LABELS:
            continue
        near = [items[j] for j in (k - 1, k + 1) if 0 <= j < len(items)]
        skip_one = k + 2 < len(items) and items[k + 1].kind in ("filler", "word")
        if skip_one:  # `prompt tokens 1500`
            near.append(items[k + 2])
        if not any(it.kind in ("num", "pair", "bound") for it in near) or _labelled_after(items, k):
            out[k] = Item("word", item.text)
    return out


def _no_model(items: list[Item]) -> None:
    """`how much for 2k in 500 out at 1000 requests a day?`: a priced request (counts and a
    volume or a budget) without its model; say so rather than answer with the FAQ's worked
    example. Returns when the sentence is no priced request after all."""
    kept = [it for it in items if it.kind not in ("word", "vs", "budget")]
    try:
        budget, kept = read_budget(kept)
        usage = read_usage(plain_items(kept))
    except ParseError:
        return
    if usage.volume is None and budget is None:
        return  # `is a 3k-token prompt billed on each call`: a question about billing
    usage.budget = budget
    raise missing_error(usage, "estimate")


def _labelled_after(items: list[Item], k: int) -> bool:
    """Whether the label at `k` stands after a word and before a count that a label of the
    same kind names again after it: `system prompt: 6k tokens in` is `6k in`."""
    if k == 0 or items[k - 1].kind in ("num", "pair", "bound"):
        return False
    j = k + 1
    if j >= len(items) or items[j].kind != "num":
        return False
    j += 1
    while j < len(items) and items[j].kind == "filler":
        j += 1
    return j < len(items) and items[j].kind == "label" and items[j].word == items[k].word


def _volume_or_budget(items: list[Item]) -> bool:
    """A request rate (`1000 requests a day`) or a dollar amount: the sentence prices usage."""
    return any(it.kind in ("usd", "req", "period", "times") for it in items)


@per_catalog(maxsize=1)
def _family_words(catalog: Catalog) -> frozenset[str]:
    """Words of model ids that name a family or size (`haiku`, `sonnet`, `flash`, `mini`)."""
    return frozenset(
        part
        for model in catalog.models
        for part in model.id.split("-")
        if part.isalpha() and len(part) > 2
    )


def _family_word(catalog: Catalog, word: str) -> bool:
    """Whether `word` is part of some model's id: `claude haiku` may be a model, `openai
    api` is not."""
    return word.lower() in _family_words(catalog)


def _cheapest(items: list[Item], sentence: bool) -> c.Cheapest:
    kept = [it for it in items if it.kind not in ("word", "vs", "budget")]
    usage = read_usage(plain_items(kept))
    if len(set(usage.providers)) > 1:
        raise ParseError("Give at most one provider, like `cheapest 1000 500 anthropic`.")
    if usage.input_tokens is None or (sentence and usage.output_tokens is None):
        raise missing_error(usage, "cheapest")
    return usage.cheapest()


def _compare(usage: Usage, sentence: bool) -> c.Compare:
    if usage.input_tokens is None or (
        sentence and usage.output_tokens is None and usage.reasoning_tokens is None
    ):
        raise missing_error(usage, "compare")
    if usage.budget is not None:
        raise ParseError(
            f"A budget goes with one model: `{usage.models[0]} 1000 500 budget $100/day`."
        )
    return usage.compare()


def _estimate(catalog: Catalog, usage: Usage, sentence: bool, per_million: bool) -> c.Command:
    model = usage.models[0]
    no_counts = usage.input_tokens is None and usage.output_tokens is None
    if no_counts and usage.reasoning_tokens is None:
        if usage.volume is None and usage.budget is None and per_million:
            return c.Price(model)
        raise missing_error(usage, "estimate")
    embedding = catalog.get(model).kind == "embedding"
    no_output = usage.output_tokens is None and usage.reasoning_tokens is None
    if sentence and no_output and not embedding:
        raise missing_error(usage, "estimate")
    if sentence and usage.input_tokens is None and not embedding:
        raise missing_error(usage, "estimate")  # `at 500 output tokens per call`: input?
    if usage.volume is not None and usage.budget is not None:
        raise ParseError(
            f"I read both a volume and a budget ({describe(usage)}); give one of them."
        )
    return usage.estimate(output_assumed=no_output and not embedding)
