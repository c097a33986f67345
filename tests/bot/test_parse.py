"""The /tokencost language, phrasing by phrasing: how people really type it."""

from __future__ import annotations

from decimal import Decimal

import pytest

import prices
from bot.language import commands as c
from bot.language.errors import ParseError
from bot.language.parse import MAX_COMMAND_CHARS, parse_command


def E(model: str, i: int, o: int, **kw: object) -> c.Estimate:
    """An estimate command, for the table."""
    return c.Estimate(model, i, o, **kw)  # type: ignore[arg-type]


def V(n: int | Decimal, period: str | None) -> c.Volume:
    return c.Volume(n, period)


PHRASINGS: list[tuple[str, c.Command]] = [
    # terse estimates
    ("gpt-4o 1000 500", E("gpt-4o", 1000, 500)),
    ("gpt-4o 1k 500", E("gpt-4o", 1000, 500)),
    ("gpt-4o 1,000 500", E("gpt-4o", 1000, 500)),
    ("gpt-4o 1.5k 0.5k", E("gpt-4o", 1500, 500)),
    ("gpt-4o 2M 100k", E("gpt-4o", 2_000_000, 100_000)),
    ("gpt-4o 0.5m 1K", E("gpt-4o", 500_000, 1000)),
    ("gpt-4o 1000/500", E("gpt-4o", 1000, 500)),
    ("GPT-4o 1000 500", E("gpt-4o", 1000, 500)),
    ("gpt4o 1000 500", E("gpt-4o", 1000, 500)),
    ("Gpt4O 1000 500", E("gpt-4o", 1000, 500)),
    ("gpt-4o-2024-08-06 1000 500", E("gpt-4o", 1000, 500)),
    ("openai/gpt-4o 1000 500", E("gpt-4o", 1000, 500)),
    ("  gpt-4o    1000     500  ", E("gpt-4o", 1000, 500)),
    ("/tokencost gpt-4o 1000 500", E("gpt-4o", 1000, 500)),
    ("gpt-4o 1000", E("gpt-4o", 1000, 0, output_assumed=True)),
    # labels, before or after, glued, misspelt
    ("gpt-4o 1000 in 500 out", E("gpt-4o", 1000, 500)),
    ("gpt-4o in 1000 out 500", E("gpt-4o", 1000, 500)),
    ("gpt-4o 500 out 1000 in", E("gpt-4o", 1000, 500)),
    ("gpt-4o input 1000 output 500", E("gpt-4o", 1000, 500)),
    ("gpt-4o 1000 input tokens 500 output tokens", E("gpt-4o", 1000, 500)),
    ("gpt-4o prompt 1200 completion 300", E("gpt-4o", 1200, 300)),
    ("gpt-4o in=1k out=500", E("gpt-4o", 1000, 500)),
    ("gpt-4o input=1000, output=500", E("gpt-4o", 1000, 500)),
    ("gpt-4o in: 1000 out: 500", E("gpt-4o", 1000, 500)),
    ("gpt-4o 1000in 500out", E("gpt-4o", 1000, 500)),
    ("gpt-4o 1000 imput 500 ouput", E("gpt-4o", 1000, 500)),
    ("gpt-4o 500 out", E("gpt-4o", 0, 500)),
    ("1.2M input 300k output on gpt-4o", E("gpt-4o", 1_200_000, 300_000)),
    ("1000 500 gpt-4o", E("gpt-4o", 1000, 500)),
    ("gpt-4o 1.2 million in 3 thousand out", E("gpt-4o", 1_200_000, 3000)),
    # cached and batch
    ("gpt-4.1 5000 in 1000 out cached 4000", E("gpt-4.1", 5000, 1000, cached_input_tokens=4000)),
    ("gpt-4.1 5000 in 1000 out 4000 cached", E("gpt-4.1", 5000, 1000, cached_input_tokens=4000)),
    ("gpt-4.1 in=5k out=1k cached=4k", E("gpt-4.1", 5000, 1000, cached_input_tokens=4000)),
    ("gpt-4.1 5000 1000 cached 4000", E("gpt-4.1", 5000, 1000, cached_input_tokens=4000)),
    ("gpt-4.1 4000 cached 5000 in 1000 out", E("gpt-4.1", 5000, 1000, cached_input_tokens=4000)),
    ("gpt-4o 1000 500 batch", E("gpt-4o", 1000, 500, batch=True)),
    ("batch gpt-4o 1000 500", E("gpt-4o", 1000, 500, batch=True)),
    ("gpt-4o 1000 500 BATCH share", E("gpt-4o", 1000, 500, batch=True, share=True)),
    # volumes
    ("gpt-4o 1000/500 x 10000 per day", E("gpt-4o", 1000, 500, volume=V(10_000, "day"))),
    ("gpt-4o 1000 500 x 10k/day", E("gpt-4o", 1000, 500, volume=V(10_000, "day"))),
    ("gpt-4o 1000 500 10k/day", E("gpt-4o", 1000, 500, volume=V(10_000, "day"))),
    ("gpt-4o 1000 500 x10k/day", E("gpt-4o", 1000, 500, volume=V(10_000, "day"))),
    (
        "gpt-4o 1000 500 50k requests/month",
        E("gpt-4o", 1000, 500, volume=V(50_000, "month")),
    ),
    (
        "gpt-4o 1000 500 50k requests per month",
        E("gpt-4o", 1000, 500, volume=V(50_000, "month")),
    ),
    ("gpt-4o 1000 500 300/hour", E("gpt-4o", 1000, 500, volume=V(300, "hour"))),
    ("gpt-4o 1000 500 300/hr", E("gpt-4o", 1000, 500, volume=V(300, "hour"))),
    ("gpt-4o 1000 500 5/s", E("gpt-4o", 1000, 500, volume=V(5, "second"))),
    ("gpt-4o 1000 500 5 rps", E("gpt-4o", 1000, 500, volume=V(5, "second"))),
    ("gpt-4o 1000 500 x 20 per min", E("gpt-4o", 1000, 500, volume=V(20, "minute"))),
    ("gpt-4o 1000 500 x 2k a day", E("gpt-4o", 1000, 500, volume=V(2000, "day"))),
    ("gpt-4o 1000 500 2k calls daily", E("gpt-4o", 1000, 500, volume=V(2000, "day"))),
    ("gpt-4o 1000 500 x 100", E("gpt-4o", 1000, 500, volume=V(100, None))),
    ("gpt-4o 1000 500 for 250 requests", E("gpt-4o", 1000, 500, volume=V(250, None))),
    ("10k/day gpt-4o 1000 500", E("gpt-4o", 1000, 500, volume=V(10_000, "day"))),
    # a period phrase before the number names that number when a pair of counts precedes it
    ("gpt-4o 1000 500 per day 10k", E("gpt-4o", 1000, 500, volume=V(10_000, "day"))),
    ("gpt-4o 1000 500 daily 10k", E("gpt-4o", 1000, 500, volume=V(10_000, "day"))),
    ("gpt-4o 1000 500 10k daily", E("gpt-4o", 1000, 500, volume=V(10_000, "day"))),
    ("gpt-4o 1000 500 10k per day", E("gpt-4o", 1000, 500, volume=V(10_000, "day"))),
    ("gpt-4o 1000 500 10k a day", E("gpt-4o", 1000, 500, volume=V(10_000, "day"))),
    ("gpt-4o 1000/500 per day 10k", E("gpt-4o", 1000, 500, volume=V(10_000, "day"))),
    ("gpt-4o 1000 in 500 out daily 10k requests", E("gpt-4o", 1000, 500, volume=V(10_000, "day"))),
    ("gpt-4o 1000 500 per hour 300", E("gpt-4o", 1000, 500, volume=V(300, "hour"))),
    # fractional rates per second, minute or hour
    ("gpt-4o 1000 500 x 2.5/s", E("gpt-4o", 1000, 500, volume=V(Decimal("2.5"), "second"))),
    ("gpt-4o 1000 500 0.5 rpm", E("gpt-4o", 1000, 500, volume=V(Decimal("0.5"), "minute"))),
    ("gpt-4o 1000 500 1.5k/hour", E("gpt-4o", 1000, 500, volume=V(1500, "hour"))),
    # budget inversion
    (
        "gpt-4o 1000 500 budget 100/day",
        E("gpt-4o", 1000, 500, budget=c.Money(Decimal(100), "day")),
    ),
    (
        "gpt-4o 1000 500 budget $100/day",
        E("gpt-4o", 1000, 500, budget=c.Money(Decimal(100), "day")),
    ),
    (
        "gpt-4o 1000 500 budget 2.5k usd per month",
        E("gpt-4o", 1000, 500, budget=c.Money(Decimal(2500), "month")),
    ),
    (
        "gpt-4o 1000 500 within $50 a week",
        E("gpt-4o", 1000, 500, budget=c.Money(Decimal(50), "week")),
    ),
    # model names with spaces and other providers
    ("claude sonnet 4 1000 500", E("claude-sonnet-4", 1000, 500)),
    ("Claude Sonnet 4.5 2k 1k", E("claude-sonnet-4-5", 2000, 1000)),
    ("claude-sonnet-4-20250514 1000 500", E("claude-sonnet-4", 1000, 500)),
    ("anthropic/claude-sonnet-4 1000 500", E("claude-sonnet-4", 1000, 500)),
    ("gemini 2.5 pro 10k 1k", E("gemini-2.5-pro", 10_000, 1000)),
    ("llama 3.3 70b 1000 500", E("llama-3.3-70b", 1000, 500)),
    ("deepseek-chat 1000 500", E("deepseek-chat", 1000, 500)),
    ("gpt-4o mini 1000 500", E("gpt-4o-mini", 1000, 500)),
    # a name spelt out in words takes the longest match; a bare number after a one-word id
    # stays a count
    ("claude sonnet 4 5 1000", E("claude-sonnet-4-5", 1000, 0, output_assumed=True)),
    ("claude sonnet 4 5 1000 500", E("claude-sonnet-4-5", 1000, 500)),
    ("claude-sonnet-4 5 in 0 out", E("claude-sonnet-4", 5, 0)),
    ("claude-sonnet-4 5 1000", E("claude-sonnet-4", 5, 1000)),
    ("o3 mini 1000 500", E("o3-mini", 1000, 500)),
    # extra words
    ("how much is gpt-4o for 1000 in and 500 out?", E("gpt-4o", 1000, 500)),
    ("estimate gpt-4o with 1k input and 200 output please", E("gpt-4o", 1000, 200)),
    ("cost of gpt-4o 1000 500", E("gpt-4o", 1000, 500)),
    # compare and cheapest
    (
        "compare gpt-4o gpt-4o-mini claude-3-5-haiku 2000 400",
        c.Compare(("gpt-4o", "gpt-4o-mini", "claude-3-5-haiku"), 2000, 400),
    ),
    ("gpt-4o vs claude-sonnet-4 1k 1k", c.Compare(("gpt-4o", "claude-sonnet-4"), 1000, 1000)),
    ("gpt-4o vs. claude sonnet 4 1k 1k", c.Compare(("gpt-4o", "claude-sonnet-4"), 1000, 1000)),
    ("gpt-4o versus gpt-4.1 in=2k out=1k", c.Compare(("gpt-4o", "gpt-4.1"), 2000, 1000)),
    ("compare gpt-4o, gpt-4.1 and o3 1000/500", c.Compare(("gpt-4o", "gpt-4.1", "o3"), 1000, 500)),
    ("cheapest 1000 500", c.Cheapest(1000, 500)),
    ("cheapest anthropic 1k 1k", c.Cheapest(1000, 1000, provider="anthropic")),
    ("cheapest 1000 500 min context 200k", c.Cheapest(1000, 500, min_context=200_000)),
    ("Cheapest 2k 1k google context 1M", c.Cheapest(2000, 1000, "google", 1_000_000)),
    # count, price, models, help
    ("count gpt-4o Hello, world!", c.Count("gpt-4o", "Hello, world!")),
    ("count claude sonnet 4 some text here", c.Count("claude-sonnet-4", "some text here")),
    ("count tokens for gpt-4o: a  b\n c", c.Count("gpt-4o", "a  b\n c")),
    ("price gpt-4o", c.Price("gpt-4o")),
    ("prices claude sonnet 4", c.Price("claude-sonnet-4")),
    ("pricing for gemini 2.5 pro", c.Price("gemini-2.5-pro")),
    ("gpt-4o", c.Price("gpt-4o")),
    ("models", c.Models()),
    ("models anthropic", c.Models("anthropic")),
    ("list models openai", c.Models("openai")),
    ("anthropic models", c.Models("anthropic")),
    ("help", c.Help()),
    ("", c.Help()),
    ("/tokencost", c.Help()),
    ("HELP", c.Help()),
    # questions
    ("why is output more expensive?", c.Faq("why is output more expensive?")),
    ("what is a token", c.Faq("what is a token")),
    ("faq prompt caching", c.Faq("prompt caching")),
    ("How does batch pricing work?", c.Faq("How does batch pricing work?")),
    ("is gpt-4o cheaper than claude?", c.Faq("is gpt-4o cheaper than claude?")),
    ("any tips to save money on gpt-4o?", c.Faq("any tips to save money on gpt-4o?")),
    # a question about one model's price: the card, or the estimate its counts describe
    ("what's the price of gpt-4o?", c.Price("gpt-4o")),
    ("how much does gpt-4o cost", c.Price("gpt-4o")),
    ("What’s the pricing for claude sonnet 4.5?", c.Price("claude-sonnet-4-5")),
    ("what's the cost of gpt-4o for 1000 in 500 out?", E("gpt-4o", 1000, 500)),
    (
        "what would gpt-4o cost us at 1000 500 x 10k per day?",
        E("gpt-4o", 1000, 500, volume=V(10_000, "day")),
    ),
    # team commands (evaluated by a later issue)
    (
        "log gpt-4o 120k 30k #search-team",
        c.Log("gpt-4o", 120_000, 30_000, tag="search-team"),
    ),
    ("budget 500/month", c.Budget(c.Money(Decimal(500), "month"))),
    (
        "budget $200/month #search-team",
        c.Budget(c.Money(Decimal(200), "month"), tag="search-team"),
    ),
    ("budget", c.Budget()),
    ("budget 5000/month billed", c.Budget(c.Money(Decimal(5000), "month"), billed=True)),
    ("budget billed $5,000 per month", c.Budget(c.Money(Decimal(5000), "month"), billed=True)),
    ("billing", c.Billing()),
    ("billing share", c.Billing(share=True)),
    (
        "digest on #llm-costs at 09:00 Europe/Berlin",
        c.Digest("on", "llm-costs", "09:00", "Europe/Berlin"),
    ),
    ("digest on <#C0123ABC|llm-costs> at 9am UTC", c.Digest("on", "C0123ABC", "09:00", "UTC")),
    ("digest on C0123ABC", c.Digest("on", "C0123ABC")),
    ("digest on G0123456789", c.Digest("on", "G0123456789")),
    ("digest on #general at 9", c.Digest("on", "general", "09:00")),
    ("digest on #general at 9am", c.Digest("on", "general", "09:00")),
    ("digest on #general at 9 pm", c.Digest("on", "general", "21:00")),
    ("digest on #general at 9:30", c.Digest("on", "general", "09:30")),
    ("digest on C0123ABC at 21:00", c.Digest("on", "C0123ABC", "21:00")),
    ("digest off", c.Digest("off")),
    ("digest preview", c.Digest("preview")),
]


