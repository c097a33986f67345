"""A local stand-in for the Slack Web API: a threaded stdlib HTTP server on 127.0.0.1, port 0.

Point ``WebClient(base_url=fake.url)`` (or ``SLACK_API_URL``) at it, and set slash-command
payloads' ``response_url`` to ``fake.response_url()``; then assert on ``fake.calls(...)``.
Modelled on bolt-python's ``tests/mock_web_api_server`` (see slack-facts §5.4), minus its fixed
port. Requests are recorded as frozen ``SlackCall`` values; responses can be scripted:

    with FakeSlack() as fake:
        fake.fail_next("chat.postMessage", status=429, retry_after=1)
        fake.respond_with("conversations.info", {"ok": False, "error": "channel_not_found"})
        fake.slow_next("chat.postMessage", seconds=2)  # answers normally, 2 s late
        ...
        fake.wait_for("chat.postMessage", count=1)

OAuth installs: ``fake.grant(code, team_id, bot_token)`` makes ``oauth.v2.access`` exchange that
code for a bot token of that team, and ``auth.test`` with the token answer for the team, so an
app can be installed into several workspaces through its real ``/slack/oauth_redirect``.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import MappingProxyType, TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["RESPONSE_PREFIX", "UPLOAD_PREFIX", "FakeSlack", "SlackCall"]

RESPONSE_PREFIX = "response/"
"""Path prefix of the fake's response URLs; their calls are named ``response/<name>``."""
UPLOAD_PREFIX = "upload/"
"""Path prefix of the upload URLs ``files.getUploadURLExternal`` hands out (``upload/<file id>``);
the POSTed bytes are kept whole in ``raw_body`` and in ``uploads()``."""

TEAM_ID = "T123"
BOT_USER_ID = "UBOT"
BOT_ID = "BBOT"


@dataclass(frozen=True)
class SlackCall:
    """One request the fake received."""

    http_method: str
    """``POST`` or ``GET``."""
    path: str
    """The request path, e.g. ``/chat.postMessage`` or ``/response/hook``."""
    method: str
    """The API method name (``chat.postMessage``) or ``response/<name>`` for a response URL."""
    headers: Mapping[str, str]
    """Request headers, keys lower-cased."""
    body: Mapping[str, Any]
    """The parsed body: JSON, or form fields (one value each), plus any query-string fields."""
    raw_body: bytes = field(repr=False)

    @property
    def token(self) -> str | None:
        """The bearer token sent, if any."""
        auth = self.headers.get("authorization", "")
        return auth[len("Bearer ") :] if auth.startswith("Bearer ") else None

    def json_field(self, name: str) -> Any:
        """Return a field that may arrive JSON-encoded inside a form (``blocks``, ``view``)."""
        value = self.body.get(name)
        return json.loads(value) if isinstance(value, str) else value


@dataclass
class _Script:
    status: int
    payload: dict[str, Any] | None
    """None: the usual answer (after ``delay``)."""
    headers: dict[str, str]
    times: int | None
    """Remaining uses; None for every call until reset."""
    delay: float = 0.0
    """Seconds to wait before answering."""


def _parse_body(content_type: str, raw: bytes) -> dict[str, Any]:
    if not raw:
        return {}
    text = raw.decode("utf-8")
    if "json" in content_type:
        parsed = json.loads(text)
        return parsed if isinstance(parsed, dict) else {"_json": parsed}
    return dict(parse_qsl(text, keep_blank_values=True))


class _Server(ThreadingHTTPServer):
    """A threaded server whose listen backlog takes a burst of concurrent clients.

    The stdlib default backlog is 5: a burst of 20 connections overflows it and the kernel
    retries the dropped SYNs after a second or more, which made concurrency tests flaky.
    """

    request_queue_size = 128


