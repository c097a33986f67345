"""Posting digests exactly once, and the clock that does it every minute.

Exactly once, case by case:

- Two clocks at once: each (channel, day) is claimed in ``digests`` by one atomic upsert under
  ``BEGIN IMMEDIATE`` (``bot.store.digests.claim_digest``); only the winner builds and posts.
- A restart, or the next day's ticks: a ``posted`` or ``skipped`` row is never claimed again.
- Slack 429: the client's ``RateLimitErrorRetryHandler`` waits ``Retry-After`` and retries; that
  is safe because a rate-limited request did nothing.
- Slack 5xx, ``internal_error``-style answers, timeouts and dropped connections are ambiguous:
  the message may have been stored. So there is no blind HTTP-level retry. We back off, look
  for our own message (below), and post again only if it is not there. A digest still failing
  is marked ``failed`` and the next tick retries it (``claim_digest`` allows up to 5 attempts).
- A crash between Slack accepting the post and ``mark_digest_posted``: the row stays
  ``claimed``. When its lease ends (``DIGEST_LEASE``, 10 minutes) a tick reclaims it with
  ``attempts`` > 1. Every post carries Slack message metadata
  (``event_type: tokencost_digest``, payload ``client_msg_id``: a UUID fixed per channel and
  day), so before posting again a reclaimed digest reads ``conversations.history`` with
  ``include_all_metadata`` and, finding its message, records that ``ts`` as ``posted`` instead
  of posting twice. The first attempt (``attempts == 1``) cannot have posted, so it skips the
  lookup. If the lookup itself fails (no ``channels:history`` scope, not in the channel) we
  refuse to guess: the digest is marked ``failed`` rather than risk a duplicate.

Each workspace's digests are posted with its own bot token: the loops below ask ``clients(ws)``
(``bot.installations.WorkspaceClients``) for a client and skip, with a log line, a
workspace that has none (uninstalled, token revoked).

Residual risk: a single post that takes longer than the lease (10 minutes, far above our
retry budget of about a minute) could overlap a reclaiming clock.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.digest.build import build_digest
from bot.digest.render import render_digest
from bot.render.slack import escape
from bot.render.slack import message as slack_message
from bot.runtime import Runtime
from bot.store.digests import (
    DigestClaim,
    DigestSubscription,
    claim_digest,
    due_digests,
    list_subscriptions,
    mark_digest_failed,
    mark_digest_posted,
    mark_digest_skipped,
    subscribed_workspaces,
)
from bot.store.usage import local_midnight
from bot.store.workspace import Workspace
from bot.webapi import web_client

__all__ = [
    "METADATA_EVENT",
    "Clients",
    "PostOutcome",
    "build_post_client",
    "find_posted_digest",
    "new_clock_id",
    "post_digest",
    "post_due_digests",
    "send_digest_message",
    "send_digests",
]

log = logging.getLogger("tokencost.digest")

METADATA_EVENT = "tokencost_digest"
"""Slack message-metadata ``event_type`` on every digest we post."""
BACKOFF_S = (2.0, 8.0)
"""Waits before the second and third post attempts within one tick, in seconds."""
_TRANSIENT = {"internal_error", "fatal_error", "service_unavailable", "request_timeout",
              "ratelimited"}  # fmt: skip
_HISTORY_PAGES = 10

Sleep = Callable[[float], object]
"""Waits a number of seconds (``time.sleep``; tests pass a recorder)."""
Clients = Callable[[Workspace], WebClient | None]
"""The client posting for a workspace with its own bot token; None: do not post to it."""


@dataclass(frozen=True)
class PostOutcome:
    """What happened to one (channel, day) digest."""

    channel_id: str
    day: date
    status: str
    """``posted``; ``recovered`` (found already posted); ``skipped`` (nothing to report);
    ``failed`` (retried next tick); ``held`` (another clock has it, or it is done);
    ``preview`` (dry run, nothing claimed); ``no_token`` (the workspace uninstalled the app or
    has no installation: not posted)."""
    message_ts: str | None = None
    error: str | None = None
    text: str | None = None
    """The text fallback, for dry runs."""


def new_clock_id() -> str:
    """An id for this clock process: host, pid and a random part (shown in ``digests``)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def build_post_client(runtime: Runtime, token: str | None = None) -> WebClient:
    """A Web API client for posting (with ``token``, else ``SLACK_BOT_TOKEN``): honours
    ``SLACK_API_URL``; retries 429 only (see above)."""
    return web_client(runtime.settings, token, rate_limit_retries=3)


def find_posted_digest(
    client: WebClient, channel_id: str, client_msg_id: str, oldest: datetime
) -> str | None:
    """Return the ``ts`` of our digest with this ``client_msg_id`` in the channel, or None.

    Raises ``SlackClientError`` when the history cannot be read (we then must not post).
    """
    cursor: str | None = None
    for _ in range(_HISTORY_PAGES):
        response = client.conversations_history(
            channel=channel_id, oldest=f"{oldest.timestamp():.6f}", limit=200,
            include_all_metadata=True, cursor=cursor,
        )  # fmt: skip
        for message in response.get("messages") or []:
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if (
                metadata.get("event_type") == METADATA_EVENT
                and payload.get("client_msg_id") == client_msg_id
            ):
                return str(message["ts"])
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return None
    return None


def _transient(exc: Exception) -> bool:
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        return status >= 500 or status == 429 or exc.response.get("error") in _TRANSIENT
    return isinstance(exc, OSError | SlackClientError)  # timeouts, resets, URLError


