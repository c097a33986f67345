"""The production server as a subprocess, for end-to-end tests: `python -m bot serve` over HTTP.

`start_server(fake, tmp, **env)` runs it on a free port with its Web API pointed at a fake Slack
(`SLACK_API_URL`), waits for `/healthz`, and stops it with SIGTERM afterwards. Requests are
sent with urllib; `Server.raw()` opens a bare socket for tests that misbehave on purpose.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.store.database import Database
from bot.store.db import connect
from bot.store.queries import QueryRecord, recent_queries
from bot.store.workspace import Workspace
from tests.bot.slack_requests import BOT_TOKEN, SIGNING_SECRET, sign
from tests.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parents[2]
INGEST_TOKEN = "ingest-token-for-tests"
FORM = "application/x-www-form-urlencoded"
START_TIMEOUT = 30.0


WS = Workspace("T123")
"""The workspace the live-server tests read and write (the signed requests' team)."""


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    """The running `python -m bot serve` subprocess."""

    process: subprocess.Popen[bytes]
    base_url: str
    port: int
    db_path: Path
    stdout_path: Path
    stderr_path: Path
    database_url: str | None = None
    """The PostgreSQL database the server uses (``DATABASE_URL``), else it uses ``db_path``."""

    def open_db(self) -> Database:
        """A connection to the server's database, whichever backend (the caller closes it)."""
        if self.database_url is None:
            return connect(self.db_path)
        from bot.store.pg import PgDatabase

        return PgDatabase(self.database_url, min_size=0, max_size=1)

    def request(
        self,
        method: str,
        path: str,
        body: str | bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 10,
    ) -> Response:
        data = body.encode() if isinstance(body, str) else body
        req = urllib.request.Request(
            self.base_url + path, data=data, method=method, headers=headers or {}
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return Response(resp.status, dict(resp.headers), resp.read())
        except urllib.error.HTTPError as err:
            with err:  # closes the error's response (no ResourceWarning)
                return Response(err.code, dict(err.headers), err.read())

    def slack(
        self, body: str, headers: dict[str, str] | None = None, timeout: float = 10
    ) -> Response:
        """POST /slack/events, signed with our secret unless `headers` says otherwise."""
        content_type = "application/json" if body.startswith("{") else FORM
        sent = {"content-type": content_type, **(sign(body) if headers is None else headers)}
        return self.request("POST", "/slack/events", body, sent, timeout=timeout)

    def raw(self, timeout: float = 10) -> socket.socket:
        """A connected TCP socket to the server (the caller closes it)."""
        return socket.create_connection(("127.0.0.1", self.port), timeout=timeout)

    def queries(self, user_id: str) -> list[QueryRecord]:
        db = self.open_db()
        try:
            return recent_queries(db, WS, user_id=user_id, limit=50)
        finally:
            db.close()

    def wait_queries(self, user_id: str, count: int = 1, timeout: float = 5.0) -> list[QueryRecord]:
        deadline = time.monotonic() + timeout
        while True:
            rows = self.queries(user_id)
            if len(rows) >= count:
                return rows
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} logged queries for {user_id}, got {rows}")
            time.sleep(0.02)

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    def wait_log(self, needle: str, timeout: float = 5.0) -> str:
        """Wait until `needle` appears in the server's stdout (its log); return the log."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.stdout()
            if needle in text:
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} not logged within {timeout}s:\n{text[-3000:]}")
            time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(fake: FakeSlack, port: int, db_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TOKENCOST_", "DATABASE_URL"))}  # fmt: skip
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.url,
        PORT=str(port),
        TOKENCOST_DB=str(db_path),
        TOKENCOST_INGEST_TOKEN=INGEST_TOKEN,
        TOKENCOST_LOG_LEVEL="WARNING",
        TOKENCOST_PRICES_REFRESH="off",  # hermetic: `serve` would fetch prices from the internet
    )
    env.update(extra)
    return env


def _wait_healthy(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        code = server.process.poll()
        if code is not None:
            raise AssertionError(f"server exited with {code} at start:\n{server.stderr()}")
        try:
            if server.request("GET", "/healthz", timeout=2).status == 200:
                return
        except OSError:  # not listening yet
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"server not healthy after {START_TIMEOUT}s:\n{server.stderr()}")
        time.sleep(0.05)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def start_server(
    fake: FakeSlack, tmp: Path, database_url: str | None = None, **env: str
) -> Iterator[Server]:
    """Run `python -m bot serve` until the block ends; it must then exit cleanly (status 0).
    With ``database_url`` it runs on that PostgreSQL database, else on a SQLite file."""
    port = free_port()
    if database_url is not None:
        env = {**env, "DATABASE_URL": database_url}
    db_path = tmp / "tokencost.db"
    stdout_path, stderr_path = tmp / "server.stdout", tmp / "server.stderr"
    with open(stderr_path, "wb") as err, open(stdout_path, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            cwd=ROOT,
            env=server_env(fake, port, db_path, **env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
    running = Server(process, f"http://127.0.0.1:{port}", port, db_path, stdout_path, stderr_path,
                     database_url)  # fmt: skip
    try:
        _wait_healthy(running)
        yield running
    finally:
        stop(process)
    assert process.returncode == 0, running.stderr()
