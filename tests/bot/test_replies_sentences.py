"""Replies to the second release's language (issue 12): cache writes, reasoning, several
price cards, old models, model counts, one message per problem, nothing unsafe echoed."""

from __future__ import annotations

from decimal import Decimal

import prices
from bot.answers import ask
from bot.answers.results import EstimateResult, PriceResult, PricesResult
from bot.render.replies import render_blocks, render_json, render_text


def _money(value: str) -> Decimal:
    return Decimal(value)


def test_cache_writes_are_part_of_the_prompt_and_priced_at_their_rate(
    catalog: prices.Catalog,
) -> None:
    result = ask("claude-sonnet-4 10000 500 cache write 4000 cache read 5000", catalog)
    assert isinstance(result, EstimateResult)
    data = render_json(result)
    rates = catalog.get("claude-sonnet-4").current
    assert rates.cache_write_per_mtok is not None and rates.cached_input_per_mtok is not None
    assert data["cache_write_tokens"] == 4000 and data["cached_input_tokens"] == 5000
    parts = data["cost_per_request"]
    assert _money(parts["cache_write"]) == rates.cache_write_per_mtok * 4000 / 1_000_000
    assert _money(parts["input"]) == rates.input_per_mtok * 1000 / 1_000_000
    total = sum(_money(parts[k]) for k in ("input", "cached_input", "cache_write", "output"))
    assert total == _money(parts["total"])
    assert "• cache writes: 4,000 × $3.75/M" in render_text(result)


def test_cache_writes_beyond_the_prompt_are_one_sentence(catalog: prices.Catalog) -> None:
    data = render_json(ask("gpt-4o 1000 500 cache write 2000", catalog))
    assert data["kind"] == "error" and "can't exceed the 1,000 input tokens" in data["error"]


def test_reasoning_is_billed_as_output_and_shown_apart(catalog: prices.Catalog) -> None:
    result = ask("o3 1000 500 reasoning 4000", catalog)
    text = render_text(result)
    assert "500 output tokens + 4,000 reasoning" in text
    assert "• reasoning (billed as output): 4,000 × $8.00/M = $0.032" in text
    data = render_json(result)
    assert data["output_tokens"] == 4500 and data["reasoning_tokens"] == 4000
    parts = data["cost_per_request"]
    assert _money(parts["output"]) + _money(parts["reasoning"]) == Decimal("0.036")
    same = render_json(ask("o3 1000 4500", catalog))
    assert same["cost_per_request"]["total"] == parts["total"]


def test_several_price_cards_in_one_reply(catalog: prices.Catalog) -> None:
    result = ask("price gpt-4o claude-sonnet-4", catalog)
    assert isinstance(result, PricesResult)
    assert [card.model.id for card in result.cards] == ["gpt-4o", "claude-sonnet-4"]
    data = render_json(result)
    assert data["kind"] == "prices" and [p["model"] for p in data["prices"]] == [
        "gpt-4o",
        "claude-sonnet-4",
    ]
    text = render_text(result)
    assert "GPT-4o (gpt-4o, openai)" in text and "(claude-sonnet-4, anthropic)" in text
    assert render_blocks(result)


def test_a_legacy_name_warns_and_points_at_current_models(catalog: prices.Catalog) -> None:
    data = render_json(ask("gemini pro 1000 500", catalog))
    assert data["model"] == "gemini-pro"
    assert data["warnings"] == [
        "gemini-pro is Gemini 1.0 Pro, an older model (priced as asked); did you mean "
        "`gemini-3.1-pro-preview`?"  # gemini-2.5-pro left the Gemini API on 2026-12-01
    ]
    card = ask("price gemini-pro", catalog)
    assert isinstance(card, PriceResult) and card.lineage is not None
    assert "did you mean `gemini-3.1-pro-preview`" in render_text(card)


def test_a_deprecated_model_names_its_replacement(catalog: prices.Catalog) -> None:
    data = render_json(ask("claude-3-5-haiku 1000 500", catalog))
    assert data["warnings"][0].startswith("claude-3-5-haiku was retired by its provider on ")
    assert data["warnings"][0].endswith("; did you mean `claude-haiku-4-5`?")
    assert "warnings" not in render_json(ask("claude-haiku-4-5 1000 500", catalog))


def test_models_counts_agree_between_the_list_and_one_provider(catalog: prices.Catalog) -> None:
    every = render_text(ask("models", catalog))
    one = render_text(ask("models anthropic", catalog))
    models = catalog.by_provider("anthropic")
    old = sum(1 for m in models if m.deprecated)
    counts = f"({len(models) - old} current, {old} deprecated)"
    assert f"anthropic {counts}:" in every
    assert one.splitlines()[0] == f"anthropic models {counts}"
    assert len([line for line in one.splitlines() if line.startswith("• ")]) == len(models)


def test_one_message_per_problem(catalog: prices.Catalog) -> None:
    text = render_text(ask("models foo", catalog))
    assert text.count("anthropic") == 1
    missing = render_text(ask("how much will gpt-4o cost at 10k requests a day?", catalog))
    assert missing.count("gpt-4o 1000 in 500 out x 10000/day") == 1
    assert missing.count("help") <= 1


def test_a_long_prompt_over_the_window_is_not_called_both_billed_and_impossible(
    catalog: prices.Catalog,
) -> None:
    text = render_text(ask("claude-sonnet-4-5 250k 1k", catalog))
    assert "can't be this big" in text
    assert "so the whole request is billed at the long-context rate" not in text
    assert "The figure uses the long-context rate" in text
    fits = render_text(ask("claude-sonnet-4-5 190k 1k", catalog))
    assert "can't be this big" not in fits


def test_control_characters_and_bidi_overrides_are_not_echoed(catalog: prices.Catalog) -> None:
    for text in ("gtp\u202e-4o 1000 500", "gpt-4o 1000 500 bl\x1b[31mah", "\u2066wat\u2069 1 2"):
        reply = render_text(ask(text, catalog)) + str(render_json(ask(text, catalog)))
        assert not any(ch in reply for ch in "\u202e\x1b\u2066\u2069")


def test_a_sentence_with_a_budget_answers_how_many_requests(catalog: prices.Catalog) -> None:
    result = ask("how many gpt-4o requests can I make with $100 a day at 1000 in 500 out", catalog)
    assert isinstance(result, EstimateResult)
    assert result.requests == 13_333 and result.period == "day"
    assert "A budget of $100.00 per day buys" in render_text(result)
