"""The decision as Markdown, for minutes and case records."""

from __future__ import annotations

from ...engine.decision import Decision
from .text import why
from .view import STATUS_WORDS, decision_view


def render_markdown(decision: Decision) -> str:
    """The decision as Markdown: each edition's answers, its duties, and every criterion quoted."""
    view = decision_view(decision)
    out: list[str] = [f"# Decision: case {decision.case_reference or '(no reference)'}", "",
                      f"*Rules applied:* {decision.editions_applied}", ""]
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
    out.append("Unknown facts that could change an answer: " + (", ".join(view.deciding_facts) or "none"))
    return "\n".join(out) + "\n"


__all__ = ["render_markdown"]
