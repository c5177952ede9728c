"""The rapid-review fact set: what a subgroup member knows about a case when deciding.

Every fact may be unknown. Unknown is kept as ``None`` (and may be written ``unknown``
or left out in a case file); it is never read as "no". Values are checked strictly,
because the rule engine underneath coerces types ("100" < 18 is true there), so
nothing loosely typed may reach it.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import reprlib
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .dates import DATE_FORMATS, EXAMPLE, parse_date, today
from .errors import InputError, Problem

#: Ages above this are refused as impossible input. The oldest person any rule concerns is a
#: care leaver "up to and including 24"; 25 is accepted so that the boundary itself can be checked.
MAX_AGE = 25
MAX_TEXT = 200

Outcome = Literal["died", "seriously_harmed", "neither"]
AbuseOrNeglect = Literal["known", "suspected", "not_known_or_suspected"]
ViolentAssault = Literal["by_adult", "by_child", "none"]
InterAgencyConcerns = Literal["concerns", "definitive_evidence_of_none"]
Custody = Literal["none", "police_custody", "on_remand", "following_sentencing"]
CustodySetting = Literal["young_offender_institution", "secure_training_centre", "secure_childrens_home", "other"]
DeprivationOfLiberty = Literal["none", "mental_capacity_act_2005", "other_basis"]
Location = Literal["in_area", "elsewhere_in_england", "outside_england"]

#: Plain-language labels for the values of the enumerated facts.
VALUE_LABELS: dict[str, str] = {
    "died": "the child died",
    "seriously_harmed": "the child was seriously harmed",
    "neither": "neither died nor seriously harmed",
    "known": "known",
    "suspected": "suspected",
    "not_known_or_suspected": "not known or suspected",
    "by_adult": "by an adult",
    "by_child": "by another child",
    "none": "none",
    "concerns": "there are concerns",
    "definitive_evidence_of_none": "definitive evidence that there are no concerns",
    "police_custody": "in police custody",
    "on_remand": "on remand",
    "following_sentencing": "following sentencing",
    "young_offender_institution": "a young offender institution",
    "secure_training_centre": "a secure training centre",
    "secure_childrens_home": "a secure children's home",
    "other": "another place",
    "mental_capacity_act_2005": "an order under the Mental Capacity Act 2005",
    "other_basis": "an order on another basis (e.g. the inherent jurisdiction)",
    "in_area": "in the deciding authority's area",
    "elsewhere_in_england": "elsewhere in England",
    "outside_england": "outside England (Wales, Scotland, Northern Ireland or abroad)",
}

# ----- Facts that declared readings of the law turn on (readings block; see criteria/readings.py) -----
#: Where a court remanded the child (LASPO 2012 ss91, 92, 102): only a remand to youth detention accommodation is
#: custody; whether "on remand" in the LSCB custody rule reaches the other is a declared reading.
RemandedTo = Literal["youth_detention_accommodation", "local_authority_accommodation"]
#: Why a child was in a secure children's home: a secure accommodation order on welfare grounds (Children Act 1989
#: s25), or a remand or sentence (youth justice). Whether a welfare placement is custody is a declared reading.
SecureChildrensHomeBasis = Literal["welfare", "youth_justice"]
VALUE_LABELS.update({
    "youth_detention_accommodation": "remanded to youth detention accommodation",
    "local_authority_accommodation": "remanded to local authority accommodation",
    "welfare": "placed on welfare grounds (a secure accommodation order, Children Act 1989 s25)",
    "youth_justice": "placed there on remand or under a sentence (youth justice)",
})
# ----- end of the readings block -----

#: The order in which a rapid review gathers facts; forms and templates group by it.
GROUPS: tuple[str, ...] = (
    "The case",
    "The child",
    "What happened",
    "Custody, detention and care settings",
    "Where it happened",
    "Working together",
    "Learning for the local and national reviews",
)


def _fact(group: str, question: str, description: str) -> Any:
    return Field(default=None, description=description, json_schema_extra={"group": group, "question": question})


class Facts(BaseModel):
    """A rapid-review fact set. Every field is optional: ``None`` means unknown."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    case_reference: str | None = _fact(
        "The case", "Case reference",
        "A pseudonymous case reference. No names of children or relatives are needed or wanted.")
    incident_date: _dt.date | None = _fact(
        "The case", "Date of the incident", "The date the child died or was seriously harmed (YYYY-MM-DD or DD/MM/YYYY).")
    awareness_date: _dt.date | None = _fact(
        "The case", "Date the local authority (or LSCB) became aware",
        "The date the local authority or board became aware of the incident (YYYY-MM-DD or DD/MM/YYYY). "
        "It chooses the rules in force and starts the deadlines.")
    date_of_birth: _dt.date | None = _fact(
        "The child", "Child's date of birth",
        "The child's date of birth (YYYY-MM-DD or DD/MM/YYYY). With the incident date it gives the age.")
    age: int | None = _fact(
        "The child", "Child's age at the incident, in whole years",
        "Age in whole years on the date of the incident; worked out from the date of birth when both dates "
        "are given. A child is a person under 18.")
    looked_after: bool | None = _fact(
        "The child", "Was the child looked after by a local authority at the time?",
        "Whether the child was looked after by a local authority (in care, or accommodated) at the time of "
        "the incident. A looked after child's death is notified whether or not abuse or neglect is suspected.")
    care_leaver: bool | None = _fact(
        "The child", "Was the person a care leaver?",
        "Whether the person was a care leaver (aged 16 or over, having been looked after). Under Working "
        "Together 2023 the death of a care leaver up to and including age 24 is notified to the Secretary of State "
        "and Ofsted.")
    outcome: Outcome | None = _fact(
        "What happened", "What happened to the child?",
        "Whether the child died (including by suspected suicide), was seriously harmed, or neither. Serious "
        "harm is the practitioners' judgment: it includes a potentially life-threatening injury and serious or "
        "likely long-term impairment of health or development, even if the child recovers.")
    abuse_or_neglect: AbuseOrNeglect | None = _fact(
        "What happened", "Is abuse or neglect of the child known or suspected?",
        "Whether abuse or neglect of the child is known, suspected, or not known or suspected. Suspicion is "
        "enough for every criterion that needs abuse or neglect.")
    life_threatening_injury: bool | None = _fact(
        "What happened", "Did the child sustain a potentially life-threatening injury?",
        "Whether the child sustained a potentially life-threatening injury (LSCB discretionary criterion D1).")
    serious_permanent_impairment: bool | None = _fact(
        "What happened", "Did the child suffer serious and permanent impairment of physical and/or mental health "
        "and development?",
        "Whether the child suffered serious and permanent impairment of physical and/or mental health and "
        "development (LSCB discretionary criterion D1).")
    sexual_abuse: bool | None = _fact(
        "What happened", "Is sexual abuse of the child known or suspected?",
        "Whether sexual abuse of the child is known or suspected (LSCB discretionary criterion D2).")
    violent_assault: ViolentAssault | None = _fact(
        "What happened", "Was the child subjected to a violent assault, and by whom?",
        "Whether the child was violently assaulted, and whether by an adult or by another child (LSCB "
        "discretionary criterion D4).")
    parent_murdered: bool | None = _fact(
        "What happened", "Has a parent of the child been murdered?",
        "Whether a parent of the child has been murdered (LSCB discretionary criterion D3).")
    domestic_homicide_review: bool | None = _fact(
        "What happened", "Is a domestic homicide review being initiated?",
        "Whether a domestic homicide review is being initiated (LSCB discretionary criterion D3).")
    custody: Custody | None = _fact(
        "Custody, detention and care settings", "Was the child in custody at the time of death?",
        "The child's custody status at the time of death: none, police custody, on remand, or following "
        "sentencing. A death in custody is an LSCB mandatory criterion (M3) with no abuse or neglect needed.")
    custody_setting: CustodySetting | None = _fact(
        "Custody, detention and care settings", "Where was the child at the time of death?",
        "The setting at the time of death: a young offender institution, a secure training centre, a secure "
        "children's home, or another place.")
    mental_health_act_detention: bool | None = _fact(
        "Custody, detention and care settings", "Was the child detained under the Mental Health Act 1983?",
        "Whether the child was detained under the Mental Health Act 1983 (LSCB mandatory criterion M4 if the "
        "child died).")
    deprivation_of_liberty: DeprivationOfLiberty | None = _fact(
        "Custody, detention and care settings", "Was the child subject to a deprivation of liberty order, and "
        "under what?",
        "Whether the child was subject to a deprivation of liberty order, and its basis: the Mental Capacity "
        "Act 2005, or another basis such as the inherent jurisdiction (only the former counts for LSCB criterion "
        "M5, for a child of 16 or 17 who died).")
    # ----- Facts that declared readings of the law turn on (readings block) -----
    remanded_to: RemandedTo | None = _fact(
        "Custody, detention and care settings", "If the child was on remand: remanded to where?",
        "A court remands a child to local authority accommodation unless it may, and does, remand the child to "
        "youth detention accommodation (a secure children's home, secure training centre or young offender "
        "institution): LASPO 2012 ss91, 92, 102. Only the first kind is custody; whether the LSCB rule on deaths "
        "\"on remand\" reaches a remand to local authority accommodation is a declared reading.")
    secure_childrens_home_basis: SecureChildrensHomeBasis | None = _fact(
        "Custody, detention and care settings", "If the child was in a secure children's home: on what basis?",
        "Why the child was in the secure children's home: placed on welfare grounds under a secure accommodation "
        "order (Children Act 1989 s25), or on remand or under a sentence (youth justice). Whether a welfare "
        "placement counts for the LSCB rule on deaths in custody is a declared reading.")
    killed_by_parent_with_mental_illness: bool | None = _fact(
        "What happened", "Was the child killed by a parent with a mental illness?",
        "Whether the child was killed by a parent with a mental illness (a situation Working Together 2006 asks "
        "the LSCB to consider for a Serious Case Review).")
    # ----- end of the readings block -----
    regulated_setting: bool | None = _fact(
        "Custody, detention and care settings", "Was the child in a regulated setting or service?",
        "In a regulated setting or service (WT2015 notifiable incidents).")
    institutional_setting: bool | None = _fact(
        "Custody, detention and care settings", "Was the child in an institutional setting (e.g. a children's "
        "home)?", "In an institutional setting (WT2018 circumstances; WT2023 names children's homes, secure "
        "children's homes and custodial settings).")
    location: Location | None = _fact(
        "Where it happened", "Where did the death or serious harm happen?",
        "Where the death or serious harm happened, relative to the deciding authority: in its area, "
        "elsewhere in England (then the duty to notify the Panel falls on that other authority), or outside "
        "England (Wales, Scotland, Northern Ireland or abroad).")
    normally_resident: bool | None = _fact(
        "Where it happened", "Was the child normally resident in the authority's area?",
        "Whether the child was normally resident in the deciding authority's area (it matters when the death "
        "or harm happened outside England: Children Act 2004 s16C(1)(b)).")
    inter_agency_concerns: InterAgencyConcerns | None = _fact(
        "Working together", "Are there concerns about how agencies worked together to safeguard the child?",
        "Whether there are concerns about how the agencies worked together to safeguard the child, or "
        "definitive evidence that there are none. For LSCB criterion M2, concern is presumed unless there is "
        "definitive evidence of none; answer unknown if neither is established.")
    single_agency_concern: bool | None = _fact(
        "Working together", "Is there concern about the actions of a single agency?",
        "Concern about the actions of a single agency (WT2018 circumstances).")
    no_agency_involvement_concern: bool | None = _fact(
        "Working together", "Was there no agency involvement, and does that give cause for concern?",
        "No agency involvement, giving cause for concern (WT2018 circumstances).")
    more_than_one_area: bool | None = _fact(
        "Working together", "Was more than one local authority, police area or health commissioning body "
        "involved?", "More than one local authority, police area or CCG (WT2023: integrated care board) involved.")
    improvements_needed: bool | None = _fact(
        "Learning for the local and national reviews", "Does the case highlight, or may it highlight, "
        "improvements needed to safeguard and promote the welfare of children?",
        "Highlights or may highlight improvements needed (reg 11(a), reg 3(a)).")
    recurrent_themes: bool | None = _fact(
        "Learning for the local and national reviews", "Does the case highlight, or may it highlight, recurrent "
        "themes in safeguarding children?", "Highlights or may highlight recurrent themes (reg 11(b), reg 3(c)).")
    legislative_or_guidance_change: bool | None = _fact(
        "Learning for the local and national reviews", "Does the case raise, or may it raise, issues requiring "
        "legislative change or changes to guidance?", "Raises or may raise issues requiring legislative or "
        "guidance change (reg 3(b)).")
    panel_considered_local_review: bool | None = _fact(
        "Learning for the local and national reviews", "Has the national Panel considered the case and concluded "
        "a local review may be more appropriate?", "The Panel concluded a local review may be more appropriate "
        "(reg 11(d)).")

    @model_validator(mode="before")
    @classmethod
    def _normalise(cls, data: Any) -> Any:
        if isinstance(data, Facts):
            return data
        if not isinstance(data, dict):
            raise ValueError("a fact set must be a mapping of fact names to values")
        return {key: _normalise_value(key, value) for key, value in data.items()}

    @model_validator(mode="after")
    def _derive_and_check(self) -> Facts:
        problems = _check(self)
        if problems:
            raise _Contradiction(problems)
        if self.age is None and self.date_of_birth is not None and self.incident_date is not None:
            object.__setattr__(self, "age", age_on(self.date_of_birth, self.incident_date))
        return self

    @property
    def is_child(self) -> bool | None:
        """Whether the person was a child (under 18) at the incident; ``None`` if the age is unknown."""
        return None if self.age is None else self.age < 18

    def known(self) -> dict[str, Any]:
        """The known facts only, in JSON form (dates as ISO strings)."""
        return self.model_dump(mode="json", exclude_none=True)

    def unknown_names(self) -> list[str]:
        """The names of the facts that are unknown."""
        return [name for name in FACT_NAMES if getattr(self, name) is None]


