"""The decision for the terminal: "What to do now" first, then each edition's answers, what is open and why.

Everything is laid out for the terminal's width (:func:`terminal_width`; 80 and 100 columns are
tested): words are never broken, and the long parts (duties, criteria, possible outcomes) are
blocks of wrapped lines rather than wide tables.
"""

from __future__ import annotations

import shutil
import textwrap

from tabulate import tabulate

from ...engine.decision import CriterionResult, Decision, EditionResult
from .reasons import condition_words, reason_words
from .todo import INFERRED, undated_words
from .view import STATUS_WORDS, DecisionView, EditionView, decision_view, verdict

#: The widest layout: beyond it lines get too long to read, whatever the terminal.
WIDTH = 100
#: The narrowest layout.
MIN_WIDTH = 60


def terminal_width() -> int:
    """The terminal's width (``COLUMNS`` when set), kept between :data:`MIN_WIDTH` and :data:`WIDTH`."""
    return max(MIN_WIDTH, min(WIDTH, shutil.get_terminal_size((WIDTH, 24)).columns))


def wrap(text: str, width: int = 60, indent: str = "", first: str | None = None) -> str:
    """``text`` with its whitespace collapsed, wrapped at ``width`` without breaking a word."""
    lines = textwrap.wrap(" ".join(text.split()), width, initial_indent=indent if first is None else first,
                          subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines)


def why(criterion: CriterionResult) -> str:
    """Every condition the engine quoted for a criterion, in a line (the full evidence, for Markdown's detail)."""
    parts = []
    for item in criterion.evidence:
        shown = verdict(item)
        parts.append(condition_words(item.condition, shown, item.value_label if shown in ("yes", "no") else ""))
    return "; ".join(parts)


def _field(label: str, text: str, width: int, indent: int) -> str:
    pad = " " * indent
    return wrap(text, width, pad + " " * (len(label) + 1), first=f"{pad}{label} ")


def what_to_do_lines(view: DecisionView, width: int) -> list[str]:
    """The "What to do now" section (issue 14.1)."""
    todo = view.to_do
    out = ["What to do now", "=" * len("What to do now")]
    for number, step in enumerate(todo.steps, 1):
        out.append(wrap(step.what, width, "   ", first=f"{number}. "))
        out.append(_field("Who:", step.who, width, 3))
        out.append(_field("By when:", step.when, width, 3))
        if step.how:
            out.append(_field("How:", step.how, width, 3))
        source = step.cite + (f" [{step.edition}]" if len(view.editions) > 1 else "")
        out.append(_field("Source:", source, width, 3))
    if todo.nothing_owed:
        out += [""] if todo.steps else []
        out.append(wrap(todo.nothing_owed, width))
        for choice in todo.may_choose:
            out.append(wrap(choice, width, "  ", first="- "))
    if todo.inferred:
        out += ["", INFERRED]
        for item in todo.inferred:
            out.append(wrap(f"{item.title}: {item.text}", width, "  ", first="- "))
            out.append(_field("Source:", item.source, width, 2))
    if todo.open:
        out += ["", "Still open, and what would settle it:"]
        for item in todo.open:
            out.append(wrap(f"{item.question} [{item.edition}]: " + " or ".join(item.possible), width, "  ",
                            first="- "))
            facts = "; ".join(item.facts) + (f" (and {item.more} more)" if item.more else "")
            out.append(_field("Find out:", facts, width, 2))
    if todo.elsewhere:
        out += ["", "For another body, or another process:"]
        for other in todo.elsewhere:
            out.append(wrap(f"{other.body}: {other.what}", width, "  ", first="- "))
            out.append(_field("Source:", other.source, width, 2))
    return out


def _indented(text: str, width: int) -> str:
    return wrap(text, width, "    ")


def _reading_lines(result: EditionResult, width: int) -> list[str]:
    """The readings of the law's open passages that bear on this case: the option applied, and the others."""
    if not result.readings and not result.readings_note:
        return []
    out = ["", "Readings of the law's open passages:"]
    for reading in result.readings:
        chosen = "chosen" if reading.chosen_by == "caller" else "the default"
        out += ["", wrap(f"{reading.id}: {' '.join(reading.question.split())}", width),
                _indented(f"Applied ({chosen}): {reading.says}.", width)]
        if reading.effect:
            out.append(_indented(f"For this case: {reading.effect}.", width))
        for alternative in reading.alternatives:
            out.append(_indented(f"{alternative.summary} (--reading {reading.id}={alternative.option})", width))
    if result.readings_note:
        out += ["", wrap(result.readings_note, width)]
    return out


