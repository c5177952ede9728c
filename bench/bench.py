"""Benchmark (issue 16): explained decisions against a bare three-valued verdict, in one run, on one core.

    python bench/bench.py [--cases N] [--seed S] [--memory-evaluations M] [--interviews K] [--profile]

On the same cases, two mixes: bench/cases.py's plausible generator (about 30% of facts unknown)
and bench/uniform.py's uniform random fact sets. For each edition in force in the three eras
(``as_of`` 2017-03-02, 2020-03-02, 2024-03-02) it measures

* explained decisions with their JSON (``evaluate(facts, as_of=day).model_dump_json()``, through
  durable_rules): per second of CPU, p50 and p99 per case;
* the limit: a plain three-valued, status-only evaluation of the same inlined conditions
  (bench/limit.py, which reads the edition's YAML itself and shares no code with the engine);
* the ratio engine / limit (how much of the bare verdict's speed the explained decision keeps);
* durable_rules alone (the compiled ruleset's assert, fired rules and retract, nothing else) and its
  ratio to the limit: the ceiling of the ratio above for anything that evaluates through durable_rules;

then the memory growth (RSS) over M explained decisions of distinct cases, the interview's time to
its first question and per answer (``decisive_questions``, K interviews answered from full
generated cases), and ``scr check`` as a ratio to ``python -c pass`` (bench/startup.py).

Times are this thread's CPU time (what one core spends, whatever else the machine runs); the
process is pinned to one core. ``--profile`` adds a cProfile of the explained path per edition.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as _dt
import gc
import io
import os
import platform
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # cases.py, uniform.py, limit.py, startup.py beside this

from tabulate import tabulate  # noqa: E402

from cases import date_range, full_case, generate_cases, iter_cases, unknown_fraction  # noqa: E402
from limit import StatusOnly  # noqa: E402
from uniform import uniform_cases  # noqa: E402

from scr_eligibility import Facts, evaluate, parse_facts  # noqa: E402
from scr_eligibility.engine.questions import decisive_questions  # noqa: E402

ERAS = (_dt.date(2017, 3, 2), _dt.date(2020, 3, 2), _dt.date(2024, 3, 2))

TARGETS = {  # issue 16.4
    "uniform_mean_per_s": 4_000,  # explained decisions with JSON per second, uniform mix, mean of the three editions
    "each_per_s": 3_000,  # ... under each edition
    "ratio": 0.22,  # of the status-only limit
    "p99_us": 1_000,
    "rss_growth_mib": 5.0,
    "next_question_ms": 50.0,
}


def pin_one_core() -> str:
    """Pin this process to one CPU (the one it may use with the lowest number); say which."""
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity)"


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status (Linux only)")


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def time_each(function: Callable[[Facts], Any], cases: Sequence[Facts]) -> dict[str, float]:
    """Run ``function`` on every case; rate per CPU second and per wall second, p50 and p99 of CPU time (µs)."""
    cpu, wall = time.thread_time_ns, time.perf_counter_ns
    each = [0] * len(cases)
    gc.collect()
    cpu_start, wall_start = cpu(), wall()
    for index, case in enumerate(cases):
        before = cpu()
        function(case)
        each[index] = cpu() - before
    cpu_seconds, wall_seconds = (cpu() - cpu_start) / 1e9, (wall() - wall_start) / 1e9
    each.sort()
    return {"per_s": len(cases) / cpu_seconds, "per_wall_s": len(cases) / wall_seconds,
            "p50_us": statistics.median(each) / 1000, "p99_us": each[min(len(each) - 1, int(len(each) * 0.99))] / 1000}


def explained(day: _dt.date) -> Callable[[Facts], str]:
    return lambda facts: evaluate(facts, as_of=day).model_dump_json()


def engine_alone(day: _dt.date) -> Callable[[Facts], Any]:
    """durable_rules alone for the edition in force on ``day``: one assert, the fired rules read, one retract.

    No edition choice, no outcomes, no explanation: the floor under any explained decision that evaluates
    through durable_rules (it reaches into the engine's rules package for the compiled ruleset).
    """
    from scr_eligibility.criteria import editions_in_force
    from scr_eligibility.rules import ruleset_for

    (edition,) = editions_in_force(day)
    ruleset = ruleset_for(edition)
    names = tuple(ruleset.compiled.facts_read)

    def run(facts: Facts) -> Any:
        return ruleset.evaluate({n: v for n in names if (v := getattr(facts, n)) is not None}, facts.case_reference)

    return run


def disagreements(limit: StatusOnly, day: _dt.date, cases: Sequence[Facts]) -> int:
    """Cases where the limit's criterion statuses differ from the engine's (a check that both evaluate the same)."""
    words = {True: "met", False: "not_met", None: "unknown"}
    count = 0
    for case in cases:
        ours = {c.id: c.status for c in evaluate(case, as_of=day).editions[0].criteria}
        count += ours != {k: words[v] for k, v in limit.evaluate(case)[0].items()}
    return count


def editions_run(mixes: dict[str, list[Facts]], warm: dict[str, list[Facts]]) -> list[dict[str, Any]]:
    rows = []
    for day in ERAS:
        ref = evaluate(next(iter(mixes.values()))[0], as_of=day).editions[0].ref
        limit = StatusOnly(ref)
        for mix, cases in mixes.items():
            for case in warm[mix]:  # other cases: caches hold what a running service would have seen
                explained(day)(case)
                limit.evaluate(case)
            engine = time_each(explained(day), cases)
            bare = time_each(limit.evaluate, cases)
            alone = time_each(engine_alone(day), cases)
            rows.append({"day": day, "ref": ref, "mix": mix, "engine": engine, "limit": bare, "alone": alone,
                         "ratio": engine["per_s"] / bare["per_s"],
                         "disagree": disagreements(limit, day, cases[:2000])})
            print(f"  {ref} {mix}: {engine['per_s']:,.0f}/s, limit {bare['per_s']:,.0f}/s", file=sys.stderr, flush=True)
    return rows


def in_england(case: dict[str, Any]) -> Facts:
    """A generated case decided by an English body: with the nation unknown, the editions of Wales, Scotland and
    Northern Ireland in force would be applied beside England's, and the limit evaluates England's alone."""
    return parse_facts({**case, "deciding_nation": "england"})


def memory_run(evaluations: int, seed: int) -> dict[str, float]:
    """RSS before and after ``evaluations`` explained decisions with JSON of distinct cases, the eras in turn."""
    for day in ERAS:  # warm up: the explanation caches fill with the common patterns (they are bounded)
        for case in generate_cases(2_000, seed + 5):
            explained(day)(in_england(case))
    gc.collect()
    before = rss_kib()
    for number, case in enumerate(iter_cases(evaluations, seed + 6)):
        explained(ERAS[number % len(ERAS)])(in_england(case))
    gc.collect()
    after = rss_kib()
    return {"before_mib": before / 1024, "after_mib": after / 1024, "growth_mib": (after - before) / 1024}


def interview_run(count: int, seed: int) -> dict[str, float]:
    """Interviews from nothing known, each question answered from a full generated case (or "unknown").

    Times each ``decisive_questions`` call (CPU): the first question, and every later one (per answer).
    """
    rng = random.Random(seed)
    start, end = date_range()
    first: list[float] = []
    later: list[float] = []
    for number in range(count):
        truth = full_case(rng, number, start, end)
        facts: dict[str, Any] = {}
        skip: set[str] = set()
        for step in range(80):
            before = time.thread_time_ns()
            questions = decisive_questions(facts, skip=skip)
            (first if step == 0 else later).append((time.thread_time_ns() - before) / 1e6)
            if not questions:
                break
            fact = questions[0].fact
            if truth.get(fact) is None:
                skip.add(fact)
            else:
                facts[fact] = truth[fact]
    later.sort()
    return {"first_ms": statistics.median(first), "per_answer_ms": statistics.median(later),
            "per_answer_p99_ms": later[min(len(later) - 1, int(len(later) * 0.99))], "per_answer_max_ms": later[-1],
            "answers": len(later), "interviews": count}


def profile(cases: Sequence[Facts], day: _dt.date, limit: int = 25) -> str:
    function = explained(day)
    profiler = cProfile.Profile()
    profiler.enable()
    for case in cases:
        function(case)
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
    parser.add_argument("--cases", type=int, default=10_000, help="cases of each mix (default 10,000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--warm", type=int, default=1_000, help="other cases run first under each edition")
    parser.add_argument("--memory-evaluations", type=int, default=100_000)
    parser.add_argument("--interviews", type=int, default=12)
    parser.add_argument("--startup-repeat", type=int, default=15)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of the explained path")
    args = parser.parse_args(argv)
    pinned = pin_one_core()

    plausible_raw = generate_cases(args.cases, args.seed)
    uniform, accepted = uniform_cases(args.cases + args.warm, args.seed)
    mixes = {"generator": [in_england(c) for c in plausible_raw], "uniform": uniform[:args.cases]}
    warm = {"generator": [in_england(c) for c in generate_cases(args.warm, args.seed + 1)],
            "uniform": uniform[args.cases:]}
    unknown_uniform = statistics.mean(
        sum(v is None for k, v in c.__dict__.items() if k != "case_reference") / (len(c.__dict__) - 1)
        for c in mixes["uniform"])

    print(f"Machine: {platform.machine()} ({cpu_model()}, {os.cpu_count()} CPUs, {pinned}), "
          f"Python {platform.python_version()}, durable_rules {metadata.version('durable_rules')}, "
          f"pydantic {metadata.version('pydantic')}, scr-eligibility {metadata.version('scr-eligibility')}, "
          f"{_dt.datetime.now(_dt.UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.1f}")
    print(f"Cases: {args.cases:,} of each mix (seed {args.seed}): generator {unknown_fraction(plausible_raw):.0%} of "
          f"facts unknown; uniform {unknown_uniform:.0%} unknown ({accepted:.1%} of uniform draws are consistent). "
          f"CPU time of this thread; {args.warm:,} other cases first.", flush=True)

    rows = editions_run(mixes, warm)
    table = [[r["ref"], r["day"].isoformat(), r["mix"], f"{r['engine']['per_s']:,.0f}",
              f"{r['engine']['p50_us']:,.0f}", f"{r['engine']['p99_us']:,.0f}", f"{r['limit']['per_s']:,.0f}",
              f"{r['ratio']:.2f}", f"{r['alone']['per_s']:,.0f}", f"{r['alone']['per_s'] / r['limit']['per_s']:.2f}",
              str(r["disagree"])] for r in rows]
    print()
    print(tabulate(table, headers=["Edition", "as_of", "Mix", "Explained+JSON/s", "p50 µs", "p99 µs", "Limit/s",
                                   "Ratio",
                                   "durable_rules alone/s", "its ratio", "Status differs"], tablefmt="github", disable_numparse=True))

    memory = memory_run(args.memory_evaluations, args.seed)
    interview = interview_run(args.interviews, args.seed)
    import startup  # bench/startup.py: the same measurement as its own table

    check = startup.measure(args.startup_repeat, only=("scr check EXAMPLE",))[0]

    uni = [r for r in rows if r["mix"] == "uniform"]
    mean_uniform = statistics.mean(r["engine"]["per_s"] for r in uni)
    worst = min(r["engine"]["per_s"] for r in rows)
    ratio = statistics.mean(r["ratio"] for r in uni)
    worst_ratio = min(r["ratio"] for r in rows)
    p99 = max(r["engine"]["p99_us"] for r in rows)
    summary = [
        ["explained+JSON/s, uniform mix, mean of the 3 editions", f"{mean_uniform:,.0f}",
         f">= {TARGETS['uniform_mean_per_s']:,}", _yes(mean_uniform >= TARGETS["uniform_mean_per_s"])],
        ["explained+JSON/s, slowest edition and mix", f"{worst:,.0f}", f">= {TARGETS['each_per_s']:,}",
         _yes(worst >= TARGETS["each_per_s"])],
        ["ratio to the status-only limit, uniform mean (lowest of all)", f"{ratio:.2f} ({worst_ratio:.2f})",
         f">= {TARGETS['ratio']}", _yes(worst_ratio >= TARGETS["ratio"])],
        ["p99 per case, µs (highest of all)", f"{p99:,.0f}", f"< {TARGETS['p99_us']:,}", _yes(p99 < TARGETS["p99_us"])],
        [f"RSS growth over {args.memory_evaluations:,} decisions, MiB ({memory['before_mib']:.1f} -> "
         f"{memory['after_mib']:.1f})", f"{memory['growth_mib']:.1f}", f"< {TARGETS['rss_growth_mib']:g}",
         _yes(memory["growth_mib"] < TARGETS["rss_growth_mib"])],
        [f"interview: first question, ms (median of {interview['interviews']})", f"{interview['first_ms']:.1f}",
         f"< {TARGETS['next_question_ms']:g}", _yes(interview["first_ms"] < TARGETS["next_question_ms"])],
        [f"interview: next question per answer, ms (median; p99; max of {interview['answers']})",
         f"{interview['per_answer_ms']:.1f}; {interview['per_answer_p99_ms']:.1f}; {interview['per_answer_max_ms']:.1f}",
         f"< {TARGETS['next_question_ms']:g}", _yes(interview["per_answer_p99_ms"] < TARGETS["next_question_ms"])],
        [f"scr check EXAMPLE / python -c pass ({check[1]} ms / {check[2]} ms)", check[3], check[4], check[5]],
    ]
    print()
    print(tabulate(summary, headers=["Measure", "Value", "Target", "Met"], tablefmt="github", disable_numparse=True))
    if args.profile:
        for day in ERAS:
            print(f"\ncProfile, explained decisions with JSON, uniform mix, as_of {day}:")
            print(profile(mixes["uniform"][:5_000], day))
    return 0


if __name__ == "__main__":
    sys.exit(main())