@pytest.mark.parametrize(
    ("text", "expected"), PHRASINGS, ids=[t or "<empty>" for t, _ in PHRASINGS]
)
def test_phrasing(text: str, expected: c.Command, catalog: prices.Catalog) -> None:
    assert parse_command(text, catalog) == expected


def test_the_table_is_big_enough() -> None:
    assert len(PHRASINGS) >= 60


MISTAKES: list[tuple[str, str]] = [
    ("gtp-4o 1000 500", "Did you mean `gpt-4o`"),
    ("gpt-4o -5 100", "can't be negative"),
    ("gpt-4o 1000 500 x 1e12/day", "can't read the number `1e12/day`"),
    # claude-sonnet-4 was retired on 2026-06-15: the serving Sonnets come first.
    ("claude sonet 4 1000 500", "Did you mean `claude-sonnet-4-6`"),
    ("1000 500", "Which model?"),
    ("gpt-4o 1000 500 250", "label the numbers"),
    ("gpt-4o 1.5 500", "whole number"),
    ("gpt-4o 1.000 500", "I couldn't read `1.000`: is it 1000 or 1?"),
    ("gpt-4o NaN 500", "I couldn't read `NaN`: counts are numbers"),
    ("log gpt-4o 1000 500 reasoning 200", "log reasoning tokens as output"),
    ("gpt-4o 1000 500 write 500", "I couldn't read `write`; did you mean `cache write`?"),
    ("gpt-4o 1000 500 bacth", "did you mean `batch`?"),
    ("gpt-4o 1000 500 blah", "I couldn't read `blah`; try"),
    ("x 0.001/s", "Which model?"),
    ("gpt-4o 2000000000000 1", "cap"),
    ("gpt-4o 1000 500 x 0/day", "above 0"),
    ("gpt-4o 1000 500 x 100k/s", "over the cap"),
    ("gpt-4o 1000 500 x 10k/day 5/s", "one volume"),
    ("gpt-4o 1000 500 $100", "budget"),
    ("gpt-4o 1000 500 budget $100", "Per what"),
    ("gpt-4o 1000 500 budget $100/day x 10/day", "not both"),
    ("gpt-4o 1000 in 2000 in", "twice"),
    ("gpt-4o batch", "How many tokens"),
    ("compare gpt-4o", "at least two"),
    ("compare gpt-4o gpt-4.1", "How many tokens"),
    ("cheapest", "How many tokens"),
    ("count gpt-4o", "Paste the text"),
    ("count gtp-4o hello", "Which model"),
    ("models fooprovider", "provider"),
    ("gpt-4o 1000 500 min context 200k", "only goes with `cheapest`"),
    ("log 1000 500", "one model"),
    ("digest on at 25:00", "didn't understand"),
    ("digest on #general 9", "didn't understand `9`"),  # a bare hour only after `at`
    ("digest on CHANNELS", "didn't understand"),  # no digit: a word, not a channel id
    ("gpt-4o 1000 500 x 2.5/day", "whole number of requests"),
    ("gpt-4o 1000 500 x 2.5", "whole number of requests"),
    ("gpt-4o x 1000", "Try `gpt-4o 1000 in 500 out x 1000`"),
    ("log gtp-4o 1k 1k", "I don't know the model `gtp-4o`. Did you mean `gpt-4o`"),
    ("gtp-4o 1 2", "I don't know the model `gtp-4o`. Did you mean `gpt-4o`"),
    ("claude sonet 4 1 2", "I don't know the model `claude sonet 4`. Did you mean"),
    ("digest on Mars/Olympus", "time zone"),
    ("budget 5000/month #search billed", "Billed spend has no tags"),
    ("budget 100/day billed", "a billed budget is monthly"),
    ("billing openai now", "`billing` takes no more words"),
]


