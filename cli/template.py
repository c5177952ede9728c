"""`scr template`: a blank fact set to fill in, one commented line per fact, every value unknown.

Everything the comments say comes from the fact model (question, meaning, allowed values) and
from the shipped editions (which criteria read each fact, which deadlines a date starts), so
a new edition or fact shows up here without a change to this module.
"""

from __future__ import annotations

import textwrap

import click

from ..criteria import latest_editions
from ..criteria.model import Edition
from ..facts import FACT_NAMES, GROUPS, allowed_values, expected_text, fact_text, label
from ..rules import ruleset_for

_WIDTH = 100

#: How the case's dates are used outside the criteria (engine/evaluate.py select_editions):
#: the awareness date, else the incident date, chooses the editions in force.
_CHOOSES_EDITIONS = {
    "awareness_date": "chooses the editions of the rules in force on that date",
    "incident_date": "chooses the editions in force when the awareness date is unknown",
}


def criteria_using(editions: tuple[Edition, ...]) -> dict[str, list[str]]:
    """``{fact: ["edition: C1, C2", ...]}``: the criteria whose conditions read each fact, per edition.

    Read from the compiled leaves (definitions and references already inlined), so a fact
    read through a shared definition such as "a child" is listed under every criterion using it.
    """
    users: dict[str, list[str]] = {}
    for edition in editions:
        compiled = ruleset_for(edition).compiled
        by_fact: dict[str, dict[str, None]] = {}
        for criterion, indexes in compiled.criterion_leaves.items():
            for index in indexes:
                by_fact.setdefault(compiled.leaves[index].fact, {})[criterion] = None
        for fact, criteria in by_fact.items():
            users.setdefault(fact, []).append(f"{edition.id}: {', '.join(criteria)}")
    return users


def deadlines_started(editions: tuple[Edition, ...]) -> dict[str, list[str]]:
    """``{fact: ["edition: duty, duty", ...]}``: the duties whose deadline is counted from a date of the case."""
    started: dict[str, list[str]] = {}
    for edition in editions:
        by_fact: dict[str, dict[str, None]] = {}
        for determination in edition.content.determinations:
            for outcome in determination.outcomes:
                for duty in outcome.duties:
                    if duty.deadline is not None and duty.deadline.from_ in FACT_NAMES:
                        by_fact.setdefault(duty.deadline.from_, {})[duty.id] = None
                        if duty.deadline.from_ == "abuse_or_neglect_awareness_date":
                            # Known or suspected from the start (the fact left out): the awareness date starts it.
                            by_fact.setdefault("awareness_date", {})[
                                f"{duty.id} (unless abuse_or_neglect_awareness_date is given)"] = None
        for fact, duties in by_fact.items():
            started.setdefault(fact, []).append(f"{edition.id}: {', '.join(duties)}")
    return started


def _comment(text: str, indent: str = "# ") -> list[str]:
    # No breaks at hyphens: edition and criterion ids (lscb-scr-2006, s16C-1a) must stay whole.
    return textwrap.wrap(" ".join(text.split()), _WIDTH, initial_indent=indent, subsequent_indent=indent + "  ",
                         break_on_hyphens=False)


def render_template() -> str:
    """The blank fact set as YAML text: grouped by rapid-review stage, a comment per fact, all unknown."""
    editions = latest_editions()
    users = criteria_using(editions)
    started = deadlines_started(editions)
    out = [
        "# A blank rapid-review fact set for `scr check` (or `scr ask`). Every fact starts unknown:",
        "# replace `unknown` with what is known and leave the rest. Unknown is never read as no.",
        "# Fact sets need no names of children or relatives: identify the case by a pseudonymous",
        "# case reference only.",
        "# Editions whose criteria are listed: " + ", ".join(e.ref for e in editions) + ".",
    ]
    grouped: dict[str, list[str]] = {group: [] for group in GROUPS}
    for name in FACT_NAMES:
        grouped.setdefault(fact_text(name)[0], []).append(name)
    for group, names in grouped.items():
        if not names:
            continue
        out += ["", f"# ---- {group} " + "-" * max(0, _WIDTH - len(group) - 8)]
        for name in names:
            _, question, description = fact_text(name)
            out.append("")
            out += _comment(question)
            if description:
                out += _comment("Meaning: " + description)
            values = allowed_values(name)
            if values:
                shown = [("yes" if v is True else "no" if v is False else f"{v} ({label(v)})") for v in values]
                out += _comment("Allowed: " + "; ".join(shown) + "; or unknown")
            else:
                out += _comment("Allowed: " + expected_text(name))
            uses = list(users.get(name, []))
            if name in _CHOOSES_EDITIONS:
                uses.append(_CHOOSES_EDITIONS[name])
            if name in started:
                uses.append("starts the deadlines of " + "; ".join(started[name]))
            out += _comment("Used by: " + ("; ".join(uses) if uses else "no criterion reads it directly"))
            out.append(f"{name}: unknown")
    return "\n".join(out) + "\n"


@click.command()
def template() -> None:
    """Print a blank fact set (YAML) with a comment per fact; every value is unknown."""
    click.echo(render_template(), nl=False)
