"""The rapid-review fact set: what a subgroup member knows about a case when deciding.

Every fact may be unknown. Unknown is kept as ``None`` (and may be written ``unknown``
or left out in a case file); it is never read as "no". Values are checked strictly,
because the rule engine underneath coerces types ("100" < 18 is true there), so
nothing loosely typed may reach it. One value is turned into the model's value by
:mod:`.fact_values`; facts that contradict each other are found by :mod:`.fact_checks`.

Every place is relative to the *deciding* body, the one the file is filled in for
(``deciding_authority``, ``deciding_nation``): "in_area" is its area, and "this
authority" is it.

This module is longer than 400 lines because the model's fields (each with its question
and its meaning, which the template, the schema, the interview and the form show) are one
class; what could be split off (one value, and the contradictions) is in the modules above.
"""

from __future__ import annotations

import datetime as _dt
import difflib
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from .dates import DATE_FORMATS
from .errors import InputError, Problem
from .fact_checks import age_on, contradictions, months_on
from .fact_values import MAX_KEYS, BadValue, Kind, describe, is_unknown, key_name, normalise

#: Ages above this are refused as impossible input. The oldest person any rule concerns is a
#: care leaver "up to and including 24"; 25 is accepted so that the boundary itself can be checked.
MAX_AGE = 25
#: An age in months is for infants and toddlers: under three years.
MAX_AGE_MONTHS = 35
MAX_TEXT = 200
#: At most this many problems are listed for one fact set; the rest are counted (so that a file of
#: 40,000 misspelt keys costs no more than one of 50).
MAX_PROBLEMS = 50

Outcome = Literal["died", "seriously_harmed", "neither"]
AbuseOrNeglect = Literal["known", "suspected", "not_known_or_suspected"]
ViolentAssault = Literal["by_adult", "by_child", "none"]
InterAgencyConcerns = Literal["concerns", "definitive_evidence_of_none", "no_concerns_found"]
Custody = Literal["none", "police_custody", "on_remand", "following_sentencing"]
RemandTo = Literal["youth_detention_accommodation", "local_authority_accommodation"]
CustodySetting = Literal["young_offender_institution", "secure_training_centre", "secure_childrens_home", "other",
                         "secure_16_to_19_academy", "court_cells_or_escort", "immigration_detention",
                         "secure_accommodation_wales", "secure_accommodation_scotland"]
DeprivationOfLiberty = Literal["none", "mental_capacity_act_2005", "other_basis"]
#: A place relative to the deciding body. outside_england is the value of before the nations were
#: asked: outside England, where the nation is not given.
Location = Literal["in_area", "elsewhere_in_england", "outside_england", "in_wales", "in_scotland",
                   "in_northern_ireland", "outside_uk"]
Residence = Location
Nation = Literal["england", "wales", "scotland", "northern_ireland"]
ResponsibleAuthority = Literal["this_authority", "another_authority_in_england", "an_authority_in_wales",
                               "an_authority_in_scotland", "an_authority_in_northern_ireland", "another_authority"]

#: Values a broader value includes. "Outside England" "includes where the incidents occur in the devolved
#: Administrations as well as overseas" (HL Deb 18 Oct 2016, on s16C(1)(b)), whichever nation decides. A
#: condition an edition writes on the broader value is read as met by each narrower one (criteria/loader.py),
#: so an edition written before the nations could be named still reads in_wales as outside England.
NARROWER_VALUES: dict[str, dict[str, tuple[str, ...]]] = {
    name: {"outside_england": ("in_wales", "in_scotland", "in_northern_ireland", "outside_uk")}
    for name in ("location", "death_location", "normally_resident_in")}

