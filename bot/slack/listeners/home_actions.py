"""The Home tab's buttons: budget paging, edit and delete; digest subscribe, change and stop.

Opening a modal (edit a budget, change a digest's time) calls `views.open` in the request
thread right after the ack, like the estimator: the trigger lives 3 s. Everything else
(deleting, subscribing with its `conversations.info` check, re-publishing the tab) runs after
the ack. Changes go through the same commands as typed text (`budget 500/month #tag`,
`digest on <#C> at 09:00 Europe/Berlin`), so the rules and sentences are the same; the
re-published tab says in one sentence what happened.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.pipeline import Asker, answer, log_reply
from bot.render import home_modals as hm
from bot.render.home import (
    ACTION_BUDGET,
    ACTION_BUDGET_PAGE,
    ACTION_DIGEST,
    ACTION_DIGEST_CHANNEL,
    ACTION_DIGEST_SUBSCRIBE,
    ACTION_DIGEST_TIME,
    ACTION_DIGEST_ZONE,
)
from bot.render.slack import escape
from bot.runtime import Runtime
from bot.slack.listeners.channels import channel_checker, channel_resolver
from bot.slack.listeners.estimator import quick_client
from bot.slack.listeners.guard import send_safely
from bot.slack.listeners.home import publish_home
from bot.slack.listeners.workspaces import workspace_of
from bot.store.budgets import delete_budget, get_budget
from bot.store.digests import disable_subscription, get_subscription

__all__ = ["register"]

_SAVED = "tokencost_home_saved"
"""Context key: a modal's submission was saved, so the lazy half re-publishes the tab."""
_BAD_AMOUNT = "Write the amount in dollars, like 500 or 1250.50."
_PICK = "Choose a channel, a time and a time zone, then press Subscribe."


def _user(body: dict[str, Any]) -> str:
    return str((body.get("user") or {}).get("id") or "")


def _selected(body: dict[str, Any]) -> tuple[str, str, str]:
    """(verb, period or channel, rest) of an overflow choice: `edit:month:search`."""
    action = (body.get("actions") or [{}])[0]
    value = str((action.get("selected_option") or {}).get("value") or action.get("value") or "")
    verb, _, rest = value.partition(":")
    key, _, tail = rest.partition(":")
    return verb, key, tail


def _values(body: dict[str, Any]) -> dict[str, Any]:
    return dict(((body.get("view") or {}).get("state") or {}).get("values") or {})


def _asker(body: dict[str, Any], context: BoltContext) -> Asker:
    return Asker(surface="home", workspace=workspace_of(context), user_id=_user(body) or None)


def _text_of(reply_text: str) -> str:
    return reply_text.split("\n", 1)[0]


def _ack_only(ack: Ack) -> None:
    ack()


