"""Working days and the deadlines of the duties that follow a serious child safeguarding case.

The duties the guidance creates run from the date the local authority (or, under
Working Together 2015, the LSCB) became aware of the case, or from the date of
notification. An edition states each deadline declaratively as a :class:`DeadlineRule`
(``count``, ``unit``, ``from``); this module turns a start date and a rule into a due
date and into plain words.

Counting rule
-------------
* ``working_days``: the start date (the date of becoming aware, or of notification) is
  **day 0** and is never counted, whatever day of the week it is. The deadline is the
  Nth working day *after* it. A working day is a Monday to Friday that is not a bank
  holiday of England and Wales. Example: aware Friday 20 Dec 2024, 5 working days:
  Mon 23 = 1, Tue 24 = 2, Wed 25 and Thu 26 are bank holidays, Fri 27 = 3, Mon 30 = 4,
  Tue 31 = 5, so the duty is due on Tuesday 31 December 2024. 0 working days is the
  start date itself.
* ``days`` (calendar days): plain addition, start + N days. Weekends and bank holidays
  are counted and a due date falling on one is not moved.
* ``months``: the same day of the month N months later; if that month is shorter, the
  last day of that month (31 January + 1 month = 28 February, or 29 in a leap year).

Bank holidays
-------------
The bank holidays come from the maintained ``holidays`` package, never from a list
kept here: the package's United Kingdom calendar, subdivision ``ENG``. England and Wales share
one list of bank holidays (Banking and Financial Dealings Act 1971, Sch 1 para 1, plus
days appointed by proclamation); the package's ``ENG`` and ``WLS`` subdivisions give
identical lists, and ``ENG`` names the jurisdiction this engine is about. The bare
``"GB"`` country (no subdivision) must NOT be used: it gives only the holidays common
to all four nations, so it omits Easter Monday and the late summer bank holiday. The
``ENG`` list includes substitute days ("Christmas Day (observed)") and one-off days
such as the royal wedding (29 Apr 2011), the Queen's state funeral (19 Sep 2022) and
the coronation (8 May 2023).

The package answers for the years ``holidays.GB.start_year`` to ``holidays.GB.end_year``
(1872 to 2100 in version 0.109); a date outside them is an :class:`InputError`. For
years after the package's release the list is projected from the regular rules, so a
one-off bank holiday proclaimed later is only known once the package is upgraded;
:data:`CALENDAR_SOURCE` records the version used so that a decision can say which
calendar it relied on.

All functions are pure and thread-safe; the only shared state is an ``lru_cache`` of
each year's (immutable) holiday map.
"""

from __future__ import annotations

import calendar
import importlib
import importlib.util
import sys
import types
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import TypeAlias

import holidays

from ..criteria.model import Deadline
from ..errors import InputError, Problem

__all__ = [
    "CALENDAR_SOURCE",
    "FIRST_YEAR",
    "LAST_YEAR",
    "DeadlineRule",
    "add_working_days",
    "bank_holidays",
    "calendar_source",
    "describe",
    "due_date",
    "is_working_day",
    "skipped_days",
]

_SUBDIV = "ENG"
#: Each nation's subdivision of the package's United Kingdom calendar. Wales (WLS) has England's bank holidays;
#: Scotland (SCT) has 2 January, St Andrew's Day and an August holiday on the first Monday and not Easter Monday;
#: Northern Ireland (NIR) adds St Patrick's Day and 12 July. An edition counts on its own nation's list
#: (criteria/model.py Deadline.calendar); England's editions on ENG, as always.
_SUBDIVS: dict[str, str] = {"england": "ENG", "wales": "WLS", "scotland": "SCT", "northern_ireland": "NIR"}
_NATION_WORDS: dict[str, str] = {"england": "England and Wales", "wales": "Wales", "scotland": "Scotland",
                                 "northern_ireland": "Northern Ireland"}

CALENDAR_SOURCE: str = (
    f"holidays {holidays.__version__}, GB subdivision {_SUBDIV} (England and Wales bank holidays)"
)


def calendar_source(nation: str = "england") -> str:
    """The calendar a nation's deadlines are counted on, with the package version (as CALENDAR_SOURCE for England)."""
    if nation == "england":
        return CALENDAR_SOURCE
    return f"holidays {holidays.__version__}, GB subdivision {_subdiv(nation)} ({_NATION_WORDS[nation]} bank holidays)"


def _subdiv(nation: str) -> str:
    try:
        return _SUBDIVS[nation]
    except KeyError:
        raise InputError("no bank holiday calendar for that nation", [Problem(
            "nation", repr(nation)[:60], "one of " + ", ".join(_SUBDIVS))]) from None



