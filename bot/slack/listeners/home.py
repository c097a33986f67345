"""App Home: how to use the bot, popular models' prices, your recent queries, digest settings."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

import prices
from bot.runtime import Runtime
from bot.slack.listeners.guard import log_incident, send_safely
from bot.store.digests import list_subscriptions
from bot.store.queries import recent_queries

__all__ = ["POPULAR_MODELS", "build_home_view", "register"]

#: The models shown in the Home tab's price table, when the catalog has them.
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


def _mrkdwn_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _price_table(catalog: prices.Catalog) -> str:
    lines = [f"{'model':<20} {'input':>9} {'cached':>9} {'output':>9}"]
    for name in POPULAR_MODELS:
        model = catalog.find(name)
        if model is None:
            continue
        rates = model.current
        cached = rates.cached_input_per_mtok
        lines.append(
            f"{model.id[:20]:<20} {prices.format_usd(rates.input_per_mtok):>9} "
            f"{prices.format_usd(cached) if cached is not None else '-':>9} "
            f"{prices.format_usd(rates.output_per_mtok):>9}"
        )
    return "```" + "\n".join(lines) + "```"


def build_home_view(runtime: Runtime, user_id: str, team_id: str | None) -> dict[str, Any]:
    """The Home tab for one person (a `views.publish` view, at most 100 blocks)."""
    catalog = runtime.catalog
    db = runtime.db()
    recent = recent_queries(db, user_id=user_id, limit=5)
    recent_lines = [
        f"• {q.created_utc:%Y-%m-%d %H:%M} UTC · {q.kind}"
        + (f" · {_mrkdwn_escape(q.model)}" if q.model else "")
        + (f" · {prices.format_usd(q.cost_usd)}" if q.cost_usd is not None else "")
        for q in recent
    ]
    subs = list_subscriptions(db, team_id=team_id, enabled_only=False)
    sub_lines = [
        f"• <#{s.channel_id}> at {s.local_time} {s.timezone}"
        if s.enabled
        else f"• <#{s.channel_id}>: paused: Slack says `{_mrkdwn_escape(s.paused_reason or '')}`"
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
                        "*Popular models*, USD per million tokens "
                        f"(checked {catalog.as_of:%Y-%m-%d})\n" + _price_table(catalog)
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

    def handle_app_home_opened(event: dict[str, Any], client: WebClient, context: Any) -> None:
        if event.get("tab") != "home":
            return
        user_id = str(event.get("user") or "")
        try:
            view = build_home_view(runtime, user_id, getattr(context, "team_id", None))
        except Exception as exc:
            log_incident("app_home", exc)
            return
        send_safely("views.publish", lambda: client.views_publish(user_id=user_id, view=view))

    def ack_event(ack: Ack) -> None:
        ack()

    # views.publish runs after the ack (a lazy listener): it may be slow or rate-limited.
    app.event("app_home_opened")(ack=ack_event, lazy=[handle_app_home_opened])
