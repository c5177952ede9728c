"""`scr log`: verify, list, export and import the tamper-evident decision log, and make a key to sign it.

Reading commands open the log read-only: they never create a log or write to one.
Exit codes: 0 done; 1 the log does not verify (``verify``) or a bad line or record
(``import``); 3 the file cannot be read or is not a decision log.
"""

from __future__ import annotations

import datetime as _dt
import sys
from typing import IO, Any

import click
from tabulate import tabulate

from .params import DATE


@click.group(name="log")
def log_group() -> None:
    """Check, list, export and import a decision log (the file `scr check --log FILE` writes).

    The log is tamper-evident: each entry holds the hash of the one before it, so an entry
    changed, removed or inserted after it was written is found by `scr log verify`. Logs written
    with --sign-key (a key from `scr log keygen`) also carry signed checkpoints, which
    `scr log verify --public-key` checks.
    """


def _open(path: str) -> Any:
    from ..engine.audit.ledger import Ledger

    return Ledger(path, read_only=True)


def _head_option(value: str | None) -> tuple[int, str] | None:
    if value is None:
        return None
    seq, sep, hash_ = value.partition(":")
    if not sep or not seq.isdigit() or len(hash_) != 64:
        raise click.BadParameter("write it as SEQ:HASH, as `scr log verify` printed it (e.g. 12:5f2a...)",
                                 param_hint="--expect-head")
    return int(seq), hash_.lower()


@log_group.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--expect-head", metavar="SEQ:HASH",
              help="Also check that entry SEQ still has HASH (a head printed by an earlier verify and kept elsewhere): "
                   "this finds a log rewritten from that entry on.")
@click.option("--public-key", type=click.Path(dir_okay=False), metavar="KEY.pub",
              help="Also check every signed checkpoint with this public key (from `scr log keygen`), and that the "
                   "head is signed: this finds a rewritten log, and entries appended without the private key.")
def verify(file: str, expect_head: str | None, public_key: str | None) -> None:
    """Check every entry of the log FILE: prints OK and the count, or the first bad entry and why (exit 1)."""
    expected = _head_option(expect_head)
    key = None
    if public_key:
        from ..engine.audit.signing import load_public_key

        key = load_public_key(public_key)
    log = _open(file)
    report = log.verify(key)
    if not report.ok and report.signature_fault:
        click.echo(f"BAD: {file}: the signatures do not vouch for the log: {report.reason}")
        good = report.entries_checked
        covered = "No entry is" if good == 0 else "Entry 1 is" if good == 1 else f"Entries 1 to {good} are"
        click.echo(f"{covered} covered by good signatures.")
        sys.exit(1)
    if not report.ok:
        where = f"entry {report.first_bad_seq}" if report.first_bad_seq is not None else "the log"
        click.echo(f"BAD: {file}: {where} is not as written: {report.reason}")
        good = report.entries_checked
        click.echo(f"{'No' if good == 0 else good} good entr{'y precedes' if good < 2 else 'ies precede'} it.")
        sys.exit(1)
    seq, hash_ = log.head()
    if expected is not None:
        found = log.hash_at(expected[0])
        if found != expected[1]:
            what = "there is no such entry" if found is None else f"its hash is now {found}"
            click.echo(f"BAD: {file}: entry {expected[0]} is not the one noted earlier ({what}): the log was "
                       f"rewritten from that entry on, or it is another log.")
            sys.exit(1)
    click.echo(f"OK: {file}: {_entries(report.entries_checked)} verified, the chain is intact.")
    click.echo(f"Head: {seq}:{hash_}")
    if key is not None:
        count = report.signatures_checked
        click.echo(f"Signed: {count} checkpoint{'' if count == 1 else 's'} verified with key {key.key_id}"
                   + (f"; the head (entry {seq}) is signed." if seq else "; the log is empty."))
    elif signers := log.signing_keys():
        click.echo(f"The log carries checkpoints signed with key {', '.join(signers)}: give --public-key KEY.pub "
                   "to check them.")
    if expected is not None:
        click.echo(f"Entry {expected[0]} still has the hash noted earlier.")
    elif key is None:
        click.echo("Keep the head somewhere the log's writers cannot change; later, "
                   "`scr log verify FILE --expect-head SEQ:HASH` checks the log was not rewritten.")


