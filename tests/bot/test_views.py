"""The estimator modal, the model picker's options and the "Count tokens" reply, validated by
slack_sdk's models; pricing checked against `bot.answers` (never a second price path)."""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

import prices
from bot.answers import ask
from bot.answers.results import EstimateResult
from bot.language.format import format_command
from bot.language.parse import parse_command
from bot.render import views as v
from bot.render.count import (
    COUNT_BLOCK_PREFIX,
    TokenCounts,
    count_by_tokenizer,
    count_reply,
    read_counts,
)
from bot.render.options import MAX_OPTIONS, model_options, options_response


def _valid_view(view: dict[str, Any]) -> View:
    """The view as slack_sdk reads it back, checked against its limits (raises if invalid)."""
    parsed = View(**view)
    assert parsed.to_dict() == view
    assert len(view["blocks"]) <= 100
    for block in view["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    return parsed


def _state(**fields: Any) -> dict[str, Any]:
    """A `view.state` as Slack sends it, from field values (model is a `provider/id` key)."""
    values: dict[str, Any] = {}
    if (model := fields.get("model")) is not None:
        option = {"text": {"type": "plain_text", "text": model}, "value": model}
        values[v.BLOCK_MODEL] = {v.ACTION_MODEL: {"type": "external_select",
                                                  "selected_option": option}}  # fmt: skip
    for key, block in (("input", v.BLOCK_INPUT), ("output", v.BLOCK_OUTPUT),
                       ("cached", v.BLOCK_CACHED), ("requests", v.BLOCK_REQUESTS)):  # fmt: skip
        values[block] = {"value": {"type": "plain_text_input", "value": fields.get(key)}}
    period = fields.get("period")
    selected = {"text": {"type": "plain_text", "text": "x"}, "value": period} if period else None
    values[v.BLOCK_PERIOD] = {"value": {"type": "static_select", "selected_option": selected}}
    return {"values": values}


# -- the modal -------------------------------------------------------------------------------


def test_the_empty_modal_is_a_valid_view(mini_catalog: prices.Catalog) -> None:
    view = v.estimator_view(mini_catalog)
    parsed = _valid_view(view)
    assert parsed.callback_id == v.ESTIMATOR_CALLBACK
    assert view["title"]["text"] == "Estimate LLM cost" and view["submit"]["text"] == "Estimate"
    ids = [b.get("block_id") for b in view["blocks"] if b["type"] == "input"]
    assert ids == [v.BLOCK_MODEL, v.BLOCK_INPUT, v.BLOCK_OUTPUT, v.BLOCK_CACHED,
                   v.BLOCK_REQUESTS, v.BLOCK_PERIOD]  # fmt: skip
    picker = view["blocks"][0]["element"]
    assert picker["type"] == "external_select" and picker["action_id"] == v.ACTION_MODEL
    assert "initial_option" not in picker


def test_a_submission_is_priced_exactly_as_the_typed_command(mini_catalog: prices.Catalog) -> None:
    state = _state(model="openai/gpt-4o", input="1,000", output="500", requests="10k",
                   period="day")  # fmt: skip
    estimated = v.estimate_from_view_state(state, mini_catalog)
    assert isinstance(estimated, v.Estimated)
    typed = ask("gpt-4o 1000 in 500 out x 10k/day", mini_catalog)
    assert isinstance(typed, EstimateResult)
    assert estimated.result.estimate.total == typed.estimate.total == Decimal("0.0075")
    assert estimated.result.projection == typed.projection
    # The share button's command parses back to the same command.
    assert parse_command(format_command(estimated.command), mini_catalog) == estimated.command


def test_the_updated_modal_keeps_the_form_and_shows_the_estimate(
    mini_catalog: prices.Catalog,
) -> None:
    state = _state(model="openai/gpt-4o", input="1.5k", output="500", cached="1k")
    estimated = v.estimate_from_view_state(state, mini_catalog, json.dumps({"channel": "C42"}))
    assert isinstance(estimated, v.Estimated)
    form = v.form_from_state(state, json.dumps({"channel": "C42"}))
    response = v.update_response(v.estimator_view(mini_catalog, form, estimated))
    assert response["response_action"] == "update"
    view = response["view"]
    _valid_view(view)
    assert view["submit"]["text"] == "Estimate again"
    assert view["blocks"][0]["element"]["initial_option"]["value"] == "openai/gpt-4o"
    assert view["blocks"][1]["element"]["initial_value"] == "1.5k"
    assert json.loads(view["private_metadata"]) == {"channel": "C42"}
    shown = json.dumps(view["blocks"])
    assert "gpt-4o: $0.0075 per request" in shown  # 500 × $2.50 + 1000 × $1.25 + 500 × $10
    share = view["blocks"][-1]
    assert share["block_id"] == v.BLOCK_SHARE
    picker, button = share["elements"]
    assert picker["type"] == "conversations_select" and picker["initial_conversation"] == "C42"
    assert button["action_id"] == v.ACTION_SHARE
    assert button["value"] == "gpt-4o 1500 in 500 out cached 1000"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({}, {v.BLOCK_MODEL: "Pick a model.", v.BLOCK_INPUT: "Give the input tokens, like 1000 "
              "or 1.5k.", v.BLOCK_OUTPUT: "Give the output tokens, like 1000 or 1.5k."}),
        ({"input": "lots", "output": "1.5"}, {
            v.BLOCK_INPUT: "Write the input tokens as a whole number, like 1500 or 1.5k.",
            v.BLOCK_OUTPUT: "Write the output tokens as a whole number, like 1500 or 1.5k."}),
        ({"input": "100", "output": "1", "cached": "200"},
         {v.BLOCK_CACHED: "The cached tokens are part of the input, so at most the input."}),
        ({"input": "100", "output": "1", "requests": "0"},
         {v.BLOCK_REQUESTS: "Write a number of requests above 0, like 10k, or leave it empty."}),
        ({"input": "100", "output": "1", "requests": "2.5", "period": "day"},
         {v.BLOCK_REQUESTS: "Only requests per second, minute or hour may be fractional."}),
        ({"input": "100", "output": "1", "requests": "2000M", "period": "second"},
         {v.BLOCK_REQUESTS: "That's over the cap of 1,000,000,000 requests a day; a typo?"}),
        ({"input": "2000000M", "output": "1"},
         {v.BLOCK_INPUT: "That's more than any request holds (the cap is 1,000,000,000,000 "
                         "tokens)."}),
    ],
)  # fmt: skip
def test_field_errors_name_the_field(
    fields: dict[str, str], errors: dict[str, str], mini_catalog: prices.Catalog
) -> None:
    state = _state(model=None if not fields else "openai/gpt-4o", **fields)
    found = v.estimate_from_view_state(state, mini_catalog)
    assert found == errors
    response = v.errors_response(found)
    assert response == {"response_action": "errors", "errors": errors}


