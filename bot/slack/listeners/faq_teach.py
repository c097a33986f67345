"""Teaching the FAQ from App Home: "Teach as…", "This is a way of asking…", "Not ours", "Undo",
and the "New answer…" modal. For the workspace's admins and owners only.

Who may teach is checked with `users.info` (`is_admin`, `is_owner`) when the section is built
AND again in every handler, so a stale Home tab cannot be used to teach. The workspace is taken
from the signed payload (Bolt verifies `X-Slack-Signature`), never from a button's value. Every
change is recorded with the Slack user id that approved it (`bot.teaching.changes`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.render.faq_admin import (
    ACTION_DISMISS,
    ACTION_DRAFT_OPEN,
    ACTION_TEACH,
    ACTION_TEACH_PICK,
    ACTION_UNTEACH,
    DRAFT_CALLBACK,
    draft_modal,
    faq_admin_blocks,
)
from bot.render.slack import escape
from bot.runtime import Runtime
from bot.slack.listeners.guard import log_incident, send_safely
from bot.slack.listeners.workspaces import workspace_of
from bot.store.db import StoreError
from bot.store.faq_learning import alternate_history
from bot.store.workspace import Workspace
from bot.teaching import changes
from bot.teaching.lists import miss_report, question_of, review_lists
from faq.drafts import DraftPreview
from faq.errors import EntryError, RenderError, TeachError

__all__ = ["admin_section", "may_teach", "register"]

HomeView = Callable[[Runtime, str, Workspace], dict[str, Any]]
"""Builds the rest of the Home tab (`bot.slack.listeners.home.build_home_view`)."""

_REFUSED = "Only this workspace's admins and owners can teach the FAQ."


def may_teach(client: WebClient, user_id: str) -> bool:
    """Whether `user_id` is an admin or owner of the workspace (`users.info`); False on error."""
    if not user_id:
        return False
    try:
        user = client.users_info(user=user_id).get("user") or {}
    except Exception as exc:  # a Slack error means "not shown", never a crash
        log_incident("users.info", exc)
        return False
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


def admin_section(
    runtime: Runtime, client: WebClient, user_id: str, ws: Workspace, notice: str | None = None
) -> list[dict[str, Any]]:
    """App Home's "Teach the FAQ" blocks for an admin; nothing for anyone else.

    A failure here is logged and leaves the section out: the rest of Home still shows.
    """
    if not may_teach(client, user_id):
        return []
    try:
        lists = review_lists(runtime, ws)
        return faq_admin_blocks(
            miss_report(runtime, ws).groups,
            alternate_history(runtime.db(), ws, include_undone=False, limit=5),
            lists.due,
            lists.voted_down,
            question_of(runtime, ws),
            notice,
        )
    except Exception as exc:
        log_incident("faq_admin_section", exc)
        return []


def _user(body: dict[str, Any]) -> str:
    return str((body.get("user") or {}).get("id") or "")


def _action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions") or [{}]
    return dict(actions[0])


def _teach_group(runtime: Runtime, ws: Workspace, key: str, entry_id: str, by: str) -> str:
    """Teach the representative wording of the miss group `key`; the notice to show."""
    group = next((g for g in miss_report(runtime, ws).groups if g.key == key), None)
    if group is None:
        return "That group is no longer unanswered; nothing was taught."
    taught = changes.teach(runtime, ws, group.representative, entry_id, by, source_miss_key=key)
    return escape(taught.summary(question_of(runtime, ws)))


def _change(runtime: Runtime, ws: Workspace, body: dict[str, Any]) -> str:
    """Carry out the clicked change; the notice to show (one sentence on refusal)."""
    action, by = _action(body), _user(body)
    action_id = str(action.get("action_id"))
    try:
        if action_id == ACTION_TEACH:
            value = json.loads(str(action.get("value") or "{}"))
            return _teach_group(runtime, ws, str(value["key"]), str(value["entry_id"]), by)
        if action_id == ACTION_TEACH_PICK:
            key = str(action.get("block_id") or "").removeprefix("faqm:")
            entry_id = str((action.get("selected_option") or {}).get("value") or "")
            return _teach_group(runtime, ws, key, entry_id, by)
        if action_id == ACTION_DISMISS:
            done = changes.dismiss(runtime, ws, str(action.get("value") or ""), by)
            return "Marked not ours." if done else "That group was already marked not ours."
        if action_id == ACTION_UNTEACH:
            row = changes.unteach(runtime, ws, int(str(action.get("value") or "0")), by)
            if row is None:
                return "That was already undone."
            return f"Undone: “{escape(row.phrasing)}” is no longer taught."
    except (TeachError, StoreError) as exc:
        return escape(str(exc))
    except (ValueError, KeyError, TypeError):
        return "That button was not understood; nothing changed."
    return "Nothing changed."


def _fields(view: dict[str, Any]) -> dict[str, Any]:
    values = (view.get("state") or {}).get("values") or {}
    out: dict[str, Any] = {}
    for block_id, inputs in values.items():
        element = (inputs or {}).get("value") or {}
        if "selected_options" in element:
            out[block_id] = [o["value"] for o in element.get("selected_options") or []]
        else:
            out[block_id] = str(element.get("value") or "")
    return out


def _fingerprint(fields: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:32]


def _field_error(exc: EntryError) -> dict[str, str]:
    """An `EntryError` as `response_action: errors` on the input it names."""
    block = exc.field if exc.field in ("question", "answer", "related", "phrasings") else "answer"
    return {block: str(exc).rsplit(": ", 1)[-1][:150]}


def _preview(runtime: Runtime, body: dict[str, Any], context: BoltContext) -> DraftPreview:
    """The submitted draft, validated and rendered (raises `EntryError` / `RenderError`)."""
    fields = _fields(body.get("view") or {})
    phrasings = [p for p in str(fields.get("phrasings", "")).splitlines() if p.strip()]
    return changes.preview_entry(
        runtime, workspace_of(context), question=str(fields.get("question", "")),
        answer=str(fields.get("answer", "")), owner=_user(body),
        related=list(fields.get("related") or []), phrasings=phrasings,
    )  # fmt: skip


def _check_draft(runtime: Runtime, ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Validate and render in the ack (no Slack call: fast); the first submit previews,
    a second one with the same fields is saved after the ack (`register`'s `save_draft`)."""
    view = body.get("view") or {}
    fields = _fields(view)
    try:
        preview = _preview(runtime, body, context)
    except EntryError as exc:
        ack(response_action="errors", errors=_field_error(exc))
        return
    except RenderError as exc:
        ack(response_action="errors", errors={"answer": str(exc)[:150]})
        return
    stamp = _fingerprint(fields)
    if view.get("private_metadata") == stamp:
        ack(response_action="clear")
        return
    modal = draft_modal(question_of(runtime, workspace_of(context)), preview.rendered.text)
    modal["private_metadata"] = stamp
    modal["submit"] = {"type": "plain_text", "text": "Save"}
    for block in modal["blocks"]:
        value = fields.get(str(block.get("block_id")))
        if block.get("type") == "input" and value:
            key = "initial_value" if isinstance(value, str) else "initial_options"
            if key == "initial_options":
                value = [o for o in block["element"]["options"] if o["value"] in value]
            block["element"][key] = value
    ack(response_action="update", view=modal)


