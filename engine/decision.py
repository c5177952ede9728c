"""The decision and its explanation: plain data, serialisable to JSON and back unchanged.

Renderers (table, Markdown, HTML) read these models; nothing here formats text for a
particular output.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field
from pydantic_core import to_json

from ..criteria.model import edition_ref
from ..facts import Facts

Status = Literal["met", "not_met", "unknown"]
UNDETERMINED = "undetermined"


_set = object.__setattr__
#: Per model class: its fields' defaults (filled in by build for fields not given), its number of fields
#: and the set of all its field names.
_DEFAULTS: dict[type, tuple[dict[str, Any], int, set[str]]] = {}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def build(cls, **values: Any) -> Self:
        """``model_construct(**values)`` without its per-field work, for values the engine made itself.

        model_construct walks every field (aliases, defaults, a fields-set filled one name at a
        time); an explained decision builds dozens of models. This sets the same four attributes
        directly: the object is equal to model_construct's, dumps the same JSON and has the same
        fields set.
        """
        known = _DEFAULTS.get(cls)
        if known is None:
            fields = cls.model_fields
            known = _DEFAULTS[cls] = ({
                name: field.get_default(call_default_factory=True)
                for name, field in fields.items() if not field.is_required()}, len(fields), set(fields))
        defaults, count, every = known
        obj = cls.__new__(cls)
        if len(values) < count:
            # The values first, in the caller's (field) order, then the defaults of fields not given: a field
            # added at the end of a model (and left out of the JSON when empty) then moves no key of a decision
            # made without it.
            _set(obj, "__dict__", values | {k: v for k, v in defaults.items() if k not in values})
            _set(obj, "__pydantic_fields_set__", set(values))
        else:
            # Every field given: one shared fields-set (a frozen model never adds to it, and model_copy
            # copies it before an update), which saves a set per object of the cached explanations.
            _set(obj, "__dict__", values)
            _set(obj, "__pydantic_fields_set__", every)
        _set(obj, "__pydantic_extra__", None)
        _set(obj, "__pydantic_private__", None)
        return obj


class Evidence(_Model):
    """One condition of a criterion, as the engine found it for this case."""

    fact: str
    condition: str = Field(description="The condition in words.")
    status: Status
    value: Any = Field(None, description="The fact's value (null when unknown).")
    value_label: str = Field(description="The fact's value in words.")
    presumed: bool = Field(False, description="True when the text presumes the condition while the fact is unknown.")


class CriterionResult(_Model):
    """A criterion of an edition, its status for this case, and why."""

    id: str
    kind: str
    title: str
    status: Status
    text: str = Field(description="The verbatim source text.")
    citation: str
    reading: str | None = None
    variant: str | None = None
    evidence: tuple[Evidence, ...] = Field(
        description="Met: the conditions that were met. Not met: the conditions that failed. Unknown: the "
        "conditions whose facts are missing and could still change it.")
    missing_facts: tuple[str, ...] = Field(
        description="Unknown facts this criterion reads that could still change it (none under a part already "
        "settled).")


class DutyStart(_Model):
    """The date that started a duty's clock, when the rule alone does not say which (see :func:`duties.duty_result`)."""

    fact: str = Field(description="The fact whose date started the clock.")
    date: _dt.date
    words: str = Field(description="Which date started the clock and why, in words.")


class DutyResult(_Model):
    """Something that must be done because of an outcome, by whom and by when."""

    id: str
    action: str
    by: str
    basis: str = Field(description="statute, regulations or guidance: guidance timescales are not statute.")
    source: str
    deadline: str | None = Field(None, description="The deadline rule in words.")
    due: _dt.date | None = Field(None, description="The due date, when the start date is a known fact.")
    skipped: tuple[str, ...] = Field((), description="Bank holidays and weekends the count stepped over.")
    note: str | None = None
    # Left out of the JSON when empty: a duty whose clock runs from the awareness date dumps as it always did.
    started: DutyStart | None = Field(None, exclude_if=lambda v: v is None, description=(
        "The date that started the clock, when it is not plainly the awareness date (the day abuse or neglect "
        "was first known or suspected, or the notification)."))


class NextStepResult(_Model):
    """What the deciding body should do about a duty another body owes: make sure that body knows."""

    id: str
    action: str
    by: str
    source: str
    note: str | None = None


