"""The law's open points, evaluated: each edition under the readings applied, and what the other readings give.

An edition declares its open passages as readings (:mod:`scr_eligibility.criteria.readings`). For
each edition of a decision this module

1. applies the options chosen (the default unless the caller chose one): choices through a derived
   edition, effects on the facts (how an age is counted) or on the edition (whether the law of
   29 June 2018 reaches earlier harm);
2. replaces a determination another law replaced from a date (the Working Together 2015
   notification, replaced by the Panel notification from 29 June 2018), saying so;
3. for every other option that could change an answer for this case (found cheaply: a choice
   whose branches have the same truth for the case, or an effect that changes nothing, cannot),
   evaluates the case again through the engine and records the answers that would differ;
4. adds the edition's notes whose conditions are met.

An edition without readings, notes or replacements is evaluated exactly as before, and its
result carries none of these fields (its JSON does not change).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from ..criteria.catalogue import latest_editions
from ..criteria.model import All, Any_, Choice, CriteriaChoice, Edition, Not, Reading, Ref
from ..criteria.readings import EFFECT_GROUPS, S16C_COMMENCEMENT, choices_in, derive, is_condition_reading
from ..errors import InputError, Problem, unknown_name
from ..facts import Facts
from ..rules import ruleset_for
from .decision import (
    UNDETERMINED,
    AlternativeOutcome,
    EditionResult,
    ReadingAlternative,
    ReadingResult,
)
from .effects import (
    NOT_APPLICABLE,
    age_by_28_february,
    age_under,
    effects_of,
    facts_under,
    not_applicable,
    not_applicable_label,
    not_reached,
    replace_determinations,
    replaced_on,
    s16c_day,
)
from .notes import shown_notes
from .truth import compiled_truth, named_conditions

NO_CHANGE = "No other reading of this edition's open points would change any answer for this case."

EvaluateEdition = Callable[[Facts, Edition], EditionResult]


def check_options(readings: Any, editions: Sequence[Edition]) -> dict[str, str]:
    """The caller's options, checked: every reading id is declared, every option is one of its options.

    A reading no edition applied declares has no effect on this decision (a batch may pass one set
    of options for cases of every date); an id no shipped edition declares is an error.
    """
    if readings is None:
        return {}
    if not isinstance(readings, Mapping):
        raise InputError("readings must map reading ids to options", [Problem(
            "readings", type(readings).__name__, "a mapping such as {\"lscb-discretionary-list\": \"seed\"}")])
    declared: dict[str, list[tuple[Edition, Reading]]] = {}
    for edition in (*latest_editions(), *editions):
        for reading in edition.content.readings:
            declared.setdefault(reading.id, []).append((edition, reading))
    applied = {e.ref for e in editions}
    problems: list[Problem] = []
    for reading_id, option in readings.items():
        if not isinstance(reading_id, str) or reading_id not in declared:
            problems.append(unknown_name("readings", str(reading_id), sorted(declared),
                                         "a reading id: " + ", ".join(sorted(declared))))
            continue
        where = [(e, r) for e, r in declared[reading_id] if e.ref in applied] or declared[reading_id]
        for edition, reading in where:
            if not isinstance(option, str) or option not in reading.option_ids:
                problems.append(unknown_name(f"readings.{reading_id}", str(option), list(reading.option_ids),
                                             f"an option of {reading_id} in {edition.ref}: "
                                             + ", ".join(reading.option_ids)))
                break
    if problems:
        raise InputError("the readings asked for are not valid", problems)
    return dict(readings)


def readings_apply(edition: Edition) -> bool:
    """Whether evaluating ``edition`` needs this module at all (readings, notes or a replacement)."""
    content = edition.content
    return bool(content.readings or content.notes or any(d.replaced for d in content.determinations))


def evaluate_under(case: Facts, edition: Edition, options: Mapping[str, str],
                   evaluate_edition: EvaluateEdition) -> EditionResult:
    """Everything ``edition`` says about ``case`` under the options given, and what its other readings give."""
    if not readings_apply(edition):
        return evaluate_edition(case, edition)
    content = edition.content
    applied = {r.id: options.get(r.id, r.default) for r in content.readings}
    result = _run(case, edition, applied, evaluate_edition)
    base = [_Answer(d.id, d.title, d.outcome, d.label, frozenset(p.outcome for p in d.possible))
            for d in result.determinations]
    status = {c.id: c.status for c in result.criteria}  # the engine's, under the options applied
    values = {**case.__dict__, "age": age_under(case, effects_of(edition, applied))}
    readings: list[ReadingResult] = []
    changed = False
    for reading in content.readings:
        alternatives = []
        for option in reading.options:
            if option.id == applied[reading.id] or not _could_change(case, edition, reading, applied, option.id,
                                                                      status, values):
                continue
            outcomes = _differences(base, _answers_under(case, edition, {**applied, reading.id: option.id}))
            changed = changed or bool(outcomes)
            alternatives.append(ReadingAlternative.build(
                option=option.id, says=option.says, outcomes=outcomes,
                summary=_summary(option.says, outcomes, result)))
        chosen = reading.id in options
        if alternatives or (chosen and applied[reading.id] != reading.default):
            option = reading.option(applied[reading.id])
            readings.append(ReadingResult.build(
                id=reading.id, question=reading.question, applied=option.id, says=option.says,
                chosen_by="caller" if chosen else "default", why_default=reading.why_default,
                sources=option.sources, effect=_effect_words(case, edition, applied, reading),
                alternatives=tuple(alternatives)))
    update: dict[str, Any] = {"readings": tuple(readings)}
    if content.readings and not changed:
        update["readings_note"] = NO_CHANGE
    return _with(result, update)


def _with(result: EditionResult, update: Mapping[str, Any]) -> EditionResult:
    """``result`` with fields replaced, its fields kept in their declared order (the order of its JSON)."""
    return EditionResult.build(**({name: getattr(result, name) for name in EditionResult.model_fields} | dict(update)))


# ----------------------------------------------------------------------------- one run under one set of options

def under_options(case: Facts, edition: Edition, applied: Mapping[str, str],
                  evaluate_edition: Callable[[Facts, Edition], Any]) -> tuple[Facts, Edition, Any, tuple[Any, ...]]:
    """One run under one set of options, for the decision and the verdict alike: the facts as the options read
    them, the edition they derive, ``evaluate_edition``'s result, and its determinations as the options leave
    them (replaced by a later law, or not applicable)."""
    effects = effects_of(edition, applied)
    facts = facts_under(case, effects)
    derived = derive(edition, applied)
    result = evaluate_edition(facts, derived)
    determinations = result.determinations
    if any(d.replaced for d in derived.content.determinations):
        determinations = replace_determinations(determinations, derived, facts, effects)
    if not_reached(facts, edition, effects):
        determinations = tuple(not_applicable(d, facts) for d in determinations)
    return facts, derived, result, determinations


def _run(case: Facts, edition: Edition, applied: Mapping[str, str], evaluate_edition: EvaluateEdition) -> EditionResult:
    facts, derived, result, determinations = under_options(case, edition, applied, evaluate_edition)
    notes = shown_notes(facts, derived)
    if determinations is result.determinations and not notes:
        return result
    return _with(result, {"determinations": determinations, "notes": notes})


# ----------------------------------------------------------------------------- could another option change anything?

def _could_change(case: Facts, edition: Edition, reading: Reading, applied: Mapping[str, str], option: str,
                  status: Mapping[str, str], values: Mapping[str, Any]) -> bool:
    """False only when the other option cannot change any answer for this case (then it is not run).

    Exact for choices: the other option is run only if some criterion whose condition holds a choice of this
    reading (directly or through a definition) would take another status, or a criterion would move to another
    outcome; the criteria's statuses decide every outcome.
    """
    if not is_condition_reading(reading):
        return _effect_changes(case, edition, reading, applied, option)
    affected = _affected(edition).get(reading.id, ())
    named_other = _named(edition, {**applied, reading.id: option}) if affected else {}
    for criterion in affected:
        if _STATUS[compiled_truth(criterion, named_other[criterion], named_other)(values)] != status[criterion]:
            return True
    source = edition.source
    assert source is not None  # an edition with readings keeps its source
    for determination in source.determinations:
        for outcome in determination.outcomes:
            if isinstance(outcome.criteria, CriteriaChoice) and outcome.criteria.reading == reading.id:
                moved = set(outcome.criteria.options[applied[reading.id]]) ^ set(outcome.criteria.options[option])
                if any(status[c] != "not_met" for c in moved):
                    return True
    return False


_STATUS = {True: "met", False: "not_met", None: "unknown"}
_affected_cache: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}


def _named(edition: Edition, chosen: Mapping[str, str]) -> dict[str, Any]:
    """The definitions' and criteria's conditions of ``edition`` under ``chosen``, by id (cached)."""
    return named_conditions(derive(edition, chosen))


def _affected(edition: Edition) -> dict[str, tuple[str, ...]]:
    """For each reading, the criteria whose condition holds a choice of it, directly or through references."""
    key = (edition.ref, edition.content_hash)
    affected = _affected_cache.get(key)
    if affected is None:
        source = edition.source
        assert source is not None
        conditions = {d.id: d.condition for d in source.definitions} | {c.id: c.condition for c in source.criteria}

        def readings_in(name: str, seen: frozenset[str] = frozenset()) -> set[str]:
            condition = conditions[name]
            found = {choice.reading for choice in choices_in(condition)}
            for ref in _refs_in(condition):
                if ref not in seen:
                    found |= readings_in(ref, seen | {name})
            return found

        by_reading: dict[str, list[str]] = {}
        for criterion in source.criteria:
            for reading_id in readings_in(criterion.id):
                by_reading.setdefault(reading_id, []).append(criterion.id)
        affected = _affected_cache[key] = {r: tuple(ids) for r, ids in by_reading.items()}
    return affected


def _refs_in(condition: Any) -> list[str]:
    if isinstance(condition, Ref):
        return [condition.name]
    if isinstance(condition, Choice):
        return [r for _, branch in condition.options for r in _refs_in(branch)]
    if isinstance(condition, (All, Any_)):
        return [r for item in condition.items for r in _refs_in(item)]
    if isinstance(condition, Not):
        return _refs_in(condition.item)
    return []


def _effect_changes(case: Facts, edition: Edition, reading: Reading, applied: Mapping[str, str], option: str) -> bool:
    effect = reading.options[0].effect
    # Quick answers first: only a 29 February birthday has an open anniversary, and only a known incident date
    # before 29 June 2018 can fall outside the law of that day (an unknown one is judged by the awareness date).
    if effect in EFFECT_GROUPS["anniversary_of_29_february"]:
        birth = case.date_of_birth
        if birth is None or (birth.month, birth.day) != (2, 29):
            return False
    elif case.incident_date is None or case.incident_date >= S16C_COMMENCEMENT:
        return False
    now = effects_of(edition, applied)
    then = (now - {reading.option(applied[reading.id]).effect}) | {reading.option(option).effect}
    if age_under(case, now) != age_under(case, then):  # type: ignore[arg-type]
        return True
    day_now, day_then = s16c_day(case, now), s16c_day(case, then)  # type: ignore[arg-type]
    replaced = [d.replaced.from_ for d in edition.content.determinations if d.replaced]
    if any((day_now is not None and day_now >= when) != (day_then is not None and day_then >= when)
           for when in replaced):
        return True
    return not_reached(case, edition, now) != not_reached(case, edition, then)  # type: ignore[arg-type]


def _effect_words(case: Facts, edition: Edition, applied: Mapping[str, str], reading: Reading) -> str | None:
    """What an effect reading did to this case, in words (None for a reading through choices)."""
    effect = reading.option(applied[reading.id]).effect
    if effect is None:
        return None
    if effect.startswith("anniversary_"):
        age = age_under(case, {effect})
        if case.date_of_birth and case.incident_date and age is not None:
            return (f"born {case.date_of_birth.isoformat()}: aged {age} on {case.incident_date.isoformat()} "
                    "under this reading")
        return None
    if case.incident_date and case.awareness_date:
        return (f"the incident happened on {case.incident_date.isoformat()} and the authority became aware on "
                f"{case.awareness_date.isoformat()}")
    return None


# ----------------------------------------------------------------------------- what differs

class _Answer(NamedTuple):
    """A determination's answer: enough to say whether another reading changes it, and to what."""

    id: str
    title: str
    outcome: str
    label: str
    possible: frozenset[str]


