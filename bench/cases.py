"""Realistic generated cases for the benchmark and the load tests.

A seeded :class:`random.Random` draws every fact of a rapid-review fact set from a
plausible distribution (most cases are serious harm or a death with abuse or neglect
known or suspected; custody, detention and deprivation of liberty are rare; infants
are over-represented), keeps the facts consistent (the awareness date on or after
the incident, the age matching the date of birth, no custody for a case that is not
a death, no sexual abuse where abuse is "not known or suspected", no serious injury
when the outcome is neither, no care leaver still looked after), then hides about
30% of them as unknown, as a rapid review held early would. The same seed gives the
same cases. Dates fall where a shipped edition is in force, so every case with a
date is decided under some edition.
"""

from __future__ import annotations

import datetime as _dt
import random
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

#: The last date a generated case may carry: fixed, so a seed means the same cases every day.
LATEST = _dt.date(2024, 12, 31)
#: Awareness follows the incident by at most this many days.
MAX_AWARENESS_DELAY = 120
#: Share of facts hidden as unknown.
UNKNOWN_SHARE = 0.30


def _pick(rng: random.Random, weights: dict[T, float]) -> T:
    return rng.choices(tuple(weights), weights=tuple(weights.values()))[0]


def _chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def date_range() -> tuple[_dt.date, _dt.date]:
    """From the first day any shipped edition is in force to the last (at most :data:`LATEST`)."""
    from scr_eligibility.criteria import latest_editions

    editions = latest_editions()
    start = min(e.content.in_force.from_ for e in editions)
    ends = [e.content.in_force.until or LATEST for e in editions]
    return start, min(max(ends), LATEST)


def _age(rng: random.Random) -> int:
    band = _pick(rng, {(0, 0): 0.28, (1, 4): 0.20, (5, 11): 0.15, (12, 15): 0.19, (16, 17): 0.13, (18, 24): 0.05})
    return rng.randint(*band)


def full_case(rng: random.Random, number: int, start: _dt.date, end: _dt.date) -> dict[str, Any]:
    """One consistent case with every fact known, as a case file would write it (dates as text)."""
    last_incident = end - _dt.timedelta(days=MAX_AWARENESS_DELAY)
    incident = start + _dt.timedelta(days=rng.randint(0, (last_incident - start).days))
    delay = min(int(rng.expovariate(1 / 6)), MAX_AWARENESS_DELAY)  # mostly within the week, a long tail
    awareness = incident + _dt.timedelta(days=delay)
    age = _age(rng)
    # A birthday drawn within the year that gives exactly ``age`` on the incident date.
    latest_birth = _dt.date(incident.year - age, 1, 1) if (incident.month, incident.day) == (2, 29) else \
        incident.replace(year=incident.year - age)
    birth = latest_birth - _dt.timedelta(days=rng.randint(0, 364))
    from scr_eligibility.facts import age_on

    age = age_on(birth, incident)
    outcome = _pick(rng, {"died": 0.42, "seriously_harmed": 0.53, "neither": 0.05})
    abuse = _pick(rng, {"known": 0.40, "suspected": 0.45, "not_known_or_suspected": 0.15})
    died = outcome == "died"
    custody = _pick(rng, {"none": 0.96, "police_custody": 0.01, "on_remand": 0.01, "following_sentencing": 0.02}) \
        if died and age >= 10 else "none"
    if custody != "none":
        setting = _pick(rng, {"young_offender_institution": 0.5, "secure_training_centre": 0.2,
                              "secure_childrens_home": 0.2, "other": 0.1})
    else:
        setting = _pick(rng, {"secure_childrens_home": 0.01, "other": 0.99}) if died else "other"
    parent_murdered = _chance(rng, 0.03)
    # Drawn first and corrected after, so that a seed gives the same cases as before these corrections.
    looked_after = _chance(rng, 0.15)
    care_leaver = (_chance(rng, 0.3) if age >= 16 else False) and not looked_after  # a care leaver has left care
    case = {
        "case_reference": f"GEN-{number:07d}",
        "incident_date": incident.isoformat(),
        "awareness_date": awareness.isoformat(),
        "date_of_birth": birth.isoformat(),
        "age": age,
        "looked_after": looked_after,
        "care_leaver": care_leaver,
        "outcome": outcome,
        "abuse_or_neglect": abuse,
        "life_threatening_injury": _chance(rng, {"died": 0.5, "seriously_harmed": 0.55, "neither": 0.1}[outcome]),
        "serious_permanent_impairment": _chance(rng, 0.2 if outcome == "seriously_harmed" else 0.05),
        "sexual_abuse": abuse != "not_known_or_suspected" and _chance(rng, 0.12),
        "violent_assault": _pick(rng, {"by_adult": 0.35, "by_child": 0.05, "none": 0.60}),
        "parent_murdered": parent_murdered,
        "domestic_homicide_review": _chance(rng, 0.8 if parent_murdered else 0.02),
        "custody": custody,
        "custody_setting": setting,
        "mental_health_act_detention": _chance(rng, 0.04 if age >= 12 else 0.002),
        "deprivation_of_liberty": _pick(rng, {"none": 0.95, "mental_capacity_act_2005": 0.03, "other_basis": 0.02})
        if age in (16, 17) else _pick(rng, {"none": 0.98, "other_basis": 0.02}),
        "regulated_setting": _chance(rng, 0.06),
        "institutional_setting": _chance(rng, 0.05),
        "location": _pick(rng, {"in_area": 0.85, "elsewhere_in_england": 0.13, "outside_england": 0.02}),
        "normally_resident": _chance(rng, 0.9),
        "inter_agency_concerns": _pick(rng, {"concerns": 0.6, "definitive_evidence_of_none": 0.4}),
        "single_agency_concern": _chance(rng, 0.3),
        "no_agency_involvement_concern": _chance(rng, 0.1),
        "more_than_one_area": _chance(rng, 0.2),
        "improvements_needed": _chance(rng, 0.7),
        "recurrent_themes": _chance(rng, 0.4),
        "legislative_or_guidance_change": _chance(rng, 0.1),
        "panel_considered_local_review": _chance(rng, 0.1),
        # Facts the readings turn on: where a remanded child was remanded to, why a child was in a secure
        # children's home (stated only where they apply), and the Working Together 2006 killing by a parent.
        **({"remanded_to": "youth_detention_accommodation" if setting != "other" else _pick(
            rng, {"youth_detention_accommodation": 0.5, "local_authority_accommodation": 0.5})}
           if custody == "on_remand" else {}),
        **({"secure_childrens_home_basis": _pick(rng, {"welfare": 0.3, "youth_justice": 0.7})}
           if setting == "secure_childrens_home" else {}),
        "killed_by_parent_with_mental_illness": died and abuse != "not_known_or_suspected" and _chance(rng, 0.02),
    }
    if "remanded_to" in case:  # a child remanded to either accommodation is looked after (LASPO 2012 s104)
        case["looked_after"], case["care_leaver"] = True, False
    if outcome == "neither":  # a potentially life-threatening injury or serious impairment is serious harm
        case["life_threatening_injury"] = case["serious_permanent_impairment"] = False
    return case


