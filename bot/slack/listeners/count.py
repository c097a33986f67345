"""The "Count tokens" message shortcut: an ephemeral count and input cost for a model.

The message's text is read from the payload once, after the ack, counted once per tokenizer
(`count_by_tokenizer`) and dropped: the reply carries only the counts (in its picker's
`block_id`), the query log gets the counts and the text's length, and nothing logs the text.
Picking another model in the reply re-prices from those counts (`read_counts`) in place.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.render.count import (
    ACTION_COUNT_MODEL,
    COUNT_SHORTCUT_CALLBACK,
    DEFAULT_COUNT_MODEL,
    TokenCounts,
    count_by_tokenizer,
    count_reply,
    read_counts,
)
from bot.render.options import model_options
from bot.runtime import Runtime
from bot.slack.listeners.guard import apology, log_incident, send_safely
from bot.slack.listeners.workspaces import workspace_of
from bot.store.queries import QueryRecord
from prices import Model

__all__ = ["NO_TEXT", "register"]

NO_TEXT = "That message has no text to count (only attachments or blocks)."
_STALE = 'I can\'t re-price this reply any more; run "Count tokens" on the message again.'


def _record(runtime: Runtime, context: BoltContext, body: dict[str, Any], counts: TokenCounts,
            model: Model) -> QueryRecord:  # fmt: skip
    """The query-log row: counts, the text's length and the model; never the text."""
    tokens = counts.for_model(model)[0]
    return QueryRecord(
        created_utc=runtime.clock(),
        surface="shortcut",
        kind="count",
        workspace=workspace_of(context),
        channel_id=(body.get("channel") or {}).get("id"),
        user_id=(body.get("user") or {}).get("id"),
        model=model.id,
        input_tokens=tokens,
        text_chars=counts.chars,
        count_tokens=tokens,
    )


def register(app: App, runtime: Runtime) -> None:
    """Register the message shortcut, its model picker and the picker's type-ahead."""

    def ack_only(ack: Ack) -> None:
        ack()

    def handle_count_tokens(body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        text = str((body.get("message") or {}).get("text") or "")
        if not text.strip():
            send_safely("count shortcut", lambda: respond(response_type="ephemeral", text=NO_TEXT))
            return
        try:
            counts = count_by_tokenizer(text, runtime.catalog)
            del text  # from here on only the counts exist
            model = runtime.catalog.get(DEFAULT_COUNT_MODEL)
            message = count_reply(counts, model, runtime.catalog)
            record: QueryRecord | None = _record(runtime, context, body, counts, model)
        except Exception as exc:
            message = {"response_type": "ephemeral", "text": apology(log_incident("count", exc))}
            record = None
        if send_safely("count shortcut", lambda: respond(**message)) and record is not None:
            runtime.log_query(record)

    def handle_count_model(body: dict[str, Any], respond: Respond) -> None:
        action = (body.get("actions") or [{}])[0]
        counts = read_counts(str(action.get("block_id") or ""))
        key = str((action.get("selected_option") or {}).get("value") or "")
        model = runtime.catalog.find(key) if key else None
        if counts is None or model is None:
            send_safely("count re-price", lambda: respond(response_type="ephemeral", text=_STALE,
                                                          replace_original=False))  # fmt: skip
            return
        message = count_reply(counts, model, runtime.catalog)
        send_safely("count re-price", lambda: respond(**message, replace_original=True))

    def handle_model_options(ack: Ack, body: dict[str, Any]) -> None:
        ack(options=model_options(runtime.catalog, str(body.get("value") or "")))

    app.shortcut(COUNT_SHORTCUT_CALLBACK)(ack=ack_only, lazy=[handle_count_tokens])
    app.action(ACTION_COUNT_MODEL)(ack=ack_only, lazy=[handle_count_model])
    app.options(ACTION_COUNT_MODEL)(handle_model_options)
