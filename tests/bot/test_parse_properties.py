"""Properties of the parser: total on any input, spelling-insensitive, and format round trips."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import prices
from bot.language import commands as c
from bot.language.errors import ParseError
from bot.language.format import format_command
from bot.language.lexing import canonical_name
from bot.language.parse import parse_command

CATALOG = prices.default_catalog()
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Words the grammar knows, mixed with junk, so generated text reaches deep paths.
VOCAB = [
    "gpt-4o", "claude", "sonnet", "4", "4.5", "compare", "vs", "cheapest", "count", "price",
    "models", "help", "in", "out", "input", "output", "cached", "batch", "share", "x", "per",
    "day", "/day", "10k/day", "5/s", "rps", "budget", "$100/day", "$", "usd", "1k", "1,000",
    "1.5k", "2M", "0", "-1", "1.000", "in=1k", "out=", "=", "1000/500", "requests", "?", "why",
    "log", "digest", "on", "off", "#team", "<#C1|x>", "at", "09:00", "Europe/Berlin", "min",
    "context", "200k", "/tokencost", "faq", "anthropic", "ｇｐｔ", "\u200b", "💸", "1e9",
    "999999999999999",
]  # fmt: skip


def _parse_or_error(text: str) -> c.Command | None:
    try:
        return parse_command(text, CATALOG)
    except ParseError as exc:
        assert exc.message and "Traceback" not in exc.message
        return None


@SETTINGS
@given(st.text(max_size=300))
def test_any_text_gives_a_command_or_a_parse_error(text: str) -> None:
    _parse_or_error(text)


@SETTINGS
@given(st.lists(st.sampled_from(VOCAB) | st.text(max_size=8), max_size=14))
def test_any_mix_of_grammar_words_gives_a_command_or_a_parse_error(words: list[str]) -> None:
    _parse_or_error(" ".join(words))


def _spellings(n: int) -> list[str]:
    """Ways to write the same count: 1000, 1,000, 1k (when round)."""
    out = [str(n), f"{n:,}"]
    if n and n % 1000 == 0:
        out.append(f"{n // 1000}k")
        out.append(f"{n // 1000}K")
    if n and n % 1_000_000 == 0:
        out.append(f"{n // 1_000_000}M")
    if n and n % 100 == 0 and n >= 100_000:
        out.append(f"{Decimal(n) / 1_000_000}m")
    return out


counts = st.one_of(st.integers(0, 200_000), st.integers(1, 120).map(lambda k: k * 1000))
models = st.sampled_from(["gpt-4o", "gpt-4.1", "claude-sonnet-4", "gemini-2.5-pro", "o3"])
periods = st.sampled_from(["second", "minute", "hour", "day", "week", "month"])


@SETTINGS
@given(models, counts, counts, st.data())
def test_equivalent_number_spellings_agree(
    model: str, inp: int, out: int, data: st.DataObject
) -> None:
    a = data.draw(st.sampled_from(_spellings(inp)))
    b = data.draw(st.sampled_from(_spellings(out)))
    expected = c.Estimate(model, inp, out)
    assert parse_command(f"{model} {a} in {b} out", CATALOG) == expected
    assert parse_command(f"{model} {a} {b}", CATALOG) == expected


@SETTINGS
@given(models, counts, counts, st.integers(1, 10_000), periods, st.booleans(), st.randoms())
def test_case_spacing_and_word_order_do_not_matter(
    model: str, inp: int, out: int, volume: int, period: str, batch: bool, rnd: random.Random
) -> None:
    expected = c.Estimate(model, inp, out, batch=batch, volume=c.Volume(volume, period))
    segments = [model, f"{inp} in", f"{out} out", f"x {volume}/{period}"]
    segments += ["batch"] if batch else []
    rnd.shuffle(segments)
    text = (" " * rnd.randint(1, 3)).join(segments)
    text = "".join(ch.upper() if rnd.random() < 0.3 else ch for ch in text)
    assert parse_command("  " + text + " ", CATALOG) == expected


@st.composite
def estimates(draw: st.DrawFn) -> c.Estimate:
    model = canonical_name(CATALOG, draw(st.sampled_from(CATALOG.models)))
    inp = draw(st.integers(0, prices.MAX_TOKENS))
    out = draw(st.integers(0, 10**9))
    cached = draw(st.integers(0, inp))
    volume = draw(st.none() | st.builds(c.Volume, st.integers(1, 10_000), st.none() | periods))
    budget = None
    if volume is None:
        usd = st.decimals(Decimal("0.01"), Decimal(10**6), places=2)
        budget = draw(st.none() | st.builds(c.Money, usd, periods))
    write = draw(st.integers(0, inp - cached) | st.just(0))
    reasoning = draw(st.just(0) | st.integers(0, 10**6))
    return c.Estimate(
        model,
        inp,
        out,
        cached,
        draw(st.booleans()),
        volume,
        budget,
        share=draw(st.booleans()),
        cache_write_tokens=write,
        reasoning_tokens=reasoning,
    )


@SETTINGS
@given(estimates())
def test_format_then_parse_round_trips_estimates(command: c.Estimate) -> None:
    assert parse_command(format_command(command), CATALOG) == command


team_commands = st.one_of(
    st.builds(
        c.Compare,
        st.lists(models, min_size=2, max_size=5, unique=True).map(tuple),
        counts,
        counts,
    ),
    st.builds(c.Cheapest, counts, counts, st.none() | st.sampled_from(CATALOG.providers())),
    st.builds(c.Price, models, share=st.booleans()),
    st.builds(c.Price, models, others=st.lists(models, max_size=3, unique=True).map(tuple)).filter(
        lambda p: p.model not in p.others
    ),
    st.builds(
        c.Compare,
        st.lists(models, min_size=2, max_size=3, unique=True).map(tuple),
        counts,
        counts,
        reasoning_tokens=counts,
    ),
    st.builds(c.Models, st.none() | st.sampled_from(CATALOG.providers())),
    st.builds(c.Help),
    st.builds(c.Log, models, counts, counts, tag=st.none() | st.just("search-team")),
    st.builds(
        c.Budget, st.none() | st.builds(c.Money, st.integers(1, 10**6).map(Decimal), periods)
    ),
    st.builds(c.Digest, st.sampled_from(["off", "preview", "status"])),
    st.builds(c.Billing, share=st.booleans()),
    st.builds(
        c.Budget,
        st.builds(c.Money, st.integers(1, 10**6).map(Decimal), st.just("month")),
        billed=st.just(True),
    ),
    st.builds(c.Count, models, st.text(min_size=1).filter(lambda t: t.strip() == t and t)),
)


@SETTINGS
@given(team_commands)
def test_format_then_parse_round_trips_other_commands(command: c.Command) -> None:
    assert parse_command(format_command(command), CATALOG) == command


@pytest.mark.parametrize("model", CATALOG.models, ids=lambda m: m.key)
def test_every_model_name_round_trips(model: prices.Model) -> None:
    name = canonical_name(CATALOG, model)
    assert parse_command(f"{name} 1000 500", CATALOG) == c.Estimate(name, 1000, 500)


_ONES = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _words(n: int) -> str:
    """`n` (1..999,999) spelt out, as people write it: `twenty-five thousand three hundred`."""
    if n >= 1000:
        rest = n % 1000
        return f"{_words(n // 1000)} thousand" + (f" {_words(rest)}" if rest else "")
    if n >= 100:
        rest = n % 100
        return f"{_ONES[n // 100]} hundred" + (f" {_words(rest)}" if rest else "")
    if n >= 20:
        return _TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else "")
    return _ONES[n]


@SETTINGS
@given(models, st.integers(2, 999_999), st.integers(2, 999_999))
def test_numbers_in_words_read_as_their_digits(model: str, inp: int, out: int) -> None:
    spelt = f"{model} {_words(inp)} input {_words(out)} output"
    assert parse_command(spelt, CATALOG) == c.Estimate(model, inp, out)


@SETTINGS
@given(models, counts, counts, st.integers(1, 10_000), periods, st.randoms())
def test_a_question_reads_as_the_terse_command_it_spells_out(
    model: str, inp: int, out: int, volume: int, period: str, rnd: random.Random
) -> None:
    clauses = [f"{inp} input tokens", f"{out} output tokens", f"{volume} requests per {period}"]
    rnd.shuffle(clauses)
    opener = rnd.choice(["how much would", "what will", "what does"])
    text = f"{opener} {model} cost with {', '.join(clauses[:2])} and {clauses[2]}?"
    assert parse_command(text, CATALOG) == c.Estimate(
        model, inp, out, volume=c.Volume(volume, period)
    )


@SETTINGS
@given(st.text(max_size=60))
def test_control_characters_and_bidi_overrides_never_come_back(text: str) -> None:
    nasty = "gtp-4o\u202e\x1b[31m 1000 500 " + text
    try:
        command = parse_command(nasty, CATALOG)
    except ParseError as exc:
        echoed = exc.message + " ".join(exc.suggestions)
    else:
        echoed = format_command(command) if not isinstance(command, c.Count) else ""
    assert not any(ch in echoed for ch in "\u202e\x1b\u2066\u200f")
