"""The decision as Markdown, for minutes and case records: "What to do now" first."""

from __future__ import annotations

from ...engine.decision import Decision, EditionResult
from .reasons import reason_words
from .todo import INFERRED, undated_words
from .view import STATUS_WORDS, DecisionView, decision_view


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def what_to_do_markdown(view: DecisionView) -> list[str]:
    """The "What to do now" section (issue 14.1) as Markdown."""
    todo = view.to_do
    out = ["## What to do now", ""]
    for number, step in enumerate(todo.steps, 1):
        out.append(f"{number}. **{_cell(step.what)}**")
        out.append(f"   - *Who:* {step.who}")
        out.append(f"   - *By when:* {step.when}")
        if step.how:
            out.append(f"   - *How:* {step.how}")
        source = step.cite + (f" [{step.edition}]" if len(view.editions) > 1 else "")
        out.append(f"   - *Source:* {_cell(source)}")
    if todo.nothing_owed:
        out += [""] if todo.steps else []
        out.append(todo.nothing_owed)
        out += [f"- {choice}" for choice in todo.may_choose]
    if todo.inferred:
        out += ["", f"**{INFERRED}**", ""]
        for item in todo.inferred:
            out.append(f"- **{_cell(item.title)}:** {_cell(item.text)} (*Source:* {_cell(item.source)})")
    if todo.open:
        out += ["", "**Still open, and what would settle it:**", ""]
        for item in todo.open:
            facts = "; ".join(item.facts) + (f" (and {item.more} more)" if item.more else "")
            out.append(f"- {item.question} [{item.edition}]: {' or '.join(item.possible)}. *Find out:* {facts}")
    if todo.elsewhere:
        out += ["", "**For another body, or another process:**", ""]
        for other in todo.elsewhere:
            out.append(f"- **{_cell(other.body)}:** {_cell(other.what)} (*Source:* {_cell(other.source)})")
    return out + [""]


def render_markdown(decision: Decision) -> str:
    """The decision as Markdown: what to do now, each edition's answers, its duties, and every criterion quoted."""
    view = decision_view(decision)
    out: list[str] = [f"# Decision: case {decision.case_reference or '(no reference)'}", "",
                      f"*Rules applied:* {decision.editions_applied}", ""]
    if decision.readings:
        out += ["*Readings chosen (the others take their defaults):* "
                + ", ".join(f"`{r}={o}`" for r, o in decision.readings.items()), ""]
    out += what_to_do_markdown(view)
    for edition in view.editions:
        result = edition.result
        out += [f"## {result.short_title} ({result.ref}, {edition.in_force})", ""]
        for other in view.to_do.elsewhere:
            if other.kind == "duty" and other.edition == result.ref:
                out += [f"*The duty is another body's:* {other.body} {other.what}.", ""]
        for determination in edition.determinations:
            out.append(f"- **{determination.result.title}:** {determination.headline}")
            if determination.result.who_decides:
                out.append(f"  - *Who decides:* {_cell(determination.result.who_decides)}")
            for caveat in determination.result.caveats:
                out.append(f"  - *Note:* {caveat}")
            for possible in determination.result.possible:
                facts = ", ".join(possible.deciding_facts) or "-"
                out.append(f"  - *{possible.label}*: {possible.when} (facts: {facts})")
        if edition.duties:
            out += ["", "### Duties and deadlines", "", "| What | By whom | Due | Rule | Basis |",
                    "|---|---|---|---|---|"]
            for duty in edition.duties:
                due = duty.due.isoformat() if duty.due else undated_words(duty)
                rule = (duty.deadline or "-") + (f"; the clock started on {duty.started.words}" if duty.started else "")
                out.append(f"| {_cell(duty.action)} | {_cell(duty.by)} | {due} | {_cell(rule)} | "
                           f"{duty.basis}: {_cell(duty.source)} |")
            skipped = sorted({day for duty in edition.duties for day in duty.skipped})
            if skipped:
                out += ["", "*Days the working-day deadlines do not count:* " + ", ".join(skipped)]
        out += ["", "### Criteria", ""]
        for criterion in result.criteria:
            out.append(f"#### {criterion.title} ({criterion.id}): **{STATUS_WORDS[criterion.status].loud}**")
            out += ["", f"> {' '.join(criterion.text.split())}", "", f"*Source:* {criterion.citation}"]
            if criterion.reading:
                out += ["", f"*Reading:* {criterion.reading}"]
            reasons = reason_words(edition.reasons[criterion.id])
            if reasons:
                out += ["", f"*Why:* {reasons}"]
            out.append("")
        out += _extra(result)
    out.append("Unknown facts that could change an answer: " + (", ".join(view.deciding_facts) or "none"))
    return "\n".join(out) + "\n"


def _extra(result: EditionResult) -> list[str]:
    """The readings of the law's open passages that bear on the case (other bodies' duties, next steps and the
    edition's notes are under What to do now)."""
    out: list[str] = []
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


__all__ = ["render_markdown", "what_to_do_markdown"]
