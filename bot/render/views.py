"""The cost estimator modal: its view, reading its state, and the answers to a submission.

Flow (wired in `bot.slack`): the global shortcut "Estimate LLM cost" (or a button on help and
App Home) opens `estimator_view()` with `views.open`; the model picker is an external select
answered from `block_suggestion` (`bot.render.options`); a `view_submission` is read with
`estimate_from_view_state`, which either returns field errors, acked as
`errors_response(...)` (`response_action: errors`, shown under each field), or a priced
`Estimate` command and its result, acked as `update_response(estimator_view(...))`
(`response_action: update`): the same form, filled in, with the estimate below it and a
conversation picker plus "Share" button. https://docs.slack.dev/surfaces/modals

Pricing is `bot.answers.evaluate`; numbers are read like the typed language reads them
(`1000`, `1,000`, `1.5k`, `2M`). Nothing here talks to Slack.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from slack_sdk.models.views import View

from bot.answers import evaluate
from bot.answers.results import EstimateResult
from bot.language import commands as c
from bot.language.format import format_command
from bot.language.quantities import MAX_REQUESTS_PER_DAY, parse_number, whole
from bot.render.options import model_option
from bot.render.replies import blocks_of
from bot.render.slack import MAX_BUTTON_VALUE_CHARS, MAX_VIEW_BLOCKS, button, context
from bot.render.style import SLACK
from bot.render.text import parts_of
from prices import MAX_TOKENS, PERIOD_SECONDS, Catalog

__all__ = [
    "ACTION_MODEL",
    "ACTION_SHARE",
    "ACTION_SHARE_TO",
    "BLOCK_CACHED",
    "BLOCK_INPUT",
    "BLOCK_MODEL",
    "BLOCK_OUTPUT",
    "BLOCK_PERIOD",
    "BLOCK_REQUESTS",
    "BLOCK_SHARE",
    "ESTIMATOR_CALLBACK",
    "Estimated",
    "EstimatorForm",
    "errors_response",
    "estimate_from_view_state",
    "estimator_view",
    "form_from_state",
    "update_response",
]

ESTIMATOR_CALLBACK = "tokencost_estimator"
"""The modal's `callback_id` (and the global shortcut's)."""
BLOCK_MODEL, BLOCK_INPUT, BLOCK_OUTPUT = "est_model", "est_input", "est_output"
BLOCK_CACHED, BLOCK_REQUESTS, BLOCK_PERIOD = "est_cached", "est_requests", "est_period"
BLOCK_SHARE = "est_share"
ACTION_MODEL = "estimator_model"
"""The model picker's `action_id`: `block_suggestion` for it lists catalog models."""
ACTION_SHARE_TO = "estimator_share_to"
"""The conversation picker beside "Share" (Bolt must ack its `block_actions`)."""
ACTION_SHARE = "estimator_share"
"""The "Share" button; its value is the estimate as a /tokencost command."""
_VALUE = "value"
"""`action_id` of the plain inputs (one per block, so the block id names the field)."""
TOTAL = "total"
"""The period option for requests counted in total rather than per period."""
_PERIOD_ORDER = ("day", "month", "hour", "minute", "second", "week")
_FRACTIONAL = frozenset({"second", "minute", "hour"})


@dataclass(frozen=True, slots=True)
class EstimatorForm:
    """What the form shows: the raw text of each field, as typed (or empty)."""

    model_key: str | None = None
    input_tokens: str = ""
    output_tokens: str = ""
    cached_input_tokens: str = ""
    requests: str = ""
    period: str = "day"
    channel_id: str | None = None
    """Where the modal was opened from (kept in `private_metadata`), the default share target."""


@dataclass(frozen=True, slots=True)
class Estimated:
    """A valid submission: the command it means and its priced result."""

    command: c.Estimate
    result: EstimateResult


def _label(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def _text_input(block_id: str, label: str, value: str, hint: str, optional: bool) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": _VALUE,
        "placeholder": _label(hint),
        "max_length": 30,
    }
    if value:
        element["initial_value"] = value
    return {"type": "input", "block_id": block_id, "label": _label(label), "element": element,
            "optional": optional}  # fmt: skip


def _period_option(period: str) -> dict[str, Any]:
    text = "in total" if period == TOTAL else f"per {period}"
    return {"text": _label(text), "value": period}