def _republisher(runtime: Runtime) -> Callable[..., None]:
    """The lazy half of a modal submission: re-publish the tab once the change is saved."""

    def handle_republish(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if not context.get(_SAVED):
            return
        publish_home(runtime, client, _user(body), workspace_of(context), notice="Saved.")

    return handle_republish


def _register_budgets(app: App, runtime: Runtime) -> None:
    """Paging, edit (a modal) and delete."""

    def handle_budget_page(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        page = _selected(body)[0]
        publish_home(runtime, client, _user(body), workspace_of(context),
                     page=int(page) if page.isdigit() else 0)  # fmt: skip

    def handle_budget_menu(ack: Ack, body: dict[str, Any], client: WebClient,
                           context: BoltContext) -> None:  # fmt: skip
        ack()
        verb, period, tag = _selected(body)
        if verb != "edit":
            return
        found = get_budget(runtime.db(), workspace_of(context), tag or None, period)
        view = hm.budget_modal(tag, period, found.amount_usd if found else None)
        trigger = str(body.get("trigger_id") or "")
        fast = quick_client(client)
        send_safely("views.open budget", lambda: fast.views_open(trigger_id=trigger, view=view))

    def handle_budget_delete(body: dict[str, Any], client: WebClient,
                             context: BoltContext) -> None:  # fmt: skip
        verb, period, tag = _selected(body)
        if verb != "delete":
            return
        ws = workspace_of(context)
        gone = delete_budget(runtime.db(), ws, tag or None, period)
        who = f"#{escape(tag)}" if tag else "the workspace"
        notice = f"Deleted the {period} budget for {who}." if gone else "That budget was gone."
        publish_home(runtime, client, _user(body), ws, notice=notice)

    def handle_budget_saved(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                    context: BoltContext) -> None:  # fmt: skip
        meta = hm.modal_metadata(view)
        values = _values(body)
        amount = str(((values.get(hm.BLOCK_AMOUNT) or {}).get(hm.ACTION_VALUE) or {})
                     .get("value") or "").strip().lstrip("$").replace(",", "")  # fmt: skip
        period = str((((values.get(hm.BLOCK_PERIOD) or {}).get(hm.ACTION_VALUE) or {})
                      .get("selected_option") or {}).get("value") or "month")  # fmt: skip
        if not re.fullmatch(r"\d{1,12}(\.\d{1,6})?", amount):
            ack(response_action="errors", errors={hm.BLOCK_AMOUNT: _BAD_AMOUNT})
            return
        tag = meta.get("tag", "")
        reply = answer(runtime, f"budget {amount}/{period}" + (f" #{tag}" if tag else ""),
                       _asker(body, context))  # fmt: skip
        if reply.is_error:
            ack(response_action="errors", errors={hm.BLOCK_AMOUNT: _text_of(reply.text)})
            return
        old = meta.get("period", period)
        if old != period:
            delete_budget(runtime.db(), workspace_of(context), tag or None, old)
        context[_SAVED] = True
        ack()
        log_reply(runtime, reply)

    app.action(re.compile(f"^{ACTION_BUDGET_PAGE}"))(ack=_ack_only, lazy=[handle_budget_page])
    app.action(ACTION_BUDGET)(ack=handle_budget_menu, lazy=[handle_budget_delete])
    app.view(hm.BUDGET_MODAL)(ack=handle_budget_saved, lazy=[_republisher(runtime)])


def _register_digest(app: App, runtime: Runtime) -> None:
    """Subscribe (channel, time and zone pickers), change the time (a modal), stop."""

    def handle_digest_menu(ack: Ack, body: dict[str, Any], client: WebClient,
                           context: BoltContext) -> None:  # fmt: skip
        ack()
        verb, channel, _ = _selected(body)
        sub = get_subscription(runtime.db(), workspace_of(context), channel)
        if verb != "edit" or sub is None:
            return
        view = hm.digest_modal(channel, sub.local_time, sub.timezone)
        trigger = str(body.get("trigger_id") or "")
        fast = quick_client(client)
        send_safely("views.open digest", lambda: fast.views_open(trigger_id=trigger, view=view))

    def handle_digest_stop(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        verb, channel, _ = _selected(body)
        if verb != "remove":
            return
        ws = workspace_of(context)
        was_on = disable_subscription(runtime.db(), ws, channel, runtime.clock())
        notice = f"<#{channel}> no longer gets the digest." if was_on else None
        publish_home(runtime, client, _user(body), ws, notice=notice)

    def handle_digest_subscribe(
        body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        row = _values(body).get("home_digest_new") or {}
        channel = (row.get(ACTION_DIGEST_CHANNEL) or {}).get("selected_conversation")
        time = (row.get(ACTION_DIGEST_TIME) or {}).get("selected_time") or "09:00"
        zone = ((row.get(ACTION_DIGEST_ZONE) or {}).get("selected_option") or {}).get("value")
        ws = workspace_of(context)
        if not channel or not zone:
            publish_home(runtime, client, _user(body), ws, notice=_PICK)
            return
        reply = answer(runtime, f"digest on <#{channel}> at {time} {zone}", _asker(body, context),
                       channel_resolver(client), channel_checker(client))  # fmt: skip
        log_reply(runtime, reply)
        publish_home(runtime, client, _user(body), ws, notice=_text_of(reply.mrkdwn))

    def handle_zone_options(ack: Ack, body: dict[str, Any]) -> None:
        ack(options=hm.zone_options(str(body.get("value") or "")))

    def handle_digest_saved(ack: Ack, body: dict[str, Any], view: dict[str, Any],
                    context: BoltContext) -> None:  # fmt: skip
        channel = hm.modal_metadata(view).get("channel", "")
        values = _values(body)
        time = ((values.get(hm.BLOCK_TIME) or {}).get(hm.ACTION_VALUE) or {}).get("selected_time")
        zone = (((values.get(hm.BLOCK_ZONE) or {}).get(hm.ACTION_ZONE) or {})
                .get("selected_option") or {}).get("value")  # fmt: skip
        if not channel or not time or not zone:
            ack(response_action="errors", errors={hm.BLOCK_TIME: "Pick a time and a time zone."})
            return
        reply = answer(runtime, f"digest on <#{channel}> at {time} {zone}", _asker(body, context))
        if reply.is_error:
            ack(response_action="errors", errors={hm.BLOCK_ZONE: _text_of(reply.text)})
            return
        context[_SAVED] = True
        ack()
        log_reply(runtime, reply)

    app.action(ACTION_DIGEST)(ack=handle_digest_menu, lazy=[handle_digest_stop])
    app.action(ACTION_DIGEST_SUBSCRIBE)(ack=_ack_only, lazy=[handle_digest_subscribe])
    app.action(ACTION_DIGEST_CHANNEL)(_ack_only)
    app.action(ACTION_DIGEST_TIME)(_ack_only)
    app.options(ACTION_DIGEST_ZONE)(handle_zone_options)
    app.view(hm.DIGEST_MODAL)(ack=handle_digest_saved, lazy=[_republisher(runtime)])


def register(app: App, runtime: Runtime) -> None:
    """Register the Home tab's action, option and modal listeners."""
    _register_budgets(app, runtime)
    _register_digest(app, runtime)