def _criterion_lines(edition: EditionView, criterion: CriterionResult, width: int) -> list[str]:
    status = STATUS_WORDS[criterion.status].loud
    out = [wrap(f"{status}: {criterion.title} ({criterion.id}, {criterion.kind})", width, "      ", first="  ")]
    reasons = reason_words(edition.reasons[criterion.id])
    if reasons:
        out.append(wrap(reasons, width, "      ", first="      why: "))
    return out


def _edition_lines(edition: EditionView, width: int, view: DecisionView) -> list[str]:
    result = edition.result
    out = ["", "=" * width, wrap(f"{result.short_title} ({result.ref}, {edition.in_force})", width), "=" * width]
    question = max(20, width * 2 // 5)
    out.append(tabulate([[wrap(d.result.title, question), wrap(d.headline, width - question - 2)]
                         for d in edition.determinations], headers=["Question", "Answer"], tablefmt="simple"))
    # The web page says who decides each answer; so does the terminal (once per wording).
    for who in dict.fromkeys(d.result.who_decides for d in edition.determinations if d.result.who_decides):
        out.append(wrap(f"Who decides: {who}", width, "    ", first="  "))
    for other in view.to_do.elsewhere:
        if other.kind == "duty" and other.edition == result.ref:
            out.append(wrap(f"Note: the duty is another body's: {other.body} {other.what}.", width))
    for determination_view in edition.determinations:
        determination = determination_view.result
        for caveat in determination.caveats:
            out.append(wrap(f"Note ({determination.title}): {caveat}", width))
        if not determination.decided:
            out += ["", wrap(f"{determination.title} is open. What would decide it:", width)]
            for possible in determination.possible:
                out.append(wrap(f"{possible.label}: {possible.when}", width, "    ", first="  - "))
                if possible.deciding_facts:
                    out.append(_field("Facts that decide:", ", ".join(possible.deciding_facts), width, 4))
    if edition.duties:
        out += ["", "Duties and deadlines (in date order under What to do now):"]
        for duty in edition.duties:
            out.append(wrap(duty.action, width, "    ", first="  - "))
            started = f"; the clock started on {duty.started.words}" if duty.started is not None else ""
            out.append(_field("Rule:", (duty.deadline or undated_words(duty)) + started, width, 4))
            out.append(_field("Basis:", f"{duty.basis}: {duty.source}", width, 4))
            if duty.note:
                out.append(_field("Note:", duty.note, width, 4))
        skipped = sorted({day for duty in edition.duties for day in duty.skipped})
        if skipped:
            out.append(wrap("Days the working-day deadlines do not count (weekends and bank holidays): "
                            + ", ".join(skipped), width, "    ", first="  "))
    out += ["", "Criteria (why: the conditions that decided each):"]
    for criterion in result.criteria:
        out += _criterion_lines(edition, criterion, width)
    if edition.quoted:
        out += ["", wrap("In the words of the law (the criteria met, and those still open that could change an "
                         "answer):", width)]
        for criterion in edition.quoted:
            out.append("")
            out.append(wrap(f"{STATUS_WORDS[criterion.status].loud}: {criterion.title} ({criterion.id})", width))
            out.append(wrap(criterion.text, width, "    "))
            out.append(wrap(f"Source: {criterion.citation}", width, "    "))
            if criterion.reading:
                out.append(wrap("Reading: " + criterion.reading, width, "    "))
    out += _reading_lines(result, width)
    return out


def render_table(decision: Decision, width: int | None = None) -> str:
    """The decision as a subgroup member reads it: what to do now first, then each edition's answers and why."""
    width = width or terminal_width()
    view = decision_view(decision)
    out = [wrap(f"Case {decision.case_reference or '(no case reference)'}", width),
           wrap(f"Rules applied: {decision.editions_applied}", width)]
    if decision.readings:
        out.append(wrap("Readings chosen (the others take their defaults): "
                        + ", ".join(f"{r}={o}" for r, o in decision.readings.items()), width))
    out.append("")
    out += what_to_do_lines(view, width)
    for edition in view.editions:
        out += _edition_lines(edition, width, view)
    out.append("")
    if view.deciding_facts:
        out.append(wrap("Unknown facts that could change an answer: " + ", ".join(view.deciding_facts), width))
    else:
        out.append("No unknown fact could change these answers.")
    return "\n".join(out)


__all__ = ["MIN_WIDTH", "WIDTH", "render_table", "terminal_width", "what_to_do_lines", "why", "wrap"]
