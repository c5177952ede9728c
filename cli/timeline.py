"""`scr timeline`: per case, each duty with its due date and the event that met it, the partners' decisions
beside the engine's advice, and the corrections.

Exit codes: 0 shown; 1 no such case in the log; 3 the log cannot be read.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import click
from tabulate import tabulate

from .params import DATE

STATUS_WORDS = {"on_time": "on time", "late": "late", "met": "met (no timescale to judge)",
                "outstanding": "outstanding", "may_be_owed": "may be owed (outcome undetermined)"}
OUTCOME_WORDS = {"review": "undertake a review", "no_review": "no review"}


def status_text(duty: Any) -> str:
    """A duty's standing in words: "late", "outstanding, overdue by 3 working days"."""
    words = STATUS_WORDS[duty.status]
    if duty.due is None and duty.deadline is not None and duty.status in ("met", "outstanding"):
        # It has a timescale, but the day it runs from is not known (a notification date not given, say).
        return f"{duty.status} (the due date is not known: the day it runs from is not)"
    if duty.status == "outstanding":
        if duty.overdue:
            n = duty.working_days_overdue
            return f"{words}, overdue by {n} working day{'' if n == 1 else 's'}"
        return f"{words}, not yet due" if duty.due is not None else f"{words} (no due date)"
    return words


def _d(day: _dt.date | None) -> str:
    return day.isoformat() if day else "-"


def duty_rows(case: Any) -> list[list[Any]]:
    return [[d.duty, d.edition, d.by, _d(d.due), _d(d.met_on), "-" if d.working_days is None else d.working_days,
             status_text(d)] for d in case.duties]


DUTY_HEADERS = ["Duty", "Edition", "Whose", "Due", "Met", "Working days", "Status"]


def decision_lines(case: Any) -> list[str]:
    """The partners' decisions beside the advice; where they differ, the rationale."""
    lines = []
    for d in case.decisions:
        advice = "; ".join(f"{a.edition}: {a.label}" for a in d.advice) or "no review advice in the record"
        line = f"{d.on.isoformat()}: {OUTCOME_WORDS.get(d.outcome, d.outcome)} (the engine's advice: {advice})"
        if d.departs_from:
            line += f". Differs from the advice of {', '.join(d.departs_from)}; rationale: {d.rationale or '(none)'}"
        elif d.rationale:
            line += f"; rationale: {d.rationale}"
        lines.append(line)
    if not case.decisions and case.advice:
        lines.append("no decision recorded yet (the engine's advice: "
                     + "; ".join(f"{a.edition}: {a.label}" for a in case.advice) + ")")
    return lines


def correction_lines(case: Any) -> list[str]:
    def outcomes(o: dict[str, str]) -> str:
        return ", ".join(f"{k}: {v}" for k, v in o.items()) or "?"

    return [f"{c.on.isoformat()}: record {c.old_record[:8]} ({outcomes(c.old_outcomes)}) replaced by "
            f"{c.new_record[:8]} ({outcomes(c.new_outcomes)})" + (f": {c.note}" if c.note else "")
            for c in case.corrections]


def event_lines(case: Any) -> list[str]:
    out = []
    for e in case.events:
        extra = [f"outcome {e.outcome}"] if e.outcome else []
        extra += ["forced"] if e.forced else []
        out.append(f"{e.on.isoformat()} {e.kind} (record {e.record_id[:8]}{', ' + ', '.join(extra) if extra else ''})"
                   + (f": {e.note}" if e.note else ""))
    return out


def heading(case: Any) -> str:
    outcomes = ", ".join(f"{k}: {v}" for k, v in case.outcomes.items())
    return f"Case {case.case_reference}: current record {case.current_record[:8]} ({outcomes})"


def render_text(timeline: Any, markdown: bool = False) -> str:
    parts = []
    for case in timeline.cases:
        dates = f"incident {_d(case.incident_date)}, became aware {_d(case.awareness_date)}; as of " \
                f"{timeline.as_of.isoformat()}"
        sections = [("Duties", None), ("Partners' decisions", decision_lines(case)),
                    ("Corrections", correction_lines(case)), ("Events", event_lines(case))]
        if markdown:
            text = [f"## {heading(case)}", "", dates.capitalize() + ".", ""]
        else:
            text = [heading(case), dates.capitalize() + ".", ""]
        for title, lines in sections:
            if lines is None:
                rows = duty_rows(case)
                table = tabulate(rows, headers=DUTY_HEADERS, tablefmt="github" if markdown else "simple") \
                    if rows else "No duties in the current record."
                text += [f"### {title}" if markdown else f"{title}:", "", table, ""]
            elif lines:
                text += [f"### {title}" if markdown else f"{title}:", ""]
                text += [f"- {line}" if markdown else f"  {line}" for line in lines] + [""]
        parts.append("\n".join(text))
    if not parts:
        return "No cases in the log."
    return ("\n" if markdown else "\n" + "=" * 80 + "\n").join(parts).rstrip() + "\n"


@click.command()
@click.argument("log", type=click.Path(dir_okay=False))
@click.argument("case_reference", required=False)
@click.option("--as-of", type=DATE, help="Judge the duties as of this day (default: today); later events are left out.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table",
              show_default=True, help="How to print the timeline.")
def timeline(log: str, case_reference: str | None, as_of: _dt.date | None, fmt: str) -> None:
    """Show each case's duties, the events that met them, the partners' decisions and the corrections.

    For each case of the decision log LOG (or only CASE_REFERENCE): every duty of its current
    record with its due date, the event that met it, the working days taken and whether that was
    on time, late, or is still outstanding as of today (or --as-of); the partners' review
    decisions beside the engine's advice, with the rationale where they differ; the corrections.
    The log is read, never written.
    """
    from ..dates import today
    from ..engine.audit.ledger import Ledger
    from ..engine.audit.timeline import build_timeline, case_key
    from ..errors import InputError, unknown_name

    ledger = Ledger(log, read_only=True)
    result = build_timeline(ledger.numbered_entries(), as_of or today(), case_reference)
    if case_reference is not None and not result.cases:
        known = sorted({case_key(b) for _, b in ledger.numbered_entries()})
        raise InputError("there is no such case in the log", [unknown_name(
            "CASE_REFERENCE", case_reference, known, "the reference of a case in the log (`scr log show` lists them)")],
            log)
    if fmt == "json":
        click.echo(result.model_dump_json(indent=2))
    else:
        click.echo(render_text(result, markdown=fmt == "markdown"), nl=False)
