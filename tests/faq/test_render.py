"""Rendering: every entry renders with today's catalog, and placeholders fail loudly."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

import prices
from faq import (
    MAX_ANSWER_CHARS,
    Entry,
    NoMatch,
    RenderError,
    ask,
    get_entry,
    list_entries,
    read_entries,
    render,
)


@pytest.fixture(scope="module", autouse=True)
def encodings() -> None:
    """Load tiktoken encodings once, as the bot does at start-up (counts degrade without)."""
    prices.load_encodings()


@pytest.mark.parametrize("entry", list_entries(), ids=lambda e: e.id)
def test_every_entry_renders_within_slack_limits(entry: Entry) -> None:
    answer = render(entry)
    assert "{{" not in answer.text and "}}" not in answer.text
    assert len(answer.text) < MAX_ANSWER_CHARS
    assert "**" not in answer.text
    assert answer.id == entry.id and answer.question == entry.question
    assert [rid for rid, _ in answer.related] == list(entry.related)
    for rid, question in answer.related:
        assert get_entry(rid).question == question
    assert answer.as_of == prices.default_catalog().as_of
    assert answer.reviewed == entry.reviewed


def test_worked_example_is_computed_from_the_catalog() -> None:
    text = render(get_entry("estimate-monthly-cost")).text
    per_request = prices.estimate("gpt-4o", 1200, 300).total
    per_month = prices.project(per_request, 5000, "day").per_month
    assert f"per request: {prices.format_usd(per_request)}" in text
    assert f"per month (30 days): {prices.format_usd(per_month)}" in text
    assert "`/tokencost gpt-4o 1200 in 300 out x 5k/day`" in text


def test_ratios_are_live() -> None:
    text = render(get_entry("why-output-costs-more")).text
    rates = prices.default_catalog().get("gemini-2.5-pro").current
    ratio = (rates.output_per_mtok / rates.input_per_mtok).quantize(Decimal("0.1")).normalize()
    assert f"`gemini-2.5-pro`: {prices.format_usd(rates.input_per_mtok)} in" in text
    assert f"*{ratio:f}×*" in text


def test_context_window_answer_shows_the_tier() -> None:
    text = render(get_entry("context-window-cost")).text
    tier = prices.default_catalog().get("gemini-2.5-pro").current.tiers[0]
    assert f"{tier.threshold_input_tokens:,}" in text
    assert prices.format_usd(prices.estimate("gemini-2.5-pro", 220_000, 1_000).total) in text


def test_a_price_change_changes_the_answer(tmp_path: Path) -> None:
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text(
        "models:\n  openai/gpt-4o:\n    prices:\n"
        "      - {input_per_mtok: 3, cached_input_per_mtok: 1.5, output_per_mtok: 12}\n",
        encoding="utf-8",
    )
    catalog = prices.load_catalog(overrides=overrides)
    text = render(get_entry("estimate-monthly-cost"), catalog).text
    assert "per request: $0.0072" in text  # 1,200 x $3 + 300 x $12, per million


def test_freshness_answer_reports_the_catalog() -> None:
    catalog = prices.default_catalog()
    text = render(get_entry("price-data-freshness")).text
    assert catalog.as_of.isoformat() in text
    assert f"{len(catalog.models):,} models" in text
    assert "TOKENCOST_PRICES_OVERRIDES" in text


def test_digest_answer_shows_the_subscribe_command() -> None:
    text = render(get_entry("daily-digest")).text
    assert "`/tokencost digest on #channel at 09:00 Europe/Berlin`" in text


def with_answer(answer: str) -> Entry:
    return replace(get_entry("what-is-a-token"), id="probe", answer=answer)


@pytest.mark.parametrize(
    ("answer", "placeholder", "problem"),
    [
        ("{{nonsense}}", "nonsense", "unknown placeholder"),
        ("{{price gpt-99 input}}", "price gpt-99 input", "gpt-99"),
        ("{{price gpt-4o sideways}}", "price gpt-4o sideways", "unknown rate"),
        ("{{price gpt-4o}}", "price gpt-4o", "expects a model and a rate"),
        ("{{tier gpt-4o}}", "tier gpt-4o", "no long-context tier"),
        ("{{estimate gpt-4o in=lots}}", "estimate gpt-4o in=lots", "not a number"),
        ("{{estimate gpt-4o in=10 per=month}}", "estimate gpt-4o in=10 per=month", "volume"),
        ("{{as_of gpt-4o}}", "as_of gpt-4o", "takes no arguments"),
        ('{{tokens gpt-4o "unclosed}}', 'tokens gpt-4o "unclosed', "cannot be split"),
        ("{{price gpt-4o input", "{{price gpt-4o input", "not a complete placeholder"),
    ],
)
def test_unresolved_placeholders_name_entry_and_placeholder(
    answer: str, placeholder: str, problem: str
) -> None:
    with pytest.raises(RenderError) as caught:
        render(with_answer(answer))
    assert caught.value.entry == "probe"
    assert placeholder in caught.value.placeholder
    assert "'probe'" in caught.value.message and problem in caught.value.message


def test_placeholder_arguments() -> None:
    text = render(
        with_answer(
            "{{price gpt-4o input per=token}} {{price gpt-4o input per=1k}} {{ratio gpt-4o}} "
            "{{estimate gpt-4o in=1k out=500 batch}} {{context_window gpt-4o}} "
            "{{estimate gpt-4o in=1,000 out=0.5k x=10/second per=day}}"
        )
    ).text
    per_day = prices.project(prices.estimate("gpt-4o", 1000, 500).total, 10, "second").per_day
    assert text == ("$0.0000025 $0.0025 4× $0.00375 128,000 " + prices.format_usd(per_day))


def test_related_ids_come_from_the_given_store(tmp_path: Path) -> None:
    path = tmp_path / "entries.yaml"
    path.write_text(
        "entries:\n"
        "  - {id: one, question: 'One?', phrasings: [], keywords: [], related: [two],"
        " reviewed: 2026-11-29, answer: 'As of {{as_of}}.'}\n"
        "  - {id: two, question: 'Two?', phrasings: [], keywords: [], related: [],"
        " reviewed: 2026-11-29, answer: Two.}\n",
        encoding="utf-8",
    )
    one, two = read_entries(path)
    answer = render(one, entries=(one, two))
    assert answer.related == (("two", "Two?"),)
    assert answer.text == f"As of {prices.default_catalog().as_of.isoformat()}."


def test_ask_answers_or_raises_no_match() -> None:
    assert ask("why are output tokens pricier?").id == "why-output-costs-more"
    with pytest.raises(NoMatch) as caught:
        ask("what's the weather in Berlin")
    assert caught.value.off_topic and caught.value.suggestions == ()
    assert caught.value.message == "I don't have an answer for that one yet."
