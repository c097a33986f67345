"""Posting digests exactly once, and the clock that does it every minute.

Exactly once, case by case:

- Two clocks at once: each (channel, day) is claimed in ``digests`` by one atomic upsert under
  ``BEGIN IMMEDIATE`` (``bot.store.digests.claim_digest``); only the winner builds and posts.
- A restart, or the next day's ticks: a ``posted`` or ``skipped`` row is never claimed again.
- Slack 429: a short ``Retry-After`` (at most ``INLINE_RATE_LIMIT_S``) is waited out by the
  client; a longer one gives up the tick at once (the clock never sleeps on it): the digest is
  marked ``failed`` with ``not_before`` = now + Retry-After, the attempt is not counted (a
  rate-limited request did nothing), and a tick after that time posts it.
- Slack 5xx and ``internal_error``-style answers are ambiguous: the message may have been
  stored. So there is no blind HTTP-level retry. We back off, look for our own message
  (below), and post again only if it is not there.
- No answer at all (the client timed out, the connection dropped): the request may still be
  on its way, and a look-up now could miss a message that lands a second later and post it
  twice. So the tick gives up on it and the digest waits ``SETTLE`` (longer than the client
  timeout) before a later tick looks for it and, only if absent, posts again.
- A digest still failing is marked ``failed`` and a later tick retries it (``claim_digest``
  allows up to 5 attempts).
- A channel Slack refuses (``not_in_channel``, ``channel_not_found``, ``is_archived``) is not
  retried: its subscription is paused with the reason (App Home shows it) and a warning logged.
- Before every attempt the clock renews its lease (``renew_digest_claim``): a second clock
  cannot take over a digest whose clock is still posting, and a clock that lost its claim
  stops before posting.
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

Residual risk: a single post that takes longer than the lease (10 minutes) could overlap a
reclaiming clock; the client timeout (``POST_TIMEOUT_S``, 30 s) keeps every attempt far shorter.
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
from bot.digest.chart_post import post_digest_chart
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
    pause_subscription,
    renew_digest_claim,
    subscribed_workspaces,
)
from bot.store.usage import local_midnight
from bot.store.workspace import Workspace
from bot.webapi import CANNOT_POST, ShortRateLimitRetryHandler, retry_after_s, web_client

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
POST_TIMEOUT_S = 30
"""Seconds the client waits for one Web API answer."""
INLINE_RATE_LIMIT_S = 5
"""The longest Retry-After the client waits out inside a tick; longer ones end the attempt."""
SETTLE = timedelta(seconds=120)
"""After a post that got no answer, how long before looking for it (and maybe posting again).
Longer than ``POST_TIMEOUT_S``, so the first attempt has landed or never will."""
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
    ``failed`` (retried by a later tick); ``paused`` (Slack refuses the channel: not retried);
    ``held`` (another clock has it, or it is done); ``preview`` (dry run, nothing claimed);
    ``no_token`` (the workspace uninstalled the app or has no installation: not posted)."""
    message_ts: str | None = None
    error: str | None = None
    text: str | None = None
    """The text fallback, for dry runs."""
    chart: str | None = None
    """For a fresh post: the chart's ``ChartOutcome.status`` (``uploaded``, ``skipped``,
    ``failed``); None otherwise (a recovered digest may already have its chart)."""