class PossibleOutcome(_Model):
    """An outcome that unknown facts still leave open, and what would lead to it."""

    outcome: str
    label: str
    when: str = Field(description="What would have to be true for this outcome, in words.")
    deciding_facts: tuple[str, ...]
    criteria: tuple[str, ...] = Field((), exclude=True, description="The criteria that would lead to this outcome (met, or still unknown).")

    def __eq__(self, other: object) -> bool:
        # Equal when the JSON is: `criteria` is for renderers and left out of the JSON, so a decision
        # read back from its JSON must still equal the one the engine made.
        if not isinstance(other, PossibleOutcome):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    def __hash__(self) -> int:
        return hash((self.outcome, self.label, self.when, self.deciding_facts))


class DeterminationResult(_Model):
    """The answer an edition gives to one of its questions."""

    id: str
    title: str
    outcome: str = Field(description="The outcome id, or 'undetermined'.")
    label: str
    who_decides: str | None = None
    decided_by: tuple[str, ...] = Field((), description="The criteria that decided the outcome.")
    possible: tuple[PossibleOutcome, ...] = Field(
        (), description="When undetermined: the outcomes still possible and what would decide between them.")
    deciding_facts: tuple[str, ...] = Field((), description="Unknown facts whose answers could change the outcome.")
    duties: tuple[DutyResult, ...] = ()
    caveats: tuple[str, ...] = Field(
        (), description="What the outcome rests on that is presumed rather than known (e.g. M2's presumption).")
    # Left out of the JSON when empty, so an outcome without them dumps as it did before they existed.
    owed_by: str | None = Field(None, exclude_if=lambda v: v is None, description=(
        "Who owes the duty, when the outcome puts it on another body than the deciding one (never a bare 'no "
        "duty')."))
    next_steps: tuple[NextStepResult, ...] = Field((), exclude_if=lambda v: not v, description=(
        "What the deciding body should do about a duty another body owes, each with its source."))

    @property
    def decided(self) -> bool:
        return self.outcome != UNDETERMINED


class AlternativeOutcome(_Model):
    """What one determination would answer under another reading of the law."""

    determination: str
    title: str
    outcome: str
    label: str


class ReadingAlternative(_Model):
    """Another option of a reading, and the answers that would differ under it."""

    option: str
    says: str = Field(description="The option in plain words.")
    outcomes: tuple[AlternativeOutcome, ...] = Field(
        description="The determinations whose answer would differ under this option (empty: none would).")
    summary: str = Field(description="One sentence: under this reading, what the outcome would be.")


class ReadingResult(_Model):
    """A reading of an open passage that bears on this case: the option applied and what the others would give."""

    id: str
    question: str
    applied: str = Field(description="The option applied.")
    says: str = Field(description="The option applied, in plain words.")
    chosen_by: Literal["default", "caller"]
    why_default: str
    sources: tuple[str, ...] = Field(description="The sources of the option applied.")
    effect: str | None = Field(None, description="What the option applied did to this case, when it is an effect.")
    alternatives: tuple[ReadingAlternative, ...]


class NoteResult(_Model):
    """Something the edition says about a case like this one that is not one of its duties (another process)."""

    id: str
    title: str
    text: str
    source: str
    # Left out of the JSON for a plain note, so a note dumps as it did before inferences were told apart.
    kind: str = Field("note", exclude_if=lambda v: v == "note", description=(
        "\"inference\" when the note says how a fact not answered was read from another (an inference, not an "
        "answer); else \"note\"."))


def _empty(value: Any) -> bool:
    return not value


# EditionResult's readings, readings_note and notes are left out of its JSON when empty (``exclude_if``):
# an edition that declares no readings or notes serialises exactly as it did before editions could
# declare them. (A wrap serializer did this before; it made pydantic turn the whole result into
# Python objects first, which was most of the cost of the JSON.)


class EditionResult(_Model):
    """Everything one edition says about the case."""

    edition: str
    version: int
    content_hash: str
    title: str
    short_title: str
    in_force_from: _dt.date
    in_force_until: _dt.date | None
    determinations: tuple[DeterminationResult, ...]
    criteria: tuple[CriterionResult, ...]
    readings: tuple[ReadingResult, ...] = Field(
        (), exclude_if=_empty,
        description="The readings of open passages that bear on this case (left out when there are none).")
    readings_note: str | None = Field(
        None, exclude_if=_empty,
        description="Said when no other reading would change any answer (left out otherwise).")
    notes: tuple[NoteResult, ...] = Field(
        (), exclude_if=_empty,
        description="Notes the edition shows for a case like this one: other processes, not its duties.")

    @property
    def primary(self) -> DeterminationResult:
        """The edition's main question (the first determination)."""
        return self.determinations[0]

    @property
    def ref(self) -> str:
        return edition_ref(self.edition, self.version)


