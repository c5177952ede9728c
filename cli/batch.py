"""`scr batch`: decide many cases at once, one JSON decision per line, with a summary."""

from __future__ import annotations

import datetime as _dt
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import click
from tabulate import tabulate

from .params import DATE, READINGS, SIGN_KEY, log_for_writing


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams (tests, pipes)
        return False


def _log_appender(log_path: str | None, sign_key: str | None) -> Callable[[Any], int] | None:
    """``record(decision)``, appending its record to the decision log; None when no log was asked for."""
    ledger = log_for_writing(log_path, sign_key)  # before the first case, see log_for_writing
    if ledger is None:
        return None
    from ..engine.audit.records import append_to_log

    return lambda decision: append_to_log(ledger, decision)


def render_summary(summary: Any) -> str:
    """The summary table: cases by edition and outcome, then how many were decided and how many failed."""
    rows = [[edition, outcome, count] for edition, outcome, count in summary.rows()]
    decided = summary.cases - summary.failed
    table = tabulate(rows, headers=["Edition", "Outcome", "Cases"], tablefmt="simple") if rows else "(no decisions)"
    return (f"{table}\n\n{summary.cases} case{'' if summary.cases == 1 else 's'}: {decided} decided, "
            f"{summary.failed} failed")


@click.command()
@click.argument("source", metavar="INPUT", type=click.Path(exists=False, allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the decisions to this file instead of standard output.")
@click.option("--as-of", type=DATE, help="Apply the rules in force on this date instead of each case's own date.")
@click.option("--edition", "editions", multiple=True, metavar="ID",
              help="Apply this edition (id or id@version) to every case; repeat for several.")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), help="Append each decision's record to this log.")
@READINGS
@SIGN_KEY
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes (0: one per CPU; never more than the CPUs).")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar on standard error (default: only when it is a terminal).")
def batch(source: str, output: str | None, as_of: _dt.date | None, editions: tuple[str, ...], log_path: str | None,
          readings: dict[str, str], sign_key: str | None, jobs: int, progress: bool | None) -> None:
    """Decide every case in INPUT: a JSON Lines file (one fact set per line, - for standard input) or a folder of
    .yaml/.yml/.json case files (taken in name order).

    Prints one decision per line, as JSON (the same as `scr check --format json`, on one line), in input order. A
    case that cannot be decided is reported on standard error and gets the line {"line": N, "error": {...}}
    ({"file": NAME, ...} for a folder); the other cases carry on. A summary by edition and outcome follows on
    standard error (on standard output when the decisions go to --output). Exit code 1 if any case failed (3 if the
    engine itself failed on one).
    """
    from ..engine.batch import Summary, count_cases, run_batch
    from ..engine.decision import Decision

    from .edited import warn_if_edited

    record = _log_appender(log_path, sign_key)
    warned: set[str] = set()
    if progress is None:
        progress = _stderr_is_terminal()
    cpus = os.cpu_count() or 1
    if jobs > cpus:
        # Each worker is a whole Python process compiling its own rulesets: --jobs 999 on a small
        # machine spawned 999 of them and ran for minutes (or out of memory) instead of a second.
        click.echo(f"Note: --jobs {jobs} is more than the {cpus} CPUs here; using {cpus}.", err=True)
        jobs = cpus
    results = run_batch(source, as_of=as_of, editions=list(editions) or None, jobs=jobs,
                        keep_decisions=record is not None, readings=readings or None)
    summary = Summary()
    out: IO[str]
    out = _open_output(output, source, log_path) if output else sys.stdout
    try:
        shown: Iterator[Any]
        with _progressbar(results, count_cases(source)) if progress else _nullbar(results) as shown:
            for result in shown:
                warn_if_edited((ref for ref, _outcome in result.outcomes), warned)
                if result.ok and record is not None:
                    # Recorded before it is shown: a kill or a log fault (locked, full) never leaves
                    # the output holding a decision the log does not. Decisions made in worker
                    # processes come back as JSON: rebuild them to record them.
                    record(result.decision or Decision.model_validate_json(result.line))
                out.write(result.line + "\n")
                summary.add(result)
                if result.message:
                    click.echo(("\n" if progress else "") + f"Error: {result.message}", err=True)
    finally:
        if output:
            out.close()
        else:
            out.flush()
    click.echo(render_summary(summary), err=not output)
    if summary.exit_code:
        click.get_current_context().exit(summary.exit_code)


def _open_output(output: str, source: str, log_path: str | None) -> IO[str]:
    """Open --output for writing; refuse a path that is an input (the cases, or the log) before truncating it.

    Opening for writing empties the file at once: were it the JSON Lines input (or a case
    file of the input folder, or the decision log), the cases would be gone before a line
    of them was read, and the run would report 0 cases as a success.
    """
    from ..engine.batch import folder_cases, is_folder
    from ..errors import InputError, Problem, ScrError

    if os.path.exists(output):
        inputs = [] if source == "-" else folder_cases(source) if is_folder(source) else [Path(source)]
        inputs += [Path(log_path)] if log_path else []
        for path in inputs:
            try:
                same = os.path.samefile(output, path)
            except OSError:
                continue
            if same:
                raise InputError(
                    "the output file is also an input: writing the decisions there would destroy it before it is "
                    "read; nothing was written",
                    [Problem("--output", output, "a file that is not an input of this run (the cases or the log)",
                             "write to a new file")])
    from ..files import open_private

    try:
        # Owner-only (0600) whatever the umask: the decisions hold the facts of the cases.
        return open_private(output)
    except OSError as error:  # a missing folder, no permission: say which option and why
        raise ScrError("cannot write the decisions to that file", [Problem(
            "--output", output, "a file that can be created or written", error.strerror or str(error))],
            exit_code=1, kind="output_error") from None


def _progressbar(results: Iterator[Any], total: int | None) -> Any:
    """click's progress bar on stderr, drawn even when stderr is not a terminal (the user asked for it)."""
    # Redraw about every 0.1%: one redraw per case would cost more than deciding it.
    steps = max(1, (total or 100_000) // 1000)
    bar = click.progressbar(results, length=total, label="Deciding", file=sys.stderr, show_pos=True,
                            update_min_steps=steps)
    # click draws only the label when the stream is not a terminal; --progress means draw the bar.
    if hasattr(bar, "_is_atty"):
        bar._is_atty = True
    return bar


class _nullbar:  # noqa: N801 - stands in for click.progressbar in a with statement
    """A do-nothing stand-in for the progress bar: yields the items unchanged."""

    def __init__(self, items: Iterator[Any]):
        self._items = items

    def __enter__(self) -> Iterator[Any]:
        return self._items

    def __exit__(self, *exc: object) -> None:
        return None
