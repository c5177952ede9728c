"""Reusable Hypothesis strategies for scr-eligibility tests.

Import from a test module as ``from strategies import decision_records`` (pytest puts
the ``tests`` folder on ``sys.path``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

# Text as JSON can carry it: any code point but lone surrogates (which UTF-8 cannot
# encode), including line and paragraph separators and control characters, which
# JSON Lines tools are prone to mishandle.
json_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=20)

# JSON scalars that survive a dump/load round trip exactly (no NaN or infinities).
json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | json_text


def json_values(max_leaves: int = 20) -> st.SearchStrategy[Any]:
    """Arbitrary nested JSON values: objects with string keys, arrays and scalars."""
    return st.recursive(
        json_scalars,
        lambda children: st.lists(children, max_size=4) | st.dictionaries(json_text, children, max_size=4),
        max_leaves=max_leaves,
    )


hex_digests = st.text("0123456789abcdef", min_size=64, max_size=64)

EDITION_IDS = ("lscb-scr-2006", "wt-2015", "wt-2018", "wt-2023")
OUTCOMES = ("scr_required", "scr_not_required", "undetermined")


def made_at_strings() -> st.SearchStrategy[str]:
    """``made_at`` timestamps as the engine writes them: UTC, microseconds, ``Z``."""
    return st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
    ).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))


@st.composite
def decision_records(draw: st.DrawFn) -> dict[str, Any]:
    """Decision records of the documented shape, with arbitrary facts and decision bodies."""
    editions = draw(st.lists(st.sampled_from(EDITION_IDS), min_size=1, max_size=3, unique=True))
    return {
        "record_id": draw(st.uuids(version=4)).hex,
        "schema_version": 1,
        "made_at": draw(made_at_strings()),
        "engine_version": "0.1.0",
        "editions": [
            {"id": e, "version": draw(st.integers(1, 3)), "content_hash": "sha256:" + draw(hex_digests)}
            for e in editions
        ],
        "facts": draw(st.dictionaries(json_text, json_values(8), max_size=4)),
        "facts_hash": "sha256:" + draw(hex_digests),
        "outcomes": {e: draw(st.sampled_from(OUTCOMES)) for e in editions},
        "decision": draw(json_values(10)),
    }


# --------------------------------------------------------------------------- fact sets

from datetime import date, timedelta  # noqa: E402

from scr_eligibility.facts import (  # noqa: E402
    BOOL_FACTS,
    DATE_FACTS,
    FACT_NAMES,
    INT_FACTS,
    TEXT_FACTS,
    allowed_values,
)

_ENUM_FACTS = tuple(n for n in FACT_NAMES if n not in BOOL_FACTS and n not in DATE_FACTS
                    and n not in INT_FACTS and n not in TEXT_FACTS)


def _maybe(strategy: st.SearchStrategy[Any], unknown: float = 0.3) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy) if unknown else strategy


_FIRST_EDITION = {"wales": date(2016, 4, 6), "scotland": date(2021, 9, 1), "northern_ireland": date(2012, 9, 18)}


@st.composite
def fact_sets(draw: st.DrawFn, dated: bool = False) -> dict[str, Any]:
    """Valid rapid-review fact sets with unknowns (None), free of the contradictions the model refuses.

    ``dated`` adds incident and awareness dates (so the editions in force are chosen by date).
    """
    facts: dict[str, Any] = {}
    for name in BOOL_FACTS:
        facts[name] = draw(st.none() | st.booleans())
    for name in _ENUM_FACTS:
        facts[name] = draw(st.none() | st.sampled_from(allowed_values(name)))
    facts["age"] = draw(st.none() | st.integers(0, 25))
    if facts["outcome"] == "neither":
        facts["custody"] = draw(st.sampled_from([None, "none"]))
        facts["custody_setting"] = draw(st.sampled_from([None, "other"]))
    if facts["sexual_abuse"] is True and facts["abuse_or_neglect"] == "not_known_or_suspected":
        facts["abuse_or_neglect"] = draw(st.sampled_from([None, "known", "suspected"]))
    _consistent(draw, facts)
    if dated:
        # A body in Wales, Scotland or Northern Ireland has editions only from its nation's first one.
        first = _FIRST_EDITION.get(facts.get("deciding_nation"), date(2006, 4, 1))
        incident = draw(st.dates(first, date(2026, 1, 1)))
        facts["incident_date"] = incident
        facts["awareness_date"] = incident + timedelta(days=draw(st.integers(0, 30)))
        if facts["abuse_or_neglect"] != "not_known_or_suspected" and draw(st.booleans()):
            facts["abuse_or_neglect_awareness_date"] = facts["awareness_date"] + timedelta(days=draw(st.integers(0, 30)))
        if draw(st.booleans()):
            latest = facts.get("abuse_or_neglect_awareness_date") or facts["awareness_date"]
            facts["notification_date"] = latest + timedelta(days=draw(st.integers(0, 10)))
    facts["case_reference"] = draw(st.none() | st.from_regex(r"[A-Z]{2}-[0-9]{1,5}", fullmatch=True))
    facts["deciding_authority"] = draw(st.none() | st.sampled_from(["Leeds City Council", "Cardiff Council"]))
    return facts


#: Settings that are youth detention accommodation only: they need custody, and are no local authority's.
_YOUTH_DETENTION_ONLY = ("young_offender_institution", "secure_training_centre")


def _consistent(draw: st.DrawFn, facts: dict[str, Any]) -> None:
    """Remove the contradictions of facts.fact_checks from drawn facts (each fix keeps the earlier fact)."""
    age = facts["age"]
    facts["age_months"] = draw(st.none() | st.integers(age * 12, age * 12 + 11)) if age is not None and age < 3 \
        else None
    if facts["outcome"] == "neither":
        for name in ("life_threatening_injury", "serious_permanent_impairment"):
            if facts[name] is True:
                facts[name] = draw(st.sampled_from([None, False]))
        facts["remanded_to"] = facts["death_location"] = None
    if facts["outcome"] == "seriously_harmed":
        facts["death_location"] = None
    if facts["care_leaver"] is True and ((age is not None and age < 16) or facts["looked_after"] is True):
        facts["care_leaver"] = draw(st.sampled_from([None, False]))
    if facts["custody"] == "none" and facts["custody_setting"] in _YOUTH_DETENTION_ONLY:
        facts["custody_setting"] = draw(st.sampled_from([None, "secure_childrens_home", "other"]))
    if facts["remanded_to"] is not None and facts["custody"] not in (None, "on_remand"):
        facts["remanded_to"] = None
    if facts["remanded_to"] == "local_authority_accommodation" and facts["custody_setting"] in _YOUTH_DETENTION_ONLY:
        facts["remanded_to"] = "youth_detention_accommodation"
    if facts["remanded_to"] is not None and facts["looked_after"] is False:
        facts["looked_after"] = draw(st.sampled_from([None, True]))
        if facts["looked_after"] and facts["care_leaver"]:
            facts["care_leaver"] = False
    if facts["looked_after"] is False and facts["care_leaver"] is False:
        facts["responsible_authority"] = None
    # After the remand correction, which can make the child looked after.
    if facts["looked_after"] is True and facts["child_or_sibling_looked_after"] is False and (
            facts["responsible_authority"] == "an_authority_in_northern_ireland" or (
                facts["responsible_authority"] == "this_authority" and facts["deciding_nation"] == "northern_ireland")):
        facts["child_or_sibling_looked_after"] = draw(st.sampled_from([None, True]))
    if facts["normally_resident"] is True:
        facts["normally_resident_in"] = draw(st.sampled_from([None, "in_area"]))
    elif facts["normally_resident"] is False and facts["normally_resident_in"] == "in_area":
        facts["normally_resident_in"] = None


def rule_expressions(max_leaves: int = 40) -> st.SearchStrategy[dict[str, Any]]:
    """durable_rules ``m`` expressions of the shapes the compiler writes: equality and ``$neq`` leaves on a few
    facts, nested in ``$and`` / ``$or`` groups of two to four items."""
    leaf = st.builds(lambda fact, value, negated: {"$neq": {fact: value}} if negated else {fact: value},
                     st.sampled_from(["a", "b", "c", "d", "e"]), st.integers(0, 2), st.booleans())
    return st.recursive(leaf, lambda items: st.builds(lambda op, xs: {op: xs}, st.sampled_from(["$and", "$or"]),
                                                      st.lists(items, min_size=2, max_size=4)),
                        max_leaves=max_leaves)
