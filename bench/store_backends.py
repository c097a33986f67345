"""SQLite and PostgreSQL side by side: POST /usage events/s and the digest over 1M ledger rows.

    python bench/store_backends.py [--events 20000] [--rows 1000000] [--pg-url URL]

Without ``--pg-url`` a throwaway PostgreSQL 15 cluster is started for the run
(``tests/pg_cluster.py``: Debian's ``initdb``/``pg_ctl``, fsync off, so writes are faster
than on a durable server; a managed database adds a network round trip per statement).

1. Ingestion: the real HTTP app (uvicorn, ``bot.slack.server``) in a child process, fed
   batches of 1,000 JSON events over one keep-alive connection, on each backend; each batch
   followed by the same rows through a raw ``executemany`` on the same backend (the baseline).
2. Digest: ``--rows`` synthetic rows over 90 days bulk-loaded (SQLite ``executemany``,
   PostgreSQL ``COPY``, then ``ANALYZE``/``VACUUM ANALYZE``), then ``build_digest`` +
   ``render_digest`` for the last day, cold and warm.

Targets (issue 6, for both): >= 5,000 events/s through HTTP; a digest under 1 s.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ledger import (  # noqa: E402
    BATCH,
    MODELS,
    NOW,
    TOKEN,
    WS,
    _events,
    _free_port,
    _priced_params,
    _wait_up,
    time_digest,
)

from bot.store.database import Database  # noqa: E402
from bot.store.db import format_utc, open_db, open_sqlite  # noqa: E402
from bot.store.pg import to_pyformat  # noqa: E402
from bot.store.usage import _INSERT_USAGE  # noqa: E402

_COLUMNS = (
    "team_id, enterprise_id, event_key, model, provider, input_tokens, output_tokens,"
    " cached_input_tokens, cost_usd, cost_nanousd, input_per_mtok, output_per_mtok,"
    " cached_input_per_mtok, price_as_of, tag, user_id, source, occurred_utc, recorded_utc"
)


def serve(port: int, database: str) -> None:
    """Child process: the real app under uvicorn on ``database`` (a path or a URL)."""
    from bot.config import Settings
    from bot.runtime import Runtime
    from bot.slack.ingest import MAX_BODY_BYTES
    from bot.slack.serve import _freeze_startup_objects, build_wsgi
    from bot.slack.server import serve_http

    url = database if database.startswith("postgresql://") else None
    settings = Settings(
        db_path=Path(database if url is None else "unused.db"),
        database_url=url,
        ingest_token=TOKEN,
        signing_secret="bench",
        bot_token="xoxb-bench",
    )
    runtime = Runtime.start(settings)
    wsgi = build_wsgi(runtime)
    _freeze_startup_objects()  # as `tokencost serve` does before serving
    serve_http(wsgi, port, threads=4, host="127.0.0.1", body_caps={"/usage": MAX_BODY_BYTES})


class _RawInsert:
    """The baseline: the same priced rows through a raw ``executemany`` of the ledger's INSERT
    (sqlite3 into its own file; psycopg into ``usage_raw``, a copy of ``usage`` with its
    indexes and constraints), one transaction per batch."""

    def __init__(self, database: str, workdir: Path) -> None:
        self.pg = database.startswith("postgresql://")
        if self.pg:
            import psycopg

            self.conn: Any = psycopg.connect(database, autocommit=True)
            self.conn.execute("DROP TABLE IF EXISTS usage_raw")
            self.conn.execute("CREATE TABLE usage_raw (LIKE usage INCLUDING ALL)")
            self.sql = to_pyformat(_INSERT_USAGE.replace("INTO usage ", "INTO usage_raw "))
        else:
            self.sqlite = open_sqlite(workdir / "raw.db")
            self.sql = _INSERT_USAGE

    def insert(self, rows: list[tuple[object, ...]]) -> None:
        """Store one batch in one transaction."""
        if self.pg:
            with self.conn.transaction(), self.conn.cursor() as cursor:
                cursor.executemany(self.sql, rows)
        else:
            with self.sqlite.conn:
                self.sqlite.conn.executemany(self.sql, rows)

    def close(self) -> None:
        """Drop the copy (PostgreSQL) and close."""
        if self.pg:
            self.conn.execute("DROP TABLE usage_raw")
            self.conn.close()
        else:
            self.sqlite.close()


def bench_http(
    events: list[dict[str, object]], database: str, workdir: Path
) -> tuple[float, float]:
    """Events per second through POST /usage in batches of ``BATCH``, and for the same rows
    through a raw ``executemany`` (``_RawInsert``), batch by batch, interleaved; the first
    batch warms both up and is not timed."""
    import http.client
    import json

    params = _priced_params(events)
    # Encoded before the clock starts: the client's json.dumps is not the server's work.
    bodies = [json.dumps(events[start : start + BATCH]).encode()
              for start in range(0, len(events), BATCH)]  # fmt: skip
    port = _free_port()
    child = subprocess.Popen([sys.executable, __file__, "--serve", str(port), database])
    raw: _RawInsert | None = None
    spent = [0.0, 0.0]
    try:
        _wait_up(port)  # the server has migrated the database: usage_raw can copy usage
        raw = _RawInsert(database, workdir)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        for number, body in enumerate(bodies):
            started = time.perf_counter()
            conn.request("POST", "/usage", body, headers)
            response = conn.getresponse()
            answer = response.read()
            if response.status != 202:
                raise SystemExit(f"POST /usage answered {response.status}: {answer[:300]!r}")
            posted = time.perf_counter()
            raw.insert(params[number * BATCH : (number + 1) * BATCH])
            if number:
                spent[0] += posted - started
                spent[1] += time.perf_counter() - posted
    finally:
        child.terminate()
        child.wait(timeout=20)
        if raw is not None:
            raw.close()
    timed = len(events) - min(BATCH, len(events))
    return timed / spent[0], timed / spent[1]


def _synthetic(rows: int) -> list[tuple[object, ...]]:
    rng = random.Random(11)
    span_s = 90 * 86_400
    recorded = format_utc(NOW)
    out: list[tuple[object, ...]] = []
    for i in range(rows):
        nanousd = rng.randint(1_000, 5_000_000)
        when = format_utc(NOW - timedelta(seconds=span_s * (rows - i) / rows))
        out.append((*WS.params(), None, MODELS[i % len(MODELS)], "openai", 1000, 200, 0,
                    str(nanousd / 1e9), nanousd, None, None, None, None, f"team-{i % 8}", None,
                    "http", when, recorded))  # fmt: skip
    return out


def fill(db: Database, database: str, rows: list[tuple[object, ...]]) -> float:
    """Bulk-load the ledger; seconds taken (statistics included)."""
    started = time.perf_counter()
    if db.backend == "sqlite":
        sqlite = open_sqlite(database)
        with sqlite.atomic():
            sqlite.conn.executemany(_INSERT_USAGE, rows)
        sqlite.execute("ANALYZE")
        sqlite.close()
    else:
        import psycopg

        with psycopg.connect(database, autocommit=True) as conn:
            with conn.cursor().copy(f"COPY usage ({_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            conn.execute("VACUUM ANALYZE usage")  # the visibility map: index-only scans
    return time.perf_counter() - started


def _pg_databases(url: str | None) -> tuple[list[str], object | None]:
    """Two empty PostgreSQL databases (ingest, digest), and the cluster to stop if we made it."""
    if url is not None:
        return [url, url], None
    sys.path.insert(0, str(ROOT))
    from tests.pg_cluster import PgCluster

    cluster = PgCluster()
    return [cluster.create_database("bench_http"), cluster.create_database("bench_digest")], cluster


def main() -> None:
    """Run both benchmarks on both backends and print them side by side."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("TOKENCOST_BENCH_PG_URL"),
        help="an empty PostgreSQL database (default: a throwaway cluster)",
    )
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), args.serve[1])
        return
    events = _events(args.events)
    rows = _synthetic(args.rows)
    (pg_http, pg_digest), cluster = _pg_databases(args.pg_url)
    results: dict[str, tuple[float, float, float, float, float]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            targets = {"sqlite": (str(Path(tmp) / "http.db"), str(Path(tmp) / "digest.db")),
                       "postgresql": (pg_http, pg_digest)}  # fmt: skip
            for backend, (http_db, digest_db) in targets.items():
                rate, raw_rate = bench_http(events, http_db, Path(tmp))
                db = open_db(digest_db)
                try:
                    fill_s = fill(db, digest_db, rows)
                    cold, warm = time_digest(db)
                finally:
                    db.close()
                results[backend] = (rate, raw_rate, fill_s, cold, warm)
    finally:
        if cluster is not None:
            cluster.stop()  # type: ignore[attr-defined]
    print(f"{'':34}{'SQLite':>14}{'PostgreSQL':>14}")
    sq, pg = results["sqlite"], results["postgresql"]
    print(f"{'POST /usage events/s (>= 5,000)':34}{sq[0]:>14,.0f}{pg[0]:>14,.0f}")
    print(f"{'raw executemany, same rows':34}{sq[1]:>14,.0f}{pg[1]:>14,.0f}")
    print(f"{'POST /usage / raw executemany':34}{sq[0] / sq[1]:>14.2f}{pg[0] / pg[1]:>14.2f}")
    print(f"{f'load {args.rows:,} ledger rows (s)':34}{sq[2]:>14.1f}{pg[2]:>14.1f}")
    print(f"{'digest cold (ms, < 1,000)':34}{sq[3] * 1000:>14.0f}{pg[3] * 1000:>14.0f}")
    print(f"{'digest warm (ms)':34}{sq[4] * 1000:>14.0f}{pg[4] * 1000:>14.0f}")
    missed = [name for name, r in results.items() if r[0] < 5000 or r[3] >= 1]
    if missed:
        print("MISSED a target on: " + ", ".join(missed))
        raise SystemExit(1)
    print("OK: both backends meet the targets")


if __name__ == "__main__":
    main()
