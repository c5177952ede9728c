"""Which editions of the rules apply to a case, and why: named ones, or those in force on the date that decides."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from typing import Any

from ..criteria.catalogue import current_editions, editions_in_force, get_edition
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
        chosen = current_editions()
        return chosen, "no date was given, so the current edition was applied: " + ", ".join(
            e.ref for e in chosen), None
    chosen = editions_in_force(day)
    if not chosen:
        raise EditionNotFound("no edition of the rules was in force on that date", [Problem(
            "date", day.isoformat(), "a date from 1 April 2006 (the earliest edition this tool holds)")])
    return chosen, why, day


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