def _form_blocks(form: EstimatorForm, catalog: Catalog) -> list[dict[str, Any]]:
    picker: dict[str, Any] = {
        "type": "external_select",
        "action_id": ACTION_MODEL,
        "placeholder": _label("Type a model, like gpt-4o"),
        "min_query_length": 1,
    }
    model = catalog.find(form.model_key) if form.model_key else None
    if model is not None:
        picker["initial_option"] = model_option(model)
    periods = [_period_option(p) for p in (*_PERIOD_ORDER, TOTAL)]
    chosen = form.period if form.period in (*_PERIOD_ORDER, TOTAL) else "day"
    return [
        {"type": "input", "block_id": BLOCK_MODEL, "label": _label("Model"), "element": picker},
        _text_input(BLOCK_INPUT, "Input tokens per request", form.input_tokens,
                    "The whole prompt, like 1500 or 1.5k", optional=False),
        _text_input(BLOCK_OUTPUT, "Output tokens per request", form.output_tokens,
                    "Like 500", optional=False),
        _text_input(BLOCK_CACHED, "Cached input tokens", form.cached_input_tokens,
                    "The cached part of the input, if any", optional=True),
        _text_input(BLOCK_REQUESTS, "Requests", form.requests,
                    "Like 10k; empty for one request", optional=True),
        {
            "type": "input",
            "block_id": BLOCK_PERIOD,
            "label": _label("Requests are"),
            "optional": True,
            "element": {
                "type": "static_select",
                "action_id": _VALUE,
                "options": periods,
                "initial_option": _period_option(chosen),
            },
        },
    ]  # fmt: skip


def _share_blocks(estimated: Estimated, channel_id: str | None) -> list[dict[str, Any]]:
    picker: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": ACTION_SHARE_TO,
        "placeholder": _label("Choose a conversation"),
        "filter": {"include": ["public", "private", "mpim", "im"], "exclude_bot_users": True},
    }
    if channel_id:
        picker["initial_conversation"] = channel_id
    else:
        picker["default_to_current_conversation"] = True
    command = format_command(estimated.command)
    elements = [picker]
    if len(command) <= MAX_BUTTON_VALUE_CHARS:
        elements.append(button("Share", ACTION_SHARE, command, style="primary"))
    return [{"type": "actions", "block_id": BLOCK_SHARE, "elements": elements}]


def estimator_view(
    catalog: Catalog, form: EstimatorForm | None = None, estimated: Estimated | None = None
) -> dict[str, Any]:
    """The estimator modal: the form, and below it the estimate and how to share it, if any.

    Validated by slack_sdk's `View` (title 24, blocks 100, private_metadata 3,000 characters).
    """
    form = form or EstimatorForm()
    blocks = _form_blocks(form, catalog)
    if estimated is not None:
        reply = blocks_of(parts_of(estimated.result, SLACK))
        share = _share_blocks(estimated, form.channel_id)
        room = MAX_VIEW_BLOCKS - len(blocks) - 1 - len(share)
        blocks += [{"type": "divider"}, *reply[:room], *share]
    else:
        blocks.append(context("Prices come from tokencost's price table; a month is 30 days."))
    metadata = json.dumps({"channel": form.channel_id}) if form.channel_id else ""
    view = View(
        type="modal",
        callback_id=ESTIMATOR_CALLBACK,
        title=_label("Estimate LLM cost"),
        submit=_label("Estimate" if estimated is None else "Estimate again"),
        close=_label("Close"),
        blocks=blocks,
        private_metadata=metadata,
    )
    return view.to_dict()


def _value(values: Mapping[str, Any], block_id: str, action_id: str = _VALUE) -> dict[str, Any]:
    found = (values.get(block_id) or {}).get(action_id)
    return found if isinstance(found, dict) else {}


