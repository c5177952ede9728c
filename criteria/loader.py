"""Loading and validating edition files: their conditions parsed into trees, references checked."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import CriteriaError, InputError, Problem, expected_from_pydantic, unknown_name
from ..facts import BOOL_FACTS, FACT_NAMES, NARROWER_VALUES, allowed_values
from ..parsing import decode, parse_text
from .model import (OPS, All, Any_, Choice, Condition, CriteriaChoice, Edition, EditionFile, Leaf, Not, Reading, Ref,
                    rebuild)
from .readings import check_readings, choices_in, defaults as default_options, resolve

EDITIONS_DIR = Path(__file__).with_name("editions")


def content_hash(data: bytes) -> str:
    """The content hash of an edition file: SHA-256 of its exact bytes."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def load_edition_file(path: str | Path) -> Edition:
    """Load and validate one edition file; refuse it with a :class:`CriteriaError` naming every problem."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CriteriaError("the criteria file cannot be read", [Problem(str(path), str(error), "a readable file")],
                            str(path)) from None
    return load_edition_bytes(data, str(path))


def load_edition_bytes(data: bytes, source: str) -> Edition:
    try:
        raw = parse_text(decode(data, source), source, "yaml", shipped=True)
    except InputError as error:
        raise CriteriaError(error.message, error.problems, source) from None
    if not isinstance(raw, dict):
        raise CriteriaError("a criteria file must be a mapping", [Problem(source, type(raw).__name__, "a mapping")],
                            source)
    problems: list[Problem] = []
    for i, criterion in enumerate(raw.get("criteria") or []):
        if isinstance(criterion, dict) and not str(criterion.get("citation") or "").strip():
            problems.append(Problem(f"criteria[{i}] ({criterion.get('id', '?')}).citation", "nothing",
                                    "the citation of the source text"))
        if isinstance(criterion, dict) and not str(criterion.get("text") or "").strip():
            problems.append(Problem(f"criteria[{i}] ({criterion.get('id', '?')}).text", "nothing",
                                    "the verbatim source text"))
    if problems:
        raise CriteriaError("the criteria file is not valid", problems, source)
    try:
        content = EditionFile.model_validate(raw)
    except ValidationError as error:
        raise CriteriaError("the criteria file is not valid", [
            Problem(".".join(str(p) for p in e["loc"]), repr(e.get("input"))[:80], expected_from_pydantic(e)) for e in error.errors()
        ], source) from None
    content = _with_calendars(_parse_conditions(content, source), source)
    if not content.readings:
        return Edition(content=content, content_hash=content_hash(data), path=source)
    # The content used by default has every choice resolved; the source is kept to derive the others.
    return Edition(content=resolve(content, default_options(content)), content_hash=content_hash(data), path=source,
                   source=content)


def _with_calendars(content: EditionFile, source: str) -> EditionFile:
    """Every deadline counted on the bank holidays of the edition's nation (a file does not choose another).

    An English edition is returned as it is, so that editions written before the nations load unchanged.
    """
    problems = [Problem(f"determinations.{d.id}.{o.id}.duties.{duty.id}.deadline.calendar", duty.deadline.calendar,
                        f"the edition's nation ({content.nation}), or nothing")
                for d in content.determinations for o in d.outcomes for duty in o.duties
                if duty.deadline is not None and "calendar" in duty.deadline.model_fields_set
                and duty.deadline.calendar != content.nation]
    if problems:
        raise CriteriaError("the criteria file is not valid", problems, source)
    if content.nation == "england":
        return content

    def outcome(o: Any) -> Any:
        return o.model_copy(update={"duties": tuple(
            duty if duty.deadline is None else duty.model_copy(
                update={"deadline": duty.deadline.model_copy(update={"calendar": content.nation})})
            for duty in o.duties)})

    return content.model_copy(update={"determinations": tuple(
        d.model_copy(update={"outcomes": tuple(outcome(o) for o in d.outcomes)}) for d in content.determinations)})


def _parse_conditions(content: EditionFile, source: str) -> EditionFile:
    problems: list[Problem] = []
    names = [d.id for d in content.definitions] + [c.id for c in content.criteria]
    duplicates = {n for n in names if names.count(n) > 1}
    for name in sorted(duplicates):
        problems.append(Problem(name, "the id twice", "each definition and criterion id once"))
    readings = {r.id: r for r in content.readings}

    def parse(raw: Any, where: str) -> Condition:
        return parse_condition(raw, where, names, problems, readings)

    definitions = tuple(d.model_copy(update={"condition": parse(d.condition, f"definitions.{d.id}")})
                        for d in content.definitions)
    criteria = tuple(c.model_copy(update={"condition": parse(c.condition, f"criteria.{c.id}")})
                     for c in content.criteria)
    notes = tuple(n.model_copy(update={"condition": parse(n.condition, f"notes.{n.id}")}) for n in content.notes)
    note_ids = [n.id for n in content.notes]
    for name in sorted({n for n in note_ids if note_ids.count(n) > 1}):
        problems.append(Problem(f"notes.{name}", "the id twice", "each note id once"))
    used: dict[str, int] = {}
    for condition in [d.condition for d in definitions] + [c.condition for c in criteria] + [n.condition for n in notes]:
        for choice in choices_in(condition):
            used[choice.reading] = used.get(choice.reading, 0) + 1
    criterion_ids = {c.id for c in content.criteria}
    for determination in content.determinations:
        defaults = [o for o in determination.outcomes if not o.criteria]
        if len(defaults) != 1 or determination.outcomes[-1].criteria:
            problems.append(Problem(f"determinations.{determination.id}.outcomes",
                                    f"{len(defaults)} outcomes without criteria",
                                    "exactly one default outcome (no criteria), placed last"))
        for outcome in determination.outcomes:
            where = f"determinations.{determination.id}.{outcome.id}"
            lists: list[tuple[str, ...]] = [outcome.criteria] if isinstance(outcome.criteria, tuple) else []
            if isinstance(outcome.criteria, CriteriaChoice):
                used[outcome.criteria.reading] = used.get(outcome.criteria.reading, 0) + 1
                _check_options(outcome.criteria.reading, set(outcome.criteria.options), f"{where}.criteria",
                               readings, problems)
                lists = list(outcome.criteria.options.values())
                problems.extend(Problem(f"{where}.criteria.{option}", "no criteria",
                                        "at least one criterion under every option")
                                for option, ids in outcome.criteria.options.items() if not ids)
            for cid in (c for ids in lists for c in ids):
                if cid not in criterion_ids:
                    problems.append(unknown_name(where, cid, sorted(criterion_ids), "a criterion id of this edition"))
    check_readings(content, used, problems)
    result = content.model_copy(update={"definitions": definitions, "criteria": criteria, "notes": notes})
    if not problems:
        _check_cycles(result, problems)
    if problems:
        raise CriteriaError("the criteria file is not valid", problems, source)
    return result


def parse_condition(raw: Any, where: str, names: list[str], problems: list[Problem],
                    readings: dict[str, Reading] | None = None) -> Condition:
    """Parse a condition written as data into a tree, collecting problems instead of stopping at the first.

    ``readings`` are the edition's declared readings, which choices (``{reading, options}``) may name.
    """
    readings = readings or {}
    if not isinstance(raw, dict):
        problems.append(Problem(where, repr(raw)[:60],
                                "a condition: {fact, op, value}, {all}, {any}, {not}, {ref} or {reading, options}"))
        return All(())
    keys = set(raw)
    if keys & {"all", "any"}:
        key = "all" if "all" in raw else "any"
        items = raw[key]
        if not isinstance(items, list) or not items or len(keys) != 1:
            problems.append(Problem(where, repr(raw)[:60], f"{{{key}: [conditions...]}} with at least one condition"))
            return All(())
        parsed = tuple(parse_condition(item, f"{where}.{key}[{i}]", names, problems, readings)
                       for i, item in enumerate(items))
        return All(parsed) if key == "all" else Any_(parsed)
    if "not" in raw:
        if len(keys) != 1:
            problems.append(Problem(where, repr(raw)[:60], "{not: condition} alone"))
        return Not(parse_condition(raw["not"], f"{where}.not", names, problems, readings))
    if "reading" in raw:
        options = raw.get("options")
        if keys != {"reading", "options"} or not isinstance(options, dict) or not options:
            problems.append(Problem(where, repr(raw)[:60], "{reading: id, options: {option: condition, ...}}"))
            return All(())
        _check_options(raw["reading"], set(options), f"{where}.reading", readings, problems)
        return Choice(str(raw["reading"]), tuple(
            (str(option), parse_condition(branch, f"{where}.options.{option}", names, problems, readings))
            for option, branch in options.items()))
    if "ref" in raw:
        if raw["ref"] not in names:
            problems.append(unknown_name(f"{where}.ref", raw["ref"], names, "a definition or criterion id"))
        return Ref(str(raw["ref"]))
    allowed_keys = {"fact", "op", "value", "unknown", "says"}
    extra = keys - allowed_keys
    if extra or not {"fact", "op", "value"} <= keys:
        problems.append(Problem(where, repr(sorted(keys)), "a leaf with keys fact, op, value (and optionally "
                                "unknown, says), or all / any / not / ref"))
        return All(())
    fact, op, value = raw["fact"], raw["op"], raw["value"]
    before = len(problems)
    if fact not in FACT_NAMES:
        problems.append(unknown_name(f"{where}.fact", fact, list(FACT_NAMES), "a fact name (see `scr template`)"))
    if op not in OPS:
        problems.append(unknown_name(f"{where}.op", op, list(OPS), "one of " + ", ".join(OPS)))
    unknown = raw.get("unknown", "unknown")
    if unknown not in ("unknown", "met", "not_met"):
        problems.append(Problem(f"{where}.unknown", repr(unknown), "unknown, met or not_met"))
    if len(problems) == before:
        _check_value(fact, op, value, where, problems)
        op, value = _with_narrower_values(fact, op, value)
    if isinstance(value, list):
        value = tuple(value)
    return Leaf(fact=fact, op=op, value=value, unknown=unknown, says=raw.get("says"))


def _check_options(reading_id: Any, given: set[Any], where: str, readings: dict[str, Reading],
                   problems: list[Problem]) -> None:
    """A choice names a declared reading and gives a branch for each of its options, and no other."""
    reading = readings.get(reading_id) if isinstance(reading_id, str) else None
    if reading is None:
        problems.append(unknown_name(where, str(reading_id), sorted(readings), "a reading declared in readings"))
        return
    expected = set(reading.option_ids)
    for option in sorted(map(str, expected - given)):
        problems.append(Problem(f"{where} ({reading.id})", f"no branch for option {option}",
                                "a branch for every option: " + ", ".join(reading.option_ids)))
    for option in sorted(map(str, given - expected)):
        problems.append(unknown_name(f"{where} ({reading.id})", option, list(reading.option_ids),
                                     "an option of the reading"))


def _with_narrower_values(fact: str, op: str, value: Any) -> tuple[str, Any]:
    """A comparison with a broader value (location outside_england) made to cover its narrower values too
    (in_wales, ...: facts.NARROWER_VALUES), so that no edition misreads a value it was written before."""
    narrower = NARROWER_VALUES.get(fact)
    if not narrower or op not in ("eq", "ne", "in", "not_in"):
        return op, value
    values = list(value) if op in ("in", "not_in") else [value]
    wider = values + [n for v in values for n in narrower.get(v, ()) if n not in values]
    if len(wider) == len(values):
        return op, value
    return {"eq": "in", "ne": "not_in"}.get(op, op), wider


def _check_value(fact: str, op: str, value: Any, where: str, problems: list[Problem]) -> None:
    values = value if op in ("in", "not_in") else [value]
    if op in ("in", "not_in") and (not isinstance(value, list) or not value):
        problems.append(Problem(f"{where}.value", repr(value), f"a non-empty list of values for op {op}"))
        return
    if op in ("lt", "le", "gt", "ge") and fact != "age":
        problems.append(Problem(f"{where}.op", op, "eq, ne, in or not_in: only age is compared by size"))
        return
    allowed = allowed_values(fact)
    for item in values:
        if fact == "age":
            ok = isinstance(item, int) and not isinstance(item, bool)
            expected = "a whole number"
        elif fact in BOOL_FACTS:
            ok = isinstance(item, bool)
            expected = "true or false"
        elif allowed:
            ok = item in allowed
            expected = "one of " + ", ".join(map(str, allowed))
        else:
            ok = False
            expected = "a fact that conditions can test (not dates or the case reference)"
        if not ok:
            problems.append(Problem(f"{where}.value", repr(item), f"{expected} (the values of {fact})"))


def _check_cycles(content: EditionFile, problems: list[Problem]) -> None:
    conditions: dict[str, Condition] = {d.id: d.condition for d in content.definitions}
    conditions.update({c.id: c.condition for c in content.criteria})
    conditions.update({f"notes.{n.id}": n.condition for n in content.notes})

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in trail:
            problems.append(Problem(name, " -> ".join(trail + (name,)), "references without a cycle"))
            return
        for ref in _refs(conditions[name]):
            visit(ref, trail + (name,))

    for name in conditions:
        visit(name, ())


def _refs(condition: Condition) -> list[str]:
    if isinstance(condition, Ref):
        return [condition.name]
    if isinstance(condition, (All, Any_)):
        return [r for item in condition.items for r in _refs(item)]
    if isinstance(condition, Not):
        return _refs(condition.item)
    if isinstance(condition, Choice):  # every branch: a cycle under any reading is refused
        return [r for _, branch in condition.options for r in _refs(branch)]
    return []


def inline(condition: Condition, edition: Edition) -> Condition:
    """The condition with every ``ref`` replaced by what it names (refs are acyclic: checked on load)."""
    target = {d.id: d.condition for d in edition.content.definitions}
    target.update({c.id: c.condition for c in edition.content.criteria})

    def expand(node: Condition) -> Condition | None:
        return rebuild(target[node.name], expand) if isinstance(node, Ref) else None

    return rebuild(condition, expand)
