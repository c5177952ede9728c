"""The decision as Markdown, for minutes and case records."""

from __future__ import annotations

from ...engine.decision import Decision, EditionResult
from .text import why
from .view import STATUS_WORDS, decision_view


def render_markdown(decision: Decision) -> str:
    """The decision as Markdown: each edition's answers, its duties, and every criterion quoted."""
    view = decision_view(decision)
    out: list[str] = [f"# Decision: case {decision.case_reference or '(no reference)'}", "",
                      f"*Rules applied:* {decision.editions_applied}", ""]
    if decision.readings:
        out += ["*Readings chosen (the others take their defaults):* "
                + ", ".join(f"`{r}={o}`" for r, o in decision.readings.items()), ""]
    for edition in view.editions:
        result = edition.result
        out += [f"## {result.short_title} ({result.ref}, {edition.in_force})", ""]
        for determination in edition.determinations:
            out.append(f"- **{determination.result.title}:** {determination.headline}")
            for caveat in determination.result.caveats:
                out.append(f"  - *Note:* {caveat}")
            for possible in determination.result.possible:
                facts = ", ".join(possible.deciding_facts) or "-"
                out.append(f"  - *{possible.label}*: {possible.when} (facts: {facts})")
        if edition.duties:
            out += ["", "### Duties and deadlines", "", "| What | By whom | Due | Rule | Basis |",
                    "|---|---|---|---|---|"]
            for duty in edition.duties:
                due = duty.due.isoformat() if duty.due else "see rule"
                rule = (duty.deadline or "-") + (f"; the clock started on {duty.started.words}" if duty.started else "")
                out.append(f"| {duty.action} | {duty.by} | {due} | {rule} | {duty.basis}: {duty.source} |")
        out += ["", "### Criteria", ""]
        for criterion in result.criteria:
            out.append(f"#### {criterion.id} — {criterion.title}: **{STATUS_WORDS[criterion.status].loud}**")
            out += ["", f"> {' '.join(criterion.text.split())}", "", f"*Source:* {criterion.citation}"]
            if criterion.reading:
                out += ["", f"*Reading:* {criterion.reading}"]
            if criterion.evidence:
                out += ["", f"*Why:* {why(criterion)}"]
            out.append("")
        out += _extra(result)
    out.append("Unknown facts that could change an answer: " + (", ".join(view.deciding_facts) or "none"))
    return "\n".join(out) + "\n"


def _extra(result: EditionResult) -> list[str]:
    """Another body's duties and the next steps, the edition's notes, and the readings that bear on the case."""
    out: list[str] = []
    handed_on = [d for d in result.determinations if d.owed_by or d.next_steps]
    if handed_on:
        out += ["### Another body's duty, and what to do about it", ""]
        for d in handed_on:
            out.append(f"- **{d.title}:** owed by {d.owed_by or 'another body'}")
            out += [f"  - *Next step* ({step.by}): {step.action}. *Source:* {step.source}" for step in d.next_steps]
        out.append("")
    if result.notes:
        out += ["### Notes (other processes that apply, and what was inferred)", ""]
        for note in result.notes:
            out += [f"- **{note.title}:** {' '.join(note.text.split())} *Source:* {note.source}"]
        out.append("")
    if result.readings or result.readings_note:
        out += ["### Readings of the law's open passages", ""]
        for reading in result.readings:
            chosen = "chosen" if reading.chosen_by == "caller" else "the default"
            out.append(f"- **`{reading.id}`**: {' '.join(reading.question.split())} *Applied ({chosen}):* "
                       f"{reading.says}." + (f" *For this case:* {reading.effect}." if reading.effect else ""))
            out += [f"  - {a.summary} (`--reading {reading.id}={a.option}`)" for a in reading.alternatives]
        if result.readings_note:
            out.append(f"- {result.readings_note}")
        out.append("")
    return out


__all__ = ["render_markdown"]
