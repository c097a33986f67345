"""App Home: how to use the bot, popular models' prices, your recent queries, digest settings.

Every list comes from the viewer's workspace: the models its people asked about most (topped
up with ``POPULAR_MODELS``), the viewer's own queries there, and its digest channels.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

import prices
from bot.render.slack import escape
from bot.runtime import Runtime
from bot.slack.listeners.faq_teach import admin_section
from bot.slack.listeners.guard import log_incident, send_safely
from bot.slack.listeners.workspaces import workspace_of
from bot.store.digests import list_subscriptions
from bot.store.queries import popular_models, recent_queries
from bot.store.workspace import Workspace

__all__ = ["POPULAR_MODELS", "build_home_view", "register"]

#: How far back the workspace's own most-asked models are counted.
POPULAR_WINDOW = timedelta(days=30)

#: The models that fill the Home tab's price table after the workspace's own most asked.
POPULAR_MODELS = (
    "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-5", "gpt-5-mini", "o4-mini",
    "claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-5",
    "gemini-2.5-pro", "gemini-2.5-flash", "deepseek-chat", "mistral-large", "grok-4",
)  # fmt: skip

USAGE = (
    "*How to use tokencost*\n"
    "• `/tokencost gpt-4o 1000 in 500 out x 10k/day`: cost per request, day and month\n"
    "• `/tokencost compare gpt-4o claude-sonnet-4 1k 1k`: cheapest first\n"
    "• `/tokencost count gpt-4o <text>`: tokens in a text (the text is never stored)\n"
    "• `/tokencost price gpt-4o` · `/tokencost models anthropic` · `/tokencost help`\n"
    "• `/tokencost why do output tokens cost more?`: stored answers with live figures\n"
    "• Mention me or send me a DM with the same text; add `share` to post for the channel."
)


def _price_table(catalog: prices.Catalog, asked: list[str]) -> str:
    lines = [f"{'model':<20} {'input':>9} {'cached':>9} {'output':>9}"]
    shown: set[str] = set()
    for name in (*asked, *POPULAR_MODELS):
        model = catalog.find(name)
        if model is None or model.id in shown or len(shown) >= len(POPULAR_MODELS):
            continue
        shown.add(model.id)
        rates = model.current
        cached = rates.cached_input_per_mtok
        lines.append(
            f"{model.id[:20]:<20} {prices.format_usd(rates.input_per_mtok):>9} "
            f"{prices.format_usd(cached) if cached is not None else '-':>9} "
            f"{prices.format_usd(rates.output_per_mtok):>9}"
        )
    return "```" + "\n".join(lines) + "```"


def build_home_view(runtime: Runtime, user_id: str, ws: Workspace) -> dict[str, Any]:
    """The Home tab for one person in one workspace (a `views.publish` view, <= 100 blocks)."""
    catalog = runtime.catalog
    db = runtime.db()
    asked = popular_models(db, ws, runtime.clock() - POPULAR_WINDOW, limit=len(POPULAR_MODELS))
    recent = recent_queries(db, ws, user_id=user_id, limit=5)
    recent_lines = [
        f"• {q.created_utc:%Y-%m-%d %H:%M} UTC · {q.kind}"
        + (f" · {escape(q.model)}" if q.model else "")
        + (f" · {prices.format_usd(q.cost_usd)}" if q.cost_usd is not None else "")
        for q in recent
    ]
    subs = list_subscriptions(db, ws, enabled_only=False)
    sub_lines = [
        f"• <#{s.channel_id}> at {s.local_time} {s.timezone}"
        if s.enabled
        else f"• <#{s.channel_id}>: paused: Slack says `{escape(s.paused_reason or '')}`"
        " (invite me there and type `/tokencost digest on` in it)"
        for s in subs
        if s.enabled or s.paused_reason
    ]
    return {
        "type": "home",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "tokencost"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": USAGE}},
            {"type": "divider"},
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": (
                        ("*Most asked here*" if asked else "*Popular models*")
                        + f", USD per million tokens (checked {catalog.as_of:%Y-%m-%d})\n"
                        + _price_table(catalog, asked)
                    ),
                },
            },
            {"type": "divider"},
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*Your recent queries*\n"
                    + ("\n".join(recent_lines) or "_None yet. Try `/tokencost help`._"),
                },
            },
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": "*Daily digest*\n"
                    + (
                        "\n".join(sub_lines)
                        or "_No channel gets the digest. Subscribe one with_ "
                        "`/tokencost digest on #channel at 09:00 Europe/Berlin`."
                    ),
                },
            },
        ],
    }


def register(app: App, runtime: Runtime) -> None:
    """Register the App Home listener."""

    def handle_app_home_opened(
        event: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        if event.get("tab") != "home":
            return
        user_id = str(event.get("user") or "")
        try:
            ws = workspace_of(context)
            view = build_home_view(runtime, user_id, ws)
            view["blocks"] += admin_section(runtime, client, user_id, ws)  # admins only
        except Exception as exc:
            log_incident("app_home", exc)
            return
        send_safely("views.publish", lambda: client.views_publish(user_id=user_id, view=view))

    def ack_event(ack: Ack) -> None:
        ack()

    # views.publish runs after the ack (a lazy listener): it may be slow or rate-limited.
    app.event("app_home_opened")(ack=ack_event, lazy=[handle_app_home_opened])
