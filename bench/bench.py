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
import importlib
import io
import multiprocessing
import os
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

from cases import generate_cases, iter_cases, unknown_fraction  # noqa: E402  (bench/cases.py, beside this script)
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


def time_each(function: Callable[[Facts], Any], cases: Sequence[Facts]) -> dict[str, float]:
    """Run ``function`` on every case, timing each by the wall clock and by this thread's CPU time.

    CPU time is what one core spends on the case whatever else the machine runs; wall time
    is what a caller waits. On a quiet machine the two agree.
    """
    wall, cpu = time.perf_counter_ns, time.thread_time_ns
    walls = [0] * len(cases)
    cpus = [0] * len(cases)
    wall_start, cpu_start = wall(), cpu()
    for index, case in enumerate(cases):
        before_wall, before_cpu = wall(), cpu()
        function(case)
        walls[index] = wall() - before_wall
        cpus[index] = cpu() - before_cpu
    wall_seconds, cpu_seconds = (wall() - wall_start) / 1e9, (cpu() - cpu_start) / 1e9
    return {
        "per_second": len(cases) / wall_seconds,
        "per_cpu_second": len(cases) / cpu_seconds,
        **{f"{name}_us": value for name, value in _quantiles(walls).items()},
        **{f"cpu_{name}_us": value for name, value in _quantiles(cpus).items()},
    }


