"""The assistant surface (Slack's AI app split view), served by Bolt's `Assistant` middleware.

- A new assistant thread gets a greeting and suggested prompts
  (`assistant.threads.setSuggestedPrompts`).
- A message in the thread is answered there by `bot.pipeline.answer`, like a DM: the thread is
  titled after the first question (`assistant.threads.setTitle`) and shows a status while the
  answer is computed (`assistant.threads.setStatus`). FAQ answers carry Slack's feedback
  buttons (`feedback_buttons`), stored as FAQ votes (`bot.slack.listeners.actions`).
- Context changes (the user switched channel beside the thread) are saved after the ack.

Every Slack call happens in a lazy listener, after the ack; nothing here holds the 3 s window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import (
    App,
    Assistant,
    BoltContext,
    BoltRequest,
    BoltResponse,
    Say,
    SetStatus,
    SetSuggestedPrompts,
    SetTitle,
)
from slack_bolt.context.save_thread_context import SaveThreadContext

from bot.pipeline import Asker, answer, log_reply
from bot.render.slack import cut, unescape_incoming
from bot.runtime import Runtime
from bot.slack.decorate import feedback_block
from bot.slack.listeners.guard import apology, log_incident, send_safely
from bot.slack.listeners.workspaces import workspace_of

__all__ = ["GREETING", "SUGGESTED_PROMPTS", "build_assistant", "register"]

GREETING = (
    "Hi! Ask what an LLM call costs (`gpt-4o 1000 in 500 out x 10k/day`), compare models, "
    "or ask a pricing question."
)
SUGGESTED_PROMPTS = (
    {"title": "Price a workload", "message": "What would 10k requests/day on gpt-4o cost?"},
    {"title": "Why output costs more", "message": "Why do output tokens cost more?"},
    {"title": "Compare two models", "message": "compare gpt-4o claude-sonnet-4-5 1k 1k"},
)
TITLE_CHARS = 60


def _noop() -> None:
    """The ack half: Bolt acks assistant events itself; the work is in the lazy half."""


class EventsOnlyAssistant(Assistant):
    """Bolt's `Assistant`, passing anything that is not an event straight on.

    Assistant threads only ever deliver Events API payloads, but `Assistant.process` runs its
    listeners' matchers (each with Bolt's keyword-argument injection) on every request: three
    matcher calls on every slash command, about a tenth of a command's CPU (issue 15)."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        if not isinstance(body, dict) or body.get("type") != "event_callback":
            return next()
        result: BoltResponse | None = super().process(req=req, resp=resp, next=next)
        return result


def build_assistant(runtime: Runtime) -> Assistant:
    """The `Assistant` middleware for `runtime`."""
    assistant = EventsOnlyAssistant()

    def handle_thread_started(say: Say, set_suggested_prompts: SetSuggestedPrompts) -> None:
        send_safely("assistant greeting", lambda: say(GREETING))
        send_safely("assistant prompts",
                    lambda: set_suggested_prompts(prompts=list(SUGGESTED_PROMPTS),
                                                  title="Try one of these"))  # fmt: skip

    def handle_context_changed(
        payload: dict[str, Any], save_thread_context: SaveThreadContext
    ) -> None:
        thread = payload.get("assistant_thread") or {}
        send_safely("assistant context", lambda: save_thread_context(thread.get("context") or {}))

    def handle_user_message(payload: dict[str, Any], say: Say, set_title: SetTitle,
                            set_status: SetStatus, context: BoltContext) -> None:  # fmt: skip
        text = unescape_incoming(str(payload.get("text") or "")).strip()
        if not text:
            return
        send_safely("assistant title", lambda: set_title(cut(" ".join(text.split()), TITLE_CHARS)))
        send_safely("assistant status", lambda: set_status("is working out the cost..."))
        asker = Asker(surface="assistant", workspace=workspace_of(context),
                      channel_id=payload.get("channel"), user_id=payload.get("user"))  # fmt: skip
        try:
            answered = answer(runtime, text, asker)
            blocks = list(answered.blocks)
            if answered.kind == "faq" and answered.data.get("id") and len(blocks) < 50:
                blocks.append(feedback_block(str(answered.data["id"])))
            message: dict[str, Any] = {"text": answered.mrkdwn or answered.text, "blocks": blocks}
        except Exception as exc:
            answered, message = None, {"text": apology(log_incident("assistant", exc))}
        send_safely("assistant reply", lambda: say(**message))
        if answered is not None:
            log_reply(runtime, answered)

    assistant.thread_started(lazy=[handle_thread_started])(_noop)
    assistant.thread_context_changed(lazy=[handle_context_changed])(_noop)
    assistant.user_message(lazy=[handle_user_message])(_noop)
    return assistant


def register(app: App, runtime: Runtime) -> None:
    """Install the assistant middleware (after the retry dedupe in `messages`)."""
    app.use(build_assistant(runtime))
