"""Benchmark CLI cold start: whole `tokencost` processes against `python -c "import genai_prices"`.

    python bench/cli_start.py [--runs 15]

Target (issue 15): every `tokencost ask` except `count`, and `tokencost prices show`, finishes
as a whole process faster than importing genai-prices, measured in the same run. Uses
hyperfine when it is on PATH (`-N`), else `subprocess`; either way in interleaved rounds (every
command once a round, after a warm-up round), printing the minimum and the median wall time.
The verdict uses both.

"Cold" means a new interpreter each time; the compiled catalog (`prices.compiled`), the
compiled FAQ index (`faq.compiled`) and the `.pyc` files exist after the warm-up runs, as they
do for any user after their first command. So that they do, the commands run with this run's
own cache folder (other checkouts on the machine, with other sources, rewrite the shared
`~/.cache/tokencost` files under a run) and without `PYTHONDONTWRITEBYTECODE` (set, it makes
every process compile our source again, while genai-prices' `.pyc` came with its wheel). The
query log goes to a temporary database, written by every `ask`, as always.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TOKENCOST = str(BIN / "tokencost") if (BIN / "tokencost").exists() else "tokencost"

BASELINE = ("import genai_prices", [sys.executable, "-c", "import genai_prices"])
COMMANDS = [
    ("ask estimate", [TOKENCOST, "ask", "gpt-4o", "1000", "in", "500", "out", "x", "10k/day"]),
    ("ask compare", [TOKENCOST, "ask", "compare", "gpt-4o", "claude-sonnet-4-5", "2000", "400"]),
    ("ask price card", [TOKENCOST, "ask", "price", "gpt-4o"]),
    ("ask help", [TOKENCOST, "ask", "help"]),
    ("ask question (FAQ)", [TOKENCOST, "ask", "why do output tokens cost more?"]),
    ("ask off-topic", [TOKENCOST, "ask", "what is the weather in Paris?"]),
    ("prices show", [TOKENCOST, "prices", "show", "gpt-4o"]),
]


Timings = tuple[list[list[float]], list[list[float]]]
"""Per command: wall times, and CPU times (user + system) of the same runs, in seconds."""


def _hyperfine(runs: int, commands: list[list[str]], env: dict[str, str]) -> Timings:
    """`runs` rounds, each one hyperfine call timing every command once, so that bursts of
    load on a shared machine hit all the commands alike (one long run per command did not)."""
    times: list[list[float]] = [[] for _ in commands]
    cpu: list[list[float]] = [[] for _ in commands]
    shell = [" ".join(_quote(a) for a in command) for command in commands]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "h.json"
        for round_ in range(runs + 1):
            argv = ["hyperfine", "-N", "--runs", "1", "--style", "none", "--export-json",
                    str(out), *shell]  # fmt: skip
            subprocess.run(argv, check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)  # fmt: skip
            if round_ == 0:
                continue  # warm-up: .pyc files and the compiled catalog
            for i, result in enumerate(json.loads(out.read_text())["results"]):
                times[i].extend(result["times"])
                cpu[i].append(result["user"] + result["system"])  # the one run's
    return times, cpu


def _quote(arg: str) -> str:
    return f"'{arg}'" if any(c in arg for c in " ?/") else arg


def _subprocess(runs: int, commands: list[list[str]], env: dict[str, str]) -> Timings:
    times: list[list[float]] = [[] for _ in commands]
    cpu: list[list[float]] = [[] for _ in commands]
    for command in commands:  # warm-up: .pyc files and the compiled catalog
        subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=False)
    for _ in range(runs):  # interleaved, so drift on the machine hits every command alike
        for i, command in enumerate(commands):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=False)
            times[i].append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[i].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return times, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        env = {**os.environ, "TOKENCOST_DB": str(Path(tmp) / "cli.db"),
               "TOKENCOST_CACHE_DIR": str(Path(tmp) / "cache")}  # fmt: skip
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        labels = [BASELINE[0], *(label for label, _ in COMMANDS)]
        commands = [BASELINE[1], *(command for _, command in COMMANDS)]
        tool = "hyperfine" if shutil.which("hyperfine") else "subprocess"
        measure = _hyperfine if tool == "hyperfine" else _subprocess
        load = os.getloadavg()[0]
        times, cpu = measure(args.runs, commands, env)
    print(f"Whole processes, {args.runs} runs each ({tool}), {os.cpu_count()} CPUs, load "
          f"average {load:.1f} before and {os.getloadavg()[0]:.1f} after:")  # fmt: skip
    base_min, base_mid = min(times[0]), statistics.median(times[0])
    missed = []
    for label, runs, cpu_runs in zip(labels, times, cpu, strict=True):
        low, mid = min(runs), statistics.median(runs)
        mark = ""
        if label != BASELINE[0]:
            ok = low < base_min and mid < base_mid
            mark = f"  {low / base_min:4.2f}x / {mid / base_mid:4.2f}x  {'met' if ok else 'MISSED'}"
            if not ok:
                missed.append(label)
        cpu_mid = statistics.median(cpu_runs) * 1000
        print(f"  {label:22} min {low * 1000:7.1f} ms   median {mid * 1000:7.1f} ms   "
              f"CPU {cpu_mid:6.1f} ms{mark}")  # fmt: skip
    print(
        "(ratios: ours / import genai_prices, by min / by median of wall time; target < 1.00x "
        "both; CPU: median user + system time, for reading a run on a busy machine)"
    )
    print("\nTargets met." if not missed else "\nTargets NOT met: " + ", ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
