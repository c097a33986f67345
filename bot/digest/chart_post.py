"""Upload the digest's chart into the digest's thread with `files_upload_v2`.

`files_upload_v2` (slack_sdk) makes three calls, as Slack documents for uploads
(https://docs.slack.dev/messaging/working-with-files#upload): `files.getUploadURLExternal`
(filename, length, alt text) -> a POST of the bytes to the returned URL ->
`files.completeUploadExternal` (file id and title, `channel_id`, `thread_ts`), which shares
the file in the thread. It needs the `files:write` scope.

The chart is an extra: the digest message has already been posted (and recorded) when this
runs, so a failure here is logged and reported, never retried by re-posting the digest, and
never raised. Nothing is uploaded when there is no spend to draw or matplotlib is missing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, tzinfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.digest.chart import alt_text, chart_data, draw_chart
from bot.store.database import Database
from bot.store.workspace import Workspace

__all__ = ["CHART_FILENAME", "ChartOutcome", "post_digest_chart", "upload_chart"]

log = logging.getLogger("tokencost.digest")

CHART_FILENAME = "llm-spend-14-days.png"


@dataclass(frozen=True)
class ChartOutcome:
    """What happened to one digest's chart."""

    status: str
    """`uploaded`; `skipped` (no spend, or no matplotlib); `failed` (logged, not retried)."""
    file_id: str | None = None
    error: str | None = None


def upload_chart(
    client: WebClient, channel_id: str, thread_ts: str, png: bytes, alt: str, title: str
) -> str:
    """Upload `png` into the thread of `thread_ts`; return the file id. Raises Slack errors."""
    response = client.files_upload_v2(
        channel=channel_id,
        thread_ts=thread_ts,
        content=png,
        filename=CHART_FILENAME,
        title=title,
        alt_txt=alt,
    )
    file = response.get("file") or {}
    return str(file.get("id") or "")


def post_digest_chart(
    client: WebClient,
    db: Database,
    ws: Workspace,
    channel_id: str,
    thread_ts: str,
    day: date,
    tz: tzinfo,
) -> ChartOutcome:
    """Draw the 14 days ending with `day` and upload them under the digest; never raises."""
    try:
        data = chart_data(db, ws, day, tz)
        png = draw_chart(data)
        if png is None:
            return ChartOutcome("skipped")
        title = f"LLM spend by model, {len(data.days)} days to {day.isoformat()}"
        file_id = upload_chart(client, channel_id, thread_ts, png, alt_text(data), title)
    except (SlackClientError, OSError) as exc:
        reason = (
            f"slack: {exc.response.get('error')}"
            if isinstance(exc, SlackApiError)
            else f"{type(exc).__name__}: {exc}"[:200]
        )
        log.warning("digest chart %s %s not uploaded: %s", channel_id, day, reason)
        return ChartOutcome("failed", error=reason)
    except Exception as exc:  # a drawing bug must not break the clock
        log.exception("digest chart %s %s failed", channel_id, day)
        return ChartOutcome("failed", error=f"{type(exc).__name__}")
    return ChartOutcome("uploaded", file_id=file_id or None)