@pytest.mark.parametrize(("text", "fragment"), MISTAKES, ids=[t for t, _ in MISTAKES])
def test_mistakes_get_one_helpful_sentence(
    text: str, fragment: str, catalog: prices.Catalog
) -> None:
    with pytest.raises(ParseError) as caught:
        parse_command(text, catalog)
    assert fragment in caught.value.message
    assert "Traceback" not in caught.value.message


def test_compare_caps_models(catalog: prices.Catalog) -> None:
    names = "gpt-4o gpt-4o-mini gpt-4.1 gpt-4.1-mini gpt-4.1-nano o3 o3-mini o4-mini o1 gpt-5"
    names += " gpt-5-mini"
    with pytest.raises(ParseError, match="at most 10"):
        parse_command(f"compare {names} 1000 500", catalog)


def test_text_length_is_capped_except_for_count(catalog: prices.Catalog) -> None:
    with pytest.raises(ParseError, match="at most"):
        parse_command("gpt-4o 1000 500 " + "x" * MAX_COMMAND_CHARS, catalog)
    long_text = "word " * 2000
    assert parse_command("count gpt-4o " + long_text, catalog) == c.Count("gpt-4o", long_text)


def test_unknown_model_suggestions_travel_with_the_error(catalog: prices.Catalog) -> None:
    with pytest.raises(ParseError) as caught:
        parse_command("gtp-4o 1000 500", catalog)
    assert "gpt-4o" in caught.value.suggestions