class Decision(_Model):
    """The decision on one case under every edition applied, with the explanation."""

    case_reference: str | None
    facts: Facts
    editions_applied: str = Field(description="Why these editions: the date used, or the override.")
    as_of: _dt.date | None = Field(None, description="The date whose rules were applied, if any.")
    editions: tuple[EditionResult, ...]
    engine_version: str
    # Left out of the JSON when empty, so a decision under the default readings dumps as before readings existed.
    readings: dict[str, str] = Field(default_factory=dict, exclude_if=lambda v: not v, description=(
        "The options of declared readings the caller chose (reading id -> option id); every other reading took its "
        "default. A record keeps them, and a replay applies them again."))

    @property
    def outcomes(self) -> dict[str, str]:
        """``{edition id: outcome of its main determination}``."""
        return {e.edition: e.primary.outcome for e in self.editions}

    def deciding_facts(self) -> tuple[str, ...]:
        """Every unknown fact whose answer could change some determination, in first-seen order."""
        return deciding_facts_of(self.editions)

    def model_dump_json(self, **options: Any) -> str:  # type: ignore[override]
        """The decision's JSON: pydantic's, byte for byte; without options, assembled from kept fragments.

        The criteria and determinations the engine keeps in its explanation caches (the same for
        every case with their pattern) have their JSON made once by pydantic (:func:`keep_json`);
        the rest of the decision is serialised by pydantic as it always was, part by part, in the
        models' field order. tests/test_verdict.py and the baseline check compare it with pydantic's.
        """
        if options:
            return super().model_dump_json(**options)
        values = self.__dict__
        parts = []
        for name in _DECISION_FIELDS:
            value = values[name]
            if name == "editions":
                parts.append('"editions":[' + ",".join(_edition_json(e) for e in value) + "]")
            elif name not in _DECISION_OMITTED or not _DECISION_OMITTED[name](value):
                parts.append(f'"{name}":' + to_json(value).decode())
        return "{" + ",".join(parts) + "}"


def deciding_facts_of(editions: Any) -> tuple[str, ...]:
    """The deciding facts of every determination of ``editions``, once each, in first-seen order (the decision's
    and the verdict's alike)."""
    seen: dict[str, None] = {}
    for edition in editions:
        for determination in edition.determinations:
            seen.update(dict.fromkeys(determination.deciding_facts))
    return tuple(seen)


#: JSON made once for objects the engine keeps and reuses: id -> (the object, kept alive so the id stays its own; JSON).
_KEPT_JSON: dict[int, tuple[Any, str]] = {}
_DECISION_FIELDS = tuple(Decision.model_fields)
_EDITION_FIELDS = tuple(EditionResult.model_fields)


def _omitted(model: type[BaseModel]) -> dict[str, Any]:
    """The fields pydantic leaves out of the JSON by their value (``exclude_if``), with the test it applies."""
    return {name: field.exclude_if for name, field in model.model_fields.items() if field.exclude_if is not None}


_DECISION_OMITTED = _omitted(Decision)
_EDITION_OMITTED = _omitted(EditionResult)


def keep_json(obj: BaseModel) -> None:
    """Make and keep the JSON of ``obj``, a result the engine keeps in a cache and reuses unchanged."""
    _KEPT_JSON[id(obj)] = (obj, obj.__pydantic_serializer__.to_json(obj).decode())


def _json(obj: BaseModel) -> str:
    kept = _KEPT_JSON.get(id(obj))
    if kept is not None and kept[0] is obj:
        return kept[1]
    return obj.__pydantic_serializer__.to_json(obj).decode()


def _edition_json(edition: EditionResult) -> str:
    values = edition.__dict__
    parts = []
    for name in _EDITION_FIELDS:
        value = values[name]
        if name == "determinations" or name == "criteria":
            parts.append(f'"{name}":[' + ",".join(_json(item) for item in value) + "]")
        elif name not in _EDITION_OMITTED or not _EDITION_OMITTED[name](value):
            parts.append(f'"{name}":' + to_json(value).decode())
    return "{" + ",".join(parts) + "}"
