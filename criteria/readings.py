"""Readings of open passages, as data: the effects the engine knows, checks on load, and derived editions.

An edition declares each passage with more than one defensible reading as a :class:`Reading`
(question, options, default and why, sources). An option works in one of two ways:

* through *choices*: a condition (or an outcome's list of criteria) written as
  ``{reading: id, options: {option: ...}}`` takes the branch of the option applied;
* through a named *effect* (:data:`EFFECTS`), for what is not a condition: how an age is
  counted, or whether a law reaches harm that happened before it began.

A loaded edition's content has every choice resolved to the default options;
:func:`derive` gives the edition under other options (cached per edition version and
options), so the compiler never sees a choice.
"""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Mapping
from typing import Any

from ..errors import Problem, unknown_name
from .model import All, Any_, Choice, Condition, CriteriaChoice, Edition, EditionFile, Leaf, Not, Reading, rebuild

#: The day Children Act 2004 s16C (notification to the Child Safeguarding Practice Review Panel) came into
#: force: S.I. 2018/497 reg 3, commencing the Children and Social Work Act 2017.
S16C_COMMENCEMENT = _dt.date(2018, 6, 29)

#: Effects the engine knows, by group: a reading whose options have effects must cover exactly one group.
EFFECT_GROUPS: dict[str, dict[str, str]] = {
    "anniversary_of_29_february": {
        "anniversary_1_march": "A person born on 29 February attains an age at the start of 1 March in a year "
                               "that has no 29 February.",
        "anniversary_28_february": "A person born on 29 February attains an age at the start of 28 February in a "
                                   "year that has no 29 February.",
    },
    "s16c_and_earlier_harm": {
        "s16c_reaches_earlier_harm": "The law in force from 29 June 2018 applies by the date the authority became "
                                     "aware, so it reaches a death or serious harm that happened before that day.",
        "s16c_from_commencement_only": "The law in force from 29 June 2018 reaches only a death or serious harm that "
                                       "happened on or after that day; earlier harm stays with the rules of its day.",
    },
}
EFFECTS: dict[str, str] = {name: words for group in EFFECT_GROUPS.values() for name, words in group.items()}


def check_readings(content: EditionFile, used: Mapping[str, int], problems: list[Problem]) -> None:
    """Each reading well formed: options unique, the default one of them, effects known and whole, and used.

    ``used`` counts the choices naming each reading (conditions and outcome criteria).
    """
    seen: set[str] = set()
    for reading in content.readings:
        where = f"readings.{reading.id}"
        if reading.id in seen:
            problems.append(Problem(where, "the id twice", "each reading id once"))
        seen.add(reading.id)
        ids = reading.option_ids
        if len(set(ids)) != len(ids):
            problems.append(Problem(f"{where}.options", ", ".join(ids), "each option id once"))
        if reading.default not in ids:
            problems.append(unknown_name(f"{where}.default", reading.default, list(ids), "one of its options"))
        effects = [o.effect for o in reading.options]
        if any(effects):
            group = _group_of(effects[0]) if effects[0] else None
            for option in reading.options:
                if option.effect is None or option.effect not in EFFECTS:
                    problems.append(unknown_name(f"{where}.options.{option.id}.effect", str(option.effect),
                                                 sorted(EFFECTS), "an effect the engine knows"))
            if group is not None and sorted(e for e in effects if e) != sorted(EFFECT_GROUPS[group]):
                problems.append(Problem(f"{where}.options", ", ".join(map(str, effects)),
                                        "one option for each effect of " + group + ": "
                                        + ", ".join(EFFECT_GROUPS[group])))
            if used.get(reading.id):
                problems.append(Problem(where, "choices on a reading whose options are effects",
                                        "either effects or choices, not both"))
        elif not used.get(reading.id):
            problems.append(Problem(where, "a reading no choice uses and no effect applies",
                                    "choices in conditions or criteria that name it, or options with effects"))


def _group_of(effect: str) -> str | None:
    return next((g for g, names in EFFECT_GROUPS.items() if effect in names), None)


def effect_reading(content: EditionFile, group: str) -> Reading | None:
    """The edition's reading whose options are the effects of ``group``, if it declares one."""
    for reading in content.readings:
        if reading.options[0].effect in EFFECT_GROUPS[group]:
            return reading
    return None


