"""`build_app`: the Bolt app, with every listener registered. No import-time side effects."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.middleware.request_verification import RequestVerification
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.state_store import OAuthStateStore
from slack_sdk.oauth.state_store.sqlite3 import SQLite3OAuthStateStore
from slack_sdk.signature import Clock, SignatureVerifier

from bot.installations import installation_store
from bot.oauth_store import DatabaseOAuthStateStore
from bot.runtime import Runtime
from bot.slack.listeners import register_listeners
from bot.slack.listeners.guard import log_incident
from bot.slack.server import BUSY_RETRY_AFTER_S
from bot.store.db import is_busy_error
from bot.webapi import ShortRateLimitRetryHandler, web_client

__all__ = ["BOT_SCOPES", "build_app", "build_client"]

log = logging.getLogger("tokencost.slack")

#: Bot scopes the manifest asks for; OAuth installs request the same.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "app_mentions:read",
    "im:history",
    "channels:read",
    "groups:read",
    "channels:history",  # the digest's crash recovery looks for its own message
    "groups:history",
    "files:write",  # the digest's chart (files_upload_v2)
    "assistant:write",  # the assistant split view (suggested prompts, thread titles)
)


LISTENER_MAX_WAIT_S = 10
"""Longest Retry-After a listener waits out before retrying; longer ones fail (and are logged)."""


class _RuntimeClock(Clock):
    """Signature freshness (the 5-minute replay window) measured on the runtime's clock."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def now(self) -> float:
        return self.runtime.clock().timestamp()


def _pin_verification_clock(app: App, signing_secret: str, runtime: Runtime) -> None:
    """Make Bolt's own signature check (which runs first, before any auth.test call) measure
    the replay window on the runtime's clock, so tests can pin time. Bolt has no public hook
    for the verifier's clock, hence the private attributes."""
    for middleware in app._middleware_list:  # private: no public accessor (bolt 1.30)
        if isinstance(middleware, RequestVerification):
            middleware._verifier = SignatureVerifier(signing_secret, clock=_RuntimeClock(runtime))


def build_client(runtime: Runtime, token: str | None = None) -> WebClient:
    """A Web API client honouring `SLACK_API_URL`, retrying short rate limits (429).

    Listeners call Slack only after the ack (lazy listeners), so a retry never delays an HTTP
    answer; a 429 asking for more than `LISTENER_MAX_WAIT_S` fails at once rather than hold a
    worker thread."""
    retry = ShortRateLimitRetryHandler(LISTENER_MAX_WAIT_S)
    return web_client(runtime.settings, token, retry_handler=retry)


def build_app(runtime: Runtime, client: WebClient | None = None) -> App:
    """Create the Bolt app for the runtime's settings (single workspace or OAuth).

    Bolt copies `base_url` and retry handlers from `client` into every per-request client,
    so the fake Web API in tests and `SLACK_API_URL` in production reach every listener.
    """
    settings = runtime.settings
    client = client or build_client(runtime)
    kwargs: dict[str, Any] = {
        "client": client,
        "signing_secret": settings.signing_secret,
        "token_verification_enabled": False,  # no auth.test call at build time
        "logger": logging.getLogger("tokencost.bolt"),
        # Every ack function answers in well under a millisecond of CPU and hands the query
        # log to a background writer, so it runs in the request thread and the HTTP response
        # leaves as soon as it returns. Bolt's default (listener in a pool, the request thread
        # polling for ack() every 10 ms) held each request for >= 10 ms: bench/ack.py
        # measured p99 14 ms -> 3 ms paced, 121 ms -> 100 ms saturated. Anything that calls
        # Slack (respond(), say(), views.publish, conversations.*) is a lazy listener, run
        # in Bolt's thread pool after the ack, so it never holds the 3-second window.
        "process_before_response": True,
    }
    if settings.oauth:
        state_store: OAuthStateStore
        if settings.database_url is None:
            state_store = SQLite3OAuthStateStore(database=str(settings.db_path),
                                                 expiration_seconds=600)  # fmt: skip
        else:
            state_store = DatabaseOAuthStateStore(runtime.db, expiration_seconds=600)
        kwargs["oauth_settings"] = OAuthSettings(
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            scopes=list(BOT_SCOPES),
            installation_store=installation_store(runtime),
            state_store=state_store,
        )
    else:
        kwargs["token"] = settings.bot_token
    app = App(**kwargs)
    # OAuth: Bolt calls auth.test on every request, inside the 3-second window, unless its
    # cache is on (slack-facts §9); results are cached per bot token, so a new install or a
    # rotated token is checked again. No public switch with oauth_settings, hence private.
    authorize = getattr(app, "_authorize", None)
    if isinstance(authorize, InstallationStoreAuthorize):
        authorize.cache_enabled = True
    if settings.signing_secret:
        _pin_verification_clock(app, settings.signing_secret, runtime)

    def handle_error(error: Exception, body: dict[str, Any]) -> BoltResponse | None:
        """The last net: a listener let an exception out. Log it; never echo it to Slack.

        A store that stayed locked is 503 with Retry-After (Slack retries events later), not
        a bug; anything else keeps Bolt's 500 and gets an incident ref in the log."""
        if is_busy_error(error):
            log.warning("database busy; answered 503 to %s", body.get("type") or "?")
            return BoltResponse(status=503, body="",
                                headers={"Retry-After": str(BUSY_RETRY_AFTER_S)})  # fmt: skip
        log_incident(f"bolt:{body.get('type') or body.get('command') or '?'}", error)
        return None

    app.error(handle_error)
    register_listeners(app, runtime)
    return app