def _united_kingdom() -> type[holidays.HolidayBase]:
    """The holidays package's United Kingdom calendar, without importing its 250 other countries.

    ``holidays.countries`` imports every country when first imported (about 150 ms, at every start
    of `scr check`). While the United Kingdom's module is imported, a bare package object stands in
    for ``holidays.countries``, so only that one file loads; the real package loads normally later
    if anything else asks for it, and reuses the module already loaded.
    """
    name = "holidays.countries"
    if name in sys.modules:
        from holidays.countries.united_kingdom import UnitedKingdom

        return UnitedKingdom
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations is not None
    stand_in = types.ModuleType(name)
    stand_in.__path__ = list(spec.submodule_search_locations)
    sys.modules[name] = stand_in
    try:
        module = importlib.import_module(name + ".united_kingdom")
    finally:
        del sys.modules[name]
        if getattr(holidays, "countries", None) is stand_in:
            delattr(holidays, "countries")
    return module.UnitedKingdom  # type: ignore[no-any-return]


_CALENDAR = _united_kingdom()

#: The first and last years the holidays package can answer for.
FIRST_YEAR: int = int(_CALENDAR.start_year)
LAST_YEAR: int = int(_CALENDAR.end_year)

_FROM_WORDS = {
    "awareness_date": "the date the local authority became aware",
    "notification_date": "the date of notification",
    "decision_date": "the date of the decision",
}

_UNIT_WORDS = {
    "working_days": ("working day", "working days"),
    "days": ("day", "days"),
    "months": ("month", "months"),
}

_DAY_0 = "day 0 is that date"
# Fixed English names: calendar.day_name follows the process locale.
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WORKING_DAYS_NOTE = "weekends and England and Wales bank holidays are not counted"


def _working_days_note(nation: str) -> str:
    if nation == "england":
        return _WORKING_DAYS_NOTE  # the words every English decision has always shown
    if nation == "wales":
        return "weekends and Wales bank holidays (the same days as England's) are not counted"
    return f"weekends and {_NATION_WORDS[nation]} bank holidays are not counted"


# The declarative form lives with the editions (criteria/model.py); this module only counts.
DeadlineRule: TypeAlias = Deadline


# --------------------------------------------------------------------------- validation


def _check_date(value: object, field: str) -> date:
    """Return ``value`` if it is a plain date in the years the calendar covers, else raise."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InputError(
            f"{field} is not a date",
            [
                Problem(
                    location=field,
                    found=f"{value!r} ({type(value).__name__})",
                    expected="a calendar date without a time of day (datetime.date)",
                )
            ],
        )
    _check_year(value.year, field, value)
    return value


def _check_year(year: int, field: str, value: object | None = None) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        shown = value.isoformat() if isinstance(value, date) else repr(year if value is None else value)
        raise InputError(
            f"{field} is outside the years the bank holiday calendar covers",
            [
                Problem(
                    location=field,
                    found=shown,
                    expected=f"a date in the years {FIRST_YEAR} to {LAST_YEAR} ({CALENDAR_SOURCE})",
                    suggestion="check the date was typed correctly",
                )
            ],
        )


def _check_count(n: object, field: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise InputError(
            f"{field} is not a whole number",
            [Problem(location=field, found=f"{n!r} ({type(n).__name__})", expected="a whole number 0 or more")],
        )
    if n < 0:
        raise InputError(
            f"{field} is negative",
            [Problem(location=field, found=str(n), expected="a whole number 0 or more")],
        )
    return n


# --------------------------------------------------------------------------- calendar


@lru_cache(maxsize=None)
def _holiday_map(year: int, subdiv: str = _SUBDIV) -> Mapping[date, str]:
    """The bank holidays of one subdivision (England and Wales by default) in ``year``, read-only; cached."""
    table = _CALENDAR(subdiv=subdiv, years=year)
    return MappingProxyType({d: str(name) for d, name in sorted(table.items()) if d.year == year})


def bank_holidays(year: int, nation: str = "england") -> dict[date, str]:
    """The bank holidays of England and Wales (or of ``nation``) in ``year``, each with its name.

    Includes substitute days (e.g. "Christmas Day (observed)") and one-off days
    proclaimed for that year. Holidays falling on a weekend (e.g. Christmas Day on a
    Saturday) are listed too. Raises :class:`InputError` for a year the calendar does
    not cover. The returned dict is a fresh copy the caller may change.
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise InputError(
            "year is not a whole number",
            [Problem(location="year", found=repr(year), expected="a year as a whole number")],
        )
    _check_year(year, "year")
    return dict(_holiday_map(year, _subdiv(nation)))


def _holiday_name(d: date, subdiv: str = _SUBDIV) -> str | None:
    return _holiday_map(d.year, subdiv).get(d)


def is_working_day(d: date, nation: str = "england") -> bool:
    """True if ``d`` is Monday to Friday and not a bank holiday (of England and Wales, or of ``nation``)."""
    _check_date(d, "date")
    return d.weekday() < 5 and _holiday_name(d, _subdiv(nation)) is None