class _Contradiction(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


FACT_NAMES: tuple[str, ...] = tuple(Facts.model_fields)
DATE_FACTS = frozenset({"incident_date", "awareness_date", "date_of_birth"})
BOOL_FACTS = frozenset(n for n, f in Facts.model_fields.items() if f.annotation == (bool | None))


def allowed_values(name: str) -> tuple[Any, ...] | None:
    """The allowed values of an enumerated or yes/no fact (``None`` for free values)."""
    annotation = Facts.model_fields[name].annotation
    for arg in get_args(annotation):
        if getattr(arg, "__origin__", None) is Literal:
            return get_args(arg)
    if name in BOOL_FACTS:
        return (True, False)
    return None


def expected_text(name: str) -> str:
    """What a fact accepts, in words, for error messages and templates."""
    if name in DATE_FACTS:
        return f"{DATE_FORMATS}, or unknown"
    if name == "age":
        return f"a whole number of years from 0 to {MAX_AGE}, or unknown"
    if name in BOOL_FACTS:
        return "yes, no or unknown"
    values = allowed_values(name)
    if values:
        return "one of " + ", ".join(values) + ", or unknown"
    return f"text of at most {MAX_TEXT} characters, or unknown"


def label(value: Any) -> str:
    """A fact value in plain words."""
    if value is None:
        return "unknown"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return VALUE_LABELS.get(value, str(value))


def age_on(birth: _dt.date, day: _dt.date) -> int:
    """Age in whole years on ``day``: the 18th birthday itself is 18 (adult)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxtuple, _SHORT.maxdict = 3, 6, 6, 6
_SHORT.maxset, _SHORT.maxfrozenset, _SHORT.maxstring, _SHORT.maxother = 6, 6, 60, 60


def _describe(value: Any) -> str:
    """A value as it was found, at most 60 characters, for any input at all.

    Plain repr() is not safe here: an int of more than 4,300 digits raises ValueError,
    a deeply nested list raises RecursionError, and a list shared many times over (as
    YAML aliases make) takes as long as its expanded size.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        digits = int(value.bit_length() * 0.30103) + 1
        return f"a whole number about {digits:,} digits long"
    try:
        if isinstance(value, (list, tuple, dict, set, frozenset)):
            text = _SHORT.repr(value)
        elif isinstance(value, (str, bytes)):
            text = repr(value[:61])  # the prefix is enough: the text is cut to 60 below
        else:
            text = repr(value)
    except Exception:  # noqa: BLE001 - a value that cannot even be shown is still reported, by its type
        text = f"a value of type {type(value).__name__}"
    return text if len(text) <= 60 else text[:57] + "..."


def _name(key: Any) -> str:
    """A key as a location: itself if it is a short printable name, else shown escaped and cut.

    Keys are echoed to a terminal, so control characters (escape sequences) and lone
    surrogates (which cannot be encoded for output) must never be printed as they are.
    """
    if isinstance(key, str) and key.isprintable() and len(key) <= 60:
        return key
    return _describe(key)


class _BadValue(ValueError):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _bad(name: str, value: Any, suggestion: str | None = None) -> _BadValue:
    return _BadValue(Problem(name, _describe(value), expected_text(name), suggestion))


def _normalise_value(name: Any, value: Any) -> Any:
    """Turn what a person may type into the model's value, or refuse it; never guess."""
    if not isinstance(name, str) or name not in Facts.model_fields:
        return value  # reported as an unknown field by _unknown_field_problem
    if value is None or (isinstance(value, str) and value.strip().lower() == "unknown"):
        return None
    if name in DATE_FACTS:
        if isinstance(value, _dt.datetime):
            raise _bad(name, value, "give the date alone, without a time")
        if isinstance(value, _dt.date):
            return value
        if isinstance(value, str):
            try:
                return parse_date(value)
            except ValueError:
                raise _bad(name, value, f"dates are written like {EXAMPLE}") from None
        raise _bad(name, value)
    if name == "age":
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and math.isfinite(value) and value.is_integer():
                raise _bad(name, value, f"write {int(value)} without a decimal point")
            raise _bad(name, value)
        if value < 0 or value > MAX_AGE:
            raise _BadValue(Problem(
                name, _describe(value), expected_text(name),
                "no rule concerns anyone older than a care leaver of 24" if value > MAX_AGE
                else "an age cannot be negative"))
        return value
    if name in BOOL_FACTS:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("yes", "no", "true", "false"):
            return value.strip().lower() in ("yes", "true")
        raise _bad(name, value)
    if name == "case_reference":
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise _bad(name, value)
        if isinstance(value, int) and value.bit_length() > 4 * MAX_TEXT:
            # Far longer than any reference, and str() raises ValueError past 4,300 digits.
            raise _bad(name, value, "use a short pseudonymous reference")
        text = str(value)
        if len(text) > MAX_TEXT or not text.isprintable():
            raise _bad(name, value, "use a short pseudonymous reference")
        return text
    allowed = allowed_values(name) or ()
    if isinstance(value, str):
        key = value.strip().lower().replace(" ", "_").replace("-", "_").replace("'", "")
        if key in allowed:
            return key
        close = difflib.get_close_matches(key, allowed, n=1)
        raise _bad(name, value, f"did you mean {close[0]}?" if close else None)
    raise _bad(name, value)


def _check(facts: Facts) -> list[Problem]:
    """Facts that contradict each other, or are impossible: the user must correct them."""
    problems: list[Problem] = []
    today_ = today()
    for name in ("incident_date", "awareness_date", "date_of_birth"):
        value = getattr(facts, name)
        if value is not None and value > today_:
            problems.append(Problem(name, value.isoformat(), f"a date not after today ({today_.isoformat()})"))
        if value is not None and value.year < 1900:
            problems.append(Problem(name, value.isoformat(), "a date from 1900 on"))
    if facts.incident_date and facts.awareness_date and facts.awareness_date < facts.incident_date:
        problems.append(Problem(
            "awareness_date", facts.awareness_date.isoformat(),
            f"a date on or after the incident date ({facts.incident_date.isoformat()})",
            "the authority cannot become aware of an incident before it happens"))
    if facts.date_of_birth and facts.incident_date:
        if facts.date_of_birth > facts.incident_date:
            problems.append(Problem(
                "date_of_birth", facts.date_of_birth.isoformat(),
                f"a date on or before the incident date ({facts.incident_date.isoformat()})"))
        else:
            derived = age_on(facts.date_of_birth, facts.incident_date)
            if facts.age is not None and facts.age != derived:
                problems.append(Problem(
                    "age", str(facts.age),
                    f"{derived}, the age worked out from date_of_birth {facts.date_of_birth.isoformat()} and "
                    f"incident_date {facts.incident_date.isoformat()}",
                    "correct the age or the dates, or leave the age out"))
            elif derived > MAX_AGE:
                problems.append(Problem(
                    "date_of_birth", facts.date_of_birth.isoformat(),
                    f"a date of birth giving an age of at most {MAX_AGE} at the incident (it gives {derived})"))
    if facts.outcome == "neither":
        if facts.custody not in (None, "none"):
            problems.append(Problem(
                "custody", facts.custody, "none or unknown, because the outcome is neither (no death)",
                "custody is recorded at the time of death: correct the outcome or the custody"))
        if facts.custody_setting not in (None, "other"):
            problems.append(Problem(
                "custody_setting", facts.custody_setting, "other or unknown, because the outcome is neither (no death)",
                "the setting is recorded at the time of death: correct the outcome or the setting"))
    if facts.sexual_abuse is True and facts.abuse_or_neglect == "not_known_or_suspected":
        problems.append(Problem(
            "abuse_or_neglect", "not_known_or_suspected",
            "known or suspected, because sexual_abuse is yes (sexual abuse is abuse)"))
    return problems


def _unknown_field_problem(name: Any, value: Any) -> Problem:
    close = difflib.get_close_matches(str(name)[:100], FACT_NAMES, n=1, cutoff=0.5)
    return Problem(
        _name(name), f"an unknown fact with value {_describe(value)}", "one of the facts listed by `scr template`",
        f"did you mean {close[0]}?" if close else None)


def parse_facts(data: Any, source: str | None = None) -> Facts:
    """Validate a mapping into :class:`Facts`, or raise :class:`InputError` naming every problem."""
    if isinstance(data, Facts):
        return data
    if not isinstance(data, dict):
        raise InputError(
            "a case must be a mapping of fact names to values",
            [Problem("case", type(data).__name__, "a mapping such as {outcome: died, age: 14}")], source)
    problems = [_unknown_field_problem(k, v) for k, v in data.items() if k not in Facts.model_fields]
    for key, value in data.items():
        if key in Facts.model_fields:
            try:
                _normalise_value(key, value)
            except _BadValue as bad:
                problems.append(bad.problem)
    if problems:
        raise InputError("the case has facts that are not valid", problems, source)
    try:
        return Facts.model_validate(data)
    except ValidationError as error:
        raise InputError("the case has facts that are not valid", _problems_from(error), source) from None


def _problems_from(error: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    for item in error.errors():
        ctx = item.get("ctx") or {}
        cause = ctx.get("error")
        if isinstance(cause, _Contradiction):
            problems.extend(cause.problems)
        elif isinstance(cause, _BadValue):
            problems.append(cause.problem)
        else:
            where = ".".join(str(p) for p in item.get("loc", ())) or "case"
            name = where if where in Facts.model_fields else "case"
            problems.append(Problem(where, _describe(item.get("input")),
                                    expected_text(name) if name != "case" else item.get("msg", "valid facts")))
    return problems


def fact_text(name: str) -> tuple[str, str, str]:
    """A fact's ``(group, question, description)``, as forms, templates and interviews show it."""
    field = Facts.model_fields[name]
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return (str(extra.get("group") or GROUPS[-1]), str(extra.get("question") or name.replace("_", " ")),
            field.description or "")
