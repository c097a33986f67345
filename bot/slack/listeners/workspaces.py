"""Which workspace a request comes from, and the app's install state in each workspace.

- ``workspace_of(context)``: the ``Workspace`` of a request, from Bolt's context (which takes
  it from the payload's ``authorizations``, ``team`` and ``enterprise``): the installation the
  request was delivered to. Every listener scopes its reads and writes by it.
- A middleware enters each workspace in the registry the first time this process sees it; a
  request proves the app is installed there, so a revocation mark is cleared. In
  single-workspace mode the first workspace seen also *adopts* the rows written before its
  team was known (``T_DEFAULT``: console, CLI, ``POST /usage``, migration m004).
- ``app_uninstalled`` and ``tokens_revoked`` (bot token) mark the workspace revoked, so the
  clock stops posting to it (its data is kept for ``RETENTION``); in OAuth mode Bolt's own
  revocation listeners then delete its installation (slack-facts §9).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest

from bot.runtime import Runtime
from bot.store.db import is_busy_error
from bot.store.workspace import Workspace
from bot.store.workspaces import RETENTION, adopt, mark_revoked, record_workspace

__all__ = ["register", "workspace_of"]

log = logging.getLogger("tokencost.workspaces")

_REVOCATIONS = frozenset({"app_uninstalled", "tokens_revoked"})


def workspace_of(context: BoltContext) -> Workspace:
    """The workspace a request belongs to; raises ``ValueError`` when the payload names none."""
    return Workspace.from_ids(
        context.team_id, context.enterprise_id, bool(context.is_enterprise_install)
    )


def _event_type(req: BoltRequest) -> str | None:
    body = req.body if isinstance(req.body, dict) else {}
    event = body.get("event") if body.get("type") == "event_callback" else None
    return str(event.get("type")) if isinstance(event, dict) else None


def _enter(runtime: Runtime, ws: Workspace, single: bool, seen: set[Workspace]) -> None:
    """Enter `ws` in the registry (adopting `T_DEFAULT`'s rows in single-workspace mode)."""
    db, now = runtime.db(), runtime.clock()
    try:
        if single and (moved := adopt(db, ws, now)):
            log.info("workspace %s adopted %d rows written before its team "
                     "was known", ws, moved)  # fmt: skip
        record_workspace(db, ws, now)
    except Exception as exc:
        if not is_busy_error(exc):
            raise
        # The store is busy: the request still gets its own answer (or its 503); the
        # workspace is entered on a later request.
        log.warning("database busy: workspace %s entered on a later request", ws)
        return
    seen.add(ws)


class _NoteWorkspace(Middleware):
    """Enter each request's workspace once per process (and adopt, in single mode).

    A `Middleware` subclass rather than a function: Bolt calls `process` directly, where a
    function middleware pays its keyword-argument injection on every request (issue 15)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.seen: set[Workspace] = set()
        self.lock = threading.Lock()
        self.single = not runtime.settings.oauth

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        if _event_type(req) not in _REVOCATIONS:
            try:
                ws = workspace_of(req.context)
            except ValueError:
                ws = None
            if ws is not None and ws not in self.seen:
                with self.lock:
                    if ws not in self.seen:
                        _enter(self.runtime, ws, self.single, self.seen)
        return next()


def register(app: App, runtime: Runtime) -> None:
    """Register the registry middleware and the uninstall / revocation listeners."""
    notes = _NoteWorkspace(runtime)
    seen, lock, single = notes.seen, notes.lock, notes.single

    def revoked(context: BoltContext, reason: str) -> None:
        ws = workspace_of(context)
        mark_revoked(runtime.db(), ws, reason, runtime.clock())
        with lock:
            seen.discard(ws)
        log.info("workspace %s: %s; no more digests or alerts are posted to it, and its data is "
                 "kept for %d days (tokencost workspace forget %s deletes it now)",
                 ws, reason, RETENTION.days, ws.key)  # fmt: skip

    def handle_app_uninstalled(event: dict[str, Any], context: BoltContext) -> None:
        revoked(context, "app_uninstalled")
        if not single:
            app.default_app_uninstalled_event_listener()(context=context)

    def handle_tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
        if (event.get("tokens") or {}).get("bot"):
            revoked(context, "tokens_revoked")
        if not single:
            app.default_tokens_revoked_event_listener()(event=event, context=context)

    app.use(notes)
    app.event("app_uninstalled")(handle_app_uninstalled)
    app.event("tokens_revoked")(handle_tokens_revoked)
