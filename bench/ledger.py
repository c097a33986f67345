"""Benchmark the usage ledger: POST /usage ingestion vs a bare insert, and the digest at 1M rows.

    python bench/ledger.py [--events 20000] [--rows 1000000]

1. Ingestion: the real ``TokencostWSGI`` served by uvicorn (``bot.slack.server.serve_http``) in a
   child process on 127.0.0.1, fed batches of 1,000 JSON events over one keep-alive
   connection; then the same rows through a bare sqlite-utils ``insert_all`` for comparison.
2. Digest: 1,000,000 synthetic ledger rows over 90 days (bulk-inserted directly), then
   ``build_digest`` + ``render_digest`` for the last day, cold and warm.

Targets (issue 6): at least 5,000 events/s through HTTP; a digest over 1M rows in under 1 s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import prices  # noqa: E402
from bot.digest.build import build_digest  # noqa: E402
from bot.digest.render import render_digest  # noqa: E402
from bot.ledger.fields import event_from_fields  # noqa: E402
from bot.ledger.pricing import price_events  # noqa: E402
from bot.store.db import format_utc, open_sqlite  # noqa: E402
from bot.store.usage import _INSERT_USAGE, _usage_params  # noqa: E402
from bot.store.workspace import Workspace  # noqa: E402

TOKEN = "bench-token"
BATCH = 1000
MODELS = ("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o3")
NOW = datetime(2026, 11, 3, 8, tzinfo=UTC)
WS = Workspace("T1")


def serve(port: int, db_path: str) -> None:
    """Child process: the real app under uvicorn, ingestion on."""
    from bot.config import Settings
    from bot.runtime import Runtime
    from bot.slack.app import build_app
    from bot.slack.ingest import make_usage_route
    from bot.slack.server import TokencostWSGI, serve_http

    settings = Settings(db_path=Path(db_path), ingest_token=TOKEN, signing_secret="bench",
                        bot_token="xoxb-bench")  # fmt: skip
    runtime = Runtime.start(settings)
    wsgi = TokencostWSGI(
        build_app(runtime), runtime, {("POST", "/usage"): make_usage_route(runtime)}
    )
    serve_http(wsgi, port, threads=4, host="127.0.0.1")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _events(n: int) -> list[dict[str, object]]:
    rng = random.Random(7)
    return [
        {
            "id": f"ev-{i}",
            "model": rng.choice(MODELS),
            "input_tokens": rng.randint(100, 20_000),
            "output_tokens": rng.randint(10, 2_000),
            "tag": f"team-{rng.randint(1, 8)}",
            "timestamp": format_utc(NOW - timedelta(seconds=i)),
        }
        for i in range(n)
    ]


def _wait_up(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def bench_http(events: list[dict[str, object]], workdir: Path) -> float:
    """Events per second through POST /usage in batches of ``BATCH``."""
    port = _free_port()
    db_path = workdir / "http.db"
    child = subprocess.Popen([sys.executable, __file__, "--serve", str(port), str(db_path)])
    try:
        _wait_up(port)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        # Encoded before the clock starts: the client's json.dumps is not the server's work.
        bodies = [json.dumps(events[start : start + BATCH]).encode()
                  for start in range(0, len(events), BATCH)]  # fmt: skip
        started = time.perf_counter()
        for body in bodies:
            conn.request("POST", "/usage", body, headers)
            response = conn.getresponse()
            answer = response.read()
            if response.status != 202:
                raise SystemExit(f"POST /usage answered {response.status}: {answer[:300]!r}")
        elapsed = time.perf_counter() - started
    finally:
        child.terminate()
        child.wait(timeout=10)
    return len(events) / elapsed


def _priced_params(events: list[dict[str, object]]) -> list[tuple[object, ...]]:
    """The rows POST /usage stores for `events`, as INSERT parameters (priced outside the
    timing: the baselines measure storing only)."""
    catalog = prices.default_catalog()
    parsed = [event_from_fields(e, NOW) for e in events]
    rows = price_events(catalog, parsed, "http").rows
    return [tuple(_usage_params(WS, r, format_utc(NOW))) for r in rows]


def bench_executemany(events: list[dict[str, object]], workdir: Path) -> float:
    """Events per second for the same rows through a raw ``executemany`` in batches of
    ``BATCH``, one transaction each: the floor issue 15 measures POST /usage against."""
    params = _priced_params(events)
    db = open_sqlite(workdir / "raw.db")
    started = time.perf_counter()
    for start in range(0, len(params), BATCH):
        with db.conn:
            db.conn.executemany(_INSERT_USAGE, params[start : start + BATCH])
    elapsed = time.perf_counter() - started
    db.close()
    return len(params) / elapsed


def bench_bare(events: list[dict[str, object]], workdir: Path) -> float:
    """Events per second for the same priced rows through sqlite-utils ``insert_all``."""
    catalog = prices.default_catalog()
    parsed = [event_from_fields(e, NOW) for e in events]
    rows = price_events(catalog, parsed, "http").rows
    columns = [
        "team_id", "enterprise_id", "event_key", "model", "provider", "input_tokens",
        "output_tokens", "cached_input_tokens", "cost_usd", "cost_nanousd", "input_per_mtok",
        "output_per_mtok", "cached_input_per_mtok", "price_as_of", "tag", "user_id", "source",
        "occurred_utc", "recorded_utc",
    ]  # fmt: skip
    records = [dict(zip(columns, _usage_params(WS, r, format_utc(NOW)), strict=True)) for r in rows]
    db = open_sqlite(workdir / "bare.db")
    started = time.perf_counter()
    for start in range(0, len(records), BATCH):
        db.table("usage").insert_all(records[start : start + BATCH], batch_size=BATCH)
    elapsed = time.perf_counter() - started
    db.close()
    return len(records) / elapsed


def bench_digest(rows: int, workdir: Path) -> tuple[float, float, float]:
    """Seconds to fill ``rows`` synthetic rows, then to build+render the digest cold and warm."""
    db = open_sqlite(workdir / "digest.db")
    rng = random.Random(11)
    span_s = 90 * 86_400
    recorded = format_utc(NOW)
    started = time.perf_counter()
    with db.atomic():
        for start in range(0, rows, 50_000):
            batch = []
            for i in range(start, min(rows, start + 50_000)):
                model = MODELS[i % len(MODELS)]
                nanousd = rng.randint(1_000, 5_000_000)
                # Oldest first, as a real ledger grows: appends to the time index stay cheap.
                when = format_utc(NOW - timedelta(seconds=span_s * (rows - i) / rows))
                batch.append((*WS.params(), None, model, "openai", 1000, 200, 0,
                              str(nanousd / 1e9), nanousd, None, None, None, None,
                              f"team-{i % 8}", None, "http", when, recorded))  # fmt: skip
            db.conn.executemany(_INSERT_USAGE, batch)
    fill_s = time.perf_counter() - started
    db.execute("ANALYZE")
    catalog = prices.default_catalog()
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        digest = build_digest(db, WS, catalog, date(2026, 11, 2), ZoneInfo("UTC"), NOW)
        if digest is None:
            raise SystemExit("the digest was empty")
        render_digest(digest)
        timings.append(time.perf_counter() - started)
    db.close()
    return fill_s, timings[0], timings[1]


def main() -> None:
    """Run both benchmarks and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), args.serve[1])
        return
    events = _events(args.events)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        http_rate = bench_http(events, workdir)
        bare_rate = bench_bare(events, workdir)
        raw_rate = bench_executemany(events, workdir)
        print(f"ingest  POST /usage, batches of {BATCH:,}: {http_rate:10,.0f} events/s"
              f"  (target >= 5,000) {'OK' if http_rate >= 5000 else 'MISSED'}")  # fmt: skip
        print(f"ingest  bare sqlite-utils insert_all:   {bare_rate:10,.0f} events/s"
              f"  (HTTP / bare = {http_rate / bare_rate:.2f})")  # fmt: skip
        ratio = http_rate / raw_rate
        print(f"ingest  raw executemany, same rows:     {raw_rate:10,.0f} events/s"
              f"  (HTTP / raw = {ratio:.2f}, target >= 0.5) "
              f"{'OK' if ratio >= 0.5 else 'MISSED'}")  # fmt: skip
        fill_s, cold_s, warm_s = bench_digest(args.rows, workdir)
        print(f"digest  {args.rows:,} ledger rows (filled in {fill_s:.1f}s): build+render "
              f"{cold_s * 1000:.0f} ms cold, {warm_s * 1000:.0f} ms warm"
              f"  (target < 1,000 ms) {'OK' if cold_s < 1 else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main()