def test_a_mention_prefix_is_ignored(catalog: prices.Catalog) -> None:
    assert parse_command("<@U012AB3CD> gpt-4o 1k 1k", catalog) == E("gpt-4o", 1000, 1000)


@pytest.mark.parametrize("text", ["log gtp-4o 1k 1k", "gtp-4o 1 2"])
def test_misspelt_model_suggestions_come_from_the_name_alone(
    text: str, catalog: prices.Catalog
) -> None:
    with pytest.raises(ParseError) as caught:
        parse_command(text, catalog)
    assert set(caught.value.suggestions) == set(catalog.suggest("gtp-4o"))
    assert caught.value.suggestions[0] == "gpt-4o"
    retired = [catalog.get(name).retired() for name in caught.value.suggestions]
    assert retired == sorted(retired)  # models still served are suggested first


def test_the_sentences_of_issue_12_get_their_own_numbers(catalog: prices.Catalog) -> None:
    spend = "what will we spend per month on gpt-4o with 2k in 1k out at 50k requests per day?"
    assert parse_command(spend, catalog) == E("gpt-4o", 2000, 1000, volume=V(50_000, "day"))
    budget = "how many gpt-4o requests can I make with $100 a day at 1000 in 500 out"
    assert parse_command(budget, catalog) == E(
        "gpt-4o", 1000, 500, budget=c.Money(Decimal(100), "day")
    )
    cheaper = "is gpt-4o or claude-sonnet-4 cheaper for 1k in 1k out"
    assert parse_command(cheaper, catalog) == c.Compare(("gpt-4o", "claude-sonnet-4"), 1000, 1000)
    with pytest.raises(ParseError) as caught:
        parse_command("how much does claude haiku cost", catalog)
    assert all("haiku" in s for s in caught.value.suggestions) and caught.value.suggestions
    assert parse_command("gpt-4o 1000 500 cache write 500", catalog) == E(
        "gpt-4o", 1000, 500, cache_write_tokens=500
    )
    assert parse_command("o3 1000 500 reasoning 4000", catalog) == E(
        "o3", 1000, 500, reasoning_tokens=4000
    )
    assert parse_command("gpt-4o one thousand input 500 output", catalog) == E("gpt-4o", 1000, 500)
    assert parse_command("price gpt-4o claude-sonnet-4", catalog) == c.Price(
        "gpt-4o", others=("claude-sonnet-4",)
    )
