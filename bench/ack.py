"""Benchmark the `/tokencost` ack: our production server against a bare Bolt app, in one run.

    python bench/ack.py [--requests 3000] [--concurrency 50] [--warmup 300] [--no-floor]

Three servers, each on its own port:
1. Ours: `tokencost serve` (`python -m bot serve`) against a local fake Slack Web API where
   `auth.test` is answered, its query log in a temporary SQLite file.
2. Bare: `bench/bare_bolt.py`, a Bolt app whose `/tokencost` acks a fixed string, served by the
   same `bot.slack.server.serve_http` with the same thread count.
3. Floor: `bench/floor_serve.py`, ours with each answer computed once per text and replayed
   (the same Bolt app, middleware, Block Kit, JSON and query-log row per request). Its ratio to
   the bare app is what no speed-up of our parsing, pricing or rendering can go below.

All get the same signed `/tokencost gpt-4o 1000 in 500 out x 10k/day` requests over 50
keep-alive connections on 127.0.0.1, after a warm-up; latency is measured from sending a
request to reading its whole response. Prints p50, p99 and requests/second of each, the ratio
ours/bare, and whether the targets (issues 4 and 15) are met: p99 of ours at most 1.25x the bare
app's, and under 100 ms. A paced run (200 req/s by default) follows, below saturation. The
server's CPU per request (its process tree, from /proc) is printed beside the latencies.
Exits 1 when a target is missed (CPU per request and p99 within 1.25x of the bare app,
resident memory within 2.5x), so `make bench` names it.

Reading the figures: all run with `process_before_response=True` and answer this
command by an ack function alone (ours takes a listener with a lazy half only for commands
that may need Slack), so the ratio is what our parsing, pricing and rendering add per
request. Under the closed loop latency is queueing (Little's law:
connections / throughput), so the p99 ratio follows the ratio of CPU per request once both
are bound by the GIL. The resident memory (VmRSS) of each server is printed after the runs.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.slack.serve import http_threads  # noqa: E402
from tests.bot.slack_requests import command_body, sign  # noqa: E402
from tests.fake_slack import FakeSlack  # noqa: E402

SIGNING_SECRET = "bench-signing-secret"
TEXT = "gpt-4o 1000 in 500 out x 10k/day"
P99_RATIO_TARGET = 1.25
P99_TARGET_MS = 100.0
CPU_RATIO_TARGET = 1.25
RSS_RATIO_TARGET = 2.5
START_TIMEOUT = 60.0
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Run:
    """Latencies (seconds) of one load run, its wall time, and the server's CPU time."""

    latencies: list[float]
    wall: float
    errors: int
    cpu: float | None = None

    @property
    def cpu_ms_per_request(self) -> float | None:
        return None if self.cpu is None else self.cpu / len(self.latencies) * 1000

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index]

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.wall


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: IO[bytes]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self.log.close()

    def log_text(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def rss_mb(self) -> float | None:
        """Resident memory of the server process, in MB (VmRSS); Linux only."""
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except (OSError, ValueError):
            return None
        return None

    def cpu_seconds(self) -> float | None:
        """User + system CPU of the server process (and any children); Linux only."""
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            total = 0
            for each in [str(pid), *children]:
                fields = Path(f"/proc/{each}/stat").read_text().rpartition(")")[2].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
        except (OSError, ValueError, IndexError):
            return None
        return total / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _spawn(name: str, argv: list[str], env: dict[str, str], port: int, tmp: Path) -> Child:
    log = open(tmp / f"{name}.log", "wb")  # noqa: SIM115  # closed by Child.stop
    process = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
        start_new_session=True,
    )  # fmt: skip
    return Child(name, process, port, log)


def _wait_ready(child: Child, path: str) -> None:
    """Poll until the child answers HTTP at all (any status), or fail with its log."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if child.process.poll() is not None:
            raise SystemExit(f"{child.name} exited at start:\n{child.log_text()}")
        conn = http.client.HTTPConnection("127.0.0.1", child.port, timeout=2)
        try:
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"{child.name} not up after {START_TIMEOUT}s") from None
            time.sleep(0.05)
        finally:
            conn.close()


def _start_ours(fake: FakeSlack, tmp: Path, web_concurrency: int, name: str = "ours") -> Child:
    """`tokencost serve`; as `floor`, the same server replaying each answer (floor_serve.py)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TOKENCOST_"))}
    port = _free_port()
    env.update(
        SLACK_BOT_TOKEN="xoxb-bench-ours",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.url,
        PORT=str(port),
        TOKENCOST_DB=str(tmp / f"{name}.db"),
        TOKENCOST_LOG_LEVEL="WARNING",
        WEB_CONCURRENCY=str(web_concurrency),
    )
    argv = ([sys.executable, "-m", "bot", "serve"] if name == "ours"
            else [sys.executable, str(ROOT / "bench" / "floor_serve.py")])  # fmt: skip
    child = _spawn(name, argv, env, port, tmp)
    _wait_ready(child, "/healthz")
    return child


