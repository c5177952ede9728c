"""Evaluating many cases: a JSON Lines file (one fact set a line) or a folder of case files.

The result of every case is one line of JSON, in input order: the decision exactly as
``scr check --format json`` prints it but on one line, or, for a case that could not be
decided, ``{"line": n, "error": {...}}`` (``"file"`` instead of ``"line"`` for a folder).
A bad case never stops the others.

With ``jobs > 1`` the cases are evaluated in worker processes started with the
``spawn`` method. Never ``fork``: durable_rules keeps C-level state (rulesets,
sessions) that a forked child would share half-copied with its parent, and this
process may already have compiled rulesets. Each worker compiles its own. Cases
travel to the workers as raw bytes or paths in chunks, so reading, validating,
evaluating and serialising all happen in parallel; the parent only writes lines.
"""

from __future__ import annotations

import datetime as _dt
import multiprocessing
import os
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, Literal

from ..errors import InputError, Problem, ScrError
from ..facts import Facts, parse_facts
from ..parsing import decode, load_data, parse_text
from .decision import Decision
from .evaluation import evaluate
from .faults import engine_fault
from .readings import check_options as check_readings
from .selection import select_editions

#: File name endings read from a folder of cases.
CASE_SUFFIXES = (".yaml", ".yml", ".json")
#: Cases sent to a worker at a time: large enough that inter-process traffic is a small
#: share of the time, small enough that progress moves smoothly and memory stays bounded.
CHUNK_SIZE = 200
#: Chunks in flight per worker: keeps workers busy without reading the whole input ahead.
CHUNKS_AHEAD = 4

Kind = Literal["line", "file"]


@dataclass(frozen=True)
class CaseItem:
    """One case to evaluate, as read from the input and not yet parsed.

    ``position`` is the line number in a JSON Lines file (1-based, blank lines counted)
    or the position of the file in the sorted folder; ``payload`` is the line's bytes or
    the file's path. Items are small and picklable: they are what workers receive.
    """

    kind: Kind
    position: int
    source: str
    payload: bytes | str


@dataclass
class CaseResult:
    """The outcome of one case: the output line, and what the summary and the stderr report need."""

    item: CaseItem
    line: str
    #: ``((edition ref, outcome of its main determination), ...)``; empty when the case failed.
    outcomes: tuple[tuple[str, str], ...] = ()
    #: The error message for stderr (``str(ScrError)``), or None if the case was decided.
    message: str | None = None
    #: 0 when decided; otherwise the failed case's exit code (1 bad input, 3 engine fault).
    exit_code: int = 0
    #: The decision itself, kept only when evaluated in this process and asked for (not pickled).
    decision: Decision | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


@dataclass
class Summary:
    """Counts of outcomes by edition, and of cases that failed."""

    cases: int = 0
    failed: int = 0
    exit_code: int = 0
    by_edition: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, result: CaseResult) -> None:
        """Count one result."""
        self.cases += 1
        if result.ok:
            self.by_edition.update(result.outcomes)
        else:
            self.failed += 1
            self.exit_code = max(self.exit_code, result.exit_code)

    def rows(self) -> list[tuple[str, str, int]]:
        """``(edition ref, outcome, count)`` sorted by edition, then by count (largest first)."""
        return sorted(((e, o, n) for (e, o), n in self.by_edition.items()), key=lambda r: (r[0], -r[2], r[1]))


# --------------------------------------------------------------------------- reading the input


def is_folder(path: str | Path) -> bool:
    """Whether ``path`` names a folder of case files (``-`` is standard input, never a folder)."""
    return str(path) != "-" and Path(path).is_dir()


def folder_cases(folder: str | Path) -> list[Path]:
    """The case files of ``folder`` (.yaml, .yml, .json; not its subfolders), sorted by name."""
    folder = Path(folder)
    try:
        files = [p for p in folder.iterdir() if p.suffix.lower() in CASE_SUFFIXES and p.is_file()]
    except OSError as error:
        raise InputError("the folder cannot be read", [Problem(
            str(folder), error.strerror or str(error), "a readable folder of case files")], str(folder)) from None
    if not files:
        raise InputError("the folder holds no case files", [Problem(
            str(folder), "no .yaml, .yml or .json files", "a folder of case files")], str(folder))
    return sorted(files, key=lambda p: p.name)