def _quantiles(nanoseconds: list[int]) -> dict[str, float]:
    ordered = sorted(nanoseconds)
    return {"median": statistics.median(ordered) / 1000,
            "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] / 1000}


def _function(kind: str) -> Callable[[Facts], Any]:
    if kind == "engine":
        return evaluate
    if kind == "engine+json":
        return lambda facts: evaluate(facts).model_dump_json()
    return load_oracle()


def throughput_job(kind: str, count: int, seed: int, warm: int) -> dict[str, float]:
    """In a fresh process: warm up on ``warm`` other cases, then time ``count`` cases one by one.

    The warm-up cases are different ones (another seed), so caches hold what a running
    service would have seen, not the very cases being timed.
    """
    function = _function(kind)
    for case in generate_cases(warm, seed + 1):
        function(parse_facts(case))
    cases = [parse_facts(case) for case in generate_cases(count, seed)]
    gc.collect()
    return time_each(function, cases)


def memory_job(evaluations: int, seed: int, warm: int) -> dict[str, float]:
    """In a fresh process: RSS (KiB) after a warm-up, after ``evaluations`` distinct cases, and what is left."""
    from scr_eligibility.rules import loaded_rulesets

    evaluate_module = importlib.import_module("scr_eligibility.engine.evaluation")

    for case in generate_cases(warm, seed + 1):
        evaluate(case)
    gc.collect()
    before = rss_kib()
    for case in iter_cases(evaluations, seed + 2):  # distinct cases, made one at a time
        evaluate(case)
    gc.collect()
    after = rss_kib()
    # Caches of explained results, if the engine keeps any: empty them to tell a cache from a leak.
    cached = 0
    for plan in getattr(evaluate_module, "_plans", {}).values():
        memo = getattr(plan, "memo", None)
        if memo is not None:
            cached += len(memo)
            memo.clear()
    gc.collect()
    return {"before": before, "after": after, "after_cache_emptied": rss_kib(), "cached": cached,
            "facts_left": sum(ruleset.state_size() for ruleset in loaded_rulesets())}


def in_fresh_process(function: Callable[..., Any], *args: Any) -> Any:
    """Run ``function(*args)`` in a newly spawned process, so that no measurement inherits another's state."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def _process_worker(count: int, seed: int, barrier: Any, results: Any) -> None:
    """One process of the scaling run: warm up on other cases, make and parse the cases, then time them all."""
    for case in generate_cases(2_000, seed + 1):
        evaluate(case)
    cases = [parse_facts(case) for case in generate_cases(count, seed)]
    barrier.wait()
    started = time.perf_counter()  # CLOCK_MONOTONIC on Linux: comparable across processes
    for facts in cases:
        evaluate(facts)
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
    spans: list[tuple[float, float]] = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
        if worker.exitcode:
            raise RuntimeError(f"a benchmark process failed (exit code {worker.exitcode})")
    return float(processes * count / (max(end for _, end in spans) - min(start for start, _ in spans)))


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
    parser.add_argument("--warm", type=int, default=2_000, help="warm-up cases (other ones) before timing")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of the engine's per-case path")
    args = parser.parse_args(argv)

    raw = generate_cases(args.cases, args.seed)
    editions_used: dict[str, int] = {}
    for case in raw[:2000]:
        for decision_edition in evaluate(case).editions:
            editions_used[decision_edition.ref] = editions_used.get(decision_edition.ref, 0) + 1
    load = os.getloadavg()[0]

    print(f"Machine: {platform.machine()} ({cpu_model()}, {os.cpu_count()} CPUs), Python {platform.python_version()}, "
          f"durable_rules {metadata.version('durable_rules')}, pydantic {metadata.version('pydantic')}, "
          f"scr-eligibility {metadata.version('scr-eligibility')}, {_dt.date.today().isoformat()}")
    print(f"Cases: {len(raw):,} generated (seed {args.seed}), {unknown_fraction(raw):.0%} of facts unknown; "
          f"editions applied in the first 2,000: " + ", ".join(f"{k} {v}" for k, v in sorted(editions_used.items())))
    print(f"Each measurement runs in a fresh process, warmed up on {args.warm:,} other cases.", flush=True)

    engine = in_fresh_process(throughput_job, "engine", args.cases, args.seed, args.warm)
    engine_json = in_fresh_process(throughput_job, "engine+json", args.cases, args.seed, args.warm)
    try:
        load_oracle()
    except ImportError as error:
        print(f"(no oracle: {error}; tests/oracle.py must define oracle_evaluate(facts))", file=sys.stderr)
        oracle = None
    else:
        oracle = in_fresh_process(throughput_job, "oracle", args.cases, args.seed, args.warm)
    memory = in_fresh_process(memory_job, args.memory_evaluations, args.seed, args.warm)
    before, after, emptied = memory["before"], memory["after"], memory["after_cache_emptied"]
    growth_mib = (after - before) / 1024
    left = memory["facts_left"]

    count = min(args.cases, 20_000)
    one = processes_run(1, count, args.seed)
    two = processes_run(2, count, args.seed)
    speedup = two / one

    def n(value: float, digits: int = 0) -> str:
        return f"{value:,.{digits}f}"

    def both(result: dict[str, float] | None, key: str, digits: int = 0) -> str:
        """A CPU-time figure with its wall-clock twin in brackets."""
        if result is None:
            return "-"
        wall_key = "per_second" if key == "per_cpu_second" else key.removeprefix("cpu_")
        return f"{n(result[key], digits)} ({n(result[wall_key], digits)})"

    ratio = engine["per_cpu_second"] / oracle["per_cpu_second"] if oracle else None
    rows = [
        ["fully explained decisions/s, 1 core: CPU (wall)", both(engine, "per_cpu_second"),
         both(oracle, "per_cpu_second"), f">= {TARGETS['throughput']:,}",
         _yes(engine["per_cpu_second"] >= TARGETS["throughput"])],
        ["  the same, serialised to JSON: CPU (wall)", both(engine_json, "per_cpu_second"), "-", "", ""],
        ["median latency per case, µs: CPU (wall)", both(engine, "cpu_median_us"), both(oracle, "cpu_median_us"),
         "", ""],
        ["p99 latency per case, µs: CPU (wall)", both(engine, "cpu_p99_us"), both(oracle, "cpu_p99_us"),
         f"< {TARGETS['p99_us']:,}", _yes(engine["cpu_p99_us"] < TARGETS["p99_us"])],
        ["speed engine / oracle (CPU)", n(ratio, 2) if ratio else "-", "1", f">= {TARGETS['oracle_ratio']}",
         _yes(ratio >= TARGETS["oracle_ratio"]) if ratio else "-"],
        [f"RSS after warm-up, before {args.memory_evaluations:,} evaluations (MiB)", n(before / 1024, 1), "", "", ""],
        [f"RSS after {args.memory_evaluations:,} evaluations of distinct cases (MiB)", n(after / 1024, 1), "", "",
         ""],
        ["RSS growth (MiB)", n(growth_mib, 1), "", f"< {TARGETS['rss_growth_mib']:g}",
         _yes(growth_mib < TARGETS["rss_growth_mib"])],
        *([[f"  of which the engine's memo of explanations ({memory['cached']:,} entries)",
            n((after - emptied) / 1024, 1), "", "", ""]] if memory["cached"] else []),
        ["facts left in durable_rules after the run", str(left), "", "0", _yes(left == 0)],
        [f"decisions/s (wall), 1 process ({count:,} cases)", n(one), "", "", ""],
        [f"decisions/s (wall), 2 processes ({count:,} cases each)", n(two), "", "", ""],
        ["speed-up, 2 processes vs 1", n(speedup, 2) + "x", "", f">= {TARGETS['speedup']}x",
         _yes(speedup >= TARGETS["speedup"])],
    ]
    print(tabulate(rows, headers=["Measure", "Engine", "Oracle", "Target", "Met"], tablefmt="github",
                   disable_numparse=True))
    print(f"Load average (1 min) before the run: {load:.1f} on {os.cpu_count()} CPUs"
          + (" -- the machine was busy: wall-clock figures and the speed-up are pessimistic"
             if load > 0.5 * (os.cpu_count() or 1) else ""))
    if args.profile:
        for case in generate_cases(args.warm, args.seed + 1):
            evaluate(case)
        print()
        print(profile_engine([parse_facts(case) for case in raw[:20_000]]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
