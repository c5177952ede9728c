"""Renderers of a decision: a table for the terminal, Markdown, and JSON. The engine never formats text."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from tabulate import tabulate

from ..criteria.catalogue import release_status
from ..criteria.model import Edition
from ..engine.decision import CriterionResult, Decision, DeterminationResult, EditionResult

_STATUS_WORDS = {"met": "MET", "not_met": "not met", "unknown": "UNKNOWN"}
_WIDTH = 100


def _wrap(text: str, width: int = 60) -> str:
    return "\n".join(textwrap.wrap(" ".join(text.split()), width)) or ""


def _why(criterion: CriterionResult) -> str:
    parts = []
    for item in criterion.evidence:
        if item.status == "unknown":
            parts.append(f"{item.fact} unknown ({item.condition}?)")
        elif item.presumed:
            parts.append(f"{item.condition}: presumed ({item.fact} unknown)")
        else:
            verdict = "yes" if item.status == "met" else "no"
            parts.append(f"{item.condition}: {verdict} ({item.fact} = {item.value_label})")
    return "; ".join(parts)


def _headline(determination: DeterminationResult, edition: EditionResult) -> str:
    if determination.decided:
        statuses = {c.id: c.status for c in edition.criteria}
        met = [c for c in determination.decided_by if statuses.get(c) == "met"]
        by = f" (met: {', '.join(met)})" if met else " (none of its criteria is met)"
        return f"{determination.label.upper()}{by}"
    return "UNDETERMINED: " + " / ".join(p.label for p in determination.possible)


def _relevant(edition: EditionResult) -> list[CriterionResult]:
    """The criteria that decided an outcome (met) or could still decide one (open), in edition order."""
    ids = {c for d in edition.determinations for c in d.decided_by}
    ids |= {c.id for c in edition.criteria if c.status == "unknown" and set(c.missing_facts) & {
        f for d in edition.determinations for f in d.deciding_facts}}
    return [c for c in edition.criteria if c.id in ids and c.status != "not_met"]


def _in_force(edition: EditionResult) -> str:
    until = edition.in_force_until.isoformat() if edition.in_force_until else "now"
    return f"in force {edition.in_force_from.isoformat()} to {until}"


def _duty_rows(edition: EditionResult) -> list[list[str]]:
    rows = []
    for determination in edition.determinations:
        for duty in determination.duties:
            due = duty.due.isoformat() if duty.due else "(date not known: see rule)"
            rule = duty.deadline or "no deadline set"
            if duty.skipped:
                rule += "; skipped: " + ", ".join(duty.skipped)
            rows.append([_wrap(duty.action, 34), _wrap(duty.by, 22), due, _wrap(rule, 34),
                         f"{duty.basis}: {_wrap(duty.source, 24)}"])
    return rows


def render_table(decision: Decision) -> str:
    """The decision as a subgroup member reads it: outcome first, then duties, unknowns and criteria."""
    out: list[str] = []
    reference = decision.case_reference or "(no case reference)"
    out.append(f"Case {reference}")
    out.append(_wrap(f"Rules applied: {decision.editions_applied}", _WIDTH))
    for edition in decision.editions:
        out.append("")
        out.append("=" * _WIDTH)
        out.append(f"{edition.short_title} ({edition.ref}, {_in_force(edition)})")
        out.append("=" * _WIDTH)
        out.append(tabulate([[_wrap(d.title, 40), _wrap(_headline(d, edition), 58)] for d in edition.determinations],
                            headers=["Question", "Answer"], tablefmt="simple"))
        for determination in edition.determinations:
            for caveat in determination.caveats:
                out.append(_wrap(f"Note ({determination.title}): {caveat}", _WIDTH))
            if not determination.decided:
                out.append("")
                out.append(f"{determination.title} is open. What would decide it:")
                out.append(tabulate(
                    [[_wrap(p.label, 30), _wrap(p.when, 50), _wrap(", ".join(p.deciding_facts), 30) or "-"]
                     for p in determination.possible],
                    headers=["Possible outcome", "When", "Facts that decide"], tablefmt="simple"))
        duties = _duty_rows(edition)
        if duties:
            out.append("")
            out.append("Duties and deadlines:")
            out.append(tabulate(duties, headers=["What", "By whom", "Due", "Rule", "Basis and source"],
                                tablefmt="simple"))
        out.append("")
        out.append("Criteria:")
        out.append(tabulate(
            [[c.id, c.kind, _STATUS_WORDS[c.status], _wrap(c.title, 30), _wrap(_why(c), 52)] for c in edition.criteria],
            headers=["Id", "Kind", "Status", "Criterion", "Why"], tablefmt="simple"))
        quoted = _relevant(edition)
        if quoted:
            out.append("")
            out.append("In the words of the law (the criteria met, and those still open that could change an answer):")
            for criterion in quoted:
                out.append("")
                out.append(f"{criterion.id} [{_STATUS_WORDS[criterion.status]}] {criterion.title}")
                out.append(textwrap.indent(_wrap(criterion.text, _WIDTH - 4), "    "))
                out.append(f"    Source: {criterion.citation}")
                if criterion.reading:
                    out.append(textwrap.indent(_wrap("Reading: " + criterion.reading, _WIDTH - 4), "    "))
    deciding = decision.deciding_facts()
    out.append("")
    if deciding:
        out.append("Unknown facts that could change an answer: " + ", ".join(deciding))
    else:
        out.append("No unknown fact could change these answers.")
    return "\n".join(out)


def render_markdown(decision: Decision) -> str:
    """The decision as Markdown, for minutes and case records."""
    out: list[str] = [f"# Decision: case {decision.case_reference or '(no reference)'}", "",
                      f"*Rules applied:* {decision.editions_applied}", ""]
    for edition in decision.editions:
        out += [f"## {edition.short_title} ({edition.ref}, {_in_force(edition)})", ""]
        for determination in edition.determinations:
            out.append(f"- **{determination.title}:** {_headline(determination, edition)}")
            for caveat in determination.caveats:
                out.append(f"  - *Note:* {caveat}")
            for possible in determination.possible:
                facts = ", ".join(possible.deciding_facts) or "-"
                out.append(f"  - *{possible.label}*: {possible.when} (facts: {facts})")
        duties = [d for det in edition.determinations for d in det.duties]
        if duties:
            out += ["", "### Duties and deadlines", "", "| What | By whom | Due | Rule | Basis |", "|---|---|---|---|---|"]
            for duty in duties:
                due = duty.due.isoformat() if duty.due else "see rule"
                out.append(f"| {duty.action} | {duty.by} | {due} | {duty.deadline or '-'} | {duty.basis}: {duty.source} |")
        out += ["", "### Criteria", ""]
        for criterion in edition.criteria:
            out.append(f"#### {criterion.id} — {criterion.title}: **{_STATUS_WORDS[criterion.status]}**")
            out += ["", f"> {' '.join(criterion.text.split())}", "", f"*Source:* {criterion.citation}"]
            if criterion.reading:
                out += ["", f"*Reading:* {criterion.reading}"]
            if criterion.evidence:
                out += ["", f"*Why:* {_why(criterion)}"]
            out.append("")
    deciding = decision.deciding_facts()
    out.append("Unknown facts that could change an answer: " + (", ".join(deciding) if deciding else "none"))
    return "\n".join(out) + "\n"


def render_json(decision: Decision) -> str:
    return decision.model_dump_json(indent=2)


def render_criteria(editions: Iterable[Edition], fmt: str = "table") -> str:
    """An edition's criteria with their kind, title and citation."""
    out = []
    for edition in editions:
        content = edition.content
        until = content.in_force.until.isoformat() if content.in_force.until else "now"
        rows = [[c.id, c.kind, _wrap(c.title, 40), _wrap(c.citation, 44)] for c in content.criteria]
        if fmt == "markdown":
            out.append(f"## {content.title} ({edition.ref}, {content.in_force.from_.isoformat()} to {until})\n")
            out.append(tabulate(rows, headers=["Id", "Kind", "Criterion", "Citation"], tablefmt="github"))
        else:
            out.append(f"{content.title}\n{edition.ref}, in force {content.in_force.from_.isoformat()} to {until}")
            out.append(tabulate(rows, headers=["Id", "Kind", "Criterion", "Citation"], tablefmt="simple"))
        out.append("")
    return "\n".join(out)


_RELEASE_WORDS = {"released": "released", "changed_since_release": "CHANGED since release",
                  "not_released": "not released", "superseded": "superseded"}


def render_editions(editions: Iterable[Edition]) -> str:
    rows = []
    for edition in editions:
        content = edition.content
        status = _RELEASE_WORDS[release_status(edition)]
        rows.append([content.id, content.version, content.short_title, content.in_force.from_.isoformat(),
                     content.in_force.until.isoformat() if content.in_force.until else "(in force)", status,
                     edition.content_hash[:19] + "…"])
    return tabulate(rows, headers=["Edition", "Version", "Title", "From", "Until", "Status", "Content hash"],
                    tablefmt="simple")


__all__ = ["render_criteria", "render_editions", "render_json", "render_markdown", "render_table"]
