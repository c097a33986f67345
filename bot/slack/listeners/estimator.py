"""The "Estimate LLM cost" modal: opened by the global shortcut or a button (help, App Home).

- Opening: the ack goes first, then `views.open` with the payload's `trigger_id`, in the same
  (request) thread: a trigger expires 3 s after the click (slack-facts §9), so it is not left
  to the thread pool's queue. That one call uses a client with a short timeout and no
  rate-limit retries, so a slow Slack cannot hold the request past the window.
- The model picker's type-ahead (`block_suggestion`) is answered in the ack from the catalog.
- A submission is answered in the ack: `response_action: errors` (a sentence under each bad
  field) or `update` (the estimate in place, with a conversation picker and "Share"). The
  query-log row (surface `modal`) is written by a lazy listener after the ack.
- "Share" posts the estimate, computed again, to the chosen conversation after the ack; when
  Slack refuses (`not_in_channel`...), the modal is updated with a sentence saying so.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.language.format import format_command
from bot.pipeline import Asker, answer, log_reply
from bot.render.home import ACTION_ESTIMATE
from bot.render.options import model_options
from bot.render.slack import context as context_block
from bot.render.slack import escape
from bot.render.slack import message as slack_message
from bot.render.views import (
    ACTION_MODEL,
    ACTION_SHARE,
    ACTION_SHARE_TO,
    BLOCK_SHARE,
    ESTIMATOR_CALLBACK,
    Estimated,
    EstimatorForm,
    errors_response,
    estimate_from_view_state,
    estimator_view,
    form_from_state,
    update_response,
)
from bot.runtime import Runtime
from bot.slack.listeners.guard import apology, log_incident, send_safely
from bot.slack.listeners.workspaces import workspace_of
from bot.webapi import quick_web_client

__all__ = ["OPEN_TIMEOUT_S", "quick_client", "register", "share_problem"]

OPEN_TIMEOUT_S = 2
"""Longest wait for `views.open` in the request thread (the trigger lives 3 s)."""

_SHARE_PROBLEMS = {
    "not_in_channel": "I'm not in {where}; invite me there (`/invite @tokencost`) and share again.",
    "channel_not_found": "I can't see {where}; invite me there and share again.",
    "is_archived": "{where} is archived; pick another conversation.",
    "restricted_action": "This workspace doesn't let me post in {where}.",
    "cannot_dm_bot": "I can't post to another app's DM; pick a person or a channel.",
}


def quick_client(client: WebClient) -> WebClient:
    """A copy of `client` for calls made before the HTTP answer: short timeout, no retries."""
    return quick_web_client(client, OPEN_TIMEOUT_S)


def share_problem(error: str, channel_id: str) -> str:
    """The sentence for a conversation Slack would not let us post in."""
    template = _SHARE_PROBLEMS.get(error, "Slack refused the post ({error}); try again later.")
    return template.format(where=f"<#{channel_id}>", error=escape(error))


def _user(body: dict[str, Any]) -> str | None:
    return (body.get("user") or {}).get("id")


def _channel(body: dict[str, Any]) -> str | None:
    return (body.get("channel") or {}).get("id")


def open_estimator(runtime: Runtime, client: WebClient, body: dict[str, Any]) -> bool:
    """`views.open` the empty estimator for the payload's trigger; a failure is one log line."""
    view = estimator_view(runtime.catalog, EstimatorForm(channel_id=_channel(body)))
    trigger = str(body.get("trigger_id") or "")
    fast = quick_client(client)
    return send_safely("views.open estimator", lambda: fast.views_open(trigger_id=trigger,
                                                                        view=view))  # fmt: skip


def _shared_to(view: dict[str, Any], form: EstimatorForm) -> str | None:
    values = (view.get("state") or {}).get("values") or {}
    picked = (values.get(BLOCK_SHARE) or {}).get(ACTION_SHARE_TO) or {}
    return picked.get("selected_conversation") or form.channel_id