#: Plain-language labels for the values of the enumerated facts. A label, once released, is part of
#: the decision JSON (each condition's value_label): existing labels are never reworded.
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
    "no_concerns_found": "no concerns found, but no definitive evidence that there are none",
    "police_custody": "in police custody",
    "on_remand": "on remand",
    "following_sentencing": "following sentencing",
    "youth_detention_accommodation": "remanded to youth detention accommodation",
    "local_authority_accommodation": "remanded to local authority accommodation",
    "young_offender_institution": "a young offender institution",
    "secure_training_centre": "a secure training centre",
    "secure_childrens_home": "a secure children's home",
    "other": "another place",
    "secure_16_to_19_academy": "a secure 16 to 19 Academy, or secure school",
    "court_cells_or_escort": "court cells, or under escort to or from court or custody",
    "immigration_detention": "immigration detention: a removal centre, short-term holding facility or escort",
    "secure_accommodation_wales": "secure accommodation in Wales",
    "secure_accommodation_scotland": "secure accommodation in Scotland",
    "mental_capacity_act_2005": "an order under the Mental Capacity Act 2005",
    "other_basis": "an order on another basis (e.g. the inherent jurisdiction)",
    "in_area": "in the deciding authority's area",
    "elsewhere_in_england": "elsewhere in England",
    "outside_england": "outside England (Wales, Scotland, Northern Ireland or abroad)",
    "in_wales": "in Wales, outside the deciding body's area",
    "in_scotland": "in Scotland, outside the deciding body's area",
    "in_northern_ireland": "in Northern Ireland, outside the deciding body's area",
    "outside_uk": "outside the United Kingdom",
    "england": "England",
    "wales": "Wales",
    "scotland": "Scotland",
    "northern_ireland": "Northern Ireland",
    "this_authority": "this authority, the deciding one",
    "another_authority_in_england": "another local authority in England",
    "an_authority_in_wales": "a local authority in Wales, not the deciding one",
    "an_authority_in_scotland": "a local authority in Scotland, not the deciding one",
    "an_authority_in_northern_ireland": "a health and social care trust in Northern Ireland, not the deciding body",
    "another_authority": "another authority, in a nation not stated",
}

