"""Facts that contradict each other, or are impossible together: the user must correct them.

:func:`contradictions` reads the facts as a plain mapping of normalised values (``None``
for unknown, and for a value already refused on its own, so that every other problem in
the file is still reported with it). Each problem names the fact to correct as its
location and the other fact in what it expected.

The checks added with the place, residence, remand, date and infant-age facts (and the
contradictions the definitions make: "neither" with a serious injury, a care leaver under 16
or still looked after, a young offender institution with custody none) are *new* checks:
``strict=False`` skips them, so that a decision recorded before they existed can still be
replayed with the facts it was made on. The
checks that existed then (dates in the future, awareness before the incident, the age and
the dates, custody without a death, sexual abuse without abuse) always run.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping
from typing import Any

from .dates import today
from .errors import Problem

#: Dates a fact set may hold; each is checked against today and 1900.
CHECKED_DATES = ("incident_date", "awareness_date", "date_of_birth", "abuse_or_neglect_awareness_date",
                 "notification_date")

#: Settings that are youth detention accommodation and never local authority accommodation
#: (LASPO 2012 s102(2)(b),(c) against s92(1)).
_NOT_LOCAL_AUTHORITY_ACCOMMODATION = ("young_offender_institution", "secure_training_centre")


def age_on(birth: _dt.date, day: _dt.date) -> int:
    """Age in whole years on ``day``: the 18th birthday itself is 18 (adult)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def months_on(birth: _dt.date, day: _dt.date) -> int:
    """Age in whole months on ``day``: a month is complete on the same day of a later month.

    Born 31 January, a child is 0 months old on 28 February and 1 month old on 31 March.
    """
    return (day.year - birth.year) * 12 + day.month - birth.month - (day.day < birth.day)


def _age(v: Mapping[str, Any]) -> int | None:
    """The age in years as the model will hold it: given, else from the dates, else from the months."""
    if v.get("age") is not None:
        return v["age"]  # type: ignore[no-any-return]
    birth, incident = v.get("date_of_birth"), v.get("incident_date")
    if birth and incident and birth <= incident:
        return age_on(birth, incident)
    return None if v.get("age_months") is None else v["age_months"] // 12


def _iso(day: _dt.date) -> str:
    return day.isoformat()


def contradictions(v: Mapping[str, Any], *, strict: bool = True, max_age: int = 25) -> list[Problem]:
    """Every contradiction among the facts ``v`` (name -> normalised value, ``None`` if unknown)."""
    problems: list[Problem] = []
    _dates(v, problems, max_age)
    _settled(v, problems)
    if strict:
        for check in _NEW_CHECKS:
            check(v, problems)
    return problems


# --------------------------------------------------------------------------- the checks of before


def _dates(v: Mapping[str, Any], problems: list[Problem], max_age: int) -> None:
    today_ = today()
    for name in CHECKED_DATES:
        value = v.get(name)
        if value is not None and value > today_:
            problems.append(Problem(name, _iso(value), f"a date not after today ({_iso(today_)})"))
        if value is not None and value.year < 1900:
            problems.append(Problem(name, _iso(value), "a date from 1900 on"))
    incident, awareness, birth, age = v.get("incident_date"), v.get("awareness_date"), v.get("date_of_birth"), \
        v.get("age")
    if incident and awareness and awareness < incident:
        problems.append(Problem(
            "awareness_date", _iso(awareness), f"a date on or after the incident date ({_iso(incident)})",
            "the authority cannot become aware of an incident before it happens"))
    if birth and incident:
        if birth > incident:
            problems.append(Problem(
                "date_of_birth", _iso(birth), f"a date on or before the incident date ({_iso(incident)})"))
        else:
            derived = age_on(birth, incident)
            if age is not None and age != derived:
                problems.append(Problem(
                    "age", str(age),
                    f"{derived}, the age worked out from date_of_birth {_iso(birth)} and incident_date {_iso(incident)}",
                    "correct the age or the dates, or leave the age out"))
            elif derived > max_age:
                problems.append(Problem(
                    "date_of_birth", _iso(birth),
                    f"a date of birth giving an age of at most {max_age} at the incident (it gives {derived})"))


def _settled(v: Mapping[str, Any], problems: list[Problem]) -> None:
    if v.get("outcome") == "neither":
        if v.get("custody") not in (None, "none"):
            problems.append(Problem(
                "custody", v["custody"], "none or unknown, because the outcome is neither (no death)",
                "custody is recorded at the time of death: correct the outcome or the custody"))
        if v.get("custody_setting") not in (None, "other"):
            problems.append(Problem(
                "custody_setting", v["custody_setting"], "other or unknown, because the outcome is neither (no death)",
                "the setting is recorded at the time of death: correct the outcome or the setting"))
    if v.get("sexual_abuse") is True and v.get("abuse_or_neglect") == "not_known_or_suspected":
        problems.append(Problem(
            "abuse_or_neglect", "not_known_or_suspected",
            "known or suspected, because sexual_abuse is yes (sexual abuse is abuse)"))