class FakeSlack:
    """A fake Slack Web API server. Use as a context manager, or ``start()`` / ``stop()``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[SlackCall] = []
        self._scripts: dict[str, list[_Script]] = {}
        self._ts = itertools.count(1)
        self._messages: dict[str, list[dict[str, Any]]] = {}
        self._files: dict[str, dict[str, Any]] = {}
        """file id -> {"filename", "length", "alt_txt", "data"} (files.* upload flow)."""
        self._grants: dict[str, dict[str, Any]] = {}
        """``oauth.v2.access`` answers by ``code``."""
        self._teams: dict[str, dict[str, Any]] = {}
        """The team each granted bot token belongs to, for ``auth.test``."""
        self.ts_base = 1_700_000_000
        """Whole seconds of the message ``ts`` values handed out; tests may set their clock's."""
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        """Bind to 127.0.0.1 on a free port and serve in a background thread."""
        if self._server is not None:
            raise RuntimeError("FakeSlack is already running")
        server = _Server(("127.0.0.1", 0), self._handler_class())
        server.daemon_threads = False  # server_close() joins handler threads: nothing leaks
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-slack"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close the socket and join every thread."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL for ``WebClient(base_url=...)``, ending with ``/``."""
        if self._server is None:
            raise RuntimeError("FakeSlack is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def response_url(self, name: str = "hook") -> str:
        """A URL on the fake for a payload's ``response_url``; its calls are ``response/<name>``."""
        return f"{self.url}{RESPONSE_PREFIX}{name}"

    # -- reading ---------------------------------------------------------------------------
    def calls(self, method: str | None = None) -> list[SlackCall]:
        """Return the requests received so far, optionally only those for one method."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[SlackCall]:
        """Poll until ``count`` calls to ``method`` arrived; return them or fail the test."""
        deadline = time.monotonic() + timeout
        while True:
            calls = self.calls(method)
            if len(calls) >= count:
                return calls
            if time.monotonic() >= deadline:
                seen = [c.method for c in self.calls()]
                raise AssertionError(
                    f"expected {count} call(s) to {method} within {timeout}s, got {len(calls)};"
                    f" all calls: {seen}"
                )
            time.sleep(0.01)

    def reset(self) -> None:
        """Forget recorded calls and scripted responses."""
        with self._lock:
            self._calls.clear()
            self._scripts.clear()

    # -- scripting -------------------------------------------------------------------------
    def fail_next(
        self, method: str, status: int = 429, retry_after: int = 1, times: int = 1
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail with HTTP ``status``.

        429 answers ``{"ok": false, "error": "ratelimited"}`` with ``Retry-After``; other
        statuses answer ``{"ok": false, "error": "fatal_error"}``.
        """
        if status == 429:
            payload, headers = (
                {"ok": False, "error": "ratelimited"},
                {"Retry-After": str(retry_after)},
            )
        else:
            payload, headers = {"ok": False, "error": "fatal_error"}, {}
        self._script(method, _Script(status, payload, headers, times))

    def respond_with(
        self, method: str, payload: dict[str, Any], status: int = 200, times: int | None = None
    ) -> None:
        """Answer ``method`` with ``payload`` (every call until reset, or the next ``times``)."""
        self._script(method, _Script(status, dict(payload), {}, times))

    def grant(
        self,
        code: str,
        team_id: str,
        bot_token: str,
        *,
        enterprise_id: str | None = None,
        team_name: str = "Fake Workspace",
    ) -> None:
        """Let ``oauth.v2.access`` exchange ``code`` for ``bot_token``, a bot of ``team_id``."""
        team = {"id": team_id, "name": team_name}
        enterprise = {"id": enterprise_id, "name": "Fake Org"} if enterprise_id else None
        with self._lock:
            self._grants[code] = {
                "ok": True, "app_id": "A999", "authed_user": {"id": "UINSTALLER"},
                "scope": "commands,chat:write", "token_type": "bot", "access_token": bot_token,
                "bot_user_id": f"UBOT{team_id}", "team": team, "enterprise": enterprise,
                "is_enterprise_install": False,
            }  # fmt: skip
            self._teams[bot_token] = {"team_id": team_id, "team": team_name,
                                      "enterprise_id": enterprise_id}  # fmt: skip

    def slow_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Answer the next ``times`` calls to ``method`` as usual, but ``seconds`` late: the call
        lands then (it is recorded, and a message is stored, only after the wait), as when
        Slack is slow and a client gives up before the message exists."""
        self._script(method, _Script(200, None, {}, times, delay=seconds))

    def _script(self, method: str, script: _Script) -> None:
        with self._lock:
            self._scripts.setdefault(method, []).append(script)

    # -- serving ---------------------------------------------------------------------------
    def _take_delay(self, method: str) -> float:
        """Seconds to hold a call to ``method`` before it takes effect (``slow_next``)."""
        with self._lock:
            queue = self._scripts.get(method, [])
            if not queue or queue[0].payload is not None:
                return 0.0
            script = queue[0]
            if script.times is not None:
                script.times -= 1
                if script.times <= 0:
                    queue.pop(0)
            return script.delay

    def _answer(self, call: SlackCall) -> tuple[int, dict[str, Any] | str, dict[str, str]]:
        with self._lock:
            self._calls.append(call)
            queue = self._scripts.get(call.method, [])
            script = queue[0] if queue else None
            if script is not None and script.payload is not None:
                if script.times is not None:
                    script.times -= 1
                    if script.times <= 0:
                        queue.pop(0)
                return script.status, script.payload, script.headers
            ts = f"{self.ts_base}.{next(self._ts):06d}"
            if call.method == "conversations.history":
                return 200, self._history(call.body), {}
            if call.method.startswith(("files.", UPLOAD_PREFIX)):
                return self._files_flow(call)
            if call.method == "oauth.v2.access":
                grant = self._grants.get(str(call.body.get("code")))
                return 200, grant or {"ok": False, "error": "invalid_code"}, {}
            team = self._teams.get(call.token or "")
            if call.method == "auth.test" and team is not None:
                return (
                    200,
                    {**_default_response(call, ts), **team, "bot_id": f"B{team['team_id']}"},
                    {},
                )
            response = _default_response(call, ts)
            if call.method == "chat.postMessage":
                self._remember(call, response["message"])
        return 200, response, {}

    # -- file uploads (files_upload_v2) -------------------------------------------------------
    def uploads(self) -> dict[str, dict[str, Any]]:
        """Files started with ``files.getUploadURLExternal``: filename, length, alt_txt, the
        uploaded ``data`` (bytes, or None before the upload), and where completion shared it."""
        with self._lock:
            return {file_id: dict(f) for file_id, f in self._files.items()}

    def _files_flow(self, call: SlackCall) -> tuple[int, dict[str, Any] | str, dict[str, str]]:
        """The three steps Slack documents for uploads (docs.slack.dev/messaging/working-with-
        files#upload): get an upload URL, POST the bytes to it, complete the upload."""
        body = call.body
        if call.method == "files.getUploadURLExternal":
            if not body.get("filename") or not str(body.get("length", "")).isdigit():
                return 200, {"ok": False, "error": "invalid_arguments"}, {}
            file_id = f"F{next(self._ts):08d}"
            self._files[file_id] = {"filename": body["filename"], "length": int(body["length"]),
                                    "alt_txt": body.get("alt_txt"), "data": None}  # fmt: skip
            url = f"{self.url}{UPLOAD_PREFIX}{file_id}"
            return 200, {"ok": True, "upload_url": url, "file_id": file_id}, {}
        if call.method.startswith(UPLOAD_PREFIX):
            found = self._files.get(call.method.removeprefix(UPLOAD_PREFIX))
            if found is None or call.http_method != "POST":
                return 404, "Not Found", {}
            found["data"] = call.raw_body
            return 200, f"OK - {len(call.raw_body)}", {}
        if call.method == "files.completeUploadExternal":
            done = []
            for item in call.json_field("files") or []:
                found = self._files.get(str(item.get("id")))
                if found is None or found["data"] is None:
                    return 200, {"ok": False, "error": "file_not_found"}, {}  # the fake's rule
                found.update(title=item.get("title"), channel_id=body.get("channel_id"),
                             thread_ts=body.get("thread_ts"))  # fmt: skip
                done.append({"id": item["id"], "title": item.get("title"),
                             "name": found["filename"], "size": len(found["data"])})  # fmt: skip
            return 200, {"ok": True, "files": done}, {}
        return 200, {"ok": True}, {}

    # -- channel history ---------------------------------------------------------------------
    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Messages posted to ``channel`` with ``chat.postMessage`` (oldest first)."""
        with self._lock:
            return [dict(m) for m in self._messages.get(channel, [])]

    def _remember(self, call: SlackCall, message: dict[str, Any]) -> None:
        stored = dict(message)
        metadata = call.json_field("metadata") if "metadata" in call.body else None
        if isinstance(metadata, dict):
            stored["metadata"] = metadata
        channel = str(call.body.get("channel", "C123"))
        self._messages.setdefault(channel, []).append(stored)

    def _history(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``conversations.history``: newest first, ``oldest``/``latest``/``limit``/``cursor``;
        ``metadata`` only with ``include_all_metadata`` (as Slack does)."""
        channel = str(body.get("channel", ""))
        if channel not in self._messages and not channel.startswith(("C", "G", "D")):
            return {"ok": False, "error": "channel_not_found"}
        oldest = float(body.get("oldest") or 0)
        latest = float(body.get("latest") or "inf")
        with_metadata = str(body.get("include_all_metadata", "")).lower() in ("1", "true")
        found = [
            m if with_metadata else {k: v for k, v in m.items() if k != "metadata"}
            for m in reversed(self._messages.get(channel, []))
            if oldest <= float(m["ts"]) <= latest
        ]
        start = int(str(body.get("cursor") or "0"))
        limit = int(body.get("limit") or 100)
        page = found[start : start + limit]
        more = start + limit < len(found)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        answer: Callable[[SlackCall], tuple[int, dict[str, Any] | str, dict[str, str]]] = (
            self._answer
        )
        take_delay = self._take_delay

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                split = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = dict(parse_qsl(split.query, keep_blank_values=True))
                if not split.path.startswith("/" + UPLOAD_PREFIX):  # upload bytes stay raw
                    body.update(_parse_body(self.headers.get("Content-Type", ""), raw))
                call = SlackCall(
                    http_method=self.command,
                    path=split.path,
                    method=split.path.lstrip("/"),
                    headers=MappingProxyType({k.lower(): v for k, v in self.headers.items()}),
                    body=MappingProxyType(body),
                    raw_body=raw,
                )
                delay = take_delay(call.method)
                if delay:  # Slack is slow: the call lands (is recorded, takes effect) late
                    time.sleep(delay)
                status, payload, headers = answer(call)
                # The upload URL answers plain text (`OK - <bytes>`); the Web API answers JSON.
                text = payload if isinstance(payload, str) else json.dumps(payload)
                kind = "text/plain" if isinstance(payload, str) else "application/json"
                data = text.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = _handle
            do_POST = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        return Handler


def _default_response(call: SlackCall, ts: str) -> dict[str, Any]:
    body = call.body
    channel = body.get("channel", "C123")
    bot = {"user": BOT_USER_ID, "bot_id": BOT_ID}
    message = {"type": "message", "text": body.get("text", ""), "ts": ts, **bot}
    if "blocks" in body:
        message["blocks"] = call.json_field("blocks")
    responses: dict[str, dict[str, Any]] = {
        "auth.test": {
            "url": "https://fake-workspace.slack.com/",
            "team": "Fake Workspace",
            "user": "tokencost",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        },
        "chat.postMessage": {"channel": channel, "ts": ts, "message": message},
        "chat.postEphemeral": {"message_ts": ts},
        "chat.update": {"channel": channel, "ts": body.get("ts", ts), "text": message["text"]},
        "views.publish": {
            "view": {"id": "V123", "type": "home", "team_id": TEAM_ID, **_view(call)}
        },
        "views.open": {"view": {"id": "V456", "type": "modal", "team_id": TEAM_ID, **_view(call)}},
        "views.update": {
            "view": {"id": body.get("view_id", "V456"), "team_id": TEAM_ID, **_view(call)}
        },
        "conversations.info": {
            "channel": {"id": channel, "name": "llm-costs", "is_channel": True, "is_member": True}
        },
        "users.info": {
            "user": {
                "id": body.get("user", "U123"),
                "team_id": TEAM_ID,
                "name": "ada",
                "real_name": "Ada Lovelace",
                "tz": "Europe/Berlin",
                "tz_offset": 3600,
                "is_bot": False,
                "is_admin": False,
                "is_owner": False,
            }
        },
    }
    return {"ok": True, **responses.get(call.method, {})}


def _view(call: SlackCall) -> dict[str, Any]:
    view = call.json_field("view")
    return view if isinstance(view, dict) else {}