def test_a_pricing_refusal_goes_under_the_model(catalog: prices.Catalog) -> None:
    embed = next(m for m in catalog.models if m.kind == "embedding")
    found = v.estimate_from_view_state(_state(model=embed.key, input="100", output="5"), catalog)
    assert found == {v.BLOCK_MODEL: "Embedding models have no output tokens; give just the "
                     f"input, like `{embed.id} 1000`."}  # fmt: skip
    gone = v.estimate_from_view_state(_state(model="nobody/none", input="1", output="1"), catalog)
    assert isinstance(gone, dict) and set(gone) == {v.BLOCK_MODEL}


def test_fractional_rates_and_totals(mini_catalog: prices.Catalog) -> None:
    rate = v.estimate_from_view_state(
        _state(model="openai/gpt-4o", input="1000", output="500", requests="2.5",
               period="second"), mini_catalog)  # fmt: skip
    assert isinstance(rate, v.Estimated) and rate.result.requests == Decimal("2.5")
    total = v.estimate_from_view_state(
        _state(model="openai/gpt-4o", input="1000", output="500", requests="100",
               period=v.TOTAL), mini_catalog)  # fmt: skip
    assert isinstance(total, v.Estimated)
    assert total.result.volume_total == Decimal("0.75") and total.result.period is None


def test_a_garbled_state_is_errors_not_a_crash(mini_catalog: prices.Catalog) -> None:
    empty = v.estimate_from_view_state({}, mini_catalog)
    assert isinstance(empty, dict) and set(empty) == {v.BLOCK_MODEL, v.BLOCK_INPUT, v.BLOCK_OUTPUT}
    weird = {"values": {v.BLOCK_INPUT: {"value": "not a dict"}, "x": None}}
    garbled = v.estimate_from_view_state(weird, mini_catalog)
    assert isinstance(garbled, dict) and v.BLOCK_INPUT in garbled
    assert v.form_from_state({}, "{not json").channel_id is None


# -- the model picker ------------------------------------------------------------------------