# --------------------------------------------------------------------------- the checks added (strict only)


def _serious_harm(v: Mapping[str, Any], problems: list[Problem]) -> None:
    """'Seriously harmed' includes "a potentially life-threatening injury" and "serious and/or likely
    long-term impairment of physical or mental health" (Working Together 2015 ch4): "neither" cannot stand
    beside either."""
    if v.get("outcome") != "neither":
        return
    for name, what in (("life_threatening_injury", "a potentially life-threatening injury"),
                       ("serious_permanent_impairment", "serious and permanent impairment")):
        if v.get(name) is True:
            problems.append(Problem(
                "outcome", "neither",
                f"seriously_harmed (or died), because {name} is yes: the guidance counts {what} as serious harm",
                f"correct the outcome or {name}"))


def _care_leaver(v: Mapping[str, Any], problems: list[Problem]) -> None:
    """A care leaver is 16 or over and has left care (a relevant child is 16 or 17, a former relevant
    child 18 or over: Children Act 1989 s23A, s23C); a looked-after 16 or 17 year old is looked after."""
    if v.get("care_leaver") is not True:
        return
    age = _age(v)
    if age is not None and age < 16:
        problems.append(Problem(
            "care_leaver", "yes", f"no or unknown, because age is {age}: a care leaver is aged 16 or over",
            "correct the age or care_leaver"))
    if v.get("looked_after") is True:
        problems.append(Problem(
            "care_leaver", "yes", "no or unknown, because looked_after is yes: a care leaver has left care",
            "a looked-after child of 16 or 17 is answered looked_after yes and care_leaver no"))


def _remand(v: Mapping[str, Any], problems: list[Problem]) -> None:
    """LASPO 2012 s104(1) (explanatory notes para 529): "any child remanded to youth detention accommodation
    is to be treated as looked after by the designated authority"; a child remanded to local authority
    accommodation is provided with accommodation by it (s92(4)) and so looked after (Children Act 1989
    s22(1)): "Every such child (whether remanded to Youth Detention Accommodation or to local authority
    accommodation) will be treated as Looked After by their designated local authority" (Merton procedures).

    custody on_remand beside looked_after no (facts of before) is not refused: the remand is checked only
    when remanded_to says which it was."""
    custody, remanded_to = v.get("custody"), v.get("remanded_to")
    setting = v.get("custody_setting")
    # A young offender institution or secure training centre holds only children on remand or under sentence
    # (Prison Act 1952 s43(1); a remand there is to youth detention accommodation, LASPO 2012
    # s102); a secure children's home or another setting may hold a child in no custody.
    if custody == "none" and setting in _NOT_LOCAL_AUTHORITY_ACCOMMODATION:
        problems.append(Problem(
            "custody_setting", setting, "not a young offender institution or secure training centre, because custody "
            "is none: those hold only children on remand or under sentence", "correct the custody or the setting"))
    if remanded_to is not None:
        if custody not in (None, "on_remand"):
            problems.append(Problem(
                "remanded_to", remanded_to, f"unknown, because custody is {custody} (not on_remand)",
                "correct the custody or the remand"))
        if v.get("outcome") == "neither":
            problems.append(Problem(
                "remanded_to", remanded_to, "unknown, because the outcome is neither (no death)",
                "the remand is recorded at the time of death: correct the outcome or the remand"))
        if remanded_to == "local_authority_accommodation" and setting in _NOT_LOCAL_AUTHORITY_ACCOMMODATION:
            problems.append(Problem(
                "remanded_to", remanded_to,
                f"youth_detention_accommodation or unknown, because custody_setting is {setting}: "
                "that is youth detention accommodation, not accommodation provided by a local authority",
                "correct the remand or the setting"))
        if v.get("looked_after") is False:
            problems.append(Problem(
                "looked_after", "no", f"yes or unknown, because remanded_to is {remanded_to}: a child remanded to "
                "either is looked after by the designated authority", "correct looked_after or remanded_to"))


def _whose(v: Mapping[str, Any], problems: list[Problem]) -> None:
    """Only a looked-after child or a care leaver has a responsible authority."""
    who = v.get("responsible_authority")
    if who is not None and v.get("looked_after") is False and v.get("care_leaver") is False:
        problems.append(Problem(
            "responsible_authority", who,
            "unknown, because looked_after is no and care_leaver is no: only a looked-after child or a care "
            "leaver has an authority that looks after or supports them",
            "correct looked_after, care_leaver or responsible_authority"))