# ----- Facts that declared readings of the law turn on (readings block; see criteria/readings.py) -----
#: Why a child was in a secure children's home: a secure accommodation order on welfare grounds (Children Act 1989
#: s25), or a remand or sentence (youth justice). Whether a welfare placement is custody is a declared reading.
SecureChildrensHomeBasis = Literal["welfare", "youth_justice"]
VALUE_LABELS.update({
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


_PLACE = (
    "in_area (in the deciding body's area), elsewhere_in_england, in_wales, in_scotland, in_northern_ireland or "
    "outside_uk; outside_england when it is outside England but the nation is not known")


class Facts(BaseModel):
    """A rapid-review fact set. Every field is optional: ``None`` means unknown."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    case_reference: str | None = _fact(
        "The case", "Case reference",
        "A pseudonymous case reference. No names of children or relatives are needed or wanted.")
    deciding_authority: str | None = _fact(
        "The case", "Which local authority, safeguarding partnership or board is deciding?",
        "The public body this fact set is filled in for, by its usual short title (for example 'Leeds City "
        "Council' or 'North Wales Safeguarding Children Board'); never a person. Every place in the file ('in "
        "its area') and 'this authority' are relative to it.")
    deciding_nation: Nation | None = _fact(
        "The case", "In which nation is the deciding body?",
        "England, Wales, Scotland or Northern Ireland: each has its own review rules, and that nation's apply. "
        "When it is unknown the rules of England are applied (the decision says so when the case reaches another "
        "nation, whose rules then apply too).")
    incident_date: _dt.date | None = _fact(
        "The case", "Date of the incident", "The date the child died or was seriously harmed (YYYY-MM-DD or DD/MM/YYYY).")
    awareness_date: _dt.date | None = _fact(
        "The case", "Date the local authority (or LSCB) became aware",
        "The date the local authority or board became aware of the incident (YYYY-MM-DD or DD/MM/YYYY). "
        "It chooses the rules in force and starts the deadlines.")
    abuse_or_neglect_awareness_date: _dt.date | None = _fact(
        "The case", "Date abuse or neglect was first known or suspected, if later than the awareness date",
        "The date the authority first knew or suspected that the child had been abused or neglected, when that "
        "was after it became aware of the incident (for example a post-mortem finding weeks later). Leave it "
        "out when abuse or neglect was known or suspected from the start. It cannot be before the incident or "
        "the awareness date: the duty to notify the Panel arises when both the incident and the abuse or "
        "neglect are known or suspected.")
    notification_date: _dt.date | None = _fact(
        "The case", "Date the serious incident was notified",
        "The date the local authority notified the incident: to the Child Safeguarding Practice Review Panel "
        "(from 29 June 2018), or before then to Ofsted and the LSCB. The LSCB's month to decide on a serious "
        "case review runs from it, and the Panel's later guidance counts the rapid review's 15 working days "
        "from it. Not before the incident, the awareness date, or the date abuse or neglect was first known or "
        "suspected.")
    date_of_birth: _dt.date | None = _fact(
        "The child", "Child's date of birth",
        "The child's date of birth (YYYY-MM-DD or DD/MM/YYYY). With the incident date it gives the age.")
    age: int | None = _fact(
        "The child", "Child's age at the incident, in whole years",
        "Age in whole years on the date of the incident; worked out from the date of birth when both dates "
        "are given, and from the age in months when that is given. A child is a person under 18.")
    age_months: int | None = _fact(
        "The child", "For a child under three: age at the incident, in whole months",
        f"Age in whole months on the date of the incident, from 0 to {MAX_AGE_MONTHS}, for an infant or toddler. "
        "The law counts age in years (a baby of 4 months is aged 0); the months are kept as given. It must agree "
        "with the age in years and with the dates.")
    looked_after: bool | None = _fact(
        "The child", "Was the child looked after by a local authority at the time?",
        "Whether the child was looked after by a local authority (in care, or accommodated) at the time of "
        "the incident. A looked after child's death is notified whether or not abuse or neglect is suspected. "
        "A child on remand is looked after (LASPO 2012 s104), and so is a 16 or 17 year old still in care.")
    # ----- Facts the review rules of Wales and Northern Ireland turn on (each nation's own statutory terms) -----
    child_protection_register_6_months: bool | None = _fact(
        "The child", "Wales: was the child on the child protection register on any date in the 6 months before?",
        "Whether the child was on the child protection register on any date during the 6 months before the death "
        "or injury (or, for serious and permanent impairment, before the date it was identified). With "
        "looked_after_6_months it decides between a concise and an extended child practice review in Wales "
        "(Safeguarding Boards (Functions and Procedures) (Wales) Regulations 2015 reg 4).")
    looked_after_6_months: bool | None = _fact(
        "The child", "Wales: was the child looked after on any date in the 6 months before?",
        "Whether the child was a looked after child on any date during the 6 months before the death or injury "
        "(or before serious and permanent impairment was identified); a person who has turned 18 counts if looked "
        "after then. Being looked after at the incident does not answer it: the 6 months are those before it.")
    child_or_sibling_on_register: bool | None = _fact(
        "The child", "Northern Ireland: is or has the child, or a sibling, been on an HSC trust's child protection "
        "register?",
        "Whether the child or a sibling of the child is or has been placed on the register an HSC trust keeps of "
        "children subject to a plan to safeguard them (SBNI Regulations 2012 reg 17(2)(b)(ii)). Only Northern "
        "Ireland's register counts: the registers of England, Wales and Scotland are not it.")
    child_or_sibling_looked_after: bool | None = _fact(
        "The child", "Northern Ireland: is or has the child, or a sibling, been looked after by an HSC trust?",
        "Whether the child or a sibling of the child is or has been looked after by an authority within the "
        "meaning of Article 25 of the Children (Northern Ireland) Order 1995 (an HSC trust) (SBNI Regulations "
        "2012 reg 17(2)(b)(iii)). A child looked after by a local authority in Great Britain is not looked after "
        "in that meaning.")
    # ----- end of the nations block -----
    care_leaver: bool | None = _fact(
        "The child", "Was the person a care leaver?",
        "Whether the person was a care leaver (aged 16 or over, having been looked after, and no longer looked "
        "after). Under Working Together 2023 the death of a care leaver up to and including age 24 is notified "
        "to the Secretary of State and Ofsted.")
    responsible_authority: ResponsibleAuthority | None = _fact(
        "The child", "Which authority looked after the child, or supported the care leaver?",
        "For a looked-after child or a care leaver: the authority that looked after the child (for a remanded "
        "child, the designated authority) or that supports the care leaver. It owes the notification of the "
        "child's death, and may not be the deciding authority.")
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
        "Whether the child sustained a potentially life-threatening injury (LSCB discretionary criterion D1). "
        "Such an injury is serious harm, so the outcome cannot be neither.")
    serious_permanent_impairment: bool | None = _fact(
        "What happened", "Did the child suffer serious and permanent impairment of physical and/or mental health "
        "and development?",
        "Whether the child suffered serious and permanent impairment of physical and/or mental health and "
        "development (LSCB discretionary criterion D1). Such impairment is serious harm, so the outcome cannot be "
        "neither.")
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
        "sentencing. A death in custody is an LSCB mandatory criterion (M3) with no abuse or neglect needed. "
        "For a remand, say where to in remanded_to.")
    remanded_to: RemandTo | None = _fact(
        "Custody, detention and care settings", "If the child was on remand: remanded to where?",
        "A court remands a child to local authority accommodation unless it may, and does, remand the child to "
        "youth detention accommodation (a secure children's home, secure training centre or young offender "
        "institution): LASPO 2012 ss91, 92, 102. Only the first kind is custody; whether the LSCB rule on deaths "
        "\"on remand\" reaches a remand to local authority accommodation is a declared reading.")
    custody_setting: CustodySetting | None = _fact(
        "Custody, detention and care settings", "Where was the child at the time of death?",
        "The setting at the time of death: a young offender institution, a secure training centre, a secure "
        "children's home, a secure 16 to 19 Academy (secure school), court cells or an escort, immigration "
        "detention, secure accommodation in Wales or in Scotland, or another place. Which of these count for a "
        "criterion is said by each edition of the rules.")
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
        "Where it happened", "Where did the serious harm happen (or the death, if there was no earlier harm)?",
        "Where the child was seriously harmed or, when the child died without earlier serious harm, where the "
        "child died; relative to the deciding body: " + _PLACE + ". A death or serious harm elsewhere in England "
        "is for the authority where it happened to notify.")
    death_location: Location | None = _fact(
        "Where it happened", "If the child died somewhere else than the place of harm: where did the child die?",
        "Where the child died, when that is not where the serious harm happened (a baby shaken at home dies in a "
        "hospital in another area): " + _PLACE + ". Only for a child who died.")
    normally_resident: bool | None = _fact(
        "Where it happened", "Was the child normally resident in the authority's area?",
        "Whether the child was normally resident in the deciding authority's area (it matters when the death "
        "or harm happened outside England: Children Act 2004 s16C(1)(b); and under the LSCB rules the board "
        "where the child normally lives decides on a serious case review).")
    normally_resident_in: Residence | None = _fact(
        "Where it happened", "Where did the child normally live?",
        "Where the child normally lived, relative to the deciding body: " + _PLACE + ". It must agree with "
        "normally_resident.")
    inter_agency_concerns: InterAgencyConcerns | None = _fact(
        "Working together", "Are there concerns about how agencies worked together to safeguard the child?",
        "Whether there are concerns about how the agencies worked together to safeguard the child; no concerns "
        "found so far, which is not definitive evidence; or definitive evidence that there are none. For LSCB "
        "criterion M2, concern is presumed unless there is definitive evidence of none.")
    single_agency_concern: bool | None = _fact(
        "Working together", "Is there concern about the actions of a single agency?",
        "Concern about the actions of a single agency (WT2018 circumstances).")
    no_agency_involvement_concern: bool | None = _fact(
        "Working together", "Was there no agency involvement, and does that give cause for concern?",
        "No agency involvement, giving cause for concern (WT2018 circumstances).")
    more_than_one_area: bool | None = _fact(
        "Working together", "Was more than one local authority, police area or health commissioning body "
        "involved?", "More than one local authority, police area or CCG (WT2023: integrated care board) involved.")
    effective_practice_learning: bool | None = _fact(
        "Learning for the local and national reviews", "Did the agencies work effectively, with outstanding "
        "positive learning to be gained from the case?",
        "Whether the bodies worked effectively (alone or together) and there is outstanding positive learning to "
        "be gained that will improve practice (a case management review in Northern Ireland, SBNI Regulations "
        "2012 reg 17(3); effective practice is also learning for a Scottish learning review).")
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
    def _derive_and_check(self, info: ValidationInfo) -> Facts:
        strict = not (isinstance(info.context, dict) and info.context.get("strict") is False)
        problems = contradictions(self.__dict__, strict=strict, max_age=MAX_AGE)
        if problems:
            raise _Contradiction(problems)
        if self.age is None and self.date_of_birth is not None and self.incident_date is not None:
            object.__setattr__(self, "age", age_on(self.date_of_birth, self.incident_date))
        if self.age is None and self.age_months is not None:
            object.__setattr__(self, "age", self.age_months // 12)  # whole years, as the dates would give
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
DATE_FACTS = frozenset(n for n, f in Facts.model_fields.items() if f.annotation == (_dt.date | None))
BOOL_FACTS = frozenset(n for n, f in Facts.model_fields.items() if f.annotation == (bool | None))
INT_FACTS = frozenset(n for n, f in Facts.model_fields.items() if f.annotation == (int | None))
TEXT_FACTS = frozenset(n for n, f in Facts.model_fields.items() if f.annotation == (str | None))


def allowed_values(name: str) -> tuple[Any, ...] | None:
    """The allowed values of an enumerated or yes/no fact (``None`` for free values)."""
    annotation = Facts.model_fields[name].annotation
    for arg in get_args(annotation):
        if getattr(arg, "__origin__", None) is Literal:
            return get_args(arg)
    if name in BOOL_FACTS:
        return (True, False)
    return None


def _kind(name: str) -> Kind:
    if name in DATE_FACTS:
        return Kind("date", f"{DATE_FORMATS}, or unknown")
    if name == "age":
        return Kind("int", f"a whole number of years from 0 to {MAX_AGE}, or unknown", low=0, high=MAX_AGE,
                    too_low="an age cannot be negative",
                    too_high="no rule concerns anyone older than a care leaver of 24")
    if name == "age_months":
        return Kind("int", f"a whole number of months from 0 to {MAX_AGE_MONTHS}, or unknown", low=0,
                    high=MAX_AGE_MONTHS, too_low="an age cannot be negative",
                    too_high=f"from {MAX_AGE_MONTHS + 1} months give the age in years")
    if name in BOOL_FACTS:
        return Kind("bool", "yes, no or unknown")
    if name in TEXT_FACTS:
        hint = "use a short pseudonymous reference" if name == "case_reference" else "use the body's short title"
        return Kind("text", f"text of at most {MAX_TEXT} characters, or unknown", max_text=MAX_TEXT, too_high=hint)
    values = allowed_values(name) or ()
    return Kind("choice", "one of " + ", ".join(values) + ", or unknown", allowed=values)


KINDS: dict[str, Kind] = {name: _kind(name) for name in FACT_NAMES}


def expected_text(name: str) -> str:
    """What a fact accepts, in words, for error messages and templates."""
    return KINDS[name].expected


def label(value: Any) -> str:
    """A fact value in plain words."""
    if value is None:
        return "unknown"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return VALUE_LABELS.get(value, str(value))


def _normalise_value(name: Any, value: Any) -> Any:
    """Turn what a person may type into the model's value, or refuse it; never guess."""
    if not isinstance(name, str) or name not in KINDS:
        return value  # reported as an unknown field by _unknown_field_problem
    return normalise(name, value, KINDS[name])


def _unknown_field_problem(name: Any, value: Any) -> Problem:
    close = difflib.get_close_matches(str(name)[:100], FACT_NAMES, n=1, cutoff=0.5)
    return Problem(
        key_name(name), f"an unknown fact with value {describe(value)}", "one of the facts listed by `scr template`",
        f"did you mean {close[0]}?" if close else None)


def parse_facts(data: Any, source: str | None = None, *, strict: bool = True) -> Facts:
    """Validate a mapping into :class:`Facts`, or raise :class:`InputError` naming every problem.

    Every problem is reported at once: values refused on their own, unknown names and the
    contradictions among the facts that are valid, up to :data:`MAX_PROBLEMS` (the rest are
    counted). A mapping of more than :data:`~scr_eligibility.fact_values.MAX_KEYS` keys is refused
    before any is looked at.

    ``strict=False`` skips the cross-fact checks added after the first release (see
    :mod:`.fact_checks`), never the checks of single values: replaying a decision recorded
    before those checks existed uses it, so an old record keeps the facts it was made on.
    """
    if isinstance(data, Facts):
        return data
    if not isinstance(data, dict):
        raise InputError(
            "a case must be a mapping of fact names to values",
            [Problem("case", type(data).__name__, "a mapping such as {outcome: died, age: 14}")], source)
    if len(data) > MAX_KEYS:
        raise InputError("the case has too many keys", [Problem(
            "case", f"a mapping of {len(data):,} keys", f"at most {MAX_KEYS:,} keys",
            f"a fact set has {len(FACT_NAMES)} facts: see `scr template`")], source)
    problems: list[Problem] = []
    more = 0
    values: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(key, str) and key in KINDS:
            try:
                values[key] = normalise(key, value, KINDS[key])
            except BadValue as bad:
                problems.append(bad.problem)
        elif len(problems) < MAX_PROBLEMS:
            problems.append(_unknown_field_problem(key, value))  # difflib: only for the problems listed
        else:
            more += 1
    if problems:
        # The facts that are valid are still checked against each other, so that one correction round
        # is enough (an impossible age no longer hides an awareness date before the incident).
        problems += contradictions(values, strict=strict, max_age=MAX_AGE)
        raise _refused(problems, more, source)
    try:
        return Facts.model_validate(data, context={"strict": strict})
    except ValidationError as error:
        raise _refused(_problems_from(error), 0, source) from None


def _refused(problems: list[Problem], more: int, source: str | None) -> InputError:
    more += max(0, len(problems) - MAX_PROBLEMS)
    listed = problems[:MAX_PROBLEMS]
    if not more:
        return InputError("the case has facts that are not valid", listed, source)
    listed.append(Problem("case", f"{more:,} more problems, not listed", "a case whose facts are named as "
                          "`scr template` lists them", "correct those listed and check again"))
    return InputError(f"the case has facts that are not valid ({MAX_PROBLEMS} of {MAX_PROBLEMS + more:,} problems "
                      "listed)", listed, source)


def _problems_from(error: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    for item in error.errors():
        ctx = item.get("ctx") or {}
        cause = ctx.get("error")
        if isinstance(cause, _Contradiction):
            problems.extend(cause.problems)
        elif isinstance(cause, BadValue):
            problems.append(cause.problem)
        else:
            where = ".".join(str(p) for p in item.get("loc", ())) or "case"
            name = where if where in Facts.model_fields else "case"
            problems.append(Problem(where, describe(item.get("input")),
                                    expected_text(name) if name != "case" else item.get("msg", "valid facts")))
    return problems


def fact_text(name: str) -> tuple[str, str, str]:
    """A fact's ``(group, question, description)``, as forms, templates and interviews show it."""
    field = Facts.model_fields[name]
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return (str(extra.get("group") or GROUPS[-1]), str(extra.get("question") or name.replace("_", " ")),
            field.description or "")


__all__ = ["BOOL_FACTS", "DATE_FACTS", "FACT_NAMES", "GROUPS", "INT_FACTS", "KINDS", "MAX_AGE", "MAX_AGE_MONTHS",
           "MAX_PROBLEMS", "MAX_TEXT", "NARROWER_VALUES", "TEXT_FACTS", "VALUE_LABELS", "Facts", "age_on", "allowed_values",
           "expected_text", "fact_text", "is_unknown", "label", "months_on", "parse_facts"]
