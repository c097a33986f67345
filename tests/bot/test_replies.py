"""Replies: exact text, Slack's Block Kit limits, mrkdwn escaping, and the JSON contract."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import prices
from bot.answers import ask, evaluate
from bot.answers.results import CompareResult, ErrorResult, EstimateResult, Result
from bot.language import commands as c
from bot.render.replies import render_blocks, render_json, render_text

ESTIMATE_SNAPSHOT = """\
gpt-4o: $0.0075 per request, $2,250.00 per month
gpt-4o (openai): 1,000 input tokens, 500 output tokens
• uncached input: 1,000 × $2.50/M = $0.0025
• cached input: 0 × $1.25/M = $0
• output: 500 × $10.00/M = $0.005
Per request: $0.0075
At 10,000 requests per day: $75.00 per day, $2,250.00 per month (a month = 30 days)
Cheaper at openai: gpt-4o-mini: $135.00 per month, 94% less
Prices per 1M tokens, as of 2026-11-01: input $2.50, cached input $1.25, output $10.00"""


def test_estimate_text_snapshot(mini_catalog: prices.Catalog) -> None:
    result = ask("gpt-4o 1000 in 500 out x 10k/day", mini_catalog)
    assert render_text(result) == ESTIMATE_SNAPSHOT


def test_estimate_slack_fallback_is_bold_mrkdwn(mini_catalog: prices.Catalog) -> None:
    text = render_text(ask("gpt-4o 1000 in 500 out x 10k/day", mini_catalog), slack=True)
    assert text.splitlines()[0] == "*gpt-4o: $0.0075 per request, $2,250.00 per month*"
    assert "Per request: *$0.0075*" in text


def test_compare_text_snapshot(mini_catalog: prices.Catalog) -> None:
    result = ask("compare gpt-4o gpt-4o-mini claude-3-5-haiku 2000 400", mini_catalog)
    assert render_text(result) == (
        "Comparison: 2,000 input + 400 output tokens\n"
        "Cheapest: gpt-4o-mini (openai) at $0.00054 per request\n"
        "model             provider   per request  vs cheapest\n"
        "gpt-4o-mini       openai     $0.00054     cheapest\n"
        "claude-3-5-haiku  anthropic  $0.0032      +$0.00266 (5.9×)\n"
        "gpt-4o            openai     $0.009       +$0.00846 (16.7×)\n"
        "Prices as of 2026-11-01."
    )


def test_alternative_skips_special_purpose_and_deprecated(mini_catalog: prices.Catalog) -> None:
    result = ask("gpt-4o 1000 500", mini_catalog)
    assert isinstance(result, EstimateResult)
    assert result.alternative is not None
    assert result.alternative.model.id == "gpt-4o-mini"  # not gpt-4o-mini-tts, not gpt-3.5


def test_budget_inversion_counts_whole_requests(mini_catalog: prices.Catalog) -> None:
    result = ask("gpt-4o 1000 500 budget $100/day", mini_catalog)
    assert isinstance(result, EstimateResult)
    assert result.requests == 13_333  # floor(100 / 0.0075)
    assert "buys 13,333 requests per day" in render_text(result)


def test_one_bare_number_says_output_was_assumed(mini_catalog: prices.Catalog) -> None:
    assert "assumed 0 output tokens" in render_text(ask("gpt-4o 1000", mini_catalog))


def test_context_overflow_is_an_error_not_a_zero(mini_catalog: prices.Catalog) -> None:
    result = ask("claude-sonnet-4 250k 1k", mini_catalog)
    assert isinstance(result, ErrorResult)
    assert "context window" in result.message


def test_user_text_is_escaped_in_mrkdwn(catalog: prices.Catalog) -> None:
    result = ask("gpt-4o 1000 500 <!channel>&", catalog)
    assert isinstance(result, ErrorResult)
    blocks = json.dumps(render_blocks(result))
    assert "<!channel>" not in blocks and "&lt;!channel&gt;&amp;" in blocks
    assert "<!channel>" not in render_text(result, slack=True)
    assert "<!channel>" in render_text(result)  # the terminal shows it as typed


SAMPLES = [
    "gpt-4o 1000 in 500 out x 10k/day",
    "gpt-4.1 5000 in 1000 out cached 4000 batch",
    "claude sonnet 4 1000 500 budget $100/day",
    "gemini 2.5 pro 10k 1k x 5/s",
    "compare gpt-4o gpt-4o-mini gpt-4.1 gpt-4.1-mini gpt-4.1-nano o3 o3-mini o4-mini o1 gpt-5 "
    "1k 1k",
    "cheapest 1000 500",
    "cheapest 1000 500 anthropic min context 200k",
    "count gpt-4o " + "lorem ipsum dolor " * 2000,
    "count claude-sonnet-4 hello",
    "price gpt-4o",
    "price claude-sonnet-4",
    "models",
    "models openai",
    "help",
    "why do output tokens cost more?",
    "what's the weather in Paris?",
    "gtp-4o 1000 500",
    "log gpt-4o 1k 1k",
    "x" * 5000,
]


def _sections_and_headers(blocks: list[dict[str, Any]]) -> None:
    assert 0 < len(blocks) <= 50
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "context":
            assert len(block["elements"]) <= 10


@pytest.mark.parametrize("text", SAMPLES, ids=lambda t: t[:40])
def test_every_reply_fits_slack_limits(
    text: str, catalog: prices.Catalog, encodings: dict[str, str]
) -> None:
    result = ask(text, catalog)
    _sections_and_headers(render_blocks(result))
    data = render_json(result)
    assert data["kind"] == result.kind
    json.dumps(data)  # serialisable: no Decimal, no float surprises
    assert render_text(result).strip()


def _money(value: object) -> Decimal:
    assert isinstance(value, str), f"money must be a decimal string, got {value!r}"
    return Decimal(value)


def _check_estimate_json(data: dict[str, Any]) -> None:
    assert set(data) >= {
        "kind", "model", "provider", "input_tokens", "output_tokens", "cached_input_tokens",
        "batch", "requests", "period", "cost_per_request", "prices", "as_of",
    }  # fmt: skip
    cost = data["cost_per_request"]
    parts = _money(cost["input"]) + _money(cost["cached_input"]) + _money(cost["output"])
    assert parts == _money(cost["total"])
    if data["period"] is not None:
        assert _money(data["cost_per_month"]) == _money(data["cost_per_day"]) * 30
    else:
        assert "cost_per_day" not in data and "cost_per_month" not in data
    for rate in data["prices"].values():
        assert rate is None or _money(rate) >= 0


CATALOG = prices.default_catalog()
chat_models = [m for m in CATALOG.models if m.kind == "chat"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(chat_models),
    st.integers(0, 2_000_000),
    st.integers(0, 100_000),
    st.integers(0, 100),
    st.booleans(),
    st.none() | st.builds(c.Volume, st.integers(1, 10**6), st.sampled_from(["second", "day"])),
)
def test_estimate_json_money_parses_and_adds_up(
    model: prices.Model, inp: int, out: int, cached_pct: int, batch: bool, volume: c.Volume | None
) -> None:
    cached = inp * cached_pct // 100 if model.current.cached_input_per_mtok is not None else 0
    command = c.Estimate(model.key, inp, out, cached, batch, volume)
    result: Result = evaluate(command, CATALOG)
    data = render_json(result)
    if isinstance(result, ErrorResult):  # e.g. over the context window, or no batch price
        assert data == {"kind": "error", "error": result.message, "suggestions": []}
        return
    _check_estimate_json(data)
    _sections_and_headers(render_blocks(result))


def test_compare_json_is_sorted_and_keeps_the_given_order(catalog: prices.Catalog) -> None:
    data = render_json(ask("compare gpt-4o gpt-4o-mini claude-3-5-haiku 2000 400", catalog))
    assert data["models"] == ["gpt-4o", "gpt-4o-mini", "claude-3-5-haiku"]
    totals = [_money(row["total"]) for row in data["rows"]]
    assert totals == sorted(totals)
    assert {"kind", "models", "input_tokens", "output_tokens", "rows"} <= set(data)
    assert set(data["rows"][0]) == {"model", "provider", "total"}  # no volume: no per-month
    assert data["requests"] is None and data["period"] is None
    # Every model here has a shutdown date (prices/lifecycle.py): each says so once.
    assert [w.split(" ", 1)[0] for w in data["warnings"]] == data["models"]
    haiku = data["warnings"][2]
    assert haiku.startswith("claude-3-5-haiku was retired by its provider on 20")
    assert haiku.endswith("; did you mean `claude-haiku-4-5`?")
    assert (
        data["warnings"][0] == "gpt-4o is deprecated and retires on 2027-01-14; see `price gpt-4o`."
    )


def test_compare_json_has_per_month_figures_and_says_why_a_model_is_left_out(
    catalog: prices.Catalog,
) -> None:
    data = render_json(ask("compare gpt-4o claude-sonnet-4 1000 500 x 10k/day batch", catalog))
    assert data["requests"] == 10_000 and data["period"] == "day"
    for row in data["rows"]:
        assert _money(row["cost_per_month"]) == _money(row["cost_per_day"]) * 30
        assert _money(row["cost_per_day"]) == _money(row["total"]) * 10_000
    models = {row["model"] for row in data["rows"]}
    for model in ("gpt-4o", "claude-sonnet-4"):
        if model not in models:
            assert any(w.startswith(f"{model} left out: ") for w in data["warnings"])


def test_json_fields_per_kind(catalog: prices.Catalog, encodings: dict[str, str]) -> None:
    count = render_json(ask("count gpt-4o hello world", catalog))
    assert set(count) == {"kind", "model", "encoding", "tokens", "exact", "cost_as_input"}
    _money(count["cost_as_input"])
    price = render_json(ask("price gpt-4o", catalog))
    assert set(price) == {
        "kind", "model", "provider", "aliases", "input_per_mtok", "output_per_mtok",
        "cached_input_per_mtok", "cache_write_per_mtok", "context_window", "max_output_tokens",
        "tiers", "batch", "as_of", "source", "time_of_day", "warnings",
        "lifecycle", "retires_on", "replacement", "price_changes",
    }  # fmt: skip
    assert (price["lifecycle"], price["retires_on"]) == ("scheduled", "2027-01-14")
    # The card never points at itself (`see price gpt-4o` belongs on estimates).
    assert price["warnings"] == ["gpt-4o is deprecated and retires on 2027-01-14."]
    assert price["time_of_day"] == []
    error = render_json(ask("gtp-4o 1k 1k", catalog))
    assert set(error) == {"kind", "error", "suggestions"} and "gpt-4o" in error["suggestions"]
    assert set(render_json(ask("help", catalog))) == {"kind", "text"}
    faq = render_json(ask("why do output tokens cost more?", catalog))
    assert faq["kind"] == "faq" and set(faq) == {"kind", "id", "question", "answer"}
    miss = render_json(ask("how do I bake sourdough bread?", catalog))
    assert miss["kind"] == "faq_miss" and set(miss) == {"kind", "suggestions"}


def test_every_result_has_log_fields(catalog: prices.Catalog) -> None:
    for text in ("gpt-4o 1k 1k", "compare gpt-4o o3 1k 1k", "price gpt-4o", "help", "gtp-4o"):
        fields = ask(text, catalog).log_fields()
        assert set(fields) == {
            "kind", "model", "input_tokens", "output_tokens", "requests", "cost_usd",
        }  # fmt: skip
    est = ask("gpt-4o 1000 500 x 10/day", catalog).log_fields()
    assert est["cost_usd"] == Decimal("0.0075") and est["requests"] == 10


def test_stored_faq_mrkdwn_is_unmarked_for_a_terminal_and_kept_for_slack() -> None:
    from bot.answers.results import FaqResult
    from bot.render.replies import render_text

    result = FaqResult("x", "Why?", "• *Input (prefill)*: one _parallel_ pass; `snake_case` stays")
    plain = render_text(result)
    assert "• Input (prefill): one parallel pass; `snake_case` stays" in plain
    assert "*Input (prefill)*" in render_text(result, slack=True)


ODD_MODELS = """\
provider: mistral
name: Mistral
source: https://example.test/mistral/pricing
models:
  mistral-large:
    name: Mistral Large
    context_window: 128000
    checked: 2026-10-15
    prices: {input_per_mtok: 2, output_per_mtok: 6}
  mistral-medium:
    name: Mistral Medium
    context_window: 128000
    checked: 2026-10-15
    prices: {input_per_mtok: 3, output_per_mtok: 9}
  ministral-8b:
    name: Ministral 8B
    context_window: 128000
    checked: 2026-10-15
    prices: {input_per_mtok: 0.15, output_per_mtok: 0.15}
  codestral-2508:
    name: Codestral
    context_window: 128000
    checked: 2026-10-15
    prices: {input_per_mtok: 0.3, output_per_mtok: 0.9}
  devstral-small:
    name: Devstral Small
    context_window: 128000
    checked: 2026-10-15
    prices: {input_per_mtok: 0.1, output_per_mtok: 0.3}
  codestral-latest:
    name: Codestral Latest
    context_window: 128000
    checked: 2026-10-15
    prices: {input_per_mtok: 1, output_per_mtok: 3}
  mistral-old:
    name: Mistral Old
    context_window: 128000
    checked: 2026-10-15
    deprecated: true
    prices: {input_per_mtok: 3, output_per_mtok: 9}
  mistral-tiny-old:
    name: Mistral Tiny Old
    context_window: 128000
    checked: 2026-10-15
    deprecated: true
    prices: {input_per_mtok: 0.01, output_per_mtok: 0.01}
  mistral-embed:
    name: Mistral Embed
    kind: embedding
    context_window: 8192
    checked: 2026-10-15
    prices: {input_per_mtok: 0.1, output_per_mtok: 0}