def register(app: App, runtime: Runtime) -> None:
    """Register the shortcut, the buttons, the model type-ahead and the submission."""

    def handle_open_estimator(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        open_estimator(runtime, client, body)

    def handle_model_options(ack: Ack, body: dict[str, Any]) -> None:
        ack(options=model_options(runtime.catalog, str(body.get("value") or "")))

    def handle_submission(ack: Ack, view: dict[str, Any]) -> None:
        try:
            result = estimate_from_view_state(view.get("state") or {}, runtime.catalog,
                                              str(view.get("private_metadata") or ""))  # fmt: skip
            if isinstance(result, Estimated):
                form = form_from_state(view.get("state") or {},
                                       str(view.get("private_metadata") or ""))  # fmt: skip
                ack(**update_response(estimator_view(runtime.catalog, form, result)))
            else:
                ack(**errors_response(result))
        except Exception as exc:
            ack(**errors_response({"est_model": apology(log_incident("estimator", exc))}))

    def handle_submission_log(
        body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        """The query-log row of a priced submission (field errors are not logged)."""
        metadata = str(view.get("private_metadata") or "")
        result = estimate_from_view_state(view.get("state") or {}, runtime.catalog, metadata)
        if not isinstance(result, Estimated):
            return
        channel = form_from_state({}, metadata).channel_id
        asker = Asker(surface="modal", workspace=workspace_of(context), channel_id=channel,
                      user_id=_user(body))  # fmt: skip
        log_reply(runtime, answer(runtime, format_command(result.command), asker))

    def ack_only(ack: Ack) -> None:
        ack()

    def handle_share(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """Post the estimate to the picked conversation; say in the modal how that went."""
        view = body.get("view") or {}
        metadata = str(view.get("private_metadata") or "")
        form = form_from_state(view.get("state") or {}, metadata)
        estimated = estimate_from_view_state(view.get("state") or {}, runtime.catalog, metadata)
        command = str(((body.get("actions") or [{}])[0]).get("value") or "")
        channel = _shared_to(view, form)
        if channel is None:
            notice = "Choose a conversation to share in."
        else:
            notice = _post_estimate(runtime, client, body, context, command, channel)
        if isinstance(estimated, Estimated) and view.get("id"):
            updated = estimator_view(runtime.catalog, form, estimated, notice=notice)
            view_id = str(view["id"])
            send_safely("views.update estimator",
                        lambda: client.views_update(view_id=view_id, view=updated))  # fmt: skip

    app.shortcut(ESTIMATOR_CALLBACK)(handle_open_estimator)
    app.action(ACTION_ESTIMATE)(handle_open_estimator)
    app.options(ACTION_MODEL)(handle_model_options)
    app.view(ESTIMATOR_CALLBACK)(ack=handle_submission, lazy=[handle_submission_log])
    app.action(ACTION_SHARE_TO)(ack_only)
    app.action(ACTION_SHARE)(ack=ack_only, lazy=[handle_share])


def _post_estimate(runtime: Runtime, client: WebClient, body: dict[str, Any],
                   context: BoltContext, command: str, channel: str) -> str:  # fmt: skip
    """Post `command`'s answer in `channel`; the sentence the modal shows afterwards."""
    user = _user(body)
    asker = Asker(surface="modal", workspace=workspace_of(context), channel_id=channel,
                  user_id=user)  # fmt: skip
    try:
        reply = answer(runtime, command, asker)
    except Exception as exc:
        return apology(log_incident("estimator share", exc))
    if reply.is_error:
        return escape(reply.text)
    by = f"Shared by <@{user}> from the estimator." if user else "Shared from the estimator."
    try:
        payload = slack_message(reply.mrkdwn or reply.text, [*reply.blocks, context_block(by)])
        client.chat_postMessage(channel=channel, **payload)
    except SlackApiError as exc:
        return share_problem(str(exc.response.get("error") or "unknown"), channel)
    except Exception as exc:
        return apology(log_incident("estimator share", exc))
    log_reply(runtime, reply)
    return f"Shared in <#{channel}>."
