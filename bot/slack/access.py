"""One log line per HTTP request: route, status, latency, team. Never the text of a message.

`log_request` writes it on the `tokencost.http` logger at INFO (WARNING for a 5xx), with the
same values as structured fields, which `TOKENCOST_LOG_FORMAT=json` prints as JSON keys.
`request_team` reads the workspace id from a Slack payload for that line.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import parse_qs, unquote_plus

__all__ = ["log_request", "request_team"]

log = logging.getLogger("tokencost.http")

#: `team_id=...` as a form field: found without decoding the whole form (a slash command's
#: body has a dozen fields; `parse_qs` of all of them was ~2% of a command's CPU, issue 15).
_FORM_TEAM = re.compile(rb"(?:^|&)team_id=([^&]*)")


def log_request(
    method: str,
    route: str,
    status: int,
    seconds: float,
    team: str | None = None,
    reason: str | None = None,
) -> None:
    """Log one finished request; `reason` says why a request was refused (4xx/5xx)."""
    level = logging.WARNING if status >= 500 else logging.INFO
    if not log.isEnabledFor(level):
        return
    latency_ms = round(seconds * 1000, 1)
    fields = {"method": method, "route": route, "status": status, "latency_ms": latency_ms,
              "team": team or "-"}  # fmt: skip
    if reason:
        fields["reason"] = reason
    line = f"{method} {route} {status} {latency_ms}ms team={team or '-'}"
    log.log(level, line + (f" reason={reason!r}" if reason else ""), extra={"fields": fields})


def request_team(body: bytes, content_type: str) -> str | None:
    """The `team_id` of a Slack request body (command form, `payload=` form or event JSON)."""
    try:
        if "json" in content_type:
            data = json.loads(body)
        elif (found := _FORM_TEAM.search(body)) is not None:
            return unquote_plus(found.group(1).decode("utf-8"))[:32] or None
        else:
            form = parse_qs(body.decode("utf-8"), max_num_fields=200)
            data = json.loads(form["payload"][0]) if "payload" in form else {}
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    team = data.get("team_id")
    if not team and isinstance(data.get("team"), dict):
        team = data["team"].get("id")
    return str(team)[:32] if team else None
