"""`scr log report`: the timeliness report of a period, as a table, JSON, or a self-contained printable page."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import click
from tabulate import tabulate

from .params import DATE


def _median(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def duty_rows(report: Any) -> list[list[Any]]:
    return [[d.duty, d.by, d.owed, d.on_time, d.late, d.met_no_due_date, d.outstanding_overdue,
             d.outstanding_not_yet_due + d.outstanding_no_due_date, d.may_be_owed, _median(d.median_working_days)]
            for d in report.duties]


DUTY_HEADERS = ["Duty", "Whose", "Owed", "On time", "Late", "Met (no due date)", "Outstanding, overdue",
                "Outstanding, other", "May be owed", "Median working days"]


def render_text(report: Any) -> str:
    lines = [f"Timeliness report: cases the authority became aware of from {report.period_from.isoformat()} to "
             f"{report.period_to.isoformat()}, duties judged as of {report.as_of.isoformat()}.",
             f"{report.cases} case{'' if report.cases == 1 else 's'}, {report.events} event"
             f"{'' if report.events == 1 else 's'}, {report.corrections} correction"
             f"{'' if report.corrections == 1 else 's'}.", "", "Cases by outcome and edition:", ""]
    rows = [[o.edition, o.outcome, o.cases] for o in report.by_outcome]
    lines += [tabulate(rows, headers=["Edition", "Outcome", "Cases"], tablefmt="simple") if rows else "  none", ""]
    lines += ["Duties:", ""]
    rows = duty_rows(report)
    lines += [tabulate(rows, headers=DUTY_HEADERS, tablefmt="simple") if rows else "  none", ""]
    lines += ["Decisions that departed from the engine's advice:", ""]
    if report.departures:
        lines += [tabulate([[d.case_reference, d.on.isoformat(), d.outcome, d.advice, d.rationale or ""]
                            for d in report.departures],
                           headers=["Case", "Decided on", "Decision", "Advice", "Rationale"], tablefmt="simple")]
    else:
        lines += ["  none"]
    return "\n".join(lines) + "\n"


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--from", "start", type=DATE, required=True, help="First day of the period (awareness dates).")
@click.option("--to", "end", type=DATE, required=True, help="Last day of the period (awareness dates).")
@click.option("--as-of", type=DATE, help="Judge the duties as of this day (default: today).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="How to print the report.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False),
              help="Also write the report as a self-contained printable page (inline SVG charts, no outside "
                   "resources) to this file, readable by its owner only.")
def report(file: str, start: _dt.date, end: _dt.date, as_of: _dt.date | None, fmt: str,
           html_file: str | None) -> None:
    """Report on the timeliness of the duties of the cases in the log FILE from --from to --to.

    A case is in the period when the authority became aware of it in the period (by the day its
    record was made when that date is not known). For the period: the cases by outcome and edition;
    for each duty, how many cases owe it, how many met it on time, late, or not yet (overdue or
    not), and the median working days taken; the partners' decisions that departed from the
    engine's advice, with their rationale. The log is read, never written.
    """
    from ..dates import today
    from ..engine.audit.ledger import Ledger
    from ..engine.audit.report import build_report
    from ..errors import InputError, Problem

    if end < start:
        raise InputError("the period ends before it starts", [Problem("--to", end.isoformat(),
                                                                      f"a day on or after --from ({start.isoformat()})")])
    built = build_report(Ledger(file, read_only=True).numbered_entries(), start, end, as_of or today())
    if html_file:
        from ..files import open_private
        from .report_html import render_html

        try:
            with open_private(html_file) as out:  # 0600: it names cases and the partners' rationales
                out.write(render_html(built, DUTY_HEADERS, duty_rows(built)))
        except OSError as exc:
            raise click.FileError(html_file, exc.strerror or str(exc)) from None
    click.echo(built.model_dump_json(indent=2) if fmt == "json" else render_text(built), nl=fmt == "json")
    if html_file:
        click.echo(f"Wrote the report to {html_file}.", err=True)