def test_options_rank_exact_then_prefix_then_substring(catalog: prices.Catalog) -> None:
    options = model_options(catalog, "gpt-4o")
    values = [o["value"] for o in options]
    assert values[0] == "openai/gpt-4o" or values[0].endswith("/gpt-4o")
    assert "openai/gpt-4o-mini" in values
    assert all("4o" in o["text"]["text"] or "4o" in o["value"] for o in options[:5])
    assert model_options(catalog, "no-such-model-anywhere") == []


def test_options_match_aliases_and_providers(catalog: prices.Catalog) -> None:
    alias_model = next(m for m in catalog.models if m.aliases)
    found = [o["value"] for o in model_options(catalog, alias_model.aliases[0])]
    assert alias_model.key in found
    anthropic = [o["value"] for o in model_options(catalog, "anthropic")]
    own = len(catalog.by_provider("anthropic"))
    # The provider's own models first; resellers' `anthropic.claude-...` aliases after them.
    assert own and all(v.startswith("anthropic/") for v in anthropic[:own])


def test_options_stay_within_slack_limits_and_time(catalog: prices.Catalog) -> None:
    for query in ("", "g", "a", "claude", "x" * 500):
        response = options_response(model_options(catalog, query))
        assert len(response["options"]) <= MAX_OPTIONS
        for option in response["options"]:
            assert len(option["text"]["text"]) <= 75 and len(option["value"]) <= 150
            assert catalog.get(option["value"]).key == option["value"]  # reads back
    model_options(catalog, "warm")  # the index is built once per catalog
    start = time.perf_counter()
    for _ in range(100):
        model_options(catalog, "gpt")
    per_call = (time.perf_counter() - start) / 100
    assert per_call < 0.05, f"{per_call * 1000:.1f} ms per suggestion"  # Slack allows 3 s


def test_deprecated_models_come_last(catalog: prices.Catalog) -> None:
    options = model_options(catalog, "")
    flags = [o["text"]["text"].endswith("(deprecated)") for o in options]
    assert flags == sorted(flags)


# -- "Count tokens" --------------------------------------------------------------------------


SECRET = "The launch code is swordfish-7 & <!channel> should never be seen again."


def test_count_reply_never_carries_the_text(
    mini_catalog: prices.Catalog, encodings: dict[str, str]
) -> None:
    counts = count_by_tokenizer(SECRET, mini_catalog)
    gpt4o = mini_catalog.get("gpt-4o")
    reply = count_reply(counts, gpt4o, mini_catalog)
    payload = json.dumps(reply)
    assert "swordfish" not in payload and "launch code" not in payload
    assert reply["response_type"] == "ephemeral"
    for block in reply["blocks"]:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    typed = ask(f"count gpt-4o {SECRET}", mini_catalog)
    assert f"{typed.count.tokens:,} tokens for gpt-4o" in reply["text"]  # type: ignore[union-attr]
    assert prices.format_usd(typed.cost_as_input) in reply["text"]  # type: ignore[union-attr]


def test_picking_another_model_reprices_from_the_block_id(
    mini_catalog: prices.Catalog, encodings: dict[str, str]
) -> None:
    counts = count_by_tokenizer(SECRET, mini_catalog)
    reply = count_reply(counts, mini_catalog.get("gpt-4o"), mini_catalog)
    block_id = reply["blocks"][1]["block_id"]
    assert block_id.startswith(COUNT_BLOCK_PREFIX) and len(block_id) <= 255
    assert read_counts(block_id) == counts
    haiku = mini_catalog.get("claude-3-5-haiku")
    again = count_reply(counts, haiku, mini_catalog)
    tokens, tokenizer, exact = counts.for_model(haiku)
    assert (tokenizer, exact) == ("o200k_base", False)
    cost = ask(f"claude-3-5-haiku {tokens} in 0 out", mini_catalog)
    assert isinstance(cost, EstimateResult)
    assert prices.format_usd(cost.estimate.total) in again["text"]
    assert "publishes no tokenizer" in json.dumps(again["blocks"])


def test_read_counts_refuses_what_we_did_not_write() -> None:
    for block_id in ("", "other|chars=1", "tc_count|chars=x", "tc_count|o200k_base=5",
                     "tc_count|chars=" + "9" * 20):  # fmt: skip
        assert read_counts(block_id) is None
    assert read_counts("tc_count|chars=10|approx=3") == TokenCounts(10, {"approx": 3})


def test_counts_without_tokenizers_are_labelled_approximate(mini_catalog: prices.Catalog) -> None:
    counts = TokenCounts(41, {"approx": 11})
    reply = count_reply(counts, mini_catalog.get("gpt-4o"), mini_catalog)
    assert reply["text"].startswith("11 tokens for gpt-4o")
    assert "about 4 characters a token" in json.dumps(reply["blocks"])
