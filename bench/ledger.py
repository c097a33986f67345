"""Benchmark the usage ledger: POST /usage ingestion vs a bare insert, and the digest at 1M rows.

    python bench/ledger.py [--events 20000] [--rows 1000000]

1. Ingestion: the real ``TokencostWSGI`` served by uvicorn (``bot.slack.server.serve_http``) in a
   child process on 127.0.0.1, fed batches of 1,000 JSON events over one keep-alive
   connection, each batch followed by the same rows through a raw ``executemany`` and a
   sqlite-utils ``insert_all`` (``bench_ingest``); ``--rounds`` times, each figure printed and
   the median ratio judged.
2. Digest: 1,000,000 synthetic ledger rows over 90 days (bulk-inserted directly), then
   ``build_digest`` + ``render_digest`` for the last day, cold and warm.

Targets: at least 5,000 events/s through HTTP (issue 6) and at least half the raw
``executemany`` rate (issue 15); a digest over 1M rows in under 1 s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import statistics
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
from bot.store.database import Database  # noqa: E402
from bot.store.db import format_utc, open_sqlite  # noqa: E402
from bot.store.usage import _INSERT_USAGE, _usage_params  # noqa: E402
from bot.store.workspace import Workspace  # noqa: E402

TOKEN = "bench-token"
BATCH = 1000
MODELS = ("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o3")
NOW = datetime(2026, 11, 3, 8, tzinfo=UTC)
WS = Workspace("T1")


def serve(port: int, db_path: str) -> None:
    """Child process: the real app under uvicorn, ingestion on, started as ``tokencost serve``
    starts it (its WSGI app, start-up objects frozen out of the GC, the /usage body cap)."""
    from bot.config import Settings
    from bot.runtime import Runtime
    from bot.slack.ingest import MAX_BODY_BYTES
    from bot.slack.serve import _freeze_startup_objects, build_wsgi
    from bot.slack.server import serve_http

    settings = Settings(db_path=Path(db_path), ingest_token=TOKEN, signing_secret="bench",
                        bot_token="xoxb-bench")  # fmt: skip
    runtime = Runtime.start(settings)
    wsgi = build_wsgi(runtime)
    _freeze_startup_objects()
    serve_http(wsgi, port, threads=4, host="127.0.0.1", body_caps={"/usage": MAX_BODY_BYTES})


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


def _post(conn: http.client.HTTPConnection, body: bytes) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    conn.request("POST", "/usage", body, headers)
    response = conn.getresponse()
    answer = response.read()
    if response.status != 202:
        raise SystemExit(f"POST /usage answered {response.status}: {answer[:300]!r}")


def _priced_params(events: list[dict[str, object]]) -> list[tuple[object, ...]]:
    """The rows POST /usage stores for `events`, as INSERT parameters (priced outside the
    timing: the baselines measure storing only)."""
    catalog = prices.default_catalog()
    parsed = [event_from_fields(e, NOW) for e in events]
    rows = price_events(catalog, parsed, "http").rows
    return [tuple(_usage_params(WS, r, format_utc(NOW))) for r in rows]


_COLUMNS = (
    "team_id", "enterprise_id", "event_key", "model", "provider", "input_tokens",
    "output_tokens", "cached_input_tokens", "cost_usd", "cost_nanousd", "input_per_mtok",
    "output_per_mtok", "cached_input_per_mtok", "price_as_of", "tag", "user_id", "source",
    "occurred_utc", "recorded_utc",
)  # fmt: skip


def bench_ingest(events: list[dict[str, object]], workdir: Path) -> tuple[float, float, float]:
    """Events per second for (POST /usage, raw executemany, sqlite-utils insert_all).

    Batch by batch, interleaved, so the three share whatever else the machine is doing: the
    batch's JSON (encoded before the clock: the client's work) is POSTed to the real app in a
    child process; then the same rows, priced beforehand, go through a raw ``executemany`` in
    one transaction (the floor issue 15 measures POST /usage against) and through sqlite-utils
    ``insert_all``, each into its own fresh database. The first batch warms all three up
    (connections opened, pages cached) and is not timed.
    """
    params = _priced_params(events)
    records = [dict(zip(_COLUMNS, row, strict=True)) for row in params]
    bodies = [json.dumps(events[start : start + BATCH]).encode()
              for start in range(0, len(events), BATCH)]  # fmt: skip
    raw = open_sqlite(workdir / "raw.db")
    bare = open_sqlite(workdir / "bare.db")
    port = _free_port()
    child = subprocess.Popen([sys.executable, __file__, "--serve", str(port),
                              str(workdir / "http.db")])  # fmt: skip
    spent = [0.0, 0.0, 0.0]
    try:
        _wait_up(port)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for number, body in enumerate(bodies):
            batch = slice(number * BATCH, (number + 1) * BATCH)
            started = time.perf_counter()
            _post(conn, body)
            posted = time.perf_counter()
            with raw.conn:
                raw.conn.executemany(_INSERT_USAGE, params[batch])
            inserted = time.perf_counter()
            bare.table("usage").insert_all(records[batch], batch_size=BATCH)
            done = time.perf_counter()
            if number:
                spent[0] += posted - started
                spent[1] += inserted - posted
                spent[2] += done - inserted
    finally:
        child.terminate()
        child.wait(timeout=10)
        raw.close()
        bare.close()
    timed = len(events) - min(BATCH, len(events))
    return timed / spent[0], timed / spent[1], timed / spent[2]


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
    cold, warm = time_digest(db)
    db.close()
    return fill_s, cold, warm


def time_digest(db: Database) -> tuple[float, float]:
    """Build+render the digest for the last day, twice: (cold, warm) seconds."""
    catalog = prices.default_catalog()
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        digest = build_digest(db, WS, catalog, date(2026, 11, 2), ZoneInfo("UTC"), NOW)
        if digest is None:
            raise SystemExit("the digest was empty")
        render_digest(digest)
        timings.append(time.perf_counter() - started)
    return timings[0], timings[1]


def main() -> int:
    """Run both benchmarks and print the figures; 1 when a target was missed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3, help="ingestion rounds (median shown)")
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), args.serve[1])
        return 0
    events = _events(args.events)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        rounds = []
        for number in range(args.rounds):
            (workdir / str(number)).mkdir()
            rounds.append(bench_ingest(events, workdir / str(number)))
        for http_rate, raw_rate, bare_rate in rounds:
            print(f"ingest  POST /usage {http_rate:8,.0f} events/s | raw executemany "
                  f"{raw_rate:8,.0f} (HTTP/raw {http_rate / raw_rate:.2f}) | sqlite-utils "
                  f"insert_all {bare_rate:8,.0f} "
                  f"(HTTP/bare {http_rate / bare_rate:.2f})")  # fmt: skip
        http_rate = statistics.median(r[0] for r in rounds)
        ratio = statistics.median(r[0] / r[1] for r in rounds)
        print(f"ingest  POST /usage, batches of {BATCH:,}, median of {args.rounds}: "
              f"{http_rate:,.0f} events/s (target >= 5,000) "
              f"{'OK' if http_rate >= 5000 else 'MISSED'}"
              f"; HTTP / raw executemany {ratio:.2f} (target >= 0.5) "
              f"{'OK' if ratio >= 0.5 else 'MISSED'}")  # fmt: skip
        fill_s, cold_s, warm_s = bench_digest(args.rows, workdir)
        print(f"digest  {args.rows:,} ledger rows (filled in {fill_s:.1f}s): build+render "
              f"{cold_s * 1000:.0f} ms cold, {warm_s * 1000:.0f} ms warm"
              f"  (target < 1,000 ms) {'OK' if cold_s < 1 else 'MISSED'}")  # fmt: skip
    met = http_rate >= 5000 and ratio >= 0.5 and cold_s < 1
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
