"""Digest subscriptions and the exactly-once claim on each (channel, day) digest.

A digest row moves ``claimed -> posted | failed | skipped``. ``day`` is the local calendar day
the digest reports on (yesterday, for a morning digest). Posting is guarded by a lease:

- ``claim_digest`` atomically creates or takes over the row. It wins only when there is no row,
  the row ``failed`` (retried on the next tick, up to ``max_attempts``), or a ``claimed`` lease
  is older than ``lease`` (its clock crashed). A ``posted`` or ``skipped`` row is never claimed.
- The winner posts, then ``mark_digest_posted`` / ``mark_digest_failed`` /
  ``mark_digest_skipped``; these only succeed for the holder of the claim.
- While posting, the holder renews its lease (``renew_digest_claim``) before every attempt,
  so a second clock cannot take a claim whose holder is still at work.
- A failure may carry ``not_before``: a post that timed out (it may still land) or a rate
  limit waits until then, and no clock claims the row earlier.
- A channel that cannot be posted to is paused (``pause_subscription``) with its reason, shown
  in App Home, until ``digest on`` is typed there again.

Subscriptions and claims belong to a workspace: a channel id is only ever looked up among the
asking workspace's own subscriptions, so another workspace's channel reads as unknown (and a
Slack Connect channel shared by two workspaces can get each one's digest).

Known limit: a clock that dies after Slack accepted the message but before it marked the row
``posted`` leaves a stale claim, which is posted again once the lease ends. Keep the lease much
longer than a post with retries takes.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.store.database import Database
from bot.store.db import StoreError, format_utc, immediate_transaction, parse_utc
from bot.store.workspace import SCOPE, Workspace

__all__ = [
    "DIGEST_LEASE",
    "DigestClaim",
    "DigestRecord",
    "DigestSubscription",
    "DueDigest",
    "claim_digest",
    "disable_subscription",
    "due_digests",
    "get_digest",
    "get_subscription",
    "list_subscriptions",
    "mark_digest_failed",
    "mark_digest_posted",
    "mark_digest_skipped",
    "pause_subscription",
    "renew_digest_claim",
    "set_subscription",
    "subscribed_workspaces",
]

DIGEST_LEASE = timedelta(minutes=10)
"""How long a claim blocks other clocks before it counts as abandoned."""

_LOCAL_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class DigestSubscription:
    """A channel that gets the daily digest."""

    workspace: Workspace
    """Whose subscription it is (the digest reports that workspace's data, with its token)."""
    channel_id: str
    local_time: str
    """``HH:MM``, 24-hour, in ``timezone``."""
    timezone: str
    """IANA name, e.g. ``Europe/Berlin``."""
    enabled: bool
    created_by: str | None
    updated_utc: datetime
    paused_reason: str | None = None
    """Why the bot stopped posting here (Slack's error, e.g. ``not_in_channel``), or None."""
    paused_utc: datetime | None = None

    @property
    def zone(self) -> ZoneInfo:
        """The subscription's timezone."""
        return ZoneInfo(self.timezone)


def _subscription_from_row(row: dict[str, Any]) -> DigestSubscription:
    return DigestSubscription(
        workspace=Workspace(row["team_id"], row["enterprise_id"]),
        channel_id=row["channel_id"],
        local_time=row["local_time"],
        timezone=row["timezone"],
        enabled=bool(row["enabled"]),
        created_by=row["created_by"],
        updated_utc=parse_utc(row["updated_utc"]),
        paused_reason=row.get("paused_reason"),
        paused_utc=_optional_time(row.get("paused_utc")),
    )


def set_subscription(
    db: Database,
    ws: Workspace,
    channel_id: str,
    local_time: str,
    timezone: str,
    created_by: str | None,
    now: datetime,
) -> DigestSubscription:
    """Subscribe (or re-subscribe, enabling it) ``ws``'s channel at ``local_time``."""
    if not _LOCAL_TIME.match(local_time):
        raise StoreError(
            f"A digest time is HH:MM on a 24-hour clock, like 09:00, not {local_time!r}."
        )
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise StoreError(f"{timezone!r} is not a timezone; use a name like Europe/Berlin.") from exc
    db.execute(
        "INSERT INTO digest_subscriptions (team_id, enterprise_id, channel_id, local_time,"
        " timezone, enabled, created_by, updated_utc) VALUES (?, ?, ?, ?, ?, 1, ?, ?)"
        " ON CONFLICT (team_id, enterprise_id, channel_id) DO UPDATE SET"
        " local_time = excluded.local_time, timezone = excluded.timezone, enabled = 1,"
        " created_by = excluded.created_by, updated_utc = excluded.updated_utc,"
        " paused_reason = NULL, paused_utc = NULL",
        [*ws.params(), channel_id, local_time, timezone, created_by, format_utc(now)],
    )
    subscription = get_subscription(db, ws, channel_id)
    if subscription is None:  # pragma: no cover - the row was just written
        raise StoreError("The digest subscription could not be saved.")
    return subscription


def get_subscription(db: Database, ws: Workspace, channel_id: str) -> DigestSubscription | None:
    """Return ``ws``'s subscription for a channel (enabled or not), or None."""
    rows = list(
        db.query(
            f"SELECT * FROM digest_subscriptions WHERE {SCOPE} AND channel_id = ?",
            [*ws.params(), channel_id],
        )
    )
    return _subscription_from_row(rows[0]) if rows else None


def list_subscriptions(
    db: Database, ws: Workspace, enabled_only: bool = True
) -> list[DigestSubscription]:
    """Return ``ws``'s subscriptions, enabled ones only by default."""
    enabled = " AND enabled = 1" if enabled_only else ""
    rows = db.query(
        f"SELECT * FROM digest_subscriptions WHERE {SCOPE}{enabled} ORDER BY channel_id",
        ws.params(),
    )
    return [_subscription_from_row(row) for row in rows]


def subscribed_workspaces(db: Database) -> list[Workspace]:
    """Workspaces with at least one enabled subscription (what a clock tick goes through)."""
    rows = db.query(
        "SELECT DISTINCT team_id, enterprise_id FROM digest_subscriptions WHERE enabled = 1"
        " ORDER BY team_id, enterprise_id"
    )
    return [Workspace(row["team_id"], row["enterprise_id"]) for row in rows]


def pause_subscription(
    db: Database, ws: Workspace, channel_id: str, reason: str, now: datetime
) -> bool:
    """Stop posting to a channel Slack refuses (``reason``: its error); True if it was on.

    The digest and budget alerts skip it from now on; App Home shows the reason; ``digest on``
    in the channel turns it back on."""
    cursor = db.execute(
        "UPDATE digest_subscriptions SET enabled = 0, paused_reason = ?, paused_utc = ?,"
        f" updated_utc = ? WHERE {SCOPE} AND channel_id = ? AND enabled = 1",
        [reason[:100], format_utc(now), format_utc(now), *ws.params(), channel_id],
    )
    return cursor.rowcount == 1


def disable_subscription(db: Database, ws: Workspace, channel_id: str, now: datetime) -> bool:
    """Turn ``ws``'s digest in a channel off (settings kept); return whether it was on."""
    cursor = db.execute(
        "UPDATE digest_subscriptions SET enabled = 0, updated_utc = ?"
        f" WHERE {SCOPE} AND channel_id = ? AND enabled = 1",
        [format_utc(now), *ws.params(), channel_id],
    )
    return cursor.rowcount == 1


@dataclass(frozen=True)
class DigestClaim:
    """Proof that this caller holds the right to post one (channel, day) digest."""

    workspace: Workspace
    channel_id: str
    day: date
    claimed_by: str
    """Who holds the claim (a clock id: host, pid, random)."""
    attempts: int
    """1 on the first claim, more on retries."""
    client_msg_id: str
    """A stable id for this digest, the same on every attempt (for logs and Slack metadata)."""


@dataclass(frozen=True)
class DigestRecord:
    """A row of ``digests``."""

    workspace: Workspace
    channel_id: str
    day: date
    status: str
    """``claimed``, ``posted``, ``failed`` or ``skipped``."""
    claimed_by: str | None
    claimed_utc: datetime | None
    attempts: int
    posted_utc: datetime | None
    message_ts: str | None
    last_error: str | None
    client_msg_id: str | None


def _optional_time(text: str | None) -> datetime | None:
    return None if text is None else parse_utc(text)


def get_digest(db: Database, ws: Workspace, channel_id: str, day: date) -> DigestRecord | None:
    """Return ``ws``'s digest row for (channel, day), or None if never claimed."""
    rows = list(
        db.query(
            f"SELECT * FROM digests WHERE {SCOPE} AND channel_id = ? AND day = ?",
            [*ws.params(), channel_id, day.isoformat()],
        )
    )
    if not rows:
        return None
    row = rows[0]
    return DigestRecord(
        workspace=ws,
        channel_id=row["channel_id"],
        day=date.fromisoformat(row["day"]),
        status=row["status"],
        claimed_by=row["claimed_by"],
        claimed_utc=_optional_time(row["claimed_utc"]),
        attempts=row["attempts"],
        posted_utc=_optional_time(row["posted_utc"]),
        message_ts=row["message_ts"],
        last_error=row["last_error"],
        client_msg_id=row["client_msg_id"],
    )


_CLAIM = (
    "INSERT INTO digests (team_id, enterprise_id, channel_id, day, status, claimed_by,"
    " claimed_utc, attempts, client_msg_id) VALUES (:team_id, :enterprise_id, :channel_id,"
    " :day, 'claimed', :claimed_by, :now, 1, :client_msg_id)"
    " ON CONFLICT (team_id, enterprise_id, channel_id, day) DO UPDATE SET status = 'claimed',"
    " claimed_by = excluded.claimed_by, claimed_utc = excluded.claimed_utc,"
    " attempts = digests.attempts + 1"
    " WHERE digests.attempts < :max_attempts AND ((digests.status = 'failed'"
    " AND (digests.not_before_utc IS NULL OR digests.not_before_utc <= :now))"
    " OR (digests.status = 'claimed' AND digests.claimed_utc < :stale_before))"
    " RETURNING attempts, client_msg_id"
)


def claim_digest(
    db: Database,
    ws: Workspace,
    channel_id: str,
    day: date,
    claimed_by: str,
    now: datetime,
    lease: timedelta = DIGEST_LEASE,
    max_attempts: int = 5,
) -> DigestClaim | None:
    """Atomically claim ``ws``'s (channel, day) digest; None when someone else has or had it.

    One upsert under ``BEGIN IMMEDIATE``, so exactly one of two racing clocks wins.
    """
    # The id names the workspace too: in a channel shared by two workspaces (Slack Connect)
    # each one's digest must not be mistaken for the other's when looking for it.
    msg_key = f"tokencost:{ws.key}:{channel_id}:{day}"
    params = {
        "team_id": ws.team_id,
        "enterprise_id": ws.enterprise_id,
        "channel_id": channel_id,
        "day": day.isoformat(),
        "claimed_by": claimed_by,
        "now": format_utc(now),
        "client_msg_id": str(uuid.uuid5(uuid.NAMESPACE_URL, msg_key)),
        "max_attempts": max_attempts,
        "stale_before": format_utc(now - lease),
    }
    with immediate_transaction(db):
        rows = list(db.query(_CLAIM, params))
    if not rows:
        return None
    return DigestClaim(ws, channel_id, day, claimed_by, attempts=rows[0]["attempts"],
                       client_msg_id=rows[0]["client_msg_id"])  # fmt: skip


def _finish(db: Database, claim: DigestClaim, assignments: str, params: list[Any]) -> bool:
    where = [*claim.workspace.params(), claim.channel_id, claim.day.isoformat(), claim.claimed_by]
    cursor = db.execute(
        f"UPDATE digests SET {assignments} WHERE {SCOPE} AND channel_id = ? AND day = ?"
        " AND status = 'claimed' AND claimed_by = ?",
        [*params, *where],
    )
    return cursor.rowcount == 1


def mark_digest_posted(db: Database, claim: DigestClaim, message_ts: str, now: datetime) -> bool:
    """Record the posted message; False if the claim was lost (the lease ran out)."""
    return _finish(
        db,
        claim,
        "status = 'posted', posted_utc = ?, message_ts = ?, last_error = NULL",
        [format_utc(now), message_ts],
    )


def renew_digest_claim(db: Database, claim: DigestClaim, now: datetime) -> bool:
    """Extend the holder's lease to ``now`` + lease; False if the claim was lost meanwhile."""
    return _finish(db, claim, "claimed_utc = ?", [format_utc(now)])


def mark_digest_failed(
    db: Database,
    claim: DigestClaim,
    error: str,
    not_before: datetime | None = None,
    refund: bool = False,
) -> bool:
    """Release the claim as failed, so a later tick retries; ``error`` is a short, safe reason.

    ``not_before``: no clock retries before then (a post that may still land, a rate limit).
    ``refund``: the attempt did nothing (a 429), so it does not count toward ``max_attempts``.
    The attempt's time is its ``claimed_utc``.
    """
    return _finish(
        db,
        claim,
        "status = 'failed', last_error = ?, not_before_utc = ?, attempts = attempts - ?",
        [error[:500], None if not_before is None else format_utc(not_before), int(refund)],
    )


def mark_digest_skipped(db: Database, claim: DigestClaim, reason: str, now: datetime) -> bool:
    """Close the claim without posting (nothing to say that day); never retried."""
    return _finish(
        db,
        claim,
        "status = 'skipped', posted_utc = ?, last_error = ?",
        [format_utc(now), reason[:500]],
    )


def _waiting(db: Database, ws: Workspace, channel_id: str, day: date, now: datetime) -> bool:
    """Whether a failed digest must still wait (its ``not_before_utc`` is after ``now``)."""
    rows = list(db.query(
        f"SELECT not_before_utc FROM digests WHERE {SCOPE} AND channel_id = ? AND day = ?",
        [*ws.params(), channel_id, day.isoformat()],
    ))  # fmt: skip
    gate = rows[0]["not_before_utc"] if rows else None
    return gate is not None and gate > format_utc(now)


@dataclass(frozen=True)
class DueDigest:
    """A digest whose local time has come and that is not yet posted, skipped or held."""

    subscription: DigestSubscription
    day: date
    """The local day to report on (yesterday in the subscription's timezone)."""


def due_digests(
    db: Database, ws: Workspace, now: datetime, lease: timedelta = DIGEST_LEASE
) -> list[DueDigest]:
    """Return ``ws``'s digests a clock tick at ``now`` should try to claim and post."""
    due = []
    stale_before = now - lease
    for subscription in list_subscriptions(db, ws):
        local_now = now.astimezone(subscription.zone)
        if local_now.strftime("%H:%M") < subscription.local_time:
            continue
        day = local_now.date() - timedelta(days=1)
        record = get_digest(db, ws, subscription.channel_id, day)
        if (
            record is None
            or (
                record.status == "failed"
                and not _waiting(db, ws, subscription.channel_id, day, now)
            )
            or (
                record.status == "claimed"
                and record.claimed_utc is not None
                and record.claimed_utc < stale_before
            )
        ):
            due.append(DueDigest(subscription, day))
    return due
