"""The named effects of readings, and the replacement of a determination by a later law.

An option of a reading may name an effect (criteria/readings.py, ``EFFECT_GROUPS``) rather than
choose conditions: how the age of a person born on 29 February is counted, and whether the law
in force from 29 June 2018 (Children Act 2004 s16C) reaches a death or serious harm that happened
before that day. This module applies them: to the facts (the age), to an edition (which does not
reach the case), and to a determination another law replaced from a date (the Working Together
2015 notification to Ofsted and the LSCB, replaced by the Panel notification).
"""

from __future__ import annotations

import calendar
import datetime as _dt
from collections.abc import Mapping

from ..criteria.model import Determination, Edition, Replacement
from ..criteria.readings import S16C_COMMENCEMENT
from ..facts import Facts, age_on
from .decision import DeterminationResult

#: The outcome of every determination of an edition that, under the reading applied, does not reach the case.
NOT_APPLICABLE = "not_applicable"


def effects_of(edition: Edition, applied: Mapping[str, str]) -> set[str]:
    """The effects of the options applied."""
    return {effect for r in edition.content.readings if (effect := r.option(applied[r.id]).effect)}


def age_by_28_february(birth: _dt.date, day: _dt.date) -> int:
    """Age in whole years on ``day`` when a 29 February birthday falls on 28 February in a common year."""
    if (birth.month, birth.day) != (2, 29) or calendar.isleap(day.year):
        return age_on(birth, day)
    return day.year - birth.year - ((day.month, day.day) < (2, 28))


def age_under(case: Facts, effects: set[str]) -> int | None:
    if "anniversary_28_february" in effects and case.date_of_birth and case.incident_date:
        return age_by_28_february(case.date_of_birth, case.incident_date)
    return case.age


def facts_under(case: Facts, effects: set[str]) -> Facts:
    age = age_under(case, effects)
    return case if age == case.age else case.model_copy(update={"age": age})


def s16c_day(facts: Facts, effects: set[str]) -> _dt.date | None:
    """The date that decides whether the law in force from 29 June 2018 reaches the case."""
    if "s16c_from_commencement_only" in effects and facts.incident_date is not None:
        return facts.incident_date
    return facts.awareness_date or facts.incident_date  # (an unknown incident date: the awareness date decides)


def not_reached(facts: Facts, edition: Edition, effects: set[str]) -> bool:
    """Under the reading that s16C reaches only harm from 29 June 2018, an edition from that day misses earlier harm."""
    return ("s16c_from_commencement_only" in effects and edition.content.in_force.from_ >= S16C_COMMENCEMENT
            and facts.incident_date is not None and facts.incident_date < S16C_COMMENCEMENT)


def not_applicable(determination: DeterminationResult, facts: Facts) -> DeterminationResult:
    return DeterminationResult.build(
        id=determination.id, title=determination.title, outcome=NOT_APPLICABLE,
        label=not_applicable_label(facts),
        who_decides=determination.who_decides, decided_by=(), possible=(), deciding_facts=(), duties=(), caveats=())


def replace_determinations(determinations: tuple[DeterminationResult, ...], edition: Edition, facts: Facts,
                           effects: set[str]) -> tuple[DeterminationResult, ...]:
    """Each determination another law replaced by the day that decides, shown as replaced, without its duties."""
    definitions = {d.id: d for d in edition.content.determinations}
    day = s16c_day(facts, effects)
    out = []
    for result in determinations:
        replaced = definitions[result.id].replaced
        if replaced is None:
            out.append(result)
        elif replaced_on(definitions[result.id], day):
            out.append(DeterminationResult.build(
                id=result.id, title=result.title, outcome=replaced.outcome, label=replaced.label,
                who_decides=result.who_decides, decided_by=(), possible=(), deciding_facts=(), duties=(),
                caveats=tuple(t for t in (replaced.note, f"Source: {replaced.source}.") if t)))
        elif day is None:
            out.append(result.model_copy(update={"caveats": result.caveats + (
                f"If the date that decides is on or after {replaced.from_.isoformat()}, this is replaced: "
                f"{replaced.label}.",)}))
        else:
            out.append(result)
    return tuple(out)


def replaced_on(determination: Determination, day: _dt.date | None) -> Replacement | None:
    """The replacement of ``determination`` if another law had replaced it by ``day`` (the date that decides)."""
    replaced = determination.replaced
    return replaced if replaced is not None and day is not None and day >= replaced.from_ else None


def not_applicable_label(facts: Facts) -> str:
    assert facts.incident_date is not None
    return (f"Does not apply under this reading: the incident ({facts.incident_date.isoformat()}) happened "
            f"before {S16C_COMMENCEMENT.day} {S16C_COMMENCEMENT:%B %Y}, when Children Act 2004 s16C came into force")