def send_digest_message(
    client: WebClient, claim: DigestClaim, text: str, blocks: list[dict[str, Any]]
) -> str:
    """Post the digest once, with the metadata that identifies it; return the message ``ts``.

    ``text`` is the plain fallback from ``render_digest``: it is escaped here, so a tag or a
    question such as ``<!channel>`` cannot ping anyone.
    """
    response = client.chat_postMessage(
        channel=claim.channel_id,
        **slack_message(escape(text), blocks),
        metadata={
            "event_type": METADATA_EVENT,
            "event_payload": {"client_msg_id": claim.client_msg_id, "day": claim.day.isoformat()},
        },
        unfurl_links=False,
        unfurl_media=False,
    )
    return str(response["ts"])


def _post_with_retries(
    client: WebClient,
    claim: DigestClaim,
    message: tuple[str, list[dict[str, Any]]],
    oldest: datetime,
    sleep: Sleep,
) -> str:
    last: Exception | None = None
    for attempt in range(len(BACKOFF_S) + 1):
        if attempt:
            sleep(BACKOFF_S[attempt - 1])
            # The failed attempt may have reached Slack: look before posting again.
            found = find_posted_digest(client, claim.channel_id, claim.client_msg_id, oldest)
            if found:
                return found
        try:
            return send_digest_message(client, claim, *message)
        except (SlackClientError, OSError) as exc:
            if not _transient(exc):
                raise
            last = exc
            log.warning("digest %s %s attempt failed: %s", claim.channel_id, claim.day, exc)
    raise last if last is not None else RuntimeError("no post attempt was made")


def _reason(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return f"slack: {exc.response.get('error')} (HTTP {exc.response.status_code})"
    return re.sub(r"\s+", " ", f"{type(exc).__name__}: {exc}")[:200]


def post_digest(
    runtime: Runtime,
    client: WebClient,
    subscription: DigestSubscription,
    day: date,
    now: datetime,
    clock_id: str,
    sleep: Sleep = time.sleep,
) -> PostOutcome:
    """Claim, build and post one (channel, day) digest exactly once; never raises."""
    db = runtime.db()
    channel = subscription.channel_id
    claim = claim_digest(db, subscription.workspace, channel, day, clock_id, now)
    if claim is None:
        return PostOutcome(channel, day, "held")
    oldest = max(local_midnight(day, subscription.zone), now - timedelta(days=8))
    try:
        if claim.attempts > 1:
            found = find_posted_digest(client, channel, claim.client_msg_id, oldest)
            if found:
                mark_digest_posted(db, claim, found, runtime.clock())
                return PostOutcome(channel, day, "recovered", message_ts=found)
        digest = build_digest(db, subscription.workspace, runtime.catalog, day,
                              subscription.zone, now)  # fmt: skip
        if digest is None:
            mark_digest_skipped(db, claim, "nothing to report", runtime.clock())
            return PostOutcome(channel, day, "skipped")
        ts = _post_with_retries(client, claim, render_digest(digest), oldest, sleep)
    except Exception as exc:  # any failure: record it, retry next tick, keep the clock alive
        if not isinstance(exc, SlackClientError | OSError):
            log.exception("digest %s %s failed", channel, day)
        reason = _reason(exc)
        mark_digest_failed(db, claim, reason)
        return PostOutcome(channel, day, "failed", error=reason)
    mark_digest_posted(db, claim, ts, runtime.clock())
    return PostOutcome(channel, day, "posted", message_ts=ts)


def post_due_digests(
    runtime: Runtime,
    clients: Clients,
    now: datetime,
    clock_id: str | None = None,
    sleep: Sleep = time.sleep,
) -> list[PostOutcome]:
    """The clock tick: post every subscription whose local time has passed today, once, each
    with its workspace's own token."""
    clock_id = clock_id or new_clock_id()
    outcomes = []
    for ws in subscribed_workspaces(runtime.db()):
        due = due_digests(runtime.db(), ws, now)
        client = clients(ws) if due else None
        if client is None:
            continue  # nothing due, or not posted to (``clients`` logged why)
        outcomes += [post_digest(runtime, client, d.subscription, d.day, now, clock_id, sleep)
                     for d in due]  # fmt: skip
    return outcomes


def send_digests(
    runtime: Runtime,
    clients: Clients | None,
    now: datetime,
    day: date | None = None,
    dry_run: bool = False,
    clock_id: str | None = None,
    workspaces: list[Workspace] | None = None,
) -> list[PostOutcome]:
    """``tokencost digest send``: every subscribed channel now (of ``workspaces``, default all),
    for ``day`` (default yesterday in each channel's timezone), each with its workspace's own
    token. A dry run builds and renders only: nothing is claimed or sent.
    """
    clock_id = clock_id or new_clock_id()
    outcomes = []
    subscriptions = [s for ws in (workspaces or subscribed_workspaces(runtime.db()))
                     for s in list_subscriptions(runtime.db(), ws)]  # fmt: skip
    posting = clients is not None and not dry_run
    client_of: dict[Workspace, WebClient | None] = {}
    for subscription in subscriptions:
        ws = subscription.workspace
        local_day = day or now.astimezone(subscription.zone).date() - timedelta(days=1)
        if posting and clients is not None and ws not in client_of:
            client_of[ws] = clients(ws)
        client = client_of.get(ws)
        if posting and client is None:
            outcomes.append(PostOutcome(subscription.channel_id, local_day, "no_token",
                                        error=f"no bot token for workspace {ws}"))  # fmt: skip
        elif client is None:
            digest = build_digest(runtime.db(), ws, runtime.catalog, local_day,
                                  subscription.zone, now)  # fmt: skip
            text = render_digest(digest)[0] if digest else None
            status = "preview" if digest else "skipped"
            outcomes.append(PostOutcome(subscription.channel_id, local_day, status, text=text))
        else:
            outcomes.append(post_digest(runtime, client, subscription, local_day, now, clock_id))
    return outcomes