def is_condition_reading(reading: Reading) -> bool:
    return all(o.effect is None for o in reading.options)


def defaults(content: EditionFile) -> dict[str, str]:
    return {r.id: r.default for r in content.readings}


# ----------------------------------------------------------------------------- resolving choices

def resolve_condition(condition: Condition, chosen: Mapping[str, str]) -> Condition:
    """The condition with every choice replaced by the branch of the option chosen."""
    def pick(node: Condition) -> Condition | None:
        return resolve_condition(node.option(chosen[node.reading]), chosen) if isinstance(node, Choice) else None

    return rebuild(condition, pick)


def resolve(content: EditionFile, chosen: Mapping[str, str]) -> EditionFile:
    """The edition's content with every choice resolved by ``chosen`` (reading id -> option id)."""
    def criteria_of(value: Any) -> tuple[str, ...]:
        return tuple(value.options[chosen[value.reading]]) if isinstance(value, CriteriaChoice) else value

    return content.model_copy(update={
        "definitions": tuple(d.model_copy(update={"condition": resolve_condition(d.condition, chosen)})
                             for d in content.definitions),
        "criteria": tuple(c.model_copy(update={"condition": resolve_condition(c.condition, chosen)})
                          for c in content.criteria),
        "notes": tuple(n.model_copy(update={"condition": resolve_condition(n.condition, chosen)})
                       for n in content.notes),
        "determinations": tuple(d.model_copy(update={"outcomes": tuple(
            o.model_copy(update={"criteria": criteria_of(o.criteria)}) for o in d.outcomes)})
            for d in content.determinations),
    })


def choices_in(condition: Condition) -> list[Choice]:
    """Every choice in a condition as written (choices inside choices included)."""
    if isinstance(condition, Choice):
        return [condition] + [c for _, branch in condition.options for c in choices_in(branch)]
    if isinstance(condition, (All, Any_)):
        return [c for item in condition.items for c in choices_in(item)]
    if isinstance(condition, Not):
        return choices_in(condition.item)
    return []


_derived: dict[tuple[str, str, tuple[tuple[str, str], ...]], Edition] = {}
_lock = threading.Lock()


def derive(edition: Edition, options: Mapping[str, str]) -> Edition:
    """``edition`` with its choices resolved by ``options`` (the default for a reading not named).

    Only readings resolved through choices make a different edition: an effect changes how the
    engine applies the edition, not its content. Cached per edition version, hash and options.
    """
    source = edition.source
    if source is None or not source.readings:
        return edition
    chosen = defaults(source)
    chosen.update({r: o for r, o in options.items() if r in chosen})
    key_options = tuple(sorted((r.id, chosen[r.id]) for r in source.readings
                               if is_condition_reading(r) and chosen[r.id] != r.default))
    if not key_options:
        return edition
    key = (edition.content.id + "@" + str(edition.version), edition.content_hash, key_options)
    derived = _derived.get(key)
    if derived is None:
        with _lock:
            derived = _derived.get(key)
            if derived is None:
                derived = _derived[key] = Edition(content=resolve(source, chosen), content_hash=edition.content_hash,
                                                  path=edition.path, source=source, options=key_options)
    return derived


def readings_of(edition: Edition) -> list[dict[str, Any]]:
    """An edition's readings with their options, as data (for `scr criteria`, the API and the README)."""
    return [reading.model_dump(mode="json", exclude_none=True) for reading in edition.content.readings]


def leaf_facts(condition: Condition) -> set[str]:
    """The facts a condition as written reads, in every branch of its choices."""
    if isinstance(condition, Leaf):
        return {condition.fact}
    if isinstance(condition, Choice):
        return {f for _, branch in condition.options for f in leaf_facts(branch)}
    if isinstance(condition, (All, Any_)):
        return {f for item in condition.items for f in leaf_facts(item)}
    if isinstance(condition, Not):
        return leaf_facts(condition.item)
    return set()


__all__ = ["EFFECTS", "EFFECT_GROUPS", "S16C_COMMENCEMENT", "check_readings", "choices_in", "defaults", "derive",
           "effect_reading", "is_condition_reading", "readings_of", "resolve", "resolve_condition"]