def add_working_days(start: date, n: int, *, field: str = "start", nation: str = "england") -> date:
    """The ``n``-th working day after ``start``; ``start`` itself is day 0 and never counted.

    ``add_working_days(start, 0) == start`` even if ``start`` is not a working day.
    ``field`` names the input in any error (e.g. ``"awareness_date"``). Raises
    :class:`InputError` if ``n < 0`` or if ``start`` or the due date falls outside the
    years the bank holiday calendar covers.
    """
    _check_date(start, field)
    _check_count(n, "count")
    subdiv = _subdiv(nation)
    current = start
    remaining = n
    while remaining:
        if current.year == LAST_YEAR and current.month == 12 and current.day == 31:
            raise InputError(
                "the deadline falls after the last year the bank holiday calendar covers",
                [
                    Problem(
                        location=field,
                        found=f"{start.isoformat()} + {n} working days",
                        expected=f"a deadline no later than {LAST_YEAR}-12-31 ({CALENDAR_SOURCE})",
                    )
                ],
            )
        current += timedelta(days=1)
        if current.weekday() < 5 and _holiday_name(current, subdiv) is None:
            remaining -= 1
    return current


def _add_months(start: date, n: int, field: str) -> date:
    month_index = start.year * 12 + (start.month - 1) + n
    year, month = divmod(month_index, 12)
    month += 1
    if year > date.max.year:
        raise InputError(
            "the deadline falls after the last representable date",
            [Problem(location=field, found=f"{start.isoformat()} + {n} months", expected="a deadline before 10000")],
        )
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def due_date(start: date, rule: DeadlineRule) -> date:
    """The date by which a duty governed by ``rule`` must be done, counted from ``start``.

    ``start`` is the date named by ``rule.from_`` (awareness or notification); errors
    name that field. See the module docstring for the counting rule of each unit.
    """
    if not isinstance(rule, Deadline):
        raise InputError(
            "rule is not a DeadlineRule",
            [Problem(location="rule", found=type(rule).__name__, expected="a DeadlineRule")],
        )
    field = rule.from_
    _check_date(start, field)
    if rule.unit == "working_days":
        return add_working_days(start, rule.count, field=field, nation=rule.calendar)
    if rule.unit == "days":
        try:
            return start + timedelta(days=rule.count)
        except OverflowError:
            raise InputError(
                "the deadline falls after the last representable date",
                [
                    Problem(
                        location=field,
                        found=f"{start.isoformat()} + {rule.count} days",
                        expected="a deadline before 10000",
                    )
                ],
            ) from None
    return _add_months(start, rule.count, field)


def describe(rule: DeadlineRule) -> str:
    """The rule in plain words, including how it is counted.

    e.g. "within 5 working days of the date the local authority became aware (day 0 is
    that date; weekends and England and Wales bank holidays are not counted)".
    """
    origin = _FROM_WORDS[rule.from_]
    if rule.count == 0:
        return f"on {origin} ({_DAY_0})"
    singular, plural = _UNIT_WORDS[rule.unit]
    amount = f"{rule.count} {singular if rule.count == 1 else plural}"
    if rule.unit == "working_days":
        how = f"{_DAY_0}; {_working_days_note(rule.calendar)}"
    elif rule.unit == "days":
        how = f"calendar days: {_DAY_0}; weekends and bank holidays are counted"
    else:
        how = (
            "the same day of the month "
            + ("one month" if rule.count == 1 else f"{rule.count} months")
            + " later, or the last day of that month if it has no such day"
        )
    qualifier = f"{rule.qualifier} " if rule.qualifier else ""
    return f"{qualifier}within {amount} of {origin} ({how})"


def skipped_days(start: date, due: date, nation: str = "england") -> list[tuple[date, str]]:
    """The days after ``start`` up to and including ``due`` that are not working days.

    Each comes with a reason for the explanation: the bank holiday's name (e.g.
    "Boxing Day"), "Saturday" or "Sunday", or both for a bank holiday on a weekend
    (e.g. "Saturday, Christmas Day"). ``start`` (day 0) is never included. Raises
    :class:`InputError` if ``due`` is before ``start``.
    """
    _check_date(start, "start")
    _check_date(due, "due")
    if due < start:
        raise InputError(
            "due is before start",
            [
                Problem(
                    location="due",
                    found=due.isoformat(),
                    expected=f"a date on or after start ({start.isoformat()})",
                )
            ],
        )
    out: list[tuple[date, str]] = []
    subdiv = _subdiv(nation)
    current = start + timedelta(days=1)
    while current <= due:
        name = _holiday_name(current, subdiv)
        weekend = current.weekday() >= 5
        if weekend or name is not None:
            parts = [_WEEKDAY_NAMES[current.weekday()]] if weekend else []
            if name is not None:
                parts.append(name)
            out.append((current, ", ".join(parts)))
        current += timedelta(days=1)
    return out
