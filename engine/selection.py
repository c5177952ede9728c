"""Which editions of the rules apply to a case, and why: named ones, or those in force on the date that decides.

Each nation has its own review rules. The deciding body's nation (``deciding_nation``, England when not given)
applies; a case that crosses a border (the child died, was harmed or lived in another nation, or another
nation's authority looked after the child) also has that nation's editions, each chosen by the same date.
Wales's, Scotland's and Northern Ireland's editions are written to be read from outside too (their conditions
name the deciding nation). England's are written from an English authority's place only, so for a body
elsewhere the English authority's duty is said by a note of the deciding nation's edition instead.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import Any

from ..criteria.catalogue import current_editions, editions_in_force, get_edition, latest_editions
from ..criteria.model import Edition
from ..dates import DATE_FORMATS, parse_date, today
from ..errors import EditionNotFound, InputError, Problem
from ..facts import Facts


def select_editions(
    facts: Facts,
    as_of: _dt.date | None = None,
    editions: Iterable[str | Edition] | None = None,
) -> tuple[tuple[Edition, ...], str, _dt.date | None]:
    """The editions to apply and why: explicit ones, else those in force on the date that decides."""
    as_of = _as_of_date(as_of)
    if editions is not None:
        if isinstance(editions, (str, Edition)):  # one edition named on its own, not a list of them
            editions = [editions]
        chosen = tuple(_named_edition(e) for e in editions)
        if not chosen:
            raise EditionNotFound("no edition was named", [Problem("edition", "nothing", "an edition id")])
        why = "editions named by the caller: " + ", ".join(e.ref for e in chosen)
        if as_of is not None:
            outside = [e.ref for e in chosen if not e.in_force_on(as_of)]
            why += f" (as of {as_of.isoformat()}" + (
                f"; note: {', '.join(outside)} {'was' if len(outside) == 1 else 'were'} not in force on that date)"
                if outside else ")")
        return chosen, why, as_of
    if as_of is not None:
        day, why = as_of, f"the rules in force on {as_of.isoformat()} (the date given)"
    elif facts.awareness_date is not None:
        day, why = facts.awareness_date, (
            f"the rules in force on {facts.awareness_date.isoformat()}, the date the authority became aware")
    elif facts.incident_date is not None:
        day, why = facts.incident_date, (
            f"the rules in force on {facts.incident_date.isoformat()}, the incident date (no awareness date given)")
    else:
        nations = nations_of(facts)
        chosen = tuple(e for nation in nations for e in current_editions((nation,)))
        return chosen, "no date was given, so the current edition was applied: " + ", ".join(
            e.ref for e in chosen) + _nations_note(facts, nations, None), None
    nations = nations_of(facts)
    chosen = tuple(e for nation in nations for e in editions_in_force(day, (nation,)))
    if not chosen:
        raise EditionNotFound("no edition of the rules was in force on that date", [Problem(
            "date", day.isoformat(), _earliest_words(nations[0]))])
    return chosen, why + _nations_note(facts, nations, day), day


#: The nation a place or an authority is in (places are relative to the deciding body: in_area is its nation).
_PLACE_NATION = {"in_wales": "wales", "in_scotland": "scotland", "in_northern_ireland": "northern_ireland"}
_NATION_NAMES = {"england": "England", "wales": "Wales", "scotland": "Scotland", "northern_ireland": "Northern Ireland"}
#: The facts that place a case in a nation. Which authority looked after the child (responsible_authority) is
#: not one: no nation's criteria turn on it, so it would bring in editions that cannot answer.
_WHY_CROSSES = {"location": "the death or harm happened there", "death_location": "the child died there",
                "normally_resident_in": "the child normally lived there"}


#: The facts whose answers can bring in another nation's editions (the interview asks them for that too).
NATION_FACTS: tuple[str, ...] = tuple(_WHY_CROSSES)


def nations_of(facts: Facts) -> tuple[str, ...]:
    """The nations whose rules apply: the deciding body's (England when unknown) first, then those crossed into.

    England is never added for a body elsewhere: its editions read places from an English authority's area.
    """
    deciding = facts.deciding_nation or "england"
    crossed = [nation for _, nation in _crossings(facts) if nation != deciding]
    return (deciding, *dict.fromkeys(crossed))


def _crossings(facts: Facts) -> list[tuple[str, str]]:
    """(fact, nation) for each fact that places the case in another nation of the United Kingdom."""
    out = []
    for name in _WHY_CROSSES:
        nation = _PLACE_NATION.get(getattr(facts, name) or "")
        if nation is not None:
            out.append((name, nation))
    return out


def _earliest_words(nation: str) -> str:
    if nation == "england":
        return "a date from 1 April 2006 (the earliest edition this tool holds)"
    first = min(e.content.in_force.from_ for e in latest_editions() if e.content.nation == nation)
    return (f"a date from {first.day} {first:%B %Y} "
            f"(the earliest edition of {_NATION_NAMES[nation]}'s rules this tool holds)")


def _nations_note(facts: Facts, nations: tuple[str, ...], day: _dt.date | None) -> str:
    """Which nations' rules were applied and why, said only when that is not simply England's.

    A case of an English body that crosses no border reads as it always did (England's editions alone).
    """
    if nations == ("england",) and facts.deciding_nation in (None, "england"):
        return ""
    deciding = nations[0]
    own = (f"the rules of {_NATION_NAMES[deciding]}, the deciding body's nation" if facts.deciding_nation
           else "the rules of England (the deciding body's nation was not given, so England's rules are applied)")
    others = []
    for nation in nations[1:]:
        reasons = [_WHY_CROSSES[name] for name, n in _crossings(facts) if n == nation]
        held = "" if day is None or editions_in_force(day, (nation,)) else (
            ", though this tool holds no edition of them in force on that date")
        others.append(f"the rules of {_NATION_NAMES[nation]} ({'; '.join(dict.fromkeys(reasons))}){held}")
    return "; " + own + ("; and " + "; and ".join(others) if others else "")


def _as_of_date(value: Any) -> _dt.date | None:
    """``as_of`` as a date: a date, an ISO string, or None; a time, another type or a future date is refused."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = parse_date(value)
        except ValueError:
            raise InputError("as_of is not a date", [Problem("as_of", repr(value)[:60], DATE_FORMATS)]) from None
    if isinstance(value, _dt.datetime) or not isinstance(value, _dt.date):
        raise InputError("as_of is not a date", [Problem("as_of", repr(value)[:60], "a date (without a time)")])
    if value > today():
        raise InputError("the rules in force after today are not known", [Problem(
            "as_of", value.isoformat(), f"a date not after today ({today().isoformat()})",
            "leave it out to apply the editions in force now")])
    return value


def _named_edition(value: Any) -> Edition:
    if isinstance(value, Edition):
        return value
    if not isinstance(value, str):
        raise EditionNotFound("an edition must be named by its id", [Problem(
            "edition", repr(value)[:60], "an edition id such as wt2023 or wt2023@1")])
    return get_edition(value)
