"""Which unknown facts are worth asking: the questions whose answers can still change a decision.

A good chair does not read out the whole fact sheet; they ask what could change the answer,
most decisive first. :func:`decisive_questions` does that with the engine itself as the judge:

* The candidates are the unknown facts the open (undetermined) criteria still depend on
  (:meth:`Decision.deciding_facts`), plus unknown facts that a criterion currently *presumes*
  (a leaf written ``unknown: met`` such as M2's "no definitive evidence of no concerns"):
  such a determination is decided, yet an answer can overturn it.
* A candidate is kept only if some allowed answer, re-evaluated (a :func:`.verdict.verdict`: the
  decision's statuses and outcomes through durable_rules, without building its explanation), changes
  the outcome of some determination or its set of possible outcomes. The answers tried are the
  fact's allowed values; for a number (the age) the values next to every number the editions'
  conditions compare it with (derived from the compiled leaves, so a new edition's boundaries
  are tried without a change here); for a date, the edition in-force boundaries.
* The dates choose the editions applied. When the editions are chosen by date and no date is
  known, the awareness date is asked first (then the incident date, if the awareness date is
  not known): every other answer is judged under rules that date may replace.

* Only when no single answer can change anything while a determination is still open are the
  facts whose answers change it *together* returned (see :meth:`_Prober.joint_questions`): the
  d3 example (a parent murdered and a domestic homicide review being initiated) needs this, as
  neither answer alone changes the SCR outcome while other criteria are open.

The list is recomputed from the facts each time and keeps no state: an interviewer passes the
facts the user answered "unknown" as ``skip``, so they are not asked again and nothing relies
on them being answered.

(About 490 lines, more than the house's 400: the ranking, the single-answer probes and the joint look-ahead
share one prober and its caches of verdicts; split, each part would re-evaluate what the other already knows.)
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from math import prod
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..criteria.catalogue import latest_editions
from ..criteria.model import Edition
from ..dates import today
from ..errors import EditionNotFound, InputError
from ..facts import (
    BOOL_FACTS,
    DATE_FACTS,
    FACT_NAMES,
    MAX_AGE,
    Facts,
    allowed_values,
    expected_text,
    label,
    parse_facts,
)
from ..rules import ruleset_for
from .selection import NATION_FACTS, select_editions
from .verdict import Verdict, verdict

AnswerKind = Literal["choice", "yes_no", "number", "date"]

#: The dates that choose the editions, in the order select_editions consults them.
EDITION_DATES: tuple[str, ...] = ("awareness_date", "incident_date")

# A determination's state: its outcome and the outcomes it still leaves open.
_State = tuple[str, frozenset[str]]
# (edition ref, determination id) -> state; editions that change with a date change the keys.
_Signature = dict[tuple[str, str], _State]


#: The most answer combinations tried for one criterion when looking for joint effects.
_MAX_COMBINATIONS = 1000


@dataclass(frozen=True)
class _CriterionEffects:
    to_met: tuple[str, ...]  # facts whose answer, in some combination, makes the criterion met
    to_not_met: tuple[str, ...]  # ... makes it not met
    not_met_witness: dict[str, Any] | None  # one combination of answers that makes it not met


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Answer(_Model):
    """One allowed answer to a question: the value to record and its meaning in words."""

    value: Any
    label: str


class Impact(_Model):
    """A determination an answer to the question could change, and through which criteria."""

    edition: str = Field(description="The edition ref (id@version).")
    determination: str = Field(description="The determination id.")
    title: str = Field(description="The determination in words.")
    criteria: tuple[str, ...] = Field(description="The criteria whose status some answer changes.")
    outcomes: tuple[str, ...] = Field(description="Labels of the outcomes some answer would settle it on.")


class Question(_Model):
    """An unknown fact worth asking about, as a question with its allowed answers and why it matters."""

    fact: str = Field(description="The fact this question fills in (a Facts field name).")
    text: str = Field(description="The question in plain language.")
    description: str = Field(description="What the fact means.")
    kind: AnswerKind
    answers: tuple[Answer, ...] = Field(
        description="The allowed answers (choice and yes/no questions); empty when any number or date is allowed.")
    expected: str = Field(description="What an answer may be, in words (unknown included).")
    unknown_allowed: bool = Field(default=True, description="Always true: every fact may be answered unknown.")
    chooses_editions: bool = Field(default=False, description="True for a date that decides which editions apply.")
    impacts: tuple[Impact, ...] = Field(description="The determinations an answer could change.")
    settling_answers: int = Field(description="How many distinct effects of answers settle a determination.")
    determinations_affected: int = Field(description="How many determinations some answer changes.")
    needs_other_answers: bool = Field(
        default=False, description="True when no single answer changes a determination, but this answer together "
        "with another unknown fact's answer does.")

    @property
    def why(self) -> str:
        """Why the question matters, in words."""
        if self.chooses_editions:
            return ("It decides which rules apply: the editions in force on the date the authority became aware "
                    "(or, if that is not known, on the incident date). It also starts the deadlines.")
        parts = []
        for impact in self.impacts:
            through = f" (through {', '.join(impact.criteria)})" if impact.criteria else ""
            parts.append(f"{impact.title} under {impact.edition}{through}")
        lead = "Together with other answers it can change: " if self.needs_other_answers else "It can change: "
        return lead + "; ".join(parts) + "."


def decisive_questions(
    facts: Facts | dict[str, Any],
    *,
    as_of: _dt.date | None = None,
    editions: Iterable[str | Edition] | None = None,
    skip: Iterable[str] = (),
    readings: Mapping[str, str] | None = None,
) -> list[Question]:
    """The unknown facts whose answers can still change some determination, most decisive first.

    ``as_of``, ``editions`` and ``readings`` are passed to :func:`.verdict.verdict` as they are: with
    ``as_of`` or ``editions``, the editions no longer depend on the case's dates, so no date is asked;
    ``readings`` (options of declared readings) make the questions those that decide under those options. ``skip`` names facts
    already asked and answered "unknown": they stay unknown, are never returned, and are not
    counted on to settle anything.

    Ranking: a date that chooses the editions first; then by the number of distinct answer
    effects that settle a determination, the number of determinations some answer changes,
    the number of determinations settled over all answers, and finally the rapid-review order
    of the facts.

    When no single answer to a fact still open can change anything, but a determination is
    open, answers may still change it *together* (reg 3(a), (b) and (c) each answered "no"
    rule the national review out; none does alone). Only then are those facts returned, marked
    ``needs_other_answers``: without them an interview would stop with the outcome still open.
    """
    case = parse_facts(facts)
    named = list(editions) if editions is not None else None
    skipped = frozenset(skip)
    base = verdict(case, as_of=as_of, editions=named, readings=readings)
    chosen, _, _ = select_editions(case, as_of, named)
    probe = _Prober(case, base, chosen, as_of, named, readings)

    dated = [probe.date_question(name) for name in _edition_dates(case, as_of, named) if name not in skipped]
    questions = [q for q in dated if q is not None]

    if named is None and case.deciding_nation is None and "deciding_nation" not in skipped:
        # The deciding nation chooses whose rules apply, as the dates choose the editions: asked next after the
        # dates, when an answer changes something (another nation's body has other rules: it always does).
        questions += [q for q in (probe.question("deciding_nation"),) if q is not None]
    candidates = [name for name in _candidates(base)
                  if getattr(case, name) is None and name not in skipped and name != "deciding_nation"]
    if named is None:  # a place in another nation brings in its editions, which may read nothing yet known
        candidates += [name for name in NATION_FACTS
                       if getattr(case, name) is None and name not in skipped and name not in candidates]
    found = [q for q in (probe.question(name) for name in candidates) if q is not None]
    if not found and any(not d.decided for e in base.editions for d in e.determinations):
        found = probe.joint_questions(frozenset(candidates))
    order = {name: i for i, name in enumerate(FACT_NAMES)}
    found.sort(key=lambda q: (-q.settling_answers, -q.determinations_affected, -probe.settled_total.get(q.fact, 0),
                              order[q.fact]))
    return questions + found


def _candidates(decision: Verdict) -> list[str]:
    """Unknown facts open criteria depend on, then unknown facts a criterion presumes."""
    names = dict.fromkeys(decision.deciding_facts())
    for edition in decision.editions:
        for criterion in edition.criteria:
            names.update(dict.fromkeys(fact for fact, _ in criterion.presumed))
    return list(names)


def _edition_dates(case: Facts, as_of: _dt.date | None, named: list[Any] | None) -> list[str]:
    """The unknown dates that would choose the editions, in the order select_editions reads them."""
    if as_of is not None or named is not None or case.awareness_date is not None:
        return []
    # With the awareness date unknown, both dates can choose the editions (awareness first).
    return [name for name in EDITION_DATES if getattr(case, name) is None]


def _signature(decision: Verdict) -> _Signature:
    return {(e.ref, d.id): (d.outcome, frozenset(p.outcome for p in d.possible))
            for e in decision.editions for d in e.determinations}


def _kind(name: str) -> AnswerKind:
    if name in DATE_FACTS:
        return "date"
    if name in BOOL_FACTS:
        return "yes_no"
    if allowed_values(name):
        return "choice"
    return "number"


def _field_text(name: str) -> tuple[str, str]:
    field = Facts.model_fields[name]
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return str(extra.get("question") or name.replace("_", " ")), field.description or ""


def number_probes(name: str, editions: Sequence[Edition]) -> tuple[int, ...]:
    """The numbers worth trying for a numeric fact: each number the editions compare it with, and its neighbours.

    Derived from the compiled leaves, so "under 18", "16 or 17" and "up to and including 24"
    give 15..19 and 23..25 without any list here.
    """
    values: set[int] = set()
    for edition in editions:
        for leaf in ruleset_for(edition).compiled.leaves:
            if leaf.fact != name:
                continue
            for value in leaf.value if isinstance(leaf.value, tuple) else (leaf.value,):
                if isinstance(value, int) and not isinstance(value, bool):
                    values.update((value - 1, value, value + 1))
    upper = MAX_AGE if name == "age" else max(values, default=0)
    return tuple(sorted(v for v in values if 0 <= v <= upper))


def date_probes(name: str, case: Facts) -> tuple[_dt.date, ...]:
    """Dates worth trying for a date that chooses the editions: every in-force boundary of every shipped edition.

    Only dates the fact set allows are kept (not in the future, not before the incident for the
    awareness date, not before the birth for the incident date).
    """
    days: set[_dt.date] = set()
    for edition in latest_editions():
        in_force = edition.content.in_force
        days.add(in_force.from_)
        if in_force.until is not None:
            days.update((in_force.until, in_force.until + _dt.timedelta(days=1)))
    low = _dt.date(1900, 1, 1)
    if name == "awareness_date" and case.incident_date is not None:
        low = case.incident_date
    if name == "incident_date" and case.date_of_birth is not None:
        low = case.date_of_birth
    last = today()
    return tuple(sorted(d for d in days if low <= d <= last))


class _Prober:
    """Re-evaluates one case with one (or two) unknown facts answered, and judges the effect."""

    def __init__(self, case: Facts, base: Verdict, chosen: Sequence[Edition], as_of: _dt.date | None,
                 named: list[Any] | None, readings: Mapping[str, str] | None = None):
        self.case = case
        self.readings = readings
        self.known = case.model_dump(exclude_none=True)
        self.base = base
        self.base_signature = _signature(base)
        self.chosen = chosen
        self.as_of = as_of
        self.named = named
        self.settled_total: dict[str, int] = {}
        self._criterion_cache: dict[tuple[str, str], _CriterionEffects] = {}
        self.titles = {(e.ref, d.id): d.title for e in base.editions for d in e.determinations}

    def probes(self, name: str) -> tuple[Any, ...]:
        values = allowed_values(name)
        if values:
            return values
        if name in DATE_FACTS:
            return date_probes(name, self.case)
        return number_probes(name, self.chosen)

    def _evaluate(self, answers: dict[str, Any], editions: list[Any] | None = None) -> Verdict | None:
        """The decision with these answers added, or None if the answers are impossible with the facts."""
        try:
            return verdict({**self.known, **answers}, as_of=self.as_of,
                           editions=self.named if editions is None else editions, readings=self.readings)
        except (InputError, EditionNotFound):
            # A contradiction (custody with no death, a date before the incident...) or a date no
            # edition covers: not an answer this case can be given, so it cannot change anything.
            return None

    def _effects(self, answer_sets: Iterable[dict[str, Any]]) -> dict[tuple[Any, ...], tuple[Verdict, list[Any]]]:
        """Group the answers by the signature they lead to, keeping only those that differ from now."""
        effects: dict[tuple[Any, ...], tuple[Verdict, list[Any]]] = {}
        for answers in answer_sets:
            decision = self._evaluate(answers)
            if decision is None:
                continue
            signature = _signature(decision)
            if signature == self.base_signature:
                continue
            key = tuple(sorted(signature.items()))
            effects.setdefault(key, (decision, []))[1].append(answers)
        return effects

    def date_question(self, name: str) -> Question | None:
        """A date that chooses the editions: asked when it would change them (always, when no date is known)."""
        effects = self._effects({name: day} for day in self.probes(name))
        no_date = self.case.awareness_date is None and self.case.incident_date is None
        if not effects and not no_date:
            return None
        affected = self._affected(effects)
        text, description = _field_text(name)
        # settling_answers here counts the distinct sets of rules the dates tried lead to.
        return Question(
            fact=name, text=text, description=description, kind="date", answers=(),
            expected=expected_text(name), chooses_editions=True, impacts=(),
            settling_answers=len(effects), determinations_affected=len(affected))

    def question(self, name: str) -> Question | None:
        effects = self._effects({name: value} for value in self.probes(name))
        if not effects:
            return None
        return self._build(name, effects)

    def joint_questions(self, askable: frozenset[str]) -> list[Question]:
        """Facts that can change an open determination only together with other answers.

        An open determination changes when one of the unknown criteria of an outcome still
        possible becomes met (every later outcome drops out, the default at least), or when all
        of them become not met (that outcome drops out). For each such criterion every
        combination of answers to its open facts (unknown included) is evaluated, so this is
        exact for each criterion; a fact is kept if setting it, in some combination, changes the
        criterion's status in a direction that changes the determination. Ruling an outcome out
        is confirmed by evaluating one combination that makes all its criteria not met.
        """
        reasons: dict[str, dict[tuple[str, str], dict[str, None]]] = {}
        for result, edition in zip(self.base.editions, self.chosen):
            criteria = {c.id: c for c in result.criteria}
            for determination, definition in zip(result.determinations, edition.content.determinations):
                if determination.decided:
                    continue
                key = (result.ref, determination.id)
                still = {p.outcome for p in determination.possible}
                for outcome in definition.outcomes:
                    unknown = [c for c in outcome.criteria if outcome.id in still and criteria[c].status == "unknown"]
                    if not unknown:
                        continue
                    found = {c: self._criterion_effects(edition, criteria[c].missing_facts, c, askable)
                             for c in unknown}  # cached: a criterion can serve several outcomes
                    for c, effects in found.items():
                        for name in effects.to_met:
                            reasons.setdefault(name, {}).setdefault(key, {})[c] = None
                    witnesses = [e.not_met_witness for e in found.values()]
                    if all(w is not None for w in witnesses) and self._rules_out(witnesses):
                        for c, effects in found.items():
                            for name in effects.to_not_met:
                                reasons.setdefault(name, {}).setdefault(key, {})[c] = None
        questions = []
        for name, impacts in reasons.items():
            text, description = _field_text(name)
            values = allowed_values(name) or ()
            questions.append(Question(
                fact=name, text=text, description=description, kind=_kind(name),
                answers=tuple(Answer(value=v, label=label(v)) for v in values), expected=expected_text(name),
                impacts=tuple(Impact(edition=ref, determination=d, title=self.titles[(ref, d)],
                                     criteria=tuple(criteria), outcomes=()) for (ref, d), criteria in impacts.items()),
                settling_answers=0, determinations_affected=len(impacts), needs_other_answers=True))
            self.settled_total[name] = 0
        return questions

    def _rules_out(self, witnesses: list[dict[str, Any] | None]) -> bool:
        """Whether answering all the witnesses' facts at once changes a determination."""
        combined: dict[str, Any] = {}
        for witness in witnesses:
            for name, value in (witness or {}).items():
                if combined.setdefault(name, value) != value:
                    return True  # the witnesses disagree: cannot confirm cheaply, so keep the facts
        return bool(self._effects([combined]))

    def _criterion_effects(self, edition: Edition, missing: Sequence[str], criterion: str,
                           askable: frozenset[str]) -> _CriterionEffects:
        """Which open facts can move one criterion to met or to not met, in some combination of answers."""
        key = (edition.ref, criterion)
        if key not in self._criterion_cache:
            self._criterion_cache[key] = self._criterion_effects_uncached(edition, missing, criterion, askable)
        return self._criterion_cache[key]

    def _criterion_effects_uncached(self, edition: Edition, missing: Sequence[str], criterion: str,
                                    askable: frozenset[str]) -> _CriterionEffects:
        names = [n for n in missing if n in askable]
        options = [(None, *self.probes(n)) for n in names]
        if not names or prod(len(o) for o in options) > _MAX_COMBINATIONS:
            # Too many to try: keep every open fact rather than stop an interview too early.
            return _CriterionEffects(tuple(names), tuple(names), None)
        status: dict[tuple[Any, ...], str] = {}
        for values in product(*options):
            answers = {n: v for n, v in zip(names, values) if v is not None}
            decision = self._evaluate(answers, editions=[edition])
            if decision is not None:
                status[values] = next(c.status for c in decision.editions[0].criteria if c.id == criterion)
        to_met: dict[str, None] = {}
        to_not_met: dict[str, None] = {}
        witness: dict[str, Any] | None = None
        for values, now in status.items():
            if now == "not_met" and witness is None:
                witness = {n: v for n, v in zip(names, values) if v is not None}
            for i, name in enumerate(names):
                if values[i] is None:
                    continue
                before = status.get(values[:i] + (None,) + values[i + 1:])
                if before is not None and before != now:
                    (to_met if now == "met" else to_not_met if now == "not_met" else {})[name] = None
        return _CriterionEffects(tuple(to_met), tuple(to_not_met), witness)

    def _affected(self, effects: dict[tuple[Any, ...], tuple[Verdict, list[Any]]]) -> set[tuple[str, str]]:
        affected: set[tuple[str, str]] = set()
        for decision, _ in effects.values():
            signature = _signature(decision)
            for key in self.base_signature.keys() | signature.keys():
                if self.base_signature.get(key) != signature.get(key):
                    affected.add(key)
        return affected

    def _build(self, name: str, effects: dict[tuple[Any, ...], tuple[Verdict, list[Any]]]) -> Question:
        base_status = {(e.ref, c.id): c.status for e in self.base.editions for c in e.criteria}
        base_open = {k for k, (outcome, _) in self.base_signature.items() if outcome == "undetermined"}
        settling = 0
        settled_total = 0
        changed_criteria: dict[str, dict[str, None]] = {}
        leads_to: dict[tuple[str, str], dict[str, None]] = {}
        for decision, _ in effects.values():
            settled_here = 0
            for edition in decision.editions:
                for criterion in edition.criteria:
                    if base_status.get((edition.ref, criterion.id), criterion.status) != criterion.status:
                        changed_criteria.setdefault(edition.ref, {})[criterion.id] = None
                for determination in edition.determinations:
                    key = (edition.ref, determination.id)
                    self.titles.setdefault(key, determination.title)  # another nation's, brought in by the answer
                    if key in base_open and determination.decided:
                        settled_here += 1
                    if determination.decided and self.base_signature.get(key, ("",))[0] != determination.outcome:
                        leads_to.setdefault(key, {})[determination.label] = None
            settling += settled_here > 0
            settled_total += settled_here
        affected = self._affected(effects)
        determinations = {(e.ref, d.id): d for e in self.base.editions for d in e.determinations}
        impacts = []
        for key in sorted(affected, key=lambda k: list(self.titles).index(k) if k in self.titles else len(self.titles)):
            ref, determination_id = key
            decided_by = _determination_criteria(self.chosen, ref, determination_id)
            criteria = tuple(c for c in changed_criteria.get(ref, {}) if c in decided_by)
            impacts.append(Impact(
                edition=ref, determination=determination_id,
                title=self.titles.get(key, determinations[key].title if key in determinations else determination_id),
                criteria=criteria, outcomes=tuple(leads_to.get(key, {}))))
        self.settled_total[name] = settled_total
        values = allowed_values(name) or ()
        text, description = _field_text(name)
        return Question(
            fact=name, text=text, description=description, kind=_kind(name),
            answers=tuple(Answer(value=v, label=label(v)) for v in values),
            expected=expected_text(name), impacts=tuple(impacts), settling_answers=settling,
            determinations_affected=len(affected))


def _determination_criteria(editions: Sequence[Edition], ref: str, determination_id: str) -> set[str]:
    """The criteria the outcomes of a determination name."""
    for edition in editions:
        if edition.ref != ref:
            continue
        for determination in edition.content.determinations:
            if determination.id == determination_id:
                return {c for outcome in determination.outcomes for c in outcome.criteria}
    return set()


__all__ = ["EDITION_DATES", "Answer", "Impact", "Question", "date_probes", "decisive_questions", "number_probes"]
