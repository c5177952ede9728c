"""Embedding under load: many threads, many cases, worker processes; nothing left behind in durable_rules.

The cases come from the benchmark's seeded generator (bench/cases.py): realistic fact
sets with about 30% of facts unknown, under every shipped edition.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.cases import generate_cases, unknown_fraction  # noqa: E402

import scr_eligibility.rules.runtime as runtime  # noqa: E402
from scr_eligibility import EngineError, evaluate, parse_facts  # noqa: E402
from scr_eligibility.cli.main import main  # noqa: E402
from scr_eligibility.criteria import latest_editions, superseded_by  # noqa: E402
from scr_eligibility.facts import Facts  # noqa: E402
from scr_eligibility.rules import loaded_rulesets  # noqa: E402

CASES = 10_000
THREADS = 8


def digest(facts: Facts) -> bytes:
    """The SHA-256 of a decision's JSON: equal digests mean byte-identical decisions."""
    return hashlib.sha256(evaluate(facts).model_dump_json().encode()).digest()


def engine_state() -> dict[str, int]:
    """Facts held by durable_rules, per compiled ruleset (as Ruleset.state_size reports them)."""
    return {ruleset.name: ruleset.state_size() for ruleset in loaded_rulesets()}


@pytest.fixture(scope="module")
def cases() -> list[Facts]:
    return [parse_facts(case) for case in generate_cases(CASES, seed=6)]


@pytest.fixture(scope="module")
def reference(cases: list[Facts]) -> list[bytes]:
    """The decisions one thread gives, before any concurrency."""
    return [digest(case) for case in cases]


def test_generated_cases_are_valid_realistic_and_about_30_percent_unknown():
    """The generator's cases all validate, mix outcomes and editions, and leave about 30% of facts unknown."""
    raw = generate_cases(2_000, seed=1)
    assert raw == generate_cases(2_000, seed=1)  # seeded: the same cases every time
    facts = [parse_facts(case) for case in raw]  # raises on any invalid or contradictory case
    assert 0.25 <= unknown_fraction(raw) <= 0.35
    outcomes = {(e.edition, e.primary.outcome) for f in facts[:500] for e in evaluate(f).editions}
    # every edition chosen by date (a superseded one is kept only to replay old records)
    # (England's: the generator makes English rapid-review cases; the other nations' editions have golden cases)
    assert {e.id for e in latest_editions() if not superseded_by(e) and e.content.nation == "england"} <= {
        edition for edition, _ in outcomes}
    assert any(outcome == "undetermined" for _, outcome in outcomes)
    assert len({outcome for _, outcome in outcomes}) >= 4


def test_eight_threads_give_exactly_the_decisions_one_thread_gives(cases, reference):
    """8 threads each deciding the same 10,000 cases at once (each in its own order) give byte-identical JSON."""
    before_threads = threading.active_count()
    barrier = threading.Barrier(THREADS)
    found: list[list[bytes | None]] = [[None] * len(cases) for _ in range(THREADS)]
    failures: list[BaseException] = []

    def work(number: int) -> None:
        order = list(range(len(cases)))
        random.Random(number).shuffle(order)  # threads meet on different cases, and sometimes the same
        barrier.wait()
        try:
            for index in order:
                found[number][index] = digest(cases[index])
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, inside the Python parts of an evaluation too
    try:
        threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(old_interval)
    assert failures == []
    for number in range(THREADS):
        wrong = [i for i, value in enumerate(found[number]) if value != reference[i]]
        assert wrong == [], f"thread {number} decided {len(wrong)} cases differently, first {cases[wrong[0]]!r}"
    assert threading.active_count() == before_threads  # no engine dispatcher thread was started


def test_evaluations_leave_nothing_behind_in_durable_rules(cases, reference):
    """After thousands of evaluations every ruleset holds 0 facts, and no ruleset was created per case."""
    for case in cases[:200]:
        evaluate(case)
    rulesets_before = len(loaded_rulesets())
    assert rulesets_before >= len(latest_editions())
    assert set(engine_state().values()) == {0}
    for case in cases:
        evaluate(case)
    assert len(loaded_rulesets()) == rulesets_before
    assert set(engine_state().values()) == {0}


def test_an_evaluation_that_fails_inside_durable_rules_leaves_nothing_behind(cases, reference, monkeypatch):
    """When the engine fails mid-case, the error is an EngineError, no fact stays, and the next case is right."""
    case = next(c for c in cases if c.awareness_date is not None and c.outcome == "died")
    real = runtime._engine.complete_and_start_action
    calls = {"n": 0}

    def failing(handle: int, state: str) -> str:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("simulated failure inside durable_rules")
        return real(handle, state)  # type: ignore[no-any-return]

    monkeypatch.setattr(runtime._engine, "complete_and_start_action", failing)
    with pytest.raises(EngineError):
        evaluate(case)
    assert calls["n"] == 2
    assert set(engine_state().values()) == {0}  # the failed session was deleted: that counts as empty
    monkeypatch.setattr(runtime._engine, "complete_and_start_action", real)
    index = cases.index(case)
    assert digest(case) == reference[index]


def test_batch_with_two_worker_processes_gives_the_output_of_one(tmp_path):
    """`scr batch --jobs 2` on generated cases (with some bad lines) writes what `--jobs 1` writes, in order."""
    source = tmp_path / "cases.jsonl"
    lines = [json.dumps(case) for case in generate_cases(3_000, seed=7)]
    lines[10] = '{"outcome": "died", "age": "seventeen"}'  # invalid facts
    lines[2_500] = "{not json"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    outputs = []
    for jobs in (1, 2):
        target = tmp_path / f"jobs{jobs}.jsonl"
        result = runner.invoke(main, ["batch", str(source), "--jobs", str(jobs), "--output", str(target)])
        assert result.exit_code == 1, result.output
        outputs.append((target.read_bytes(), result.stdout))
    (one, one_summary), (two, two_summary) = outputs
    assert one == two
    assert one_summary == two_summary
    decided = [json.loads(line) for line in one.decode().splitlines()]
    assert len(decided) == 3_000
    assert decided[10] == {"line": 11, "error": decided[10]["error"]}
    assert decided[2_500]["line"] == 2_501
    references = [d["case_reference"] for i, d in enumerate(decided) if i not in (10, 2_500)]
    assert references == sorted(references)  # GEN-0000001, GEN-0000002, ... : input order


def test_state_size_reports_zero_after_a_failed_evaluation(cases, monkeypatch):
    """Ruleset.state_size() is 0, not an error, after a failure made the runtime delete its session."""
    case = next(c for c in cases if c.outcome == "died")

    def failing(handle: int, state: str) -> str:
        raise RuntimeError("simulated failure inside durable_rules")

    monkeypatch.setattr(runtime._engine, "complete_and_start_action", failing)
    with pytest.raises(EngineError):
        evaluate(case)
    monkeypatch.undo()
    assert set(engine_state().values()) == {0}
