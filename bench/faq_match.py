"""Benchmark the FAQ matcher: time per question over the evaluation set; median and p99.

Run: `python bench/faq_match.py` (or `make bench`). Target: p99 under 1 ms. It prints figures and
asserts nothing: timing belongs in a benchmark, not in a test.

Each question is timed cold (typo-correction cache cleared, as for a first-time question)
and warm (the same words seen before), over several rounds; the matcher's index is built
once up front, as the bot does at start-up.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from faq.matcher import Matcher, default_matcher
from faq.render import render

EVAL_PATH = Path(__file__).resolve().parent.parent / "tests" / "faq" / "eval_questions.yaml"
ROUNDS = 20


def questions() -> list[str]:
    """Every question of the evaluation set, on-topic and off-topic."""
    data = yaml.safe_load(EVAL_PATH.read_text(encoding="utf-8"))
    rows: list[str] = [row["q"] for row in data["questions"] + data["fresh"] + data["fresh2"]]
    off = data["off_topic"] + data["fresh_off_topic"] + data["fresh2_off_topic"]
    return rows + [str(q) for q in off]


def time_matches(matcher: Matcher, texts: list[str], *, cold: bool) -> list[float]:
    """Microseconds per `match()` call, one sample per question per round."""
    samples: list[float] = []
    for _ in range(ROUNDS):
        for text in texts:
            if cold:
                matcher._correct.cache_clear()
            start = time.perf_counter_ns()
            matcher.match(text)
            samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def report(label: str, samples: list[float]) -> None:
    """Print median, p99 and max in microseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{label:<28} n={len(ordered):>5}  median {statistics.median(ordered):7.1f} µs"
        f"  p99 {p99:7.1f} µs  max {ordered[-1]:7.1f} µs"
    )


def main() -> None:
    """Build the index, time matching (cold and warm) and rendering, print the figures."""
    start = time.perf_counter()
    matcher = default_matcher()
    print(
        f"index build: {(time.perf_counter() - start) * 1000:.1f} ms "
        f"({len(matcher.entries)} entries, {len(matcher.idf)} terms)"
    )
    texts = questions()
    for text in texts:  # warm-up: imports, regex caches
        matcher.match(text)
    report("match, cold typo cache", time_matches(matcher, texts, cold=True))
    report("match, warm", time_matches(matcher, texts, cold=False))
    render_samples: list[float] = []
    for entry in matcher.entries * 5:
        begin = time.perf_counter_ns()
        render(entry)
        render_samples.append((time.perf_counter_ns() - begin) / 1000)
    report("render (per entry)", render_samples)


if __name__ == "__main__":
    main()
