"""Benchmark: fully explained decisions per second, latency, memory and scaling, in one run.

    python bench/bench.py [--cases N] [--seed S] [--memory-evaluations M] [--profile]

Measures, on N generated realistic cases (bench/cases.py: about 30% of facts unknown):

* the engine (``scr_eligibility.evaluate``: durable_rules, a full ``Decision`` with its
  explanation) and the plain-Python oracle of the tests (``tests/oracle.py``,
  ``oracle_evaluate``, also building full explanations): cases per second, median and
  p99 latency per case, and the ratio engine / oracle;
* resident memory (VmRSS) before and after M engine evaluations (default 100,000);
* engine throughput in 1 and in 2 processes at once (spawned, each deciding the N cases).

and prints one table with the targets. ``--profile`` adds a cProfile of the engine's
per-case path. Timings are wall-clock on whatever else the machine is doing: run it on a
quiet machine.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as _dt
import gc
import io
import multiprocessing
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for folder in (Path(__file__).resolve().parent, ROOT / "tests"):  # cases.py beside this file; the oracle
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from tabulate import tabulate  # noqa: E402

from cases import generate_cases, unknown_fraction  # noqa: E402  (bench/cases.py, beside this script)
from scr_eligibility import Facts, evaluate, parse_facts  # noqa: E402

TARGETS = {
    "throughput": 5_000,  # fully explained decisions per second, one core
    "oracle_ratio": 0.25,  # engine speed / oracle speed
    "p99_us": 1_000,  # p99 latency per case
    "rss_growth_mib": 5.0,  # over the memory run
    "speedup": 1.8,  # 2 processes vs 1
}


def rss_kib() -> int:
    """Resident set size of this process (VmRSS from /proc/self/status), in KiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status (Linux only)")


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_oracle() -> Callable[[Facts], Any]:
    """The tests' oracle (tests/oracle.py): it chooses the editions as the engine does, inside the timed call."""
    from oracle import oracle_evaluate

    return oracle_evaluate  # type: ignore[no-any-return]


def time_each(function: Callable[[Facts], Any], cases: Sequence[Facts]) -> tuple[float, list[int]]:
    """Run ``function`` on every case; (wall seconds, per-case nanoseconds)."""
    clock = time.perf_counter_ns
    latencies = [0] * len(cases)
    started = clock()
    for index, case in enumerate(cases):
        before = clock()
        function(case)
        latencies[index] = clock() - before
    return (clock() - started) / 1e9, latencies


def summarise(seconds: float, latencies: list[int]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "per_second": len(latencies) / seconds,
        "median_us": statistics.median(ordered) / 1000,
        "p99_us": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] / 1000,
    }


def memory_run(cases: Sequence[Facts], evaluations: int) -> tuple[int, int]:
    """RSS (KiB) before and after ``evaluations`` engine evaluations, cycling through ``cases``."""
    for case in cases[:1000]:  # warm: every edition compiled, caches filled
        evaluate(case)
    gc.collect()
    before = rss_kib()
    count = len(cases)
    for index in range(evaluations):
        evaluate(cases[index % count])
    gc.collect()
    return before, rss_kib()


def _process_worker(count: int, seed: int, barrier: Any, results: Any) -> None:
    """One process of the scaling run: make and parse the cases, warm up, then time them all."""
    facts = [parse_facts(case) for case in generate_cases(count, seed)]
    for case in facts[:500]:
        evaluate(case)
    barrier.wait()
    started = time.perf_counter()  # CLOCK_MONOTONIC on Linux: comparable across processes
    for case in facts:
        evaluate(case)
    results.put((started, time.perf_counter()))


