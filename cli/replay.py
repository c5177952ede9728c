"""`scr replay`: re-run recorded decisions and say whether the rules still give the same answer.

Exit codes: plain replay exits 0 only when every record replays to the same decision, and
1 when any record differs, any record cannot be replayed, or the log fails verification.
A what-if (``--under EDITION``) exits 0 whatever would change (that is the question it
answers) and 1 only when a record cannot be replayed or the log fails verification.
3: the source cannot be read at all.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections import Counter
from collections.abc import Iterator
from typing import Any

import click
from tabulate import tabulate

#: Above this many records a progress bar is shown on standard error (unless --no-progress).
PROGRESS_ABOVE = 50

Item = tuple[str, "dict[str, Any] | str"]  # (where: "entry 3" / "line 3", the record or why it could not be read)


def _read_source(source: str) -> tuple[int, Iterator[Item], Any]:
    """How many records SOURCE holds, the records, and the decision log (None for JSON Lines).

    The kind is told by content, not by name: a file starting with the SQLite header is a
    decision log, anything else is read as JSON Lines.
    """
    from ..engine.audit.store import SQLITE_MAGIC, is_sqlite
    from ..errors import InputError, Problem

    if source == "-":
        data = sys.stdin.buffer.read()
        if is_sqlite(data):
            raise InputError("a decision log must be given as a file path, not on standard input",
                             [Problem("SOURCE", "an SQLite file on standard input", "a path to the log, or JSON Lines")])
        return *_jsonl(data, "standard input"), None
    try:
        with open(source, "rb") as f:
            head = f.read(len(SQLITE_MAGIC))
            data = head + f.read() if not is_sqlite(head) else b""
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}",
                         [Problem("SOURCE", source, "a decision log or a JSON Lines file of records")]) from None
    if is_sqlite(head):
        from ..engine.audit.ledger import Ledger

        log = Ledger(source, read_only=True)
        total = log.head()[0]
        return total, ((f"entry {seq}", record) for seq, record in log.numbered_entries(_records_only)), log
    return *_jsonl(data, source), None


#: record id -> the id of the record a correction replaced it by, as the source is read.
_REPLACED: dict[str, str] = {}


def _records_only(seq: int, body: dict[str, Any]) -> bool:
    """Keep decision records; events are not decisions and are not replayed (a correction is noted)."""
    from ..engine.audit.stored import is_event

    if not is_event(body):
        return True
    if body.get("kind") == "correction" and isinstance(body.get("replaced_by"), str):
        _REPLACED[str(body.get("record_id"))] = body["replaced_by"]
    return False


def _jsonl(data: bytes, name: str) -> tuple[int, Iterator[Item]]:
    from ..errors import InputError
    from ..parsing import json_lines

    try:
        lines = json_lines(data, name)
    except InputError as exc:
        exc.message = f"{name} is neither a decision log nor UTF-8 JSON Lines"
        raise
    items: list[Item] = [(f"line {line.number}", line.value if line.value is not None else
                          f"{line.reason}: {line.detail}") for line in lines
                         if not isinstance(line.value, dict) or _records_only(line.number, line.value)]
    return len(items), iter(items)


def _wrap(text: str, width: int = 56) -> str:
    return "\n".join(textwrap.fill(part, width, break_on_hyphens=False) for part in text.split("\n"))


def _differences(result: Any) -> str:
    """How a replay differs, one line per difference (the edition named when the record has several)."""
    if result.error:
        return _wrap("error: " + result.error)
    several = len(result.editions) > 1
    lines = []
    for d in result.differences:
        if result.what_if and d.what == "outcome" and d.after.startswith(f"{d.edition}: "):
            continue  # another edition's outcome: already in the table's columns
        prefix = f"{d.edition} " if several else ""
        lines.append(_wrap(f"{prefix}{d.what}: {d.before} -> {d.after}"))
    if result.wording_changed:
        paths = result.wording_differs_at
        shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
        lines.append(_wrap(f"explanation wording differs at {shown}"))
    if result.what_if and result.deciding_facts:
        lines.append(_wrap("depends on: " + ", ".join(result.deciding_facts)))
    return "\n".join(lines)


def _editions_cell(result: Any) -> str:
    return "\n".join(result.editions)


def _outcomes_cell(outcomes: dict[str, str]) -> str:
    return "\n".join(outcomes.values())


def _recorded(result: Any) -> str:
    """Each edition the record names with the outcome it recorded: "lscb-scr-2006@1: scr_required"."""
    return "\n".join(f"{ref}: {result.old_outcomes.get(ref.partition('@')[0], '?')}" for ref in result.editions)


def _case(result: Any) -> str:
    return result.case_reference or ""


def _status(result: Any) -> str:
    """The Replay cell: a decision that is the same, but worded otherwise, says so."""
    if result.status == "same" and result.wording_changed:
        return "same (explanation wording differs)"
    return str(result.status)


def _label(where: str, result: Any) -> str:
    return result.record_id[:8] if result.record_id not in ("", "?") else where


@click.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--under", metavar="EDITION",
              help="What-if: replay every record under this edition (id or id@version) instead of the ones it "
                   "names, and show what would change. Exits 0 whatever changes.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True,
              help="table, or one JSON result per line (jsonl).")
@click.option("--progress/--no-progress", default=None,
              help=f"Show a progress bar on standard error (default: when there are more than {PROGRESS_ABOVE} "
                   "records).")
def replay(source: str, under: str | None, fmt: str, progress: bool | None) -> None:
    """Re-run every decision in SOURCE and say whether the same rules still give the same answer.

    SOURCE is a decision log (the file `scr check --log` writes) or a JSON Lines file of records
    (`scr log export`), or - for JSON Lines on standard input. Each record is re-evaluated under
    the edition versions it names, checked against their content hashes; a record that cannot
    be replayed (an edition version this installation does not have, redacted facts) is
    reported as an error and the others are still replayed. A log is verified first. Events
    (`scr event add`) are not decisions and are not replayed; where a correction replaced a
    record, the table says which records are their case's current one.

    Exit status: 0 when every record replays the same (with --under: whenever every record
    could be replayed, whatever would change); 1 when a record differs or cannot be
    replayed, or the log does not verify.
    """
    from .._version import __version__
    from ..criteria import get_edition
    from ..engine.audit.replay import ReplayResult
    from ..engine.audit.replay import replay as replay_record

    if under:
        under = get_edition(under).ref  # an unknown edition is a usage error for the whole run, before any work
    _REPLACED.clear()
    total, items, log = _read_source(source)
    verify_failed = False
    if log is not None:
        report = log.verify()
        if not report.ok:
            verify_failed = True
            click.echo(f"Warning: {source} does not verify: {report.reason}. Replaying what it holds.", err=True)

    def run(item: Item) -> tuple[str, Any]:
        where, record = item
        if isinstance(record, str):
            return where, ReplayResult(record_id="", status="error", what_if=bool(under), error=record)
        return where, replay_record(record, under=under)

    show_bar = progress if progress is not None else total > PROGRESS_ABOVE
    results: list[tuple[str, Any]] = []
    if show_bar:
        with click.progressbar(items, length=total, label="Replaying", file=sys.stderr) as bar:
            results = [run(item) for item in bar]
    else:
        results = [run(item) for item in items]

    if fmt == "jsonl":
        for where, result in results:
            current = {"replaced_by": _REPLACED[result.record_id]} if result.record_id in _REPLACED else {}
            click.echo(json.dumps({"source": where} | result.model_dump(mode="json") | current, ensure_ascii=False))
    elif not results:
        click.echo(f"{source}: no records to replay.")
    elif under:
        _what_if_report(results, under)
    else:
        _replay_report(results)

    if fmt == "table":
        other = sorted({r.engine_version for _, r in results if r.engine_version not in (None, __version__)})
        if other:
            click.echo(f"\nNote: some records were made by scr-eligibility {', '.join(other)}; this is "
                       f"{__version__}, so a difference may come from the engine rather than the rules.")
    errors = sum(r.status == "error" for _, r in results)
    different = sum(r.status == "different" for _, r in results)
    if verify_failed or errors or (different and not under):
        sys.exit(1)


def _replay_report(results: list[tuple[str, Any]]) -> None:
    rows = [[_label(where, r), _case(r), _editions_cell(r), _outcomes_cell(r.old_outcomes), _status(r),
             _differences(r)] for where, r in results]
    headers = ["Record", "Case", "Editions", "Recorded outcome", "Replay", "How it differs"]
    if _REPLACED:
        # Only a source with corrections has records that are no longer their case's current one.
        headers.insert(2, "Current")
        for row, (_where, r) in zip(rows, results, strict=True):
            replaced = _REPLACED.get(r.record_id)
            row.insert(2, f"replaced by {replaced[:8]}" if replaced else "current")
    click.echo(tabulate(rows, headers=headers, tablefmt="simple"))
    counts = Counter(r.status for _, r in results)
    reworded = sum(r.status == "same" and r.wording_changed for _, r in results)
    worded = f" ({reworded} with the explanation worded differently)" if reworded else ""
    click.echo(f"\n{len(results)} record{'' if len(results) == 1 else 's'} replayed under the editions they name: "
               f"{counts['same']} same{worded}, {counts['different']} different, {counts['error']} "
               f"error{'' if counts['error'] == 1 else 's'}.")


def _what_if_report(results: list[tuple[str, Any]], under: str) -> None:
    rows = []
    for where, r in results:
        new = _outcomes_cell(r.new_outcomes) if r.status != "error" else ""
        word = {"same": "same", "different": "changed", "error": "error"}[r.status]
        rows.append([_label(where, r), _case(r), _recorded(r), new, word, _differences(r)])
    click.echo(tabulate(rows, headers=["Record", "Case", "Recorded (edition: outcome)", f"Under {under}", "Result",
                                       "Notes"], tablefmt="simple"))
    counts = Counter(r.status for _, r in results)
    click.echo(f"\nWhat-if under {under}: {len(results)} record{'' if len(results) == 1 else 's'}, "
               f"{counts['different']} would get a different outcome, {counts['same']} the same, "
               f"{counts['error']} could not be replayed.")
    moves = Counter((" / ".join(f"{e}: {o}" for e, o in r.old_outcomes.items()),
                     " / ".join(r.new_outcomes.values()), "changed" if r.status == "different" else "same")
                    for _, r in results if r.status != "error")
    if moves:
        click.echo("")
        click.echo(tabulate([[old, new, word, n] for (old, new, word), n in sorted(moves.items())],
                            headers=["Recorded", f"Under {under}", "Result", "Records"], tablefmt="simple"))
