"""Channel look-ups for `digest`: a bare `#name` to its id, and whether the bot can post there.

With `should_escape: true` in the manifest Slack usually sends `<#C123|name>`, which needs no
lookup; a bare `#name` (a channel the app cannot link) is looked up with conversations.list.
`digest on` asks conversations.info whether the bot is in the channel, so a digest that could
never be posted is refused when it is typed. Both run after the ack (lazy listeners).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.webapi import CANNOT_POST

__all__ = ["channel_checker", "channel_resolver"]

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
        except (SlackClientError, OSError) as exc:
            log.warning("conversations.list failed while resolving #%s: %s", wanted, exc)
        return None

    return resolve


def channel_checker(client: WebClient) -> Callable[[str], str | None]:
    """A check bound to this request's client: why the bot cannot post in a channel, or None.

    Answers one of `CANNOT_POST`; any other failure (rate limit, network) answers None, so a
    Slack hiccup never refuses a good channel (the clock notices a bad one later anyway).
    """

    def check(channel_id: str) -> str | None:
        if channel_id.startswith("D"):
            return None  # a direct message with the bot
        try:
            info = client.conversations_info(channel=channel_id)
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            if error in CANNOT_POST:
                return error
            log.warning("conversations.info %s failed: %s", channel_id, error)
            return None
        except (SlackClientError, OSError) as exc:
            log.warning("conversations.info %s failed: %s", channel_id, exc)
            return None
        channel = info.get("channel") or {}
        if channel.get("is_archived"):
            return "is_archived"
        if channel.get("is_member") is False and not channel.get("is_im"):
            return "not_in_channel"
        return None

    return check
