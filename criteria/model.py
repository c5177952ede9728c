"""The shape of an edition of the guidance, as data.

An edition is a YAML file: its id, title, version and in-force dates; named definitions
(reusable conditions such as "a child"); its criteria, each with the verbatim text, the
citation, the reading chosen where the text is ambiguous, and a declarative condition over
the facts; and its determinations, each an ordered list of outcomes decided by criteria,
with the duties (and deadlines) an outcome creates.

Conditions are trees of ``all`` / ``any`` / ``not`` / ``ref`` over leaves
``{fact, op, value}``. They are evaluated in three-valued (Kleene) logic: a leaf on an
unknown fact is unknown, unless the leaf says how the text treats an unknown
(``unknown: met``: a presumption the criterion's reading must explain).

Where a passage has more than one defensible reading, the edition declares a named
*reading* (:class:`Reading`) and a condition, or an outcome's list of criteria, may hold a
*choice* (``{reading: id, options: {option: ...}}``) that selects by the reading's option.
A loaded :class:`Edition` holds its content with every choice resolved to the default
options; :func:`scr_eligibility.criteria.readings.derive` gives it under other options.
An option may instead name an *effect* the engine knows (how an age is counted, whether a
later law reaches earlier harm): those are listed in :mod:`.readings`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

Op = Literal["eq", "ne", "in", "not_in", "lt", "le", "gt", "ge"]
OPS: tuple[str, ...] = ("eq", "ne", "in", "not_in", "lt", "le", "gt", "ge")
Kind = Literal["mandatory", "discretionary", "notification", "duty", "consideration"]
Basis = Literal["statute", "regulations", "guidance"]
#: The nation whose law an edition is, and whose bank holidays its working days skip. An edition file that
#: names none is England's: every edition written before the nations were added is.
NationName = Literal["england", "wales", "scotland", "northern_ireland"]
NATIONS: tuple[str, ...] = ("england", "wales", "scotland", "northern_ireland")


@dataclass(frozen=True)
class Leaf:
    """A comparison of one fact with a value (or values, for ``in`` / ``not_in``)."""

    fact: str
    op: str
    value: Any
    unknown: Literal["unknown", "met", "not_met"] = "unknown"
    says: str | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.fact, self.op, repr(self.value), self.unknown)


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Any_:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


@dataclass(frozen=True)
class Ref:
    """A reference to a definition or another criterion of the same edition, inlined when compiled."""

    name: str


@dataclass(frozen=True)
class Choice:
    """A sub-condition selected by the option of a declared reading (resolved before compiling)."""

    reading: str
    options: tuple[tuple[str, Condition], ...]

    def option(self, option_id: str) -> Condition:
        return dict(self.options)[option_id]


Condition = Union[Leaf, All, Any_, Not, Ref, Choice]


def rebuild(condition: Condition, replace: Callable[[Condition], Condition | None]) -> Condition:
    """The condition with each node for which ``replace`` gives a condition replaced by it (``None``: keep the
    node and rebuild below it). The one walk that inlining refs and resolving choices share."""
    found = replace(condition)
    if found is not None:
        return found
    if isinstance(condition, All):
        return All(tuple(rebuild(i, replace) for i in condition.items))
    if isinstance(condition, Any_):
        return Any_(tuple(rebuild(i, replace) for i in condition.items))
    if isinstance(condition, Not):
        return Not(rebuild(condition.item, replace))
    return condition


class Definition(BaseModel):
    """A named condition shared by several criteria (for example "a child")."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    id: str
    text: str | None = None
    citation: str | None = None
    reading: str | None = None
    condition: Any


class ReadingOption(BaseModel):
    """One defensible reading of an open passage: in plain words, with its sources."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    says: str = Field(description="The reading in plain words, to follow 'Under the reading that ...'.")
    effect: str | None = Field(None, description="A named effect the engine applies (see criteria/readings.py); "
                               "none when the option selects conditions through choices.")
    sources: tuple[str, ...] = Field(min_length=1)


class Reading(BaseModel):
    """A passage with more than one defensible reading: the question, the options, the default and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    question: str
    options: tuple[ReadingOption, ...] = Field(min_length=2)
    default: str
    why_default: str

    def option(self, option_id: str) -> ReadingOption:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)


class NoteDef(BaseModel):
    """A note the decision shows when its condition is met: other processes, not duties of this edition."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    id: str
    title: str
    text: str = Field(description="The words of the source, quoted, or marked as a summary.")
    source: str
    condition: Any
    #: "inference": the note says how a fact not answered was read from another (shown apart from other processes).
    kind: Literal["note", "inference"] = "note"


class Criterion(BaseModel):
    """One criterion of an edition: the words of the law and its condition over the facts."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    id: str
    kind: Kind
    title: str
    text: str = Field(description="The verbatim source text.")
    citation: str
    reading: str | None = Field(None, description="The reading chosen where the text is ambiguous.")
    variant: str | None = Field(None, description="A known variant of the text in other copies of the guidance.")
    condition: Any