def form_from_state(state: Mapping[str, Any], private_metadata: str = "") -> EstimatorForm:
    """The form as submitted: `view.state` (and `view.private_metadata`) of the payload."""
    values = state.get("values") or {}

    def text(block_id: str) -> str:
        return str(_value(values, block_id).get("value") or "").strip()

    model = _value(values, BLOCK_MODEL, ACTION_MODEL).get("selected_option") or {}
    period = _value(values, BLOCK_PERIOD).get("selected_option") or {}
    try:
        channel = json.loads(private_metadata).get("channel") if private_metadata else None
    except (ValueError, AttributeError):
        channel = None
    return EstimatorForm(
        model_key=str(model.get("value") or "") or None,
        input_tokens=text(BLOCK_INPUT),
        output_tokens=text(BLOCK_OUTPUT),
        cached_input_tokens=text(BLOCK_CACHED),
        requests=text(BLOCK_REQUESTS),
        period=str(period.get("value") or "day"),
        channel_id=str(channel) if isinstance(channel, str) and channel else None,
    )


def _tokens(text: str, what: str, required: bool) -> int | str:
    """A token count from a field, or the error sentence for it."""
    if not text:
        return f"Give the {what}, like 1000 or 1.5k." if required else 0
    value = parse_number(text)
    count = whole(value) if value is not None else None
    if count is None or count < 0:
        return f"Write the {what} as a whole number, like 1500 or 1.5k."
    if count > MAX_TOKENS:
        return f"That's more than any request holds (the cap is {MAX_TOKENS:,} tokens)."
    return count


def _volume(form: EstimatorForm) -> c.Volume | str | None:
    """The volume from the requests and period fields, or the error sentence for it."""
    if not form.requests:
        return None
    period = None if form.period == TOTAL else form.period
    value = parse_number(form.requests)
    if value is None or value <= 0:
        return "Write a number of requests above 0, like 10k, or leave it empty."
    requests: int | Decimal | None = whole(value)
    if requests is None:
        if period not in _FRACTIONAL:
            return "Only requests per second, minute or hour may be fractional."
        requests = value
    per_day = value * 86_400 / PERIOD_SECONDS[period] if period else value
    if per_day > MAX_REQUESTS_PER_DAY:
        return f"That's over the cap of {MAX_REQUESTS_PER_DAY:,} requests a day; a typo?"
    return c.Volume(requests, period)


def _command(form: EstimatorForm) -> c.Estimate | dict[str, str]:
    errors: dict[str, str] = {}
    if not form.model_key:
        errors[BLOCK_MODEL] = "Pick a model."
    inp = _tokens(form.input_tokens, "input tokens", required=True)
    out = _tokens(form.output_tokens, "output tokens", required=True)
    cached = _tokens(form.cached_input_tokens, "cached input tokens", required=False)
    volume = _volume(form)
    for block_id, value in ((BLOCK_INPUT, inp), (BLOCK_OUTPUT, out), (BLOCK_CACHED, cached),
                            (BLOCK_REQUESTS, volume)):  # fmt: skip
        if isinstance(value, str):
            errors[block_id] = value
    if isinstance(inp, int) and isinstance(cached, int) and cached > inp:
        errors[BLOCK_CACHED] = "The cached tokens are part of the input, so at most the input."
    if errors or not form.model_key:
        return errors
    assert isinstance(inp, int) and isinstance(out, int) and isinstance(cached, int)
    assert not isinstance(volume, str)
    return c.Estimate(form.model_key, inp, out, cached, volume=volume)


def estimate_from_view_state(
    state: Mapping[str, Any], catalog: Catalog, private_metadata: str = ""
) -> Estimated | dict[str, str]:
    """Price a submitted form, or say what is wrong with it, field by field.

    Returns `Estimated` (the command and its `EstimateResult`) or `{block_id: sentence}`.
    A pricing refusal (an embedding model given output tokens, a model no longer priced)
    is shown under the model picker: its sentence names the model, and another model fixes it.
    """
    command = _command(form_from_state(state, private_metadata))
    if isinstance(command, dict):
        return command
    result = evaluate(command, catalog)
    if not isinstance(result, EstimateResult):
        message = getattr(result, "message", "That model can't price this request.")
        return {BLOCK_MODEL: str(message)}
    model = result.model
    name = model.id if catalog.find(model.id) is model else model.key  # what parses back to it
    return Estimated(replace(command, model=name), result)


def update_response(view: dict[str, Any]) -> dict[str, Any]:
    """The `view_submission` ack that replaces the modal with `view`."""
    return {"response_action": "update", "view": view}


def errors_response(errors: Mapping[str, str]) -> dict[str, Any]:
    """The `view_submission` ack that shows each sentence under its field's block."""
    return {"response_action": "errors", "errors": dict(errors)}