def _start_bare(fake: FakeSlack, tmp: Path, threads: int) -> Child:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TOKENCOST_"))}
    port = _free_port()
    argv = [sys.executable, str(ROOT / "bench" / "bare_bolt.py"), str(port), fake.url,
            SIGNING_SECRET, str(threads)]  # fmt: skip
    child = _spawn("bare", argv, env, port, tmp)
    _wait_ready(child, "/")
    return child


def _check_reply(port: int, response_url: str) -> str:
    """One request, to see what the server answers before timing it."""
    body = command_body(TEXT, response_url)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Content-Type": FORM, **sign(body, secret=SIGNING_SECRET)}
        conn.request("POST", "/slack/events", body=body, headers=headers)
        response = conn.getresponse()
        data = response.read().decode()
        if response.status != 200:
            raise SystemExit(f"HTTP {response.status}: {data[:300]}")
        text = json.loads(data).get("text", "") if data.startswith("{") else data
        return str(text).splitlines()[0][:70]
    finally:
        conn.close()


def load(
    child: Child, requests: int, concurrency: int, response_url: str, rate: float = 0.0
) -> Run:
    """Send `requests` signed commands over `concurrency` keep-alive connections: each as soon
    as its connection is free (closed loop), or paced at `rate` requests/second overall."""
    tickets = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    # Different users so the query log sees realistic rows; signing happens before the clock.
    bodies = [command_body(TEXT, response_url, user=f"U{i:04d}") for i in range(concurrency)]
    t0 = time.perf_counter() + 0.05  # paced tickets start once every thread is up

    def worker(slot: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", child.port, timeout=30)
        mine: list[float] = []
        failed = 0
        body = bodies[slot]
        try:
            while (ticket := next(tickets)) < requests:
                if rate:
                    time.sleep(max(0.0, t0 + ticket / rate - time.perf_counter()))
                headers = {"Content-Type": FORM, **sign(body, secret=SIGNING_SECRET)}
                started = time.perf_counter()
                conn.request("POST", "/slack/events", body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                mine.append(time.perf_counter() - started)
                if response.status != 200:
                    failed += 1
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)
                errors[0] += failed

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    cpu_before = child.cpu_seconds()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu_after = child.cpu_seconds()
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return Run(latencies, wall, errors[0], cpu)


def combine(parts: list[Run]) -> Run:
    cpus = [part.cpu for part in parts]
    return Run(
        [x for part in parts for x in part.latencies],
        sum(part.wall for part in parts),
        sum(part.errors for part in parts),
        None if None in cpus else sum(c for c in cpus if c is not None),
    )


def measure(
    children: list[Child], requests: int, concurrency: int, hook: str, rate: float = 0.0
) -> dict[str, Run]:
    """Interleaved halves (ours, bare, floor, ours, bare, floor) so drift on the machine hits
    all alike."""
    halves: dict[str, list[Run]] = {child.name: [] for child in children}
    for _ in range(2):
        for child in children:
            halves[child.name].append(load(child, requests // 2, concurrency, hook, rate))
    return {name: combine(runs) for name, runs in halves.items()}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def report(title: str, runs: dict[str, Run], cpu_target: bool = False) -> list[str]:
    """Print one run's figures side by side; returns the targets it missed."""
    ours, bare = runs["ours"], runs["bare"]
    print(f"\n{title}")
    print(f"{'':6} {'p50':>10} {'p99':>10} {'req/s':>7} {'CPU/req':>9} {'errors':>6}")
    for name, run in runs.items():
        cpu = run.cpu_ms_per_request
        print(
            f"{name:6} {_ms(run.percentile(50)):>10} {_ms(run.percentile(99)):>10} "
            f"{run.rps:7.0f} {'n/a' if cpu is None else f'{cpu:.2f} ms':>9} {run.errors:6d}"
        )
    p50_ratio = ours.percentile(50) / bare.percentile(50)
    p99_ratio = ours.percentile(99) / bare.percentile(99)
    rps_ratio = ours.rps / bare.rps
    print(f"ratio ours/bare: p50 {p50_ratio:.2f}x, p99 {p99_ratio:.2f}x, req/s {rps_ratio:.2f}x")
    if (floor := runs.get("floor")) is not None:
        floor_cpu, base_cpu = floor.cpu_ms_per_request, bare.cpu_ms_per_request
        cpu_ratio = f"{floor_cpu / base_cpu:.2f}x" if floor_cpu is not None and base_cpu else "n/a"
        p99 = floor.percentile(99) / bare.percentile(99)
        print(f"ratio floor/bare (each answer replayed): p99 {p99:.2f}x, CPU/request {cpu_ratio}")
    checks = [
        (f"p99 ours <= {P99_RATIO_TARGET}x bare", p99_ratio <= P99_RATIO_TARGET,
         f"{p99_ratio:.2f}x"),
        (f"p99 ours < {P99_TARGET_MS:.0f} ms", ours.percentile(99) * 1000 < P99_TARGET_MS,
         _ms(ours.percentile(99))),
    ]  # fmt: skip
    ours_cpu, bare_cpu = ours.cpu_ms_per_request, bare.cpu_ms_per_request
    if cpu_target and ours_cpu is not None and bare_cpu:
        ratio = ours_cpu / bare_cpu
        checks.append((f"CPU/request ours <= {CPU_RATIO_TARGET}x bare",
                       ratio <= CPU_RATIO_TARGET, f"{ratio:.2f}x"))  # fmt: skip
    return _verdicts(title.split(":")[0], checks)


def _verdicts(where: str, checks: list[tuple[str, bool, str]]) -> list[str]:
    print(
        "; ".join(f"{what}: {'met' if ok else 'MISSED'} ({figure})" for what, ok, figure in checks)
    )
    return [f"{where}: {what} ({figure})" for what, ok, figure in checks if not ok]


def report_memory(ours: Child, bare: Child, served: int) -> list[str]:
    """Resident memory of each server after `served` requests; the target is a ratio."""
    ours_mb, bare_mb = ours.rss_mb(), bare.rss_mb()
    if ours_mb is None or bare_mb is None:
        print("\nresident memory: n/a (no /proc)")
        return []
    ratio = ours_mb / bare_mb
    print(f"\nresident memory after {served} requests each: ours {ours_mb:.0f} MB, "
          f"bare {bare_mb:.0f} MB ({ratio:.2f}x)")  # fmt: skip
    return _verdicts("memory", [(f"RSS ours <= {RSS_RATIO_TARGET}x bare",
                                 ratio <= RSS_RATIO_TARGET, f"{ratio:.2f}x")])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=3000, help="timed requests per server")
    parser.add_argument("--concurrency", type=int, default=50, help="keep-alive connections")
    parser.add_argument("--warmup", type=int, default=300, help="untimed requests first")
    parser.add_argument("--web-concurrency", type=int, default=2, help="WEB_CONCURRENCY")
    parser.add_argument(
        "--paced-rate", type=float, default=200.0,
        help="then a paced run at this many requests/second overall (0: skip it)",
    )  # fmt: skip
    parser.add_argument("--paced-requests", type=int, default=1000)
    parser.add_argument(
        "--no-floor", dest="floor", action="store_false",
        help="skip the third server, ours replaying each answer (bench/floor_serve.py)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    threads = http_threads(Settings(web_workers=args.web_concurrency))
    print(
        f"/tokencost {TEXT}: {args.concurrency} keep-alive connections on 127.0.0.1, "
        f"{args.warmup} warm-up requests; uvicorn, 1 process, {threads} worker threads each;"
        f" {os.cpu_count()} CPUs shared with this load generator",
        flush=True,
    )
    with FakeSlack() as fake, tempfile.TemporaryDirectory(prefix="bench-ack-") as tmp_dir:
        tmp = Path(tmp_dir)
        children: list[Child] = []
        try:
            children.append(ours := _start_ours(fake, tmp, args.web_concurrency))
            children.append(bare := _start_bare(fake, tmp, threads))
            if args.floor:
                children.append(_start_ours(fake, tmp, args.web_concurrency, "floor"))
            hook = fake.response_url("bench")
            for child in children:
                print(f"{child.name} answers: {_check_reply(child.port, hook)!r}", flush=True)
            for child in children:
                load(child, args.warmup, args.concurrency, hook)
            runs = measure(children, args.requests, args.concurrency, hook)
            missed = report(f"closed loop: {args.requests} requests each, back to back", runs,
                            cpu_target=True)  # fmt: skip
            served = args.warmup + args.requests + 2
            if args.paced_rate > 0:
                paced = measure(
                    children, args.paced_requests, args.concurrency, hook, args.paced_rate
                )
                title = (f"paced: {args.paced_requests} requests each at "
                         f"{args.paced_rate:.0f} req/s (below saturation)")  # fmt: skip
                missed += report(title, paced)
                served += args.paced_requests
            missed += report_memory(ours, bare, served)
        finally:
            for child in children:
                child.stop()
    print("\nTargets met." if not missed else "\nTargets NOT met: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
