"""POST /usage through the real WSGI app on a real local HTTP server (wsgiref, port 0)."""

from __future__ import annotations

import http.client
import io
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest

from bot.runtime import Runtime
from bot.slack.app import build_app
from bot.slack.ingest import MAX_BODY_BYTES, make_usage_route
from bot.slack.server import TokencostWSGI
from tests.bot.ledger_support import INGEST_TOKEN, Clock, make_runtime
from tests.fake_slack import FakeSlack


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Server:
    """A running server and the runtime behind it."""

    httpd: WSGIServer
    runtime: Runtime

    def post(self, body: bytes | str, token: str | None = INGEST_TOKEN,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:  # fmt: skip
        data = body.encode() if isinstance(body, str) else body
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        host, port = self.httpd.server_address[:2]
        conn = http.client.HTTPConnection(str(host), port, timeout=10)
        try:
            if "Content-Length" in sent:
                conn.putrequest("POST", "/usage")
                for name, value in sent.items():
                    conn.putheader(name, value)
                conn.endheaders(data)
            else:
                conn.request("POST", "/usage", body=data, headers=sent)
            response = conn.getresponse()
            return response.status, json.loads(response.read())
        finally:
            conn.close()

    def stored(self) -> list[dict[str, Any]]:
        return list(self.runtime.db().query("SELECT * FROM usage ORDER BY id"))


@pytest.fixture
def server(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[Server]:
    runtime = make_runtime(tmp_path / "t.db", Clock(), fake_slack.url, signing_secret="s3cret")
    wsgi = TokencostWSGI(
        build_app(runtime), runtime, {("POST", "/usage"): make_usage_route(runtime)}
    )
    httpd = make_server("127.0.0.1", 0, wsgi, handler_class=_QuietHandler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield Server(httpd, runtime)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
        runtime.close()


ONE = {"model": "gpt-4o", "input_tokens": 1000, "output_tokens": 500}


def test_one_object_is_accepted(server: Server) -> None:
    assert server.post(json.dumps(ONE)) == (
        202, {"accepted": 1, "duplicates": 0, "cost_usd": "0.0075"},
    )  # fmt: skip
    [row] = server.stored()
    assert (row["model"], row["source"], row["cost_usd"], row["cost_nanousd"]) == (
        "gpt-4o", "http", "0.0075", 7_500_000,
    )  # fmt: skip


@pytest.mark.parametrize("token", [None, "wrong-token", ""])
def test_without_the_right_token_nothing_is_stored(server: Server, token: str | None) -> None:
    status, body = server.post(json.dumps(ONE), token=token)
    assert status == 401
    assert "Bearer" in body["error"]
    assert server.stored() == []


def test_ingestion_is_off_without_a_configured_token(tmp_path: Path) -> None:
    runtime = make_runtime(tmp_path / "t.db", Clock(), ingest_token=None)
    route = make_usage_route(runtime)
    environ = {"HTTP_AUTHORIZATION": "Bearer anything", "wsgi.input": io.BytesIO(b"{}")}
    status, _, body = route(environ)
    assert (status, json.loads(body)["error"]) == (
        404, "Usage ingestion is off: create a token with `tokencost ingest-token create "
        "--team T...` (or set TOKENCOST_INGEST_TOKEN) to enable it.",
    )  # fmt: skip
    runtime.close()


def test_malformed_json_is_400(server: Server) -> None:
    status, body = server.post('{"model": "gpt-4o", ')
    assert status == 400
    assert body["errors"][0]["index"] is None
    assert body["errors"][0]["error"].startswith("The body is not valid JSON")


def test_unknown_model_is_400_with_did_you_mean(server: Server) -> None:
    status, body = server.post(json.dumps({**ONE, "model": "gpt-4oo"}))
    message = "I don't know the model `gpt-4oo`. Did you mean `gpt-4o` or `gpt-4o-mini`?"
    assert (status, body) == (400, {"errors": [{"index": 0, "error": message}]})


def test_a_bare_date_and_number_text_read_as_in_csv_and_usage_add(server: Server) -> None:
    event = {"model": "gpt-4o", "input_tokens": "1k", "output_tokens": "1,000",
             "timestamp": "2026-11-02"}  # fmt: skip
    assert server.post(json.dumps(event))[0] == 202
    [row] = server.stored()
    assert (row["input_tokens"], row["output_tokens"]) == (1000, 1000)
    assert row["occurred_utc"].startswith("2026-11-02T00:00:00")


def test_negative_counts_are_400(server: Server) -> None:
    status, body = server.post(json.dumps({**ONE, "output_tokens": -5}))
    assert (status, body["errors"]) == (
        400, [{"index": 0, "error": "output_tokens can't be negative (-5)"}],
    )  # fmt: skip


def test_a_bad_row_in_the_middle_refuses_the_whole_batch(server: Server) -> None:
    batch = [ONE, {**ONE, "cached_input_tokens": 2000}, {**ONE, "model": "nope-model"}, ONE]
    status, body = server.post(json.dumps(batch))
    assert status == 400
    assert [e["index"] for e in body["errors"]] == [1, 2]
    assert "can't exceed input_tokens" in body["errors"][0]["error"]
    assert server.stored() == []


def test_an_oversized_body_is_413_by_content_length(server: Server) -> None:
    status, body = server.post(
        "{}",
        headers={"Content-Length": str(MAX_BODY_BYTES + 1), "Content-Type": "application/json"},
    )
    assert status == 413
    assert "split the batch" in body["error"]


def test_an_oversized_body_is_413_by_the_bytes_read(tmp_path: Path) -> None:
    runtime = make_runtime(tmp_path / "t.db", Clock())
    environ = {"HTTP_AUTHORIZATION": f"Bearer {INGEST_TOKEN}", "HTTP_TRANSFER_ENCODING": "chunked",
               "wsgi.input": io.BytesIO(b" " * (MAX_BODY_BYTES + 10))}  # fmt: skip
    status, _, _ = make_usage_route(runtime)(environ)
    assert status == 413
    runtime.close()


def test_a_repeated_id_is_stored_once(server: Server) -> None:
    event = json.dumps({**ONE, "id": "req-1"})
    assert server.post(event)[1] == {"accepted": 1, "duplicates": 0, "cost_usd": "0.0075"}
    assert server.post(event)[1] == {"accepted": 0, "duplicates": 1, "cost_usd": "0.0075"}
    assert len(server.stored()) == 1


def test_one_id_with_two_contents_in_a_batch_is_refused(server: Server) -> None:
    status, body = server.post(json.dumps([{**ONE, "id": "x"}, {**ONE, "id": "x", "tag": "b"}]))
    assert (status, body["errors"]) == (
        400, [{"index": 1, "error": "id 'x' is repeated with different fields"}],
    )  # fmt: skip


def test_json_lines_and_their_line_numbers(server: Server) -> None:
    lines = "\n".join(json.dumps({**ONE, "id": f"l{n}"}) for n in range(3)) + "\n"
    assert server.post(lines, headers={"Content-Type": "application/x-ndjson"})[0] == 202
    assert len(server.stored()) == 3
    status, body = server.post('{"model": "gpt-4o"}\n{oops}\n\n{"model": "x"}\n')
    assert (status, body["errors"][0]["line"]) == (400, 2)
    assert len(server.stored()) == 3


def test_opentelemetry_names_are_accepted(server: Server) -> None:
    event = {"gen_ai.request.model": "gpt-4o", "gen_ai.response.model": "gpt-4o-2024-08-06",
             "gen_ai.usage.input_tokens": "2000", "gen_ai.usage.output_tokens": 100,
             "gen_ai.system": "openai", "timestamp": "2026-10-20T12:00:00Z"}  # fmt: skip
    assert server.post(json.dumps(event))[0] == 202
    [row] = server.stored()
    assert (row["model"], row["input_tokens"], row["output_tokens"], row["occurred_utc"]) == (
        "gpt-4o", 2000, 100, "2026-10-20T12:00:00.000000+00:00",
    )  # fmt: skip
    # October: before the price cut, so the old rates are kept with the row.
    assert (row["input_per_mtok"], row["output_per_mtok"], row["cost_usd"]) == ("5", "15", "0.0115")
