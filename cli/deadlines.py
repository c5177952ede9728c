"""`scr deadlines --aware-on DATE`: every duty's due date, on its own."""

from __future__ import annotations

import datetime as _dt
import textwrap

import click
from tabulate import tabulate

from .params import DATE


@click.command("deadlines")
@click.option("--aware-on", type=DATE, required=True, help="The date the local authority (or LSCB) became aware.")
@click.option("--edition", "editions", multiple=True, metavar="ID", help="Only this edition (repeatable).")
@click.option("--nation", type=click.Choice(["england", "wales", "scotland", "northern_ireland"]), default="england",
              show_default=True, help="Whose editions in force to list (each counts its own nation's bank holidays).")
def deadlines(aware_on: _dt.date, editions: tuple[str, ...], nation: str) -> None:
    """Print the duties of the editions in force on the awareness date, each with its due date and rule.

    Which duties actually arise depends on the case: `scr check` shows only those.
    """
    from ..criteria import editions_in_force, get_edition
    from ..engine.deadlines import calendar_source
    from ..engine.duties import schedule
    from ..errors import EditionNotFound, Problem
    from .render.todo import undated_words

    chosen = [get_edition(e) for e in editions] or list(editions_in_force(aware_on, (nation,)))
    if not chosen:
        raise EditionNotFound("no edition of the rules was in force on that date",
                              [Problem("--aware-on", aware_on.isoformat(), "a date from 2006-04-01")])

    def wrap(text: str, width: int) -> str:
        return "\n".join(textwrap.wrap(text, width))

    rows = [[edition.ref, wrap(outcome, 24), wrap(duty.action, 36), wrap(duty.by, 20),
             duty.due.isoformat() if duty.due else wrap(undated_words(duty), 22), wrap(duty.deadline or "-", 40),
             f"{duty.basis}: {duty.source}"]
            for edition, outcome, duty in schedule(aware_on, chosen)]
    calendars = sorted({e.content.nation for e in chosen}, key=lambda n: n != "england")
    click.echo(f"Aware on {aware_on.isoformat()} ({aware_on.strftime('%A')}). Bank holidays: "
               + "; ".join(calendar_source(n) for n in calendars) + ".")
    click.echo("Guidance timescales are guidance, not statute; the basis column says which.\n")
    click.echo(tabulate(rows, headers=["Edition", "When", "What", "By whom", "Due", "Rule", "Basis and source"],
                        tablefmt="simple"))