def _lines(stream: BinaryIO, source: str) -> Iterator[CaseItem]:
    # Split on b"\n" only (iterating a binary file does): JSON text may hold U+2028 and other
    # characters that str.splitlines() would wrongly treat as line ends.
    for number, raw in enumerate(stream, start=1):
        if raw.strip():  # blank lines (a trailing one, say) are not cases
            yield CaseItem("line", number, f"{source}, line {number}", raw)


def read_cases(path: str | Path, stdin: BinaryIO | None = None) -> Iterator[CaseItem]:
    """The cases of a JSON Lines file, of ``-`` (``stdin``), or of a folder of case files, in order.

    A missing file or an empty folder raises :class:`InputError` here, before any case is read.
    """
    if is_folder(path):
        files = folder_cases(path)
        return (CaseItem("file", number, str(file), str(file)) for number, file in enumerate(files, start=1))
    if str(path) == "-":
        if stdin is None:
            import sys

            stdin = sys.stdin.buffer
        return _lines(stdin, "<stdin>")
    name = str(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by _lines_of when the cases are consumed
    except FileNotFoundError:
        raise InputError("the file does not exist", [Problem(name, "no such file", "a JSON Lines file or a folder")],
                         name) from None
    except OSError as error:
        raise InputError("the file cannot be read", [Problem(
            name, error.strerror or str(error), "a readable JSON Lines file")], name) from None
    return _lines_of(handle, Path(name).name)


def _lines_of(handle: BinaryIO, source: str) -> Iterator[CaseItem]:
    with handle:
        yield from _lines(handle, source)


def count_cases(path: str | Path) -> int | None:
    """How many cases ``path`` holds, for a progress bar; None for standard input."""
    if str(path) == "-":
        return None
    if is_folder(path):
        return len(folder_cases(path))
    try:
        with open(path, "rb") as handle:
            return sum(1 for raw in handle if raw.strip())
    except OSError:
        return None  # read_cases reports it


# --------------------------------------------------------------------------- evaluating


def _facts_of(item: CaseItem) -> Facts:
    if item.kind == "file":
        data, name = load_data(str(item.payload))
        return parse_facts(data, name)
    raw = item.payload
    assert isinstance(raw, bytes)
    try:
        data = parse_text(decode(raw.rstrip(b"\r\n"), item.source), item.source, "json")
    except InputError as error:
        # The parser counts lines and columns within the line; say the line of the file instead.
        error.problems = [
            replace(p, location=f"line {item.position}, column " + p.location.removeprefix("line 1, column "))
            if p.location.startswith("line 1, column ") else p
            for p in error.problems]
        # "the file is not valid JSON" would mislead: the file is fine but for this line.
        error.message = error.message.replace("the file", "the line", 1)
        error.source = item.source
        raise
    return parse_facts(data, item.source)


def _failure(item: CaseItem, error: ScrError) -> CaseResult:
    from json import dumps

    key = "line" if item.kind == "line" else "file"
    where: int | str = item.position if item.kind == "line" else Path(str(item.payload)).name
    error.source = error.source or item.source
    line = dumps({key: where, "error": error.to_dict()}, ensure_ascii=False, separators=(",", ":"))
    return CaseResult(item, line,
                      message=str(error), exit_code=error.exit_code)


def evaluate_item(
    item: CaseItem,
    as_of: _dt.date | None = None,
    editions: Sequence[str] | None = None,
    keep_decision: bool = False,
    readings: Mapping[str, str] | None = None,
) -> CaseResult:
    """Read, validate and decide one case; a failure becomes an error result, never an exception."""
    try:
        facts = _facts_of(item)
        decision = evaluate(facts, as_of=as_of, editions=editions, readings=readings or None)
        line = decision.model_dump_json()
    except ScrError as error:
        return _failure(item, error)
    except Exception as error:  # noqa: BLE001 - one case's fault must not stop a batch of thousands
        return _failure(item, engine_fault(error))
    outcomes = tuple((e.ref, e.primary.outcome) for e in decision.editions)
    return CaseResult(item, line, outcomes, decision=decision if keep_decision else None)


def _evaluate_chunk(chunk: list[CaseItem], as_of: _dt.date | None, editions: tuple[str, ...] | None,
                    readings: tuple[tuple[str, str], ...] = ()) -> list[CaseResult]:
    """Worker side: evaluate a chunk of cases (top level, so that a spawned process can import it)."""
    return [evaluate_item(item, as_of, editions, readings=dict(readings)) for item in chunk]


def _warm_up(editions: tuple[str, ...] | None) -> None:
    """Worker initialiser: load the editions and compile their rulesets before the first chunk."""
    from ..criteria import latest_editions

    for edition in (editions or tuple(e.ref for e in latest_editions())):
        evaluate(Facts(), editions=[edition])


def check_options(as_of: _dt.date | None = None, editions: Sequence[str] | None = None,
                  readings: Mapping[str, str] | None = None) -> None:
    """Refuse options that would fail every case (an unknown edition, a date no edition covers, a reading no
    edition declares or an option it does not have)."""
    chosen: Sequence[Any] = ()
    if editions or as_of is not None:
        chosen, _, _ = select_editions(Facts(), as_of, list(editions) if editions else None)
    if readings:
        check_readings(readings, chosen)


def _chunks(items: Iterable[CaseItem], size: int) -> Iterator[list[CaseItem]]:
    chunk: list[CaseItem] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def evaluate_items(
    items: Iterable[CaseItem],
    *,
    as_of: _dt.date | None = None,
    editions: Sequence[str] | None = None,
    jobs: int = 1,
    chunk_size: int = CHUNK_SIZE,
    keep_decisions: bool = False,
    readings: Mapping[str, str] | None = None,
) -> Iterator[CaseResult]:
    """Evaluate ``items`` and yield one result per item, in input order.

    ``jobs`` is the number of processes (0: one per CPU). With one job everything
    happens in this process and ``keep_decisions`` keeps each :class:`Decision` on its
    result; with more, results carry the JSON line only.
    """
    editions_t = tuple(editions) if editions else None
    readings_t = tuple(sorted((readings or {}).items()))
    if jobs == 0:
        jobs = os.cpu_count() or 1
    if jobs <= 1:
        for item in items:
            yield evaluate_item(item, as_of, editions_t, keep_decisions, readings=dict(readings_t))
        return
    context = multiprocessing.get_context("spawn")
    pool = context.Pool(jobs, initializer=_warm_up, initargs=(editions_t,))
    try:
        pending: deque[Any] = deque()
        chunks = _chunks(items, chunk_size)
        # A bounded window of chunks in flight (Pool.imap would read the whole input ahead).
        for chunk in chunks:
            pending.append(pool.apply_async(_evaluate_chunk, (chunk, as_of, editions_t, readings_t)))
            if len(pending) >= jobs * CHUNKS_AHEAD:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()


def run_batch(
    path: str | Path,
    *,
    as_of: _dt.date | None = None,
    editions: Sequence[str] | None = None,
    jobs: int = 1,
    keep_decisions: bool = False,
    readings: Mapping[str, str] | None = None,
) -> Iterator[CaseResult]:
    """Read the cases at ``path`` and evaluate them; yields results in input order.

    ``readings``: options of declared readings applied to every case (each case's decision keeps those its
    editions declare).
    """
    check_options(as_of, editions, readings)
    return evaluate_items(read_cases(path), as_of=as_of, editions=editions, jobs=jobs,
                          keep_decisions=keep_decisions, readings=readings)


__all__ = [
    "CASE_SUFFIXES",
    "CaseItem",
    "CaseResult",
    "Summary",
    "count_cases",
    "evaluate_item",
    "evaluate_items",
    "folder_cases",
    "read_cases",
    "run_batch",
]
