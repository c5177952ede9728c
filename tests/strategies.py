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

from scr_eligibility.facts import BOOL_FACTS, DATE_FACTS, FACT_NAMES, allowed_values  # noqa: E402

_ENUM_FACTS = tuple(n for n in FACT_NAMES if n not in BOOL_FACTS and n not in DATE_FACTS
                    and n not in ("age", "case_reference"))


def _maybe(strategy: st.SearchStrategy[Any], unknown: float = 0.3) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy) if unknown else strategy


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
    if dated:
        incident = draw(st.dates(date(2006, 4, 1), date(2026, 1, 1)))
        facts["incident_date"] = incident
        facts["awareness_date"] = incident + timedelta(days=draw(st.integers(0, 30)))
    facts["case_reference"] = draw(st.none() | st.from_regex(r"[A-Z]{2}-[0-9]{1,5}", fullmatch=True))
    return facts
