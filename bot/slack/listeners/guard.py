"""The listener boundary: what every Slack handler does when something goes wrong.

Our domain errors become friendly replies inside the pipeline; anything else reaching here is
a bug: it is logged with a short incident id, and the user sees an apology with that id,
never a traceback (HOUSE_STYLE "Error handling").
"""

from __future__ import annotations

import logging
import secrets

__all__ = ["apology", "incident_id", "log_incident"]

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
