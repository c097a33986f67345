"""Logging for the long-running processes (`serve`, `clock`): level, format, stdout.

`configure_logging(settings)` sends every record to stdout (where platforms collect logs), at
`TOKENCOST_LOG_LEVEL` for our `tokencost.*` loggers and WARNING for libraries, as one text line
per record or, with `TOKENCOST_LOG_FORMAT=json`, one JSON object per line. A record's
traceback (every incident ref has one) stays inside its record: in text it follows the line,
in JSON it is the `exc` field, so one incident is one JSON line.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from bot.config import Settings

__all__ = ["JsonFormatter", "configure_logging"]

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, msg, any `fields`, and `exc`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """Install the one stdout handler on the root logger and set the levels; returns it."""
    handler = logging.StreamHandler(stream or sys.stdout)
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)  # libraries: warnings and errors only
    ours = logging.getLogger("tokencost")
    ours.setLevel(settings.log_level)
    ours.propagate = True
    for quiet in list(ours.handlers):  # the CLI's NullHandler, if it ran first
        ours.removeHandler(quiet)
    return handler