class Deadline(BaseModel):
    """When a duty falls due, counted from a date the facts give."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    count: int = Field(ge=0, strict=True)  # strict: `count: yes` or `5.5` is an error, not 1 or 5
    unit: Literal["working_days", "days", "months"]
    #: ``abuse_or_neglect_awareness_date`` is the day the authority knew or suspected abuse or neglect: the fact of
    #: that name when it is given (a post-mortem finding weeks later), else the awareness date (known from the start).
    from_: Literal["awareness_date", "abuse_or_neglect_awareness_date", "notification_date", "decision_date"] = Field(
        "awareness_date", alias="from")
    qualifier: str | None = Field(None, description="e.g. 'normally': the timescale is not absolute.")
    calendar: NationName = Field("england", description="Whose bank holidays the working days skip: the edition's "
                                 "nation, filled in on load (an edition file does not write it).")


class Duty(BaseModel):
    """What must be done, by whom and by when, once an outcome is reached."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    action: str
    by: str
    deadline: Deadline | None = None
    basis: Basis
    source: str
    note: str | None = None


class NextStep(BaseModel):
    """What the deciding body should do when a duty is another body's: make sure that body knows.

    Not a duty of the deciding body in law (so no basis and no deadline): the step that lets the body that owes
    the duty meet it. Its source is the law that puts the duty on the other body.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    action: str
    by: str
    source: str
    note: str | None = None


class CriteriaChoice(BaseModel):
    """An outcome's criteria chosen by a reading's option (resolved to a plain tuple on load)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reading: str
    options: dict[str, tuple[str, ...]]


class OutcomeDef(BaseModel):
    """One outcome of a determination. Without ``criteria`` it is the default (none met)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: str
    criteria: tuple[str, ...] | CriteriaChoice = ()
    duties: tuple[Duty, ...] = ()
    owed_by: str | None = Field(None, description="Who owes the duty, when this outcome puts it on another body "
                                "than the deciding one.")
    next_steps: tuple[NextStep, ...] = Field((), description="What the deciding body should do about a duty "
                                             "another body owes.")


class Replacement(BaseModel):
    """A determination another law replaced from a date: the decision says so instead of giving its duties."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: _dt.date = Field(alias="from")
    outcome: str
    label: str
    source: str
    note: str | None = None


class Determination(BaseModel):
    """A question the edition answers: its outcomes in priority order, the first met wins."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    who_decides: str | None = None
    outcomes: tuple[OutcomeDef, ...]
    replaced: Replacement | None = None


class InForce(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: _dt.date = Field(alias="from")
    until: _dt.date | None = Field(None, description="The last day in force (inclusive); none if still in force.")
    note: str | None = None

    def covers(self, day: _dt.date) -> bool:
        return self.from_ <= day and (self.until is None or day <= self.until)


class EditionFile(BaseModel):
    """The raw, validated content of an edition file (conditions still as parsed trees)."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    id: str
    title: str
    short_title: str
    version: int = Field(ge=1)
    released: _dt.date | None = None
    in_force: InForce
    nation: NationName = Field("england", description="The nation whose law this is (England when not written).")
    summary: str
    sources: tuple[str, ...] = ()
    definitions: tuple[Definition, ...] = ()
    criteria: tuple[Criterion, ...]
    determinations: tuple[Determination, ...]
    supersedes: tuple[str, ...] = Field((), description="Edition ids this one replaces for new decisions.")
    readings: tuple[Reading, ...] = ()
    notes: tuple[NoteDef, ...] = ()

    def reading(self, reading_id: str) -> Reading:
        for reading in self.readings:
            if reading.id == reading_id:
                return reading
        raise KeyError(reading_id)


def edition_ref(edition_id: str, version: int) -> str:
    """``id@version``: the name under which an edition version is compiled, recorded and asked for."""
    return f"{edition_id}@{version}"


@dataclass(frozen=True)
class Edition:
    """A loaded edition: its validated content plus where it came from and its content hash.

    ``content`` has every choice resolved (to the default options, or to ``options`` in an
    edition derived under other readings); ``source`` is the content as written, choices
    included, from which derived editions are made.
    """

    content: EditionFile
    content_hash: str
    path: str
    source: EditionFile | None = None
    #: The readings resolved otherwise than by default, as (reading id, option id) pairs, sorted.
    options: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        return self.content.id

    @property
    def version(self) -> int:
        return self.content.version

    @property
    def ref(self) -> str:
        """``id@version``, the name under which the edition is compiled and recorded.

        A derived edition adds its options (``wt2010@1+lscb-discretionary-list=seed``), so that it
        is compiled and cached apart from the edition read by default.
        """
        base = edition_ref(self.content.id, self.content.version)
        return base + "".join(f"+{r}={o}" for r, o in self.options)

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.content.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def in_force_on(self, day: _dt.date) -> bool:
        return self.content.in_force.covers(day)