def _answers_under(case: Facts, edition: Edition, applied: Mapping[str, str]) -> list[_Answer]:
    """The answers of ``edition`` under other options, from the engine's statuses alone (no explanation built).

    The outcome walk is the one :mod:`.evaluation` makes: the first outcome with a criterion met wins, and an
    unknown criterion before it keeps its outcome open (the decision is then undetermined between them).
    """
    effects = effects_of(edition, applied)
    facts = facts_under(case, effects)
    derived = derive(edition, applied)
    ruleset = ruleset_for(derived)
    known = {n: v for n in ruleset.compiled.facts_read if (v := getattr(facts, n)) is not None}
    truth_of, _ = ruleset.evaluate(known, facts.case_reference)
    unreached, day = not_reached(facts, edition, effects), s16c_day(facts, effects)
    answers = []
    for determination in derived.content.determinations:
        if unreached:
            answers.append(_Answer(determination.id, determination.title, NOT_APPLICABLE,
                                   not_applicable_label(facts), frozenset()))
            continue
        replaced = replaced_on(determination, day)
        if replaced is not None:
            answers.append(_Answer(determination.id, determination.title, replaced.outcome, replaced.label,
                                   frozenset()))
            continue
        possible = []
        for outcome in determination.outcomes:
            met = [truth_of.get(c) for c in outcome.criteria]
            if not outcome.criteria or True in met:
                possible.append(outcome)
                break
            if None in met:
                possible.append(outcome)
        if len(possible) == 1:
            answers.append(_Answer(determination.id, determination.title, possible[0].id, possible[0].label,
                                   frozenset()))
        else:
            answers.append(_Answer(determination.id, determination.title, UNDETERMINED,
                                   f"Undetermined: {' / '.join(o.label for o in possible)}",
                                   frozenset(o.id for o in possible)))
    return answers


def _differences(base: list[_Answer], other: list[_Answer]) -> tuple[AlternativeOutcome, ...]:
    return tuple(AlternativeOutcome.build(determination=o.id, title=o.title, outcome=o.outcome, label=o.label)
                 for b, o in zip(base, other, strict=True) if (b.outcome, b.possible) != (o.outcome, o.possible))


def _summary(says: str, outcomes: tuple[AlternativeOutcome, ...], base: EditionResult) -> str:
    lead = f"Under the reading that {says}"
    if not outcomes:
        return f"{lead}, every answer would be the same."
    if len(outcomes) == 1 and outcomes[0].determination == base.primary.id:
        return f"{lead}, the outcome would be {outcomes[0].label}."
    return f"{lead}, the answers would be: " + "; ".join(f"{o.title}: {o.label}" for o in outcomes) + "."


__all__ = ["NOT_APPLICABLE", "NO_CHANGE", "age_by_28_february", "check_options", "evaluate_under", "readings_apply"]