"""
PEAK_MODELS = """\
provider: deepseek
name: DeepSeek
source: https://example.test/deepseek/pricing
models:
  peak-flash:
    name: Peak Flash
    context_window: 128000
    checked: 2026-10-15
    prices:
      - {input_per_mtok: 0.15, cached_input_per_mtok: 0.003, output_per_mtok: 0.6}
      - window: {start: "01:00", end: "04:00", days: [mon, tue, wed, thu, fri]}
        input_per_mtok: 0.3
        cached_input_per_mtok: 0.006
        output_per_mtok: 1.2
"""
#: A Monday inside the peak window, and the same hour on a Saturday (off-peak all day).
MONDAY_PEAK = datetime(2026, 11, 30, 2, 30, tzinfo=UTC)
SATURDAY = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def odd_catalog(tmp_path_factory: pytest.TempPathFactory) -> prices.Catalog:
    """Deprecated, code, embedding and time-of-day priced models, frozen for these tests."""
    folder = tmp_path_factory.mktemp("odd_catalog")
    (folder / "mistral.yaml").write_text(ODD_MODELS, encoding="utf-8")
    (folder / "deepseek.yaml").write_text(PEAK_MODELS, encoding="utf-8")
    return prices.load_catalog(data_dir=folder)


def test_deprecated_model_estimates_say_so_everywhere(odd_catalog: prices.Catalog) -> None:
    result = ask("mistral-old 1000 500", odd_catalog)
    assert isinstance(result, EstimateResult)
    warning = "mistral-old is deprecated by its provider; see `price mistral-old`."
    assert warning in render_text(result)
    assert warning in json.dumps(render_blocks(result))
    assert render_json(result)["warnings"] == [warning]
    assert "warnings" not in render_json(ask("mistral-large 1000 500", odd_catalog))


def test_cheaper_alternative_is_never_deprecated_and_not_a_code_model(
    odd_catalog: prices.Catalog,
) -> None:
    # mistral-tiny-old (deprecated), devstral and codestral are cheaper than mistral-large, and
    # codestral is the closest in price: the general-purpose ministral-8b is suggested instead.
    result = ask("mistral-old 1000 500", odd_catalog)
    assert isinstance(result, EstimateResult) and result.alternative is not None
    assert not result.alternative.model.deprecated
    large = ask("mistral-large 1000 500", odd_catalog)
    assert isinstance(large, EstimateResult) and large.alternative is not None
    assert large.alternative.model.id == "ministral-8b"
    # A code model may suggest another code model.
    code = ask("codestral-latest 1000 500", odd_catalog)
    assert isinstance(code, EstimateResult) and code.alternative is not None
    assert code.alternative.model.id in ("codestral-2508", "devstral-small")


def test_price_card_shows_time_of_day_rates(odd_catalog: prices.Catalog) -> None:
    result = ask("price peak-flash", odd_catalog, at=MONDAY_PEAK)
    text = render_text(result)
    assert "• input $0.15, output $0.60" in text  # the card's base rates, even during peak
    assert "peak hours 01:00-04:00 UTC, Mon-Fri: input $0.30, output $1.20" in text
    data = render_json(result)
    assert data["input_per_mtok"] == "0.15"
    assert data["time_of_day"] == [
        {
            "start": "01:00",
            "end": "04:00",
            "weekdays": ["mon", "tue", "wed", "thu", "fri"],
            "input_per_mtok": "0.3",
            "output_per_mtok": "1.2",
            "cached_input_per_mtok": "0.006",
        }
    ]


def test_estimate_in_a_peak_window_says_peak_hour_rate(odd_catalog: prices.Catalog) -> None:
    peak = ask("peak-flash 1000 500", odd_catalog, at=MONDAY_PEAK)
    assert isinstance(peak, EstimateResult)
    assert peak.estimate.rates.input_per_mtok == Decimal("0.3")
    assert "peak-hour rate (01:00-04:00 UTC, Mon-Fri)" in render_text(peak)
    assert render_json(peak)["peak_window"]["start"] == "01:00"
    calm = ask("peak-flash 1000 500", odd_catalog, at=SATURDAY)
    assert isinstance(calm, EstimateResult) and calm.peak is None
    assert "Priced at the standard rate; peak hours cost more" in render_text(calm)
    assert "peak_window" not in render_json(calm)


def test_embedding_models_refuse_output_tokens(odd_catalog: prices.Catalog) -> None:
    result = ask("mistral-embed 1000 500", odd_catalog)
    assert isinstance(result, ErrorResult)
    assert result.message == (
        "Embedding models have no output tokens; give just the input, like `mistral-embed 1000`."
    )
    ok = ask("mistral-embed 1000", odd_catalog)
    assert isinstance(ok, EstimateResult)
    assert "assumed 0 output tokens" not in render_text(ok)


def test_singular_counts_read_right(
    mini_catalog: prices.Catalog, encodings: dict[str, str]
) -> None:
    count = render_text(ask("count gpt-4o hello", mini_catalog))
    assert "1 token for gpt-4o" in count and "1 tokens" not in count
    one = render_text(ask("gpt-4o 1 1 x 1", mini_catalog))
    assert "1 input token, 1 output token" in one
    assert "For 1 request:" in one
    assert "At 1 request per day" in render_text(ask("gpt-4o 1 1 x 1/day", mini_catalog))


def test_one_off_total_is_in_the_json(mini_catalog: prices.Catalog) -> None:
    result = ask("gpt-4o 1000 500 x 100", mini_catalog)
    assert "$0.75 in total" in render_text(result)
    data = render_json(result)
    assert data["cost_total"] == "0.75" and data["requests"] == 100
    assert "cost_total" not in render_json(ask("gpt-4o 1000 500 x 100/day", mini_catalog))


def test_fractional_rates_are_priced_exactly(mini_catalog: prices.Catalog) -> None:
    result = ask("gpt-4o 1000 500 x 2.5/s", mini_catalog)
    assert isinstance(result, EstimateResult)
    assert result.requests == Decimal("2.5")
    data = render_json(result)
    assert data["requests"] == "2.5" and data["period"] == "second"
    assert _money(data["cost_per_day"]) == Decimal("0.0075") * 216_000
    text = render_text(result)
    assert "At 2.5 requests per second (216,000 per day)" in text
    assert "requests per day and month are averages" in text
    assert result.log_fields()["requests"] is None  # the query log keeps whole counts only
    hourly = render_json(ask("gpt-4o 1000 500 x 0.3/hour", mini_catalog))
    assert _money(hourly["cost_per_day"]) == Decimal("0.0075") * Decimal("7.2")


def test_question_with_volume_but_no_tokens_says_what_to_type(catalog: prices.Catalog) -> None:
    result = ask("how much would 1000 requests on gpt-4o cost?", catalog)
    assert isinstance(result, ErrorResult)
    assert "I read gpt-4o, 1,000 requests in total" in result.message
    assert "`gpt-4o 1000 in 500 out x 1000`" in result.message


def test_compare_leaves_out_embeddings_given_output_tokens(odd_catalog: prices.Catalog) -> None:
    result = ask("compare mistral-embed mistral-large 1000 500", odd_catalog)
    assert isinstance(result, CompareResult)
    assert [row.model.id for row in result.rows] == ["mistral-large"]
    assert "mistral-embed left out: embedding models have no output tokens" in render_text(result)


def test_a_budget_that_buys_no_request_is_an_error_never_a_zero_estimate(
    catalog: prices.Catalog,
) -> None:
    data = render_json(ask("gpt-4o 1000 500 budget $0.001/day", catalog))
    assert data["kind"] == "error"
    assert data["error"] == (
        "A budget of $0.001 per day doesn't cover one gpt-4o request ($0.0075); raise the "
        "budget or send fewer tokens."
    )
    free = render_json(ask("gpt-4o 0 0 budget $100/day", catalog))
    assert free["kind"] == "error" and "0 tokens costs nothing" in free["error"]


def test_an_unknown_model_after_price_or_compare_is_named_as_a_model(
    catalog: prices.Catalog,
) -> None:
    for text in ("price nosuchmodel", "compare gpt-4o nosuchmodel 1000 500"):
        data = render_json(ask(text, catalog))
        assert data["error"] == (
            "I don't know the model `nosuchmodel`; `models` lists the ones I know."
        ), text
