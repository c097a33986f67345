"""Benchmark the command language: parse + evaluate + render per request, and the whole CLI.

Run: `python bench/ask.py` (or `make bench`). Target: p99 under 2 ms in-process. It prints
figures and asserts nothing.

In-process: the catalog and tiktoken encodings are loaded once up front (as the bot does at
start-up); each query then goes text -> command -> result -> text + Block Kit + JSON, as a
Slack reply does. Whole process: `tokencost ask ...` against `python -c pass`, so the number
that matters (what `tokencost ask` adds over starting Python) is visible.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import prices  # noqa: E402 - after the path tweak, so the bench runs from a checkout
from bot.answers import ask  # noqa: E402
from bot.render.replies import render_blocks, render_json, render_text  # noqa: E402

QUERIES = [
    "gpt-4o 1000 500",
    "gpt-4o 1000 in 500 out x 10k/day",
    "claude sonnet 4 5000 in 1000 out cached 4000",
    "gpt-4o 1000 500 budget $100/day",
    "gemini 2.5 pro 1.2M input 300k output",
    "compare gpt-4o gpt-4o-mini claude-3-5-haiku 2000 400",
    "gpt-4o vs claude-sonnet-4 1k 1k",
    "cheapest 1000 500 anthropic",
    "count gpt-4o The quick brown fox jumps over the lazy dog.",
    "price gpt-4o",
    "models anthropic",
    "why do output tokens cost more?",
    "gtp-4o 1000 500",
    "help",
]
ROUNDS = 200
PROCESS_RUNS = 10


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def in_process() -> None:
    """Per-request time over every query, many rounds."""
    catalog = prices.default_catalog()
    prices.load_encodings()
    for text in QUERIES:  # warm caches (vocabulary index, FAQ matcher) like a running bot
        result = ask(text, catalog)
        render_text(result, slack=True), render_blocks(result), render_json(result)
    per_kind: dict[str, list[float]] = {}
    times: list[float] = []
    for _ in range(ROUNDS):
        for text in QUERIES:
            start = time.perf_counter()
            result = ask(text, catalog)
            render_text(result, slack=True)
            render_blocks(result)
            render_json(result)
            elapsed = (time.perf_counter() - start) * 1000
            times.append(elapsed)
            per_kind.setdefault(text, []).append(elapsed)
    print(f"in-process parse+evaluate+render, {len(times)} requests ({ROUNDS} x {len(QUERIES)})")
    print(f"  median {statistics.median(times):.3f} ms   p99 {_pct(times, 0.99):.3f} ms"
          f"   max {max(times):.3f} ms   (target p99 < 2 ms)")  # fmt: skip
    for text, values in per_kind.items():
        print(
            f"  {statistics.median(values):7.3f} ms median  {_pct(values, 0.99):7.3f} p99  {text}"
        )


def _run(cmd: list[str]) -> float:
    env = dict(os.environ)
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, check=False)
    return (time.perf_counter() - start) * 1000


def whole_process() -> None:
    """`tokencost ask` as a user runs it, against starting a bare interpreter."""
    script = Path(sys.executable).with_name("tokencost")
    cli = [str(script)] if script.exists() else [sys.executable, "-m", "bot"]
    ask_cmd = [*cli, "ask", "gpt-4o", "1000", "in", "500", "out", "x", "10k/day"]
    bare = [sys.executable, "-c", "pass"]
    _run(ask_cmd), _run(bare)  # warm the OS file cache
    ask_ms = [_run(ask_cmd) for _ in range(PROCESS_RUNS)]
    bare_ms = [_run(bare) for _ in range(PROCESS_RUNS)]
    a, b = statistics.median(ask_ms), statistics.median(bare_ms)
    print(f"whole process, median of {PROCESS_RUNS}:")
    print(f"  tokencost ask ...   {a:7.1f} ms")
    print(f"  python -c pass      {b:7.1f} ms")
    print(f"  tokencost adds      {a - b:7.1f} ms (imports, catalog load, encodings, answer)")


if __name__ == "__main__":
    in_process()
    whole_process()
