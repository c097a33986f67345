"""Find a channel's id from its name, for `digest on #name` when Slack sent the bare name.

With `should_escape: true` in the manifest Slack usually sends `<#C123|name>`, which needs no
lookup; a bare `#name` (a channel the app cannot link) is looked up with conversations.list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

__all__ = ["channel_resolver"]

log = logging.getLogger("tokencost.slack")

#: Pages of 200 channels read at most: a bounded look-up, not a crawl of a huge workspace.
MAX_PAGES = 5


def channel_resolver(client: WebClient) -> Callable[[str], str | None]:
    """A resolver bound to this request's client."""

    def resolve(name: str) -> str | None:
        wanted = name.lstrip("#").lower()
        cursor: str | None = None
        try:
            for _ in range(MAX_PAGES):
                page = client.conversations_list(
                    types="public_channel,private_channel", exclude_archived=True,
                    limit=200, cursor=cursor,
                )  # fmt: skip
                for channel in page.get("channels") or []:
                    if str(channel.get("name", "")).lower() == wanted:
                        return str(channel["id"])
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    break
        except SlackApiError as exc:
            log.warning("conversations.list failed while resolving #%s: %s", wanted,
                        exc.response.get("error"))  # fmt: skip
        return None

    return resolve
