"""The production server under hostile and unlucky traffic (issue 11), end to end over TCP.

Idle connections, half-sent requests, oversized and malformed bodies: each must be refused or
outlasted without starving a real, signed Slack request, and without a traceback in the log.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest

from tests.bot.live_server import FORM, INGEST_TOKEN, Server, start_server
from tests.bot.slack_requests import command_body, sign
from tests.fake_slack import FakeSlack

ESTIMATE = "gpt-4o 1000 in 500 out"


@pytest.fixture(scope="module")
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture(scope="module")
def server(slack: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("limits")
    with start_server(
        slack, tmp, TOKENCOST_LOG_LEVEL="INFO", TOKENCOST_HTTP_TIMEOUT="2"
    ) as running:
        yield running


def _half_sent(server: Server, body_too: bool) -> socket.socket:
    """A request that stops halfway: in its headers, or after them with body bytes missing."""
    sock = server.raw()
    if body_too:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: " + FORM.encode()
                     + b"\r\nContent-Length: 500\r\n\r\ntoken=abc")  # fmt: skip
    else:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Le")
    return sock


def test_idle_and_half_sent_connections_do_not_starve_a_signed_command(
    server: Server, slack: FakeSlack
) -> None:
    held = [server.raw() for _ in range(60)]
    held += [_half_sent(server, body_too=i % 2 == 0) for i in range(10)]
    try:
        time.sleep(0.2)  # let the server accept them all
        started = time.monotonic()
        body = command_body(ESTIMATE, slack.response_url("starve"), user="USTARVE")
        response = server.slack(body, timeout=5)
        elapsed = time.monotonic() - started
    finally:
        for sock in held:
            sock.close()
    assert response.status == 200
    assert "gpt-4o" in response.json()["text"]
    assert elapsed < 1.0, f"answered after {elapsed:.2f}s"


def _status_line(sock: socket.socket) -> bytes:
    sock.settimeout(5)
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.split(b"\r\n", 1)[0]


def test_an_oversized_body_is_refused_from_its_length_before_it_is_read(server: Server) -> None:
    with server.raw() as sock:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: " + FORM.encode()
                     + b"\r\nContent-Length: 104857600\r\n\r\n")  # fmt: skip
        started = time.monotonic()
        assert _status_line(sock) == b"HTTP/1.1 413 Request Entity Too Large"
        assert time.monotonic() - started < 1.0  # answered without waiting for 100 MB


def test_a_chunked_body_is_cut_off_at_the_cap(server: Server) -> None:
    chunk = b"a" * 65536
    with server.raw() as sock:
        sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: " + FORM.encode()
                     + b"\r\nTransfer-Encoding: chunked\r\n\r\n")  # fmt: skip
        try:
            for _ in range(32):  # 2 MB, over the 1 MB cap
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:  # the server answered and closed while we were still sending
            pass
        assert _status_line(sock) == b"HTTP/1.1 413 Request Entity Too Large"


def test_usage_has_its_own_larger_cap(server: Server) -> None:
    headers = {"content-type": "application/json", "authorization": f"Bearer {INGEST_TOKEN}"}
    events = [{"model": "gpt-4o", "input_tokens": 1, "id": f"cap-{i}", "tag": "x" * 150}
              for i in range(7000)]  # fmt: skip
    body = json.dumps(events)
    assert 1024 * 1024 < len(body) < 5 * 1024 * 1024
    response = server.request("POST", "/usage", body, headers)
    assert response.status == 202, response.body
    big = ("[" + ",".join([json.dumps(events[0])] * 40000) + "]").encode()
    with server.raw() as sock:
        sock.sendall(b"POST /usage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n"
                     % (INGEST_TOKEN.encode(), len(big)))  # fmt: skip
        assert _status_line(sock) == b"HTTP/1.1 413 Request Entity Too Large"


@pytest.mark.parametrize("kind", ["idle", "half-sent headers"])
def test_a_stalled_connection_is_closed_after_the_header_timeout(server: Server, kind: str) -> None:
    """TOKENCOST_HTTP_TIMEOUT is 2 s for this server: the socket is closed, not held."""
    sock = server.raw() if kind == "idle" else _half_sent(server, body_too=False)
    with sock:
        started = time.monotonic()
        sock.settimeout(8)
        assert sock.recv(100) == b""
        assert 1.5 < time.monotonic() - started < 5


def test_a_body_that_stalls_is_answered_408(server: Server) -> None:
    with _half_sent(server, body_too=True) as sock:
        started = time.monotonic()
        assert _status_line(sock) == b"HTTP/1.1 408 Request Timeout"
        assert 1.5 < time.monotonic() - started < 5


MALFORMED: dict[str, tuple[str | bytes, dict[str, str] | None, str]] = {
    "timestamp-abc": (
        "text=hi",
        {"x-slack-request-timestamp": "abc", "x-slack-signature": "v0=1"},
        FORM,
    ),
    "non-utf8-form": (b"text=\xff\xfe", None, FORM),
    "json-not-json": ("{not json", None, "application/json"),
    "payload-not-json": ("payload=%7Bnope", None, FORM),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_requests_get_a_4xx_and_one_log_line_without_a_traceback(
    server: Server, case: str
) -> None:
    raw, headers, content_type = MALFORMED[case]
    body = raw if isinstance(raw, bytes) else raw.encode()
    signed = headers if headers is not None else sign(body.decode("latin-1"))
    sent = {"content-type": content_type, **signed}
    response = server.request("POST", "/slack/events", body, sent)
    assert response.status == 400, (response.status, response.body)
    reason = response.json()["error"]
    log = server.wait_log(reason)
    assert len([line for line in log.splitlines() if reason in line]) == 1
    assert "Traceback" not in server.stdout() + server.stderr()


def test_an_unknown_team_is_not_logged_with_text(server: Server, slack: FakeSlack) -> None:
    secret = "a-secret-question-nobody-may-read"
    body = command_body(f"why {secret}", slack.response_url("logline"), user="ULOGLINE")
    assert server.slack(body).status == 200
    log = server.wait_log("/slack/events 200")
    line = next(line for line in log.splitlines() if "/slack/events 200" in line)
    assert "team=T123" in line
    assert "ms" in line
    assert secret not in log


def test_fourteen_giant_o1_pro_logs_leave_budgets_and_log_working(
    server: Server, slack: FakeSlack
) -> None:
    hook = slack.response_url("giant")
    for _ in range(14):
        body = command_body("log o1-pro 1000000000000 in 1000000000000 out", hook, user="UGIANT")
        reply = server.slack(body).json()
        assert reply["text"].startswith("That usage would cost $750,000,000.00, over the ledger")
    assert server.slack(command_body("budget 100/month", hook, user="UGIANT")).status == 200
    logged = server.slack(command_body("log gpt-4o 1000 in 500 out", hook, user="UGIANT")).json()
    assert logged["text"].startswith("Logged gpt-4o"), logged
    assert "of $100.00/month" in logged["text"]  # the module's other tests logged usage too
