"""Benchmark: time per estimate (ours, genai-prices, tokencost) and `import prices` + load.

    .venv/bin/python bench/estimate.py [--quick]

Same inputs for all three: a 1000-token prompt and a 500-token reply on a few models.
genai-prices and tokencost are dev dependencies; tokencost's import is slow (~1 s, the
`anthropic` SDK), so it is imported once, before timing. Targets (issue 2): at least 10x
faster than genai-prices per estimate; `import prices` plus catalog load under 150 ms. Issue 15:
the common-case estimate (no tier crossed, no history look-up) at or below tokencost's time,
by `Model`, by name, and with the total read (against tokencost's two costs summed); all
libraries are timed in turn within each round, so load on the shared cores hits them alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import timeit
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import prices  # noqa: E402

#: (our name, genai-prices model ref, genai-prices provider, tokencost name)
MODELS = [
    ("gpt-4o", "gpt-4o", "openai", "gpt-4o"),
    ("gpt-4o-mini", "gpt-4o-mini", "openai", "gpt-4o-mini"),
    ("claude-sonnet-4", "claude-sonnet-4-20250514", "anthropic", "claude-sonnet-4-20250514"),
    ("gemini-2.5-pro", "gemini-2.5-pro", "google", "gemini-2.5-pro"),
    ("deepseek-v4-flash", "deepseek-v4-flash", "deepseek", "deepseek-chat"),
]
INPUT_TOKENS, OUTPUT_TOKENS = 1000, 500


def interleaved_us(
    funcs: dict[str, Callable[[], object]], number: int, repeat: int
) -> dict[str, tuple[float, float]]:
    """(min, median) microseconds per call of each function over `repeat` rounds of `number`
    calls. Each round times every function in turn, so a busy spell on the shared cores falls
    on all of them alike instead of on whichever ran then."""
    for func in funcs.values():
        func()  # warm caches (lookups, per-model rates, lazy imports) outside the timing
    runs: dict[str, list[float]] = {label: [] for label in funcs}
    for _ in range(repeat):
        for label, func in funcs.items():
            runs[label].append(timeit.timeit(func, number=number) / number * 1e6)
    return {label: (min(per), statistics.median(per)) for label, per in runs.items()}


def bench_estimates(number: int, repeat: int) -> dict[str, tuple[float, float]]:
    """Time each library on the same usage, per model (averaged over MODELS)."""
    from genai_prices import Usage, calc_price

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import tokencost

    catalog = prices.default_catalog()
    models = [catalog.get(ours) for ours, *_ in MODELS]
    names = [ours for ours, *_ in MODELS]
    tc_names = [name for *_, name in MODELS]
    cost = tokencost.calculate_cost_by_tokens

    def ours_by_name() -> None:
        for name in names:
            prices.estimate(name, INPUT_TOKENS, OUTPUT_TOKENS)

    def ours_by_model() -> None:
        for model in models:
            prices.estimate(model, INPUT_TOKENS, OUTPUT_TOKENS)

    def ours_total() -> None:
        for model in models:
            _ = prices.estimate(model, INPUT_TOKENS, OUTPUT_TOKENS).total

    def genai() -> None:
        for _ours, ref, provider, _tc in MODELS:
            calc_price(
                Usage(input_tokens=INPUT_TOKENS, output_tokens=OUTPUT_TOKENS),
                model_ref=ref,
                provider_id=provider,
            )

    def tc() -> None:
        for name in tc_names:
            cost(INPUT_TOKENS, name, "input")
            cost(OUTPUT_TOKENS, name, "output")

    def tc_total() -> None:
        for name in tc_names:
            _ = cost(INPUT_TOKENS, name, "input") + cost(OUTPUT_TOKENS, name, "output")

    results = interleaved_us(
        {
            "prices.estimate (by name)": ours_by_name,
            "prices.estimate (Model)": ours_by_model,
            "prices.estimate(Model).total": ours_total,
            "genai_prices.calc_price": genai,
            "tokencost (input+output)": tc,
            "tokencost (input+output) sum": tc_total,
        },
        number,
        repeat,
    )
    return {label: (low / len(MODELS), mid / len(MODELS)) for label, (low, mid) in results.items()}


def bench_import(runs: int) -> tuple[float, float]:
    """Median wall ms of a fresh `import prices; default_catalog()` and of `python -c pass`."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}

    def wall_ms(code: str) -> float:
        start = timeit.default_timer()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)
        return (timeit.default_timer() - start) * 1000

    load = "import prices; prices.default_catalog()"
    wall_ms(load)  # compile .pyc files once
    baseline = statistics.median(wall_ms("pass") for _ in range(runs))
    loaded = statistics.median(wall_ms(load) for _ in range(runs))
    return baseline, loaded


def main() -> int:
    """Run both benchmarks and print figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    number, repeat, runs = (200, 3, 5) if args.quick else (2000, 7, 11)

    print(f"Python {sys.version.split()[0]}, {len(prices.default_catalog())} models in catalog")
    print(f"\nPer estimate ({INPUT_TOKENS} in / {OUTPUT_TOKENS} out, {len(MODELS)} models):")
    results = bench_estimates(number, repeat)
    genai_mid = results["genai_prices.calc_price"][1]
    for label, (low, mid) in results.items():
        print(f"  {label:28} min {low:8.2f} us   median {mid:8.2f} us   x{genai_mid / mid:6.1f}")
    ours_min, ours_mid = results["prices.estimate (by name)"]
    genai_min = results["genai_prices.calc_price"][0]
    speedup = min(genai_min / ours_min, genai_mid / ours_mid)
    print(
        f"  ours by name vs genai-prices: {genai_min / ours_min:.1f}x (min), "
        f"{genai_mid / ours_mid:.1f}x (median) faster (target >= 10x)"
    )

    print(
        "  ours vs tokencost's calculate_cost_by_tokens (input + output, same names and counts),"
        " share of its time:"
    )
    comparisons = (
        ("estimate(Model)", "prices.estimate (Model)", "tokencost (input+output)"),
        ("estimate(name)", "prices.estimate (by name)", "tokencost (input+output)"),
        ("estimate(Model).total", "prices.estimate(Model).total", "tokencost (input+output) sum"),
    )
    tc_ok = True
    for what, ours_label, theirs_label in comparisons:
        (o_min, o_mid), (t_min, t_mid) = results[ours_label], results[theirs_label]
        met = o_min <= t_min
        tc_ok = tc_ok and met
        print(
            f"    {what:22} {o_min:5.2f} vs {t_min:5.2f} us: {o_min / t_min:.2f}x (min), "
            f"{o_mid / t_mid:.2f}x (median); target <= 1.00x by min: {'met' if met else 'MISSED'}"
        )

    baseline, loaded = bench_import(runs)
    print(f"\nImport + catalog load (median of {runs} fresh interpreters):")
    print(f"  python -c pass                          {baseline:7.1f} ms")
    print(f"  import prices; default_catalog()        {loaded:7.1f} ms")
    print(f"  cost of import prices + load            {loaded - baseline:7.1f} ms (target < 150)")
    ok = speedup >= 10 and loaded - baseline < 150 and tc_ok
    print("\nTargets met." if ok else "\nTargets NOT met.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
