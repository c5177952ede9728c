"""Golden case suites: a case, and what each edition of the rules is expected to decide about it.

A suite case is one YAML (or JSON) file::

    name: "Short description of the case"
    as_of: 2019-01-10            # optional; else editions chosen from the facts' dates
    editions: [wt2018]            # optional explicit editions (ids); omit to use the rules in force
    readings: {lscb-discretionary-list: seed}   # optional: options of declared readings (else the defaults)
    facts: { ...fact set... }
    expect:
      lscb-scr-2006:              # edition id
        outcome: scr_required      # the edition's MAIN determination outcome (or 'undetermined')
        determinations: {notifiable_incident: notify_ofsted_and_lscb}   # optional, other determinations
        criteria: {M1: met, M2: not_met}                               # optional, criterion statuses
        possible: [scr_required, not_met]                              # optional, when undetermined
        duties: {notify_ofsted_and_lscb: 2024-12-31}                   # optional: duty id -> due date
        owed_by: {looked_after_death_notification: "looked after the child"}   # optional: who owes it
        next_steps: {looked_after_death_notification: "make sure"}  # optional: a next step's action says this
        started: {notify_ofsted_and_lscb: awareness_date}            # optional: the fact whose date started it
      wt2018: {outcome: notify_panel}

What is checked (by :func:`compare`):

* ``expect`` names exactly the editions applied: an edition applied but not expected, or expected but not
  applied, is a difference (so a case checks which rules were in force, not only what they say).
* ``outcome``: the outcome of the edition's main (first) determination.
* ``determinations``, ``criteria``: only those listed are checked.
* ``possible``: the outcomes still open for the main determination, in any order (empty when decided).
* ``duties``: each listed duty must be due on that date (``null``: due with no date computed); duties are
  those of every determination of the edition. Duties not listed are not checked.
* ``owed_by``: determination id -> words the determination's owner text (``owed_by``, set when the duty is
  another body's) must contain, case-insensitive; ``null``: the determination names no other owner.
* ``next_steps``: determination id -> words one of its next steps' actions must contain (case-insensitive).
* ``started``: duty id -> the fact whose date started its clock (``awareness_date`` when the engine names
  none, as when the awareness date plainly started it); the duty must have arisen.

:func:`load_suite_case` reads and validates a file, names against the shipped editions included, and raises
:class:`~scr_eligibility.errors.InputError` naming every problem.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from ..criteria.catalogue import get_edition
from ..criteria.model import Edition
from ..errors import EditionNotFound, InputError, Problem, unknown_name
from ..facts import parse_facts
from ..dates import DATE_FORMATS, try_parse_date
from ..parsing import load_data
from .decision import UNDETERMINED, Decision, EditionResult

__all__ = ["EXPECT_KEYS", "SUITE_KEYS", "CaseResult", "compare", "load_suite_case", "normalise_expect", "run_case",
           "run_suite", "suite_files"]

SUITE_KEYS = ("name", "as_of", "editions", "readings", "facts", "expect")
EXPECT_KEYS = ("outcome", "determinations", "criteria", "possible", "duties", "owed_by", "next_steps", "started")
_STATUSES = ("met", "not_met", "unknown")
#: What a check returns for a value it refused (and named in a problem).
_REFUSED = object()

Expect = dict[str, dict[str, Any]]


def load_suite_case(path: str | Path, *, with_readings: bool = False) -> Any:
    """Read one suite case file: ``(name, facts, as_of, editions, expect)``, or raise :class:`InputError`.

    ``with_readings``: also the options of declared readings the case applies (its ``readings``, a mapping of
    reading id to option, checked when the case is evaluated), as a sixth item.
    """
    data, source = load_data(path)
    if not isinstance(data, dict):
        raise InputError("a suite case must be a mapping", [Problem(
            source, type(data).__name__, "a mapping with " + ", ".join(SUITE_KEYS))], source)
    problems: list[Problem] = []
    for key in data:
        if key not in SUITE_KEYS:
            problems.append(unknown_name(str(key), str(key), list(SUITE_KEYS), "one of " + ", ".join(SUITE_KEYS)))
    for key in ("name", "facts", "expect"):
        if key not in data:
            problems.append(Problem(key, "nothing", {"name": "a short description of the case (name is required)",
                                                     "facts": "the case's facts (facts is required)",
                                                     "expect": "the expected outcome per edition (expect is required)"}[key]))
    name = data.get("name")
    if "name" in data and (not isinstance(name, str) or not name.strip()):
        problems.append(Problem("name", repr(name)[:60], "a short description of the case"))
    as_of = _date(data.get("as_of"), "as_of", problems)
    editions = _editions(data.get("editions"), problems) if "editions" in data else None
    if "facts" in data and not isinstance(data["facts"], dict):
        problems.append(Problem("facts", type(data["facts"]).__name__, "a mapping of fact names to values"))
    expect: Expect = {}
    if "expect" in data:
        try:
            expect = normalise_expect(data["expect"])
        except InputError as error:
            problems.extend(error.problems)
        if editions is not None:
            for edition_id in expect:
                if edition_id not in editions:
                    problems.append(Problem(f"expect.{edition_id}", edition_id, "one of the editions named in "
                                            "editions: " + ", ".join(editions)))
    readings = data.get("readings")
    if readings is not None and (not isinstance(readings, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in readings.items())):
        problems.append(Problem("readings", repr(readings)[:60], "a mapping of reading ids to options, such as "
                                "{lscb-discretionary-list: seed} (`scr criteria` lists them)"))
    if problems:
        raise InputError("the suite case is not valid", problems, source)
    facts = parse_facts(data["facts"], source)
    if with_readings:
        return str(name), facts, as_of, editions, expect, dict(readings or {})
    return str(name), facts, as_of, editions, expect


def normalise_expect(raw: Any) -> Expect:
    """Check an ``expect`` mapping against the shipped editions and return it with dates parsed.

    Raises :class:`InputError` naming every problem: unknown editions, keys, criterion, determination,
    outcome and duty ids (with the nearest name), statuses other than met / not_met / unknown, bad dates.
    """
    problems: list[Problem] = []
    result: Expect = {}
    if not isinstance(raw, dict) or not raw:
        raise InputError("the expectations are not valid", [Problem(
            "expect", repr(raw)[:60], "a mapping of edition ids to what each edition decides")])
    for edition_id, entry in raw.items():
        where = f"expect.{edition_id}"
        try:
            edition = get_edition(str(edition_id))
        except EditionNotFound as error:
            problems.extend(Problem(where, p.found, p.expected, p.suggestion) for p in error.problems)
            continue
        if not isinstance(entry, dict):
            problems.append(Problem(where, repr(entry)[:60], "a mapping with outcome (and optionally "
                                    + ", ".join(EXPECT_KEYS[1:]) + ")"))
            continue
        result[str(edition_id)] = _expectation(edition, entry, where, problems)
    if problems:
        raise InputError("the expectations are not valid", problems)
    return result


def _expectation(edition: Edition, entry: dict[str, Any], where: str, problems: list[Problem]) -> dict[str, Any]:
    content = edition.content
    determinations = {d.id: d for d in content.determinations}
    primary = content.determinations[0]
    criteria = [c.id for c in content.criteria]
    duties = sorted({duty.id for d in content.determinations for o in d.outcomes for duty in o.duties})
    out: dict[str, Any] = {}
    for key in entry:
        if key not in EXPECT_KEYS:
            problems.append(unknown_name(f"{where}.{key}", str(key), list(EXPECT_KEYS),
                                          "one of " + ", ".join(EXPECT_KEYS)))
    if "outcome" not in entry:
        problems.append(Problem(f"{where}.outcome", "nothing", f"the outcome of {primary.id} (it is required)"))
    else:
        out["outcome"] = _outcome(entry["outcome"], primary, f"{where}.outcome", problems)
    def words(kind: str, none_allowed: bool = False) -> Any:
        def check(_name: str, raw: Any, location: str) -> Any:
            if (raw is None and none_allowed) or (isinstance(raw, str) and raw.strip()):
                return raw
            problems.append(Problem(location, repr(raw)[:60], kind))
            return _REFUSED
        return check

    def status(_name: str, raw: Any, location: str) -> Any:
        if raw in _STATUSES:
            return raw
        problems.append(Problem(location, repr(raw), "met, not_met or unknown"))
        return _REFUSED

    # Each key maps names (of determinations, criteria or duties of this edition) to what is expected of them.
    checks = {
        "determinations": (list(determinations), "a determination of",
                           lambda name, raw, location: _outcome(raw, determinations[name], location, problems)),
        "criteria": (criteria, "a criterion of", status),
        "duties": (duties, "a duty of", lambda _name, raw, location: _date(raw, location, problems)),
        "owed_by": (list(determinations), "a determination of",
                    words("words the owner must contain, or null for no other owner", none_allowed=True)),
        "next_steps": (list(determinations), "a determination of", words("words of a next step")),
        "started": (duties, "a duty of", words("a fact name")),
    }
    for key, (names, what, check) in checks.items():
        if key in entry:
            out[key] = {}
            for name, raw in _mapping(entry[key], f"{where}.{key}", problems).items():
                location = f"{where}.{key}.{name}"
                if name not in names:
                    problems.append(unknown_name(location, name, names, f"{what} {edition.id}"))
                elif (value := check(name, raw, location)) is not _REFUSED:
                    out[key][name] = value
    if "possible" in entry:
        possible = entry["possible"]
        if not isinstance(possible, list):
            problems.append(Problem(f"{where}.possible", repr(possible)[:60],
                                    "a list of outcome ids ([] when the outcome is decided)"))
        else:
            out["possible"] = [_outcome(o, primary, f"{where}.possible", problems, undetermined=False)
                               for o in possible]
    return out


def _mapping(value: Any, where: str, problems: list[Problem]) -> dict[str, Any]:
    if not isinstance(value, dict):
        problems.append(Problem(where, repr(value)[:60], "a mapping"))
        return {}
    return {str(k): v for k, v in value.items()}


def _outcome(value: Any, determination: Any, where: str, problems: list[Problem], undetermined: bool = True) -> str:
    ids = [o.id for o in determination.outcomes] + ([UNDETERMINED] if undetermined else [])
    if determination.replaced is not None:  # the outcome the engine gives once another law replaced it
        ids.append(determination.replaced.outcome)
    if value not in ids:
        problems.append(unknown_name(where, str(value), ids, f"an outcome of {determination.id}: " + ", ".join(ids)))
    return str(value)


def _date(value: Any, where: str, problems: list[Problem]) -> _dt.date | None:
    if value is None:
        return None
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value
    if isinstance(value, str):
        parsed = try_parse_date(value)
        if parsed is not None:
            return parsed
    problems.append(Problem(where, repr(value)[:60], DATE_FORMATS))
    return None


def _editions(value: Any, problems: list[Problem]) -> tuple[str, ...] | None:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        problems.append(Problem("editions", repr(value)[:60], "a list of edition ids, such as [wt2018]"))
        return None
    for edition_id in value:
        try:
            get_edition(edition_id)
        except EditionNotFound as error:
            problems.extend(Problem("editions", p.found, p.expected, p.suggestion) for p in error.problems)
    return tuple(value)


def compare(decision: Decision, expect: Expect) -> list[str]:
    """Every difference between ``decision`` and ``expect``, one line each; an empty list when they agree."""
    expect = normalise_expect(expect)
    applied = {result.edition: result for result in decision.editions}
    differences = [
        f"{edition_id}: expected, but not applied (applied: {', '.join(applied) or 'none'}; {decision.editions_applied})"
        for edition_id in expect if edition_id not in applied]
    differences += [f"{edition_id}: applied ({result.primary.outcome}), but the case expects nothing of it"
                    for edition_id, result in applied.items() if edition_id not in expect]
    for edition_id, wanted in expect.items():
        if edition_id in applied:
            differences += [f"{edition_id}: {d}" for d in _compare_edition(applied[edition_id], wanted)]
    return differences


def _compare_edition(result: EditionResult, wanted: dict[str, Any]) -> list[str]:
    differences: list[str] = []
    primary = result.primary
    if primary.outcome != wanted["outcome"]:
        differences.append(f"outcome ({primary.id}): expected {wanted['outcome']}, got {primary.outcome}")
    determinations = {d.id: d for d in result.determinations}
    for did, outcome in wanted.get("determinations", {}).items():
        got = determinations[did].outcome if did in determinations else "nothing (no such determination)"
        if got != outcome:
            differences.append(f"determination {did}: expected {outcome}, got {got}")
    statuses = {c.id: c.status for c in result.criteria}
    for cid, status in wanted.get("criteria", {}).items():
        got = statuses.get(cid, "nothing (no such criterion)")
        if got != status:
            differences.append(f"criterion {cid}: expected {status}, got {got}")
    if "possible" in wanted:
        got_possible = [p.outcome for p in primary.possible]
        if sorted(got_possible) != sorted(wanted["possible"]):
            differences.append(f"possible outcomes ({primary.id}): expected {sorted(wanted['possible'])}, "
                               f"got {got_possible or 'none (decided: ' + primary.outcome + ')'}")
    due: dict[str, _dt.date | None] = {}
    for determination in result.determinations:
        for duty in determination.duties:
            due.setdefault(duty.id, duty.due)
    for duty_id, date in wanted.get("duties", {}).items():
        if duty_id not in due:
            differences.append(f"duty {duty_id}: expected due {_show(date)}, but no such duty arose "
                               f"(duties: {', '.join(due) or 'none'})")
        elif due[duty_id] != date:
            differences.append(f"duty {duty_id}: expected due {_show(date)}, got {_show(due[duty_id])}")
    for did, words in wanted.get("owed_by", {}).items():
        owner = determinations[did].owed_by if did in determinations else None
        if words is None and owner is not None:
            differences.append(f"owed_by {did}: expected no other owner, got {owner!r}")
        elif words is not None and words.lower() not in (owner or "").lower():
            differences.append(f"owed_by {did}: expected an owner naming {words!r}, got {owner!r}")
    for did, words in wanted.get("next_steps", {}).items():
        actions = [step.action for step in determinations[did].next_steps] if did in determinations else []
        if not any(words.lower() in action.lower() for action in actions):
            differences.append(f"next_steps {did}: expected a step saying {words!r}, got {actions or 'none'}")
    started: dict[str, str] = {}
    for determination in result.determinations:
        for duty in determination.duties:
            started.setdefault(duty.id, duty.started.fact if duty.started else "awareness_date")
    for duty_id, fact in wanted.get("started", {}).items():
        if started.get(duty_id) != fact:
            differences.append(f"duty {duty_id}: expected its clock started by {fact}, got "
                               f"{started.get(duty_id, 'no such duty')}")
    return differences


def _show(date: _dt.date | None) -> str:
    return date.isoformat() if date else "null (no date)"


class CaseResult:
    """The result of running one suite case: passed, or the differences, or the error reading it."""

    __slots__ = ("differences", "error", "name", "path")

    def __init__(self, path: str, name: str | None, differences: list[str], error: str | None = None):
        self.path = path
        self.name = name
        self.differences = differences
        self.error = error

    @property
    def passed(self) -> bool:
        return self.error is None and not self.differences


def run_case(path: str | Path) -> CaseResult:
    """Load one suite case, evaluate it through the engine and compare it with what it expects."""
    from ..errors import ScrError
    from .evaluation import evaluate

    try:
        name, facts, as_of, editions, expect, readings = load_suite_case(path, with_readings=True)
        decision = evaluate(facts, as_of=as_of, editions=editions, readings=readings or None)
    except ScrError as error:
        return CaseResult(str(path), None, [], str(error))
    return CaseResult(str(path), name, compare(decision, expect))


def suite_files(folder: str | Path) -> list[Path]:
    """The suite case files in ``folder`` and its subfolders (.yaml, .yml, .json), sorted."""
    root = Path(folder)
    # A broken link named like a case file is kept (run_case reports it as an error): skipping it
    # silently would let a suite pass with a case missing.
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in (".yaml", ".yml", ".json")
                  and (p.is_file() or (p.is_symlink() and not p.exists())))


def run_suite(folder: str | Path) -> list[CaseResult]:
    """Run every suite case in ``folder``."""
    return [run_case(path) for path in suite_files(folder)]