#: How likely each fact is to be unknown; the rest use UNKNOWN_SHARE. Dates and the outcome are
#: usually known at a rapid review; the learning questions often are not yet.
_UNKNOWN_ODDS = {
    "case_reference": 0.0,
    "incident_date": 0.10,
    "awareness_date": 0.15,
    "date_of_birth": 0.45,
    "age": 0.35,
    "outcome": 0.05,
    "abuse_or_neglect": 0.20,
    "improvements_needed": 0.45,
    "recurrent_themes": 0.50,
    "legislative_or_guidance_change": 0.50,
    "panel_considered_local_review": 0.60,
}


def hide_unknowns(rng: random.Random, case: dict[str, Any], share: float = UNKNOWN_SHARE) -> dict[str, Any]:
    """The case with facts left out (unknown), each with its own odds (scaled so the mean is about ``share``)."""
    scale = share / UNKNOWN_SHARE
    return {name: value for name, value in case.items()
            if not _chance(rng, min(1.0, _UNKNOWN_ODDS.get(name, UNKNOWN_SHARE) * scale))}


def iter_cases(count: int, seed: int = 2026, unknown_share: float = UNKNOWN_SHARE,
               dates: Sequence[_dt.date] | None = None) -> Iterator[dict[str, Any]]:
    """``count`` generated cases (mappings a case file would hold), the same for the same seed."""
    rng = random.Random(seed)
    start, end = dates if dates is not None else date_range()
    for number in range(1, count + 1):
        yield hide_unknowns(rng, full_case(rng, number, start, end), unknown_share)


def generate_cases(count: int, seed: int = 2026, unknown_share: float = UNKNOWN_SHARE) -> list[dict[str, Any]]:
    """A list of :func:`iter_cases`."""
    return list(iter_cases(count, seed, unknown_share))


def unknown_fraction(cases: Sequence[dict[str, Any]]) -> float:
    """The share of the facts the generator draws (every fact of a full case) that the cases leave unknown.

    Facts the generator does not draw (those added to the model later, such as the places of
    death and residence) are left out of the count, so that the share measures the hiding.
    """
    names = tuple(full_case(random.Random(0), 0, _dt.date(2019, 1, 1), _dt.date(2024, 1, 1)))
    total = len(cases) * len(names)
    known = sum(sum(1 for name in names if case.get(name) is not None) for case in cases)
    return 1 - known / total if total else 0.0
