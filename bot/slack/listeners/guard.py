"""The listener boundary: what every Slack handler does when something goes wrong.

Our domain errors become friendly replies inside the pipeline; anything else reaching here is
a bug: it is logged with a short incident id, and the user sees an apology with that id,
never a traceback (HOUSE_STYLE "Error handling").
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from slack_sdk.errors import SlackApiError, SlackClientError

__all__ = ["apology", "incident_id", "log_incident", "send_safely"]

log = logging.getLogger("tokencost.slack")


def incident_id() -> str:
    """A short random reference a user can quote and we can grep for."""
    return secrets.token_hex(3)


def log_incident(where: str, exc: BaseException) -> str:
    """Log an unexpected exception with a new incident id; returns the id."""
    ref = incident_id()
    log.error("incident %s in %s", ref, where, exc_info=exc)
    return ref


def apology(ref: str) -> str:
    """The one sentence users see for a bug."""
    return f"Something went wrong on my side (ref {ref}). Please try again, or tell us the ref."


def send_safely(where: str, send: Callable[[], object]) -> bool:
    """Call Slack (`say`, `respond`, `views.publish`...) after the ack; True when it worked.

    A Slack refusal (`not_in_channel`, an expired `response_url`, a rate limit longer than we
    wait) is logged as one warning line with Slack's error code, never raised: the ack is long
    gone and there is nobody left to answer but the log.
    """
    try:
        result = send()
    except SlackApiError as exc:
        log.warning("%s failed: %s (HTTP %s)", where, exc.response.get("error"),
                    exc.response.status_code)  # fmt: skip
        return False
    except (SlackClientError, OSError) as exc:
        log.warning("%s failed: %s", where, exc)
        return False
    status = getattr(result, "status_code", None)  # respond(): a webhook answer, never raised
    if isinstance(status, int) and status >= 400:
        log.warning("%s failed: HTTP %s %s", where, status, str(getattr(result, "body", ""))[:100])
        return False
    return True