def _entries(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def _short(record_id: Any) -> str:
    return str(record_id)[:8]


def _cell_editions(record: dict[str, Any]) -> str:
    from ..engine.audit.stored import edition_refs

    return "\n".join(edition_refs(record))


def _cell_outcomes(record: dict[str, Any]) -> str:
    from ..engine.audit.stored import is_event

    if is_event(record):
        outcome = f" ({record['outcome']})" if record.get("outcome") else ""
        return f"event: {record.get('kind')}{outcome} on {record.get('on')}"
    outcomes = record.get("outcomes")
    if not isinstance(outcomes, dict):
        return ""
    # One line per edition, in the same order as the editions column.
    return "\n".join(str(v) for v in outcomes.values())


@log_group.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--since", type=DATE, help="Only entries made on or after this day (UTC, YYYY-MM-DD).")
@click.option("--until", type=DATE, help="Only entries made on or before this day (UTC, YYYY-MM-DD).")
@click.option("--edition", metavar="ID", help="Only entries that applied this edition (e.g. lscb-scr-2006).")
@click.option("--outcome", metavar="ID",
              help="Only entries with this outcome (e.g. scr_required); with --edition, that edition's outcome.")
def show(file: str, since: _dt.date | None, until: _dt.date | None, edition: str | None,
         outcome: str | None) -> None:
    """List the entries of the log FILE: when, which record, which case, editions and outcomes.

    This does not check the chain: run `scr log verify FILE` for that.
    """
    from ..engine.audit.stored import case_reference, record_filter

    log = _open(file)
    total = log.head()[0]
    rows = [[seq, str(r.get("made_at", ""))[:19].replace("T", " "), _short(r.get("record_id", "")),
             case_reference(r) or "", _cell_editions(r), _cell_outcomes(r)]
            for seq, r in log.numbered_entries(record_filter(since, until, edition, outcome))]
    if rows:
        # An event names the record it follows; its Outcomes cell says what was done and when.
        click.echo(tabulate(rows, headers=["Seq", "Made at (UTC)", "Record", "Case", "Editions", "Outcomes"],
                            tablefmt="simple"))
        click.echo("")
    if any(v is not None for v in (since, until, edition, outcome)):
        click.echo(f"{len(rows)} of {_entries(total)} match.")
    else:
        click.echo(f"{_entries(len(rows))}.")


def _refuse_overwriting_a_log(output: str) -> None:
    """Refuse an --output that is a decision log (this one, or another): opening it would empty it.

    `scr log export LOG -o LOG` truncated the log before reading it: every entry was lost,
    and the error that followed said the file was not changed.
    """
    from ..engine.audit.store import file_is_sqlite
    from ..errors import InputError, Problem

    # Not a regular file (a pipe, -o /dev/stdout), no such file (it will be created), or one that
    # cannot be read (opening it reports why): none holds a log.
    if file_is_sqlite(output):
        raise InputError("the output file is a decision log: exporting over it would destroy its entries; nothing "
                         "was written", [Problem("--output", output, "a new file, or a JSON Lines file to replace",
                                                 "export to another file name")])


@log_group.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write to this file (created readable by its owner only) instead of standard output.")
@click.option("--redact", is_flag=True,
              help="Remove every fact value (facts, evidence values, dates computed from them); keep the facts' "
                   "hash, case reference, outcomes, criteria statuses and editions. Redacted records cannot be "
                   "replayed.")
def export(file: str, output: str | None, redact: bool) -> None:
    """Write every record of the log FILE as JSON Lines (one record per line), as stored, or --redact'ed.

    Without --redact each line is byte for byte the text the log hashed. JSON Lines does not
    carry the hash chain: keep the log itself as the evidence.
    """
    log = _open(file)
    redactor = None
    if redact:
        from ..engine.audit.redaction import redact as redactor
    if output:
        from ..files import open_private

        _refuse_overwriting_a_log(output)
        try:
            # Owner-only (0600) whatever the umask: an unredacted export holds the facts.
            with open_private(output) as out:
                count = log.export_jsonl(out, redact=redactor)
        except OSError as exc:
            raise click.FileError(output, exc.strerror or str(exc)) from None
    else:
        count = log.export_jsonl(sys.stdout, redact=redactor)
    where = f" to {output}" if output else ""
    click.echo(f"Exported {count} record{'' if count == 1 else 's'}{where}{' (redacted)' if redact else ''}.",
               err=True)


@log_group.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.argument("source", type=click.File("rb"))
def import_(file: str, source: IO[bytes]) -> None:
    """Append every record in SOURCE (JSON Lines, as `scr log export` writes; - for standard input) to the log FILE.

    Each line must be a decision record or an event; all are checked before any is written, and they are
    written in one transaction, so a bad line writes nothing. FILE is created if it does not
    exist. The records get new sequence numbers in FILE's chain.
    """
    from ..engine.audit.events import import_validator
    from ..engine.audit.ledger import Ledger
    from ..engine.audit.stored import is_event

    log = Ledger(file)
    # An event must follow a record: one already in the log, or one on an earlier line (an export carries both).
    known = {str(b.get("record_id")) for _, b in log.numbered_entries(lambda _seq, b: not is_event(b))}
    # source=: errors name the file read, not the log.
    count = log.import_jsonl(source.read(), validate=import_validator(known),
                             source=str(getattr(source, "name", "SOURCE")), what="a decision record or an event")
    seq, _hash = log.head()
    click.echo(f"Imported {count} record{'' if count == 1 else 's'} into {file}; it now has {_entries(seq)}.")


@log_group.command()
@click.argument("key", type=click.Path(dir_okay=False))
def keygen(key: str) -> None:
    """Make an Ed25519 key pair to sign decision logs: the private key KEY (readable by its owner only) and KEY.pub.

    Give KEY to the log's writers (`scr check`, `scr batch`, `scr serve` with --log FILE --sign-key KEY) and
    keep it where no one else can read it; give KEY.pub to auditors (`scr log verify FILE --public-key KEY.pub`).
    Neither file is overwritten if it exists.
    """
    from ..engine.audit.signing import generate, public_key_path

    made = generate(key)
    click.echo(f"Private key: {key} (mode 0600: keep it where only the log's writers can read it)")
    click.echo(f"Public key:  {public_key_path(key)} (give it to auditors)")
    click.echo(f"Key id:      {made.key_id}")


# The report reads events as well as decisions; it lives in its own module to keep this one small.
from .log_report import report as _report  # noqa: E402 - registered after the group's own commands

log_group.add_command(_report)