def new_clock_id() -> str:
    """An id for this clock process: host, pid and a random part (shown in ``digests``)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def build_post_client(
    runtime: Runtime, token: str | None = None, timeout: int = POST_TIMEOUT_S
) -> WebClient:
    """A Web API client for posting (with ``token``, else ``SLACK_BOT_TOKEN``): honours
    ``SLACK_API_URL``; retries short 429s only (see above)."""
    retry = ShortRateLimitRetryHandler(INLINE_RATE_LIMIT_S, max_retry_count=2)
    return web_client(runtime.settings, token, timeout=timeout, retry_handler=retry)


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


class _Later(Exception):
    """Give up this tick: retry no earlier than ``not_before``."""

    def __init__(self, reason: str, not_before: datetime, refund: bool) -> None:
        super().__init__(reason)
        self.reason, self.not_before, self.refund = reason, not_before, refund


class _ClaimLost(Exception):
    """Another clock holds the digest now: do not post."""


def _transient(exc: SlackApiError) -> bool:
    """A Slack answer that failed but may succeed on a second try within the tick."""
    return exc.response.status_code >= 500 or exc.response.get("error") in _TRANSIENT


def _renew(runtime: Runtime, claim: DigestClaim) -> None:
    if not renew_digest_claim(runtime.db(), claim, runtime.clock()):
        raise _ClaimLost


def _attempt(runtime: Runtime, client: WebClient, claim: DigestClaim,
             message: tuple[str, list[dict[str, Any]]]) -> str:  # fmt: skip
    """One post; a rate limit or a missing answer becomes `_Later` (no retry in this tick)."""
    _renew(runtime, claim)
    try:
        return send_digest_message(client, claim, *message)
    except SlackApiError as exc:
        wait = retry_after_s(exc)
        if wait is None:
            raise
        reason = f"slack: rate limited, Retry-After {wait} s"
        raise _Later(reason, runtime.clock() + timedelta(seconds=wait), refund=True) from exc
    except (SlackClientError, OSError) as exc:  # no answer: the post may still land
        reason = f"no answer from Slack ({_reason(exc)}); looking again after {SETTLE}"
        raise _Later(reason, runtime.clock() + SETTLE, refund=False) from exc


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
    runtime: Runtime,
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
            _renew(runtime, claim)
            found = find_posted_digest(client, claim.channel_id, claim.client_msg_id, oldest)
            if found:
                return found
        try:
            return _attempt(runtime, client, claim, message)
        except SlackApiError as exc:
            if not _transient(exc):
                raise
            last = exc
            log.warning("digest %s %s attempt failed: %s", claim.channel_id, claim.day,
                        _reason(exc))  # fmt: skip
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
        ts = _post_with_retries(runtime, client, claim, render_digest(digest), oldest, sleep)
    except _ClaimLost:
        log.warning("digest %s %s: another clock took the claim; not posting", channel, day)
        return PostOutcome(channel, day, "held")
    except _Later as exc:
        mark_digest_failed(db, claim, exc.reason, exc.not_before, refund=exc.refund)
        log.warning("digest %s %s: %s; retrying after %s", channel, day, exc.reason,
                    exc.not_before.isoformat(timespec="seconds"))  # fmt: skip
        return PostOutcome(channel, day, "failed", error=exc.reason)
    except SlackApiError as exc:
        if exc.response.get("error") not in CANNOT_POST:
            return _failed(runtime, claim, exc)
        reason = _reason(exc)
        mark_digest_failed(db, claim, reason)
        pause_subscription(
            db, claim.workspace, channel, str(exc.response.get("error")), runtime.clock()
        )
        log.warning("digest %s: Slack refuses posts there (%s); paused until `digest on` is "
                    "typed in the channel", channel, reason)  # fmt: skip
        return PostOutcome(channel, day, "paused", error=reason)
    except Exception as exc:  # any failure: record it, retry next tick, keep the clock alive
        return _failed(runtime, claim, exc)
    mark_digest_posted(db, claim, ts, runtime.clock())
    # Best effort, after the digest is recorded: a failed chart never re-posts the digest.
    chart = post_digest_chart(client, db, subscription.workspace, channel, ts, day,
                              subscription.zone)  # fmt: skip
    return PostOutcome(channel, day, "posted", message_ts=ts, chart=chart.status)


def _failed(runtime: Runtime, claim: DigestClaim, exc: Exception) -> PostOutcome:
    """Record a failed attempt (retried by a later tick) and say so."""
    channel, day = claim.channel_id, claim.day
    if not isinstance(exc, SlackClientError | OSError):
        log.exception("digest %s %s failed", channel, day)
    reason = _reason(exc)
    mark_digest_failed(runtime.db(), claim, reason)
    return PostOutcome(channel, day, "failed", error=reason)


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