def processes_run(processes: int, count: int, seed: int) -> float:
    """Cases per second with ``processes`` spawned processes deciding ``count`` cases each at once."""
    context = multiprocessing.get_context("spawn")  # never fork a process that holds durable_rules state
    barrier = context.Barrier(processes)
    results = context.Queue()
    workers = [context.Process(target=_process_worker, args=(count, seed, barrier, results))
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    spans = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
        if worker.exitcode:
            raise RuntimeError(f"a benchmark process failed (exit code {worker.exitcode})")
    return processes * count / (max(end for _, end in spans) - min(start for start, _ in spans))


def profile_engine(cases: Sequence[Facts], limit: int = 30) -> str:
    """cProfile of the engine on ``cases``: the functions by own time, then by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for case in cases:
        evaluate(case)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(limit)
    stats.sort_stats("cumulative").print_stats(limit)
    return out.getvalue()


def _yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000, help="generated cases (default 20,000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--memory-evaluations", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of the engine's per-case path")
    args = parser.parse_args(argv)

    raw = generate_cases(args.cases, args.seed)
    cases = [parse_facts(case) for case in raw]
    editions_used: dict[str, int] = {}
    for case in cases[:2000]:
        for decision_edition in evaluate(case).editions:
            editions_used[decision_edition.ref] = editions_used.get(decision_edition.ref, 0) + 1

    print(f"Machine: {platform.machine()} ({cpu_model()}), Python {platform.python_version()}, "
          f"durable_rules {metadata.version('durable_rules')}, pydantic {metadata.version('pydantic')}, "
          f"scr-eligibility {metadata.version('scr-eligibility')}, {_dt.date.today().isoformat()}")
    print(f"Cases: {len(cases):,} generated (seed {args.seed}), {unknown_fraction(raw):.0%} of facts unknown; "
          f"editions applied in the first 2,000: " + ", ".join(f"{k} {v}" for k, v in sorted(editions_used.items())))
    print("", flush=True)

    for case in cases[:500]:
        evaluate(case)
    engine = summarise(*time_each(evaluate, cases))
    engine_json = summarise(*time_each(lambda f: evaluate(f).model_dump_json(), cases))
    try:
        oracle_call = load_oracle()
    except ImportError as error:
        print(f"(no oracle: {error}; tests/oracle.py must define oracle_evaluate(facts))", file=sys.stderr)
        oracle = None
    else:
        for case in cases[:500]:
            oracle_call(case)
        oracle = summarise(*time_each(oracle_call, cases))

    before, after = memory_run(cases, args.memory_evaluations)
    from scr_eligibility.rules import loaded_rulesets

    left = sum(ruleset.state_size() for ruleset in loaded_rulesets())
    growth_mib = (after - before) / 1024

    count = min(args.cases, 20_000)
    one = processes_run(1, count, args.seed)
    two = processes_run(2, count, args.seed)
    speedup = two / one

    def n(value: float, digits: int = 0) -> str:
        return f"{value:,.{digits}f}"

    ratio = engine["per_second"] / oracle["per_second"] if oracle else None
    rows = [
        ["fully explained decisions/s (1 core)", n(engine["per_second"]),
         n(oracle["per_second"]) if oracle else "-", f">= {TARGETS['throughput']:,}",
         _yes(engine["per_second"] >= TARGETS["throughput"])],
        ["  the same, serialised to JSON", n(engine_json["per_second"]), "-", "", ""],
        ["median latency per case (µs)", n(engine["median_us"]), n(oracle["median_us"]) if oracle else "-", "", ""],
        ["p99 latency per case (µs)", n(engine["p99_us"]), n(oracle["p99_us"]) if oracle else "-",
         f"< {TARGETS['p99_us']:,}", _yes(engine["p99_us"] < TARGETS["p99_us"])],
        ["speed engine / oracle", n(ratio, 3) if ratio else "-", "1", f">= {TARGETS['oracle_ratio']}",
         _yes(ratio >= TARGETS["oracle_ratio"]) if ratio else "-"],
        [f"RSS before {args.memory_evaluations:,} evaluations (MiB)", n(before / 1024, 1), "", "", ""],
        [f"RSS after {args.memory_evaluations:,} evaluations (MiB)", n(after / 1024, 1), "", "", ""],
        ["RSS growth (MiB)", n(growth_mib, 2), "", f"< {TARGETS['rss_growth_mib']:g}",
         _yes(growth_mib < TARGETS["rss_growth_mib"])],
        ["facts left in durable_rules after the run", str(left), "", "0", _yes(left == 0)],
        [f"decisions/s, 1 process ({count:,} cases)", n(one), "", "", ""],
        [f"decisions/s, 2 processes ({count:,} cases each)", n(two), "", "", ""],
        ["speed-up, 2 processes vs 1", n(speedup, 2) + "x", "", f">= {TARGETS['speedup']}x",
         _yes(speedup >= TARGETS["speedup"])],
    ]
    print(tabulate(rows, headers=["Measure", "Engine", "Oracle", "Target", "Met"], tablefmt="github",
                   disable_numparse=True))
    if args.profile:
        print()
        print(profile_engine(cases[: min(len(cases), 20_000)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
