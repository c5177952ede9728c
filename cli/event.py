"""`scr event`: record what was done about a logged decision, and when, in the same tamper-evident log.

Exit codes: 0 recorded; 1 the event was refused (every problem named: the kind, the date, the
note, the record); 3 the log cannot be read or written.
"""

from __future__ import annotations

import datetime as _dt
import os

import click

from .params import DATE, SIGN_KEY


@click.group(name="event")
def event_group() -> None:
    """Record events on logged decisions: notifications, the rapid review, the partners' decision, corrections.

    Events go into the decision log itself, chained like the decisions, so `scr log verify`
    finds an event changed after it was written. `scr timeline` and `scr log report` read them.
    """


@event_group.command()
@click.argument("log", type=click.Path(dir_okay=False))
@click.argument("record_id")
@click.option("--kind", required=True, metavar="KIND",
              help="What was done: notified_panel, notified_ofsted, informed_safeguarding_partners, "
                   "notified_secretary_of_state, rapid_review_sent, review_decision, panel_response, "
                   "review_published or correction (`scr event kinds` says what each means).")
@click.option("--on", "on", type=DATE, required=True, help="The day it was done (YYYY-MM-DD or DD/MM/YYYY).")
@click.option("--note", help="A short note (no names, no dates of birth); for a review_decision, its rationale.")
@click.option("--outcome", metavar="OUTCOME", help="A review_decision's outcome: review or no_review.")
@click.option("--replaced-by", "replaced_by", metavar="RECORD_ID",
              help="A correction's new decision record (logged first, e.g. by `scr check CASE --log LOG`).")
@click.option("--force", is_flag=True,
              help="Record a duty event on a decision that owes no such duty (a --note must say why).")
@SIGN_KEY
def add(log: str, record_id: str, kind: str, on: _dt.date, note: str | None, outcome: str | None,
        replaced_by: str | None, force: bool, sign_key: str | None) -> None:
    """Add an event to the decision RECORD_ID (its id, or its first 8 characters) in the log LOG."""
    from ..engine.audit.events import add_event
    from ..errors import LogError, Problem
    from .params import log_for_writing

    if not os.path.exists(log):
        # An event needs its decision: never create an empty log to hold it.
        raise LogError("there is no decision log here; nothing was written",
                       [Problem("LOG", log, "an existing decision log (the file `scr check --log` writes)")],
                       source=log)
    ledger = log_for_writing(log, sign_key)
    seq, event = add_event(ledger, record_id, kind, on, note=note, outcome=outcome, force=force,
                           replaced_by=replaced_by)
    forced = " (forced: the decision owes no such duty)" if event["forced"] else ""
    case = f", case {event['case_reference']}" if event["case_reference"] else ""
    click.echo(f"Recorded {kind} on {on.isoformat()} for record {event['record_id'][:8]}{case}: entry {seq} of "
               f"{log}{forced}.")


@event_group.command()
def kinds() -> None:
    """List the kinds of event, with what each records and the duties it meets."""
    from ..engine.audit.events import DUTY_KINDS, KINDS

    for kind, words in KINDS.items():
        meets = DUTY_KINDS.get(kind)
        click.echo(f"{kind}: {words}" + (f" (meets: {', '.join(meets)})" if meets else ""))