def _save(runtime: Runtime, client: WebClient, body: dict[str, Any],
          context: BoltContext) -> str | None:  # fmt: skip
    """Store a previewed draft if its author may teach; the notice (None after a bug)."""
    user_id, ws = _user(body), workspace_of(context)
    try:
        if not may_teach(client, user_id):
            return _REFUSED
        preview = _preview(runtime, body, context)
        changes.save_entry(runtime, ws, preview, user_id)
    except (StoreError, EntryError, RenderError) as exc:
        return escape(str(exc))
    except Exception as exc:
        log_incident("faq_draft", exc)
        return None
    return f"Saved `{preview.entry.id}`: it answers in this workspace now."


def register(app: App, runtime: Runtime, home_view: HomeView) -> None:
    """Register the teaching buttons and the draft modal; `home_view` builds the rest of Home."""

    def publish(client: WebClient, user_id: str, ws: Workspace, notice: str) -> None:
        view = home_view(runtime, user_id, ws)
        view["blocks"] = [*view["blocks"], *admin_section(runtime, client, user_id, ws, notice)]
        send_safely("views.publish", lambda: client.views_publish(user_id=user_id, view=view))

    def ack_now(ack: Ack) -> None:
        ack()

    def handle_change(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        user_id, ws = _user(body), workspace_of(context)
        try:
            notice = _change(runtime, ws, body) if may_teach(client, user_id) else _REFUSED
            publish(client, user_id, ws, notice)
        except Exception as exc:
            log_incident("faq_teach", exc)

    def handle_draft_open(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        user_id, ws = _user(body), workspace_of(context)
        try:
            if not may_teach(client, user_id):
                publish(client, user_id, ws, _REFUSED)
                return
            modal = draft_modal(question_of(runtime, ws))
            trigger = str(body.get("trigger_id") or "")
            send_safely("views.open", lambda: client.views_open(trigger_id=trigger, view=modal))
        except Exception as exc:
            log_incident("faq_draft_open", exc)

    def save_draft(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """After the ack: check the author may teach, then store the previewed entry."""
        view = body.get("view") or {}
        if view.get("private_metadata") != _fingerprint(_fields(view)):
            return  # a first submit: only previewed
        user_id, ws = _user(body), workspace_of(context)
        notice = _save(runtime, client, body, context)
        if notice is not None:
            publish(client, user_id, ws, notice)

    def check_draft(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        _check_draft(runtime, ack, body, context)

    for action_id in (ACTION_TEACH, ACTION_TEACH_PICK, ACTION_DISMISS, ACTION_UNTEACH):
        app.action(action_id)(ack=ack_now, lazy=[handle_change])
    app.action(ACTION_DRAFT_OPEN)(ack=ack_now, lazy=[handle_draft_open])
    app.view(DRAFT_CALLBACK)(ack=check_draft, lazy=[save_draft])