def _places(v: Mapping[str, Any], problems: list[Problem]) -> None:
    """Where the child died needs a death; where the child normally lives is said once, the same way twice."""
    died_at = v.get("death_location")
    if died_at is not None and v.get("outcome") in ("seriously_harmed", "neither"):
        problems.append(Problem(
            "death_location", died_at, f"unknown, because the outcome is {v['outcome']} (the child did not die)",
            "correct the outcome or the place of death"))
    resident, lives = v.get("normally_resident"), v.get("normally_resident_in")
    if resident is True and lives not in (None, "in_area"):
        problems.append(Problem(
            "normally_resident_in", lives, "in_area or unknown, because normally_resident is yes",
            "correct normally_resident or normally_resident_in"))
    if resident is False and lives == "in_area":
        problems.append(Problem(
            "normally_resident_in", lives,
            "a place outside the deciding authority's area, or unknown, because normally_resident is no",
            "correct normally_resident or normally_resident_in"))


def _looked_after_in_northern_ireland(v: Mapping[str, Any], problems: list[Problem]) -> None:
    """A child looked after by an HSC trust at the incident "is or has been looked after by an authority within
    the meaning of Article 25" (SBNI Regulations 2012 reg 17(2)(b)(iii)): that fact cannot then be no."""
    who, nation = v.get("responsible_authority"), v.get("deciding_nation")
    by_a_trust = who == "an_authority_in_northern_ireland" or (who == "this_authority" and nation == "northern_ireland")
    if v.get("looked_after") is True and by_a_trust and v.get("child_or_sibling_looked_after") is False:
        problems.append(Problem(
            "child_or_sibling_looked_after", "no",
            "yes or unknown, because looked_after is yes and responsible_authority is a Northern Ireland HSC trust "
            f"({who}): the child is looked after within the meaning of Article 25",
            "correct looked_after, responsible_authority or child_or_sibling_looked_after"))


def _clock_dates(v: Mapping[str, Any], problems: list[Problem]) -> None:
    """The date abuse or neglect was first known or suspected is the day the s16C duty arose, when later than
    the awareness date: it cannot be before the incident, nor before the authority knew of the incident. A
    serious incident notification cannot be made before the incident, the awareness of it, or the suspicion
    of abuse or neglect it reports."""
    incident, awareness = v.get("incident_date"), v.get("awareness_date")
    suspected, notified = v.get("abuse_or_neglect_awareness_date"), v.get("notification_date")
    if suspected is not None:
        if incident and suspected < incident:
            problems.append(Problem(
                "abuse_or_neglect_awareness_date", _iso(suspected),
                f"a date on or after the incident date ({_iso(incident)})",
                "abuse or neglect in this incident cannot be known or suspected before it happens"))
        if awareness and suspected < awareness:
            problems.append(Problem(
                "abuse_or_neglect_awareness_date", _iso(suspected),
                f"a date on or after awareness_date ({_iso(awareness)})",
                "give it only when abuse or neglect was first known or suspected after the authority learned of "
                "the incident; leave it out when it was known from the start"))
        if v.get("abuse_or_neglect") == "not_known_or_suspected":
            problems.append(Problem(
                "abuse_or_neglect_awareness_date", _iso(suspected),
                "unknown, because abuse_or_neglect is not_known_or_suspected",
                "correct abuse_or_neglect or leave the date out"))
    if notified is not None:
        for name, earlier, why in (
                ("incident_date", incident, "the incident"),
                ("awareness_date", awareness, "the authority became aware of the incident"),
                ("abuse_or_neglect_awareness_date", suspected, "abuse or neglect was first known or suspected")):
            if earlier and notified < earlier:
                problems.append(Problem(
                    "notification_date", _iso(notified), f"a date on or after {name} ({_iso(earlier)})",
                    f"a notification cannot be made before {why}"))


def _infant_age(v: Mapping[str, Any], problems: list[Problem]) -> None:
    """An age in months is the same age as the age in years (age 0 under 12 months) and as the dates."""
    months, age = v.get("age_months"), v.get("age")
    if months is None:
        return
    birth, incident = v.get("date_of_birth"), v.get("incident_date")
    if birth and incident and birth <= incident:
        derived = months_on(birth, incident)
        if derived != months:
            problems.append(Problem(
                "age_months", str(months),
                f"{derived}, the age in months worked out from date_of_birth {_iso(birth)} and incident_date "
                f"{_iso(incident)}", "correct the age in months or the dates, or leave it out"))
            return
    if age is not None and age != months // 12:
        problems.append(Problem(
            "age_months", str(months), f"{age * 12} to {age * 12 + 11} months, because age is {age}",
            "correct age or age_months"))


_NEW_CHECKS: tuple[Callable[[Mapping[str, Any], list[Problem]], None], ...] = (
    _serious_harm, _care_leaver, _remand, _whose, _places, _clock_dates, _infant_age,
    _looked_after_in_northern_ireland)
