"""The decision as a table for the terminal: the outcome first, then what is open, the duties and the criteria."""

from __future__ import annotations

import textwrap

from tabulate import tabulate

from ...engine.decision import CriterionResult, Decision, EditionResult
from .view import STATUS_WORDS, EditionView, decision_view, verdict

WIDTH = 100


def wrap(text: str, width: int = 60) -> str:
    """``text`` with its whitespace collapsed, wrapped at ``width`` (hyphenated words may break)."""
    return "\n".join(textwrap.wrap(" ".join(text.split()), width)) or ""


def why(criterion: CriterionResult) -> str:
    """What the case showed for each condition of a criterion, in a line."""
    parts = []
    for item in criterion.evidence:
        shown = verdict(item)
        if shown == "unknown":
            parts.append(f"{item.fact} unknown ({item.condition}?)")
        elif shown == "presumed":
            parts.append(f"{item.condition}: presumed ({item.fact} unknown)")
        else:
            parts.append(f"{item.condition}: {shown} ({item.fact} = {item.value_label})")
    return "; ".join(parts)


def _duty_rows(edition: EditionView) -> list[list[str]]:
    rows = []
    for duty in edition.duties:
        due = duty.due.isoformat() if duty.due else "(date not known: see rule)"
        rule = duty.deadline or "no deadline set"
        if duty.started is not None:
            rule += "; the clock started on " + duty.started.words
        if duty.skipped:
            rule += "; skipped: " + ", ".join(duty.skipped)
        rows.append([wrap(duty.action, 34), wrap(duty.by, 22), due, wrap(rule, 34),
                     f"{duty.basis}: {wrap(duty.source, 24)}"])
    return rows


def _edition_lines(edition: EditionView) -> list[str]:
    result = edition.result
    out = ["", "=" * WIDTH, f"{result.short_title} ({result.ref}, {edition.in_force})", "=" * WIDTH]
    out.append(tabulate([[wrap(d.result.title, 40), wrap(d.headline, 58)] for d in edition.determinations],
                        headers=["Question", "Answer"], tablefmt="simple"))
    for view in edition.determinations:
        determination = view.result
        for caveat in determination.caveats:
            out.append(wrap(f"Note ({determination.title}): {caveat}", WIDTH))
        if not determination.decided:
            out.append("")
            out.append(f"{determination.title} is open. What would decide it:")
            out.append(tabulate(
                [[wrap(p.label, 30), wrap(p.when, 50), wrap(", ".join(p.deciding_facts), 30) or "-"]
                 for p in determination.possible],
                headers=["Possible outcome", "When", "Facts that decide"], tablefmt="simple"))
    duties = _duty_rows(edition)
    if duties:
        out += ["", "Duties and deadlines:"]
        out.append(tabulate(duties, headers=["What", "By whom", "Due", "Rule", "Basis and source"], tablefmt="simple"))
    out += ["", "Criteria:"]
    out.append(tabulate(
        [[c.id, c.kind, STATUS_WORDS[c.status].loud, wrap(c.title, 30), wrap(why(c), 52)] for c in result.criteria],
        headers=["Id", "Kind", "Status", "Criterion", "Why"], tablefmt="simple"))
    if edition.quoted:
        out.append("")
        out.append("In the words of the law (the criteria met, and those still open that could change an answer):")
        for criterion in edition.quoted:
            out.append("")
            out.append(f"{criterion.id} [{STATUS_WORDS[criterion.status].loud}] {criterion.title}")
            out.append(textwrap.indent(wrap(criterion.text, WIDTH - 4), "    "))
            out.append(f"    Source: {criterion.citation}")
            if criterion.reading:
                out.append(textwrap.indent(wrap("Reading: " + criterion.reading, WIDTH - 4), "    "))
    out += _handed_on_lines(edition) + _note_lines(result) + _reading_lines(result)
    return out


def _indented(text: str) -> str:
    return textwrap.indent(wrap(text, WIDTH - 4), "    ")


def _handed_on_lines(edition: EditionView) -> list[str]:
    """Duties another body owes: whose they are, and what this body should do (never a bare "no duty")."""
    out: list[str] = []
    for view in edition.determinations:
        result = view.result
        if result.owed_by is None and not result.next_steps:
            continue
        if not out:
            out += ["", "Another body's duty, and what to do about it:"]
        out.append(wrap(f"{result.title}: owed by: {result.owed_by or 'another body'}", WIDTH))
        for step in result.next_steps:
            out.append(_indented(f"Next step ({step.by}): {step.action}. Source: {step.source}"))
    return out


def _note_lines(result: EditionResult) -> list[str]:
    """The edition's notes for a case like this one: other processes, and inferences it made."""
    out: list[str] = []
    if result.notes:
        out += ["", "Notes (other processes that apply, and what was inferred):"]
        for note in result.notes:
            out += ["", note.title, _indented(note.text), f"    Source: {note.source}"]
    return out


def _reading_lines(result: EditionResult) -> list[str]:
    """The readings of the law's open passages that bear on this case: the option applied, and the others."""
    if not result.readings and not result.readings_note:
        return []
    out = ["", "Readings of the law's open passages:"]
    for reading in result.readings:
        chosen = "chosen" if reading.chosen_by == "caller" else "the default"
        out += ["", wrap(f"{reading.id}: {' '.join(reading.question.split())}", WIDTH),
                _indented(f"Applied ({chosen}): {reading.says}.")]
        if reading.effect:
            out.append(_indented(f"For this case: {reading.effect}."))
        for alternative in reading.alternatives:
            out.append(_indented(f"{alternative.summary} (--reading {reading.id}={alternative.option})"))
    if result.readings_note:
        out += ["", wrap(result.readings_note, WIDTH)]
    return out


def render_table(decision: Decision) -> str:
    """The decision as a subgroup member reads it: outcome first, then duties, unknowns and criteria."""
    view = decision_view(decision)
    out = [f"Case {decision.case_reference or '(no case reference)'}",
           wrap(f"Rules applied: {decision.editions_applied}", WIDTH)]
    if decision.readings:
        out.append(wrap("Readings chosen (the others take their defaults): "
                        + ", ".join(f"{r}={o}" for r, o in decision.readings.items()), WIDTH))
    for edition in view.editions:
        out += _edition_lines(edition)
    out.append("")
    if view.deciding_facts:
        out.append("Unknown facts that could change an answer: " + ", ".join(view.deciding_facts))
    else:
        out.append("No unknown fact could change these answers.")
    return "\n".join(out)


__all__ = ["WIDTH", "render_table", "why", "wrap"]
