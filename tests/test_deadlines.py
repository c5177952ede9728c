"""Tests of scr_eligibility.engine.deadlines: working days, bank holidays and duty deadlines.

Expected dates in the worked examples were counted by hand from the published
England and Wales bank holiday lists, not computed with the module under test.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from scr_eligibility.engine.deadlines import (
    CALENDAR_SOURCE,
    FIRST_YEAR,
    LAST_YEAR,
    DeadlineRule,
    add_working_days,
    bank_holidays,
    describe,
    due_date,
    is_working_day,
    skipped_days,
)
from scr_eligibility.errors import InputError

FIVE_WD = DeadlineRule(count=5, unit="working_days")
FIFTEEN_WD = DeadlineRule(count=15, unit="working_days")
ONE_MONTH = DeadlineRule(count=1, unit="months", from_="notification_date")
FOURTEEN_DAYS = DeadlineRule(count=14, unit="days", from_="notification_date")


# --------------------------------------------------------------------------- worked examples


def test_five_working_days_across_christmas_2024():
    """Aware Fri 20 Dec 2024: 23, 24, (25, 26 bank holidays), 27, 30, 31 -> due Tue 31 Dec 2024."""
    assert due_date(date(2024, 12, 20), FIVE_WD) == date(2024, 12, 31)


def test_skipped_days_christmas_2024_names_weekends_and_holidays():
    """The explanation lists each weekend day and each named bank holiday skipped, not day 0."""
    assert skipped_days(date(2024, 12, 20), date(2024, 12, 31)) == [
        (date(2024, 12, 21), "Saturday"),
        (date(2024, 12, 22), "Sunday"),
        (date(2024, 12, 25), "Christmas Day"),
        (date(2024, 12, 26), "Boxing Day"),
        (date(2024, 12, 28), "Saturday"),
        (date(2024, 12, 29), "Sunday"),
    ]


def test_five_working_days_across_easter_2025():
    """Aware Thu 17 Apr 2025: Good Friday 18 and Easter Monday 21 Apr are skipped -> due Mon 28 Apr."""
    assert due_date(date(2025, 4, 17), FIVE_WD) == date(2025, 4, 28)
    assert not is_working_day(date(2025, 4, 18))
    assert not is_working_day(date(2025, 4, 21))
    names = bank_holidays(2025)
    assert names[date(2025, 4, 18)] == "Good Friday"
    assert names[date(2025, 4, 21)] == "Easter Monday"


def test_easter_2025_deadline_ending_just_before_good_friday_unaffected():
    """Aware Wed 9 Apr 2025: 10, 11, 14, 15, 16 -> due Wed 16 Apr; Easter lies after the deadline."""
    assert due_date(date(2025, 4, 9), FIVE_WD) == date(2025, 4, 16)


def test_christmas_2021_on_weekend_uses_substitute_days():
    """25/26 Dec 2021 fell on Sat/Sun; Mon 27 and Tue 28 Dec were substitute bank holidays,
    and Mon 3 Jan 2022 substituted for New Year's Day: aware Fri 24 Dec 2021 -> due Wed 5 Jan 2022."""
    assert not is_working_day(date(2021, 12, 27))
    assert not is_working_day(date(2021, 12, 28))
    assert not is_working_day(date(2022, 1, 3))
    assert due_date(date(2021, 12, 24), FIVE_WD) == date(2022, 1, 5)


def test_bank_holiday_on_weekend_is_named_with_its_weekday():
    """Christmas Day 2021 (a Saturday) is reported with both the weekday and the holiday's name."""
    skipped = dict(skipped_days(date(2021, 12, 24), date(2021, 12, 29)))
    assert skipped[date(2021, 12, 25)] == "Saturday, Christmas Day"
    assert skipped[date(2021, 12, 26)] == "Sunday, Boxing Day"
    assert "observed" in skipped[date(2021, 12, 27)]
    assert "observed" in skipped[date(2021, 12, 28)]


def test_queens_funeral_2022_is_not_a_working_day():
    """Mon 19 Sep 2022 (state funeral of Queen Elizabeth II) was a one-off bank holiday:
    aware Fri 16 Sep 2022 -> 20, 21, 22, 23, 26 -> due Mon 26 Sep (not Fri 23)."""
    assert date(2022, 9, 19) in bank_holidays(2022)
    assert "Funeral" in bank_holidays(2022)[date(2022, 9, 19)]
    assert due_date(date(2022, 9, 16), FIVE_WD) == date(2022, 9, 26)
    assert add_working_days(date(2022, 9, 16), 1) == date(2022, 9, 20)


def test_coronation_2023_is_not_a_working_day():
    """Mon 8 May 2023 (coronation) was a one-off bank holiday, as was the usual May Day on 1 May:
    aware Fri 28 Apr 2023 -> 2, 3, 4, 5, 9 -> due Tue 9 May 2023."""
    assert "Coronation" in bank_holidays(2023)[date(2023, 5, 8)]
    assert due_date(date(2023, 4, 28), FIVE_WD) == date(2023, 5, 9)


def test_royal_wedding_2011_is_not_a_working_day():
    """Fri 29 Apr 2011 (royal wedding) sat between Easter Monday 25 Apr and May Day 2 May:
    aware Thu 21 Apr 2011 -> 26, 27, 28, 3, 4 -> due Wed 4 May 2011."""
    assert date(2011, 4, 29) in bank_holidays(2011)
    assert due_date(date(2011, 4, 21), FIVE_WD) == date(2011, 5, 4)


def test_platinum_jubilee_2022_moves_spring_bank_holiday():
    """2022: Spring bank holiday moved to Thu 2 Jun and Fri 3 Jun was the Platinum Jubilee;
    Mon 30 May 2022 was an ordinary working day."""
    assert is_working_day(date(2022, 5, 30))
    assert not is_working_day(date(2022, 6, 2))
    assert not is_working_day(date(2022, 6, 3))


def test_fifteen_working_days_rapid_review_across_christmas_2024():
    """Rapid review, 15 working days from Mon 16 Dec 2024: skips 25, 26 Dec and 1 Jan -> Thu 9 Jan 2025."""
    assert due_date(date(2024, 12, 16), FIFTEEN_WD) == date(2025, 1, 9)


def test_one_month_from_31_january_leap_year_clamps_to_29_february():
    """One month from 31 Jan 2024 (leap year) is 29 Feb 2024."""
    assert due_date(date(2024, 1, 31), ONE_MONTH) == date(2024, 2, 29)


def test_one_month_from_31_january_non_leap_year_clamps_to_28_february():
    """One month from 31 Jan 2023 is 28 Feb 2023; 2100 is not a leap year either."""
    assert due_date(date(2023, 1, 31), ONE_MONTH) == date(2023, 2, 28)
    assert due_date(date(2100, 1, 31), ONE_MONTH) == date(2100, 2, 28)


def test_months_keep_day_of_month_and_cross_year():
    """Months: same day-of-month later (15 Dec 2024 + 1 -> 15 Jan 2025; 31 Aug + 13 -> 30 Sep next year)."""
    assert due_date(date(2024, 12, 15), ONE_MONTH) == date(2025, 1, 15)
    rule = DeadlineRule(count=13, unit="months")
    assert due_date(date(2024, 8, 31), rule) == date(2025, 9, 30)


def test_calendar_days_are_plain_addition():
    """14 calendar days counts weekends and holidays: 20 Dec 2024 + 14 = Fri 3 Jan 2025;
    a due date on a weekend is not moved (Wed 11 Dec 2024 + 14 = Wed 25 Dec, Christmas Day)."""
    assert due_date(date(2024, 12, 20), FOURTEEN_DAYS) == date(2025, 1, 3)
    assert due_date(date(2024, 12, 11), FOURTEEN_DAYS) == date(2024, 12, 25)


def test_zero_count_is_the_start_date_for_every_unit():
    """A count of 0 is day 0 itself, even when that date is a bank holiday."""
    christmas = date(2024, 12, 25)
    for unit in ("working_days", "days", "months"):
        assert due_date(christmas, DeadlineRule(count=0, unit=unit)) == christmas


def test_start_on_non_working_day_is_still_day_0():
    """Aware on Sat 21 Dec 2024 (not a working day): day 1 is Mon 23 Dec, day 5 is Tue 31 Dec."""
    assert add_working_days(date(2024, 12, 21), 1) == date(2024, 12, 23)
    assert add_working_days(date(2024, 12, 21), 5) == date(2024, 12, 31)


# --------------------------------------------------------------------------- calendar choice


def test_england_list_has_easter_monday_and_late_summer_not_other_nations_days():
    """The ENG subdivision gives the England and Wales list: it includes Easter Monday and the
    late summer bank holiday (absent from the bare GB list) and none of Scotland's or NI's days."""
    days = bank_holidays(2025)
    assert date(2025, 4, 21) in days  # Easter Monday
    assert date(2025, 8, 25) in days  # late summer bank holiday (Scotland: first Monday of August)
    assert date(2025, 1, 2) not in days  # Scotland: 2nd January
    assert date(2025, 12, 1) not in days  # Scotland: St Andrew's Day substitute (30 Nov is a Sunday)
    assert date(2025, 3, 17) not in days  # Northern Ireland: St Patrick's Day
    assert date(2025, 7, 14) not in days  # Northern Ireland: Battle of the Boyne (12 Jul substitute)
    assert len(days) == 8


def test_bank_holidays_returns_fresh_copy():
    """Changing the returned dict does not change later answers (no shared mutable state)."""
    first = bank_holidays(2024)
    first[date(2024, 7, 1)] = "made up"
    first.pop(date(2024, 12, 25))
    again = bank_holidays(2024)
    assert date(2024, 7, 1) not in again
    assert date(2024, 12, 25) in again
    assert is_working_day(date(2024, 7, 1))


def test_calendar_source_names_package_version_and_subdivision():
    """CALENDAR_SOURCE records which holidays package version and subdivision were used."""
    import holidays

    assert holidays.__version__ in CALENDAR_SOURCE
    assert "ENG" in CALENDAR_SOURCE
    assert "England and Wales" in CALENDAR_SOURCE


# --------------------------------------------------------------------------- describe


def test_describe_working_days_states_the_counting_rule():
    """describe() gives the rule in plain words, including day 0 and what is not counted."""
    assert describe(FIVE_WD) == (
        "within 5 working days of the date the local authority became aware "
        "(day 0 is that date; weekends and England and Wales bank holidays are not counted)"
    )


def test_describe_months_and_calendar_days():
    """describe() for months states the month-end clamp; for days, that weekends are counted."""
    assert describe(ONE_MONTH) == (
        "within 1 month of the date of notification (the same day of the month one month later, "
        "or the last day of that month if it has no such day)"
    )
    text = describe(FOURTEEN_DAYS)
    assert text.startswith("within 14 days of the date of notification")
    assert "calendar days" in text and "day 0 is that date" in text


def test_describe_singular_and_zero():
    """One working day is singular; a count of 0 reads "on" the date."""
    assert describe(DeadlineRule(count=1, unit="working_days")).startswith("within 1 working day of ")
    assert describe(DeadlineRule(count=0, unit="days")).startswith("on the date the local authority")


# --------------------------------------------------------------------------- the rule model


def test_deadline_rule_accepts_from_alias_and_field_name():
    """Editions write `from`; Python code may write `from_`; both give the same frozen rule."""
    a = DeadlineRule.model_validate({"count": 1, "unit": "months", "from": "notification_date"})
    b = DeadlineRule(count=1, unit="months", from_="notification_date")
    assert a == b
    assert DeadlineRule(count=5, unit="working_days").from_ == "awareness_date"
    with pytest.raises(ValidationError):
        a.count = 2  # frozen


@pytest.mark.parametrize(
    "data",
    [
        {"count": -1, "unit": "working_days"},
        {"count": True, "unit": "working_days"},
        {"count": 5.5, "unit": "days"},
        {"count": "5", "unit": "days"},
        {"count": 5, "unit": "weeks"},
        {"count": 5, "unit": "days", "from": "referral_date"},
        {"count": 5, "unit": "days", "extra": 1},
    ],
)
def test_deadline_rule_rejects_invalid_declarations(data):
    """Negative, non-integer or boolean counts, unknown units or start dates, and extra keys are rejected."""
    with pytest.raises(ValidationError):
        DeadlineRule.model_validate(data)


# --------------------------------------------------------------------------- errors


def test_negative_n_is_input_error_naming_the_field():
    """add_working_days with n < 0 raises InputError whose Problem names the count and the value."""
    with pytest.raises(InputError) as info:
        add_working_days(date(2024, 1, 2), -1)
    problem = info.value.problems[0]
    assert problem.location == "count"
    assert problem.found == "-1"
    assert "0 or more" in problem.expected


@pytest.mark.parametrize("bad", [date(FIRST_YEAR - 1, 12, 31), date(LAST_YEAR + 1, 1, 1), date(1, 1, 1)])
def test_date_outside_calendar_years_is_input_error(bad):
    """A date in a year the holidays package cannot answer for raises InputError with the value and range."""
    for call in (lambda: is_working_day(bad), lambda: add_working_days(bad, 1), lambda: skipped_days(bad, bad)):
        with pytest.raises(InputError) as info:
            call()
        problem = info.value.problems[0]
        assert problem.found == bad.isoformat()
        assert str(FIRST_YEAR) in problem.expected and str(LAST_YEAR) in problem.expected
    with pytest.raises(InputError):
        bank_holidays(bad.year)


def test_due_date_error_names_the_rule_start_field():
    """due_date reports an out-of-range start under the rule's `from` field (e.g. awareness_date)."""
    with pytest.raises(InputError) as info:
        due_date(date(1800, 1, 1), FIVE_WD)
    assert info.value.problems[0].location == "awareness_date"
    with pytest.raises(InputError) as info:
        due_date(date(1800, 1, 1), ONE_MONTH)
    assert info.value.problems[0].location == "notification_date"


def test_deadline_beyond_last_calendar_year_is_input_error():
    """A working-day deadline that would fall after the last covered year raises InputError."""
    assert add_working_days(date(LAST_YEAR, 12, 31), 0) == date(LAST_YEAR, 12, 31)
    with pytest.raises(InputError) as info:
        add_working_days(date(LAST_YEAR, 12, 20), 20)
    assert "working days" in info.value.problems[0].found


def test_datetime_and_non_dates_are_rejected():
    """A datetime (with a time of day) or a string is not silently accepted as a date."""
    for bad in (datetime(2024, 12, 20, 9, 0), "2024-12-20"):
        with pytest.raises(InputError):
            add_working_days(bad, 5)  # type: ignore[arg-type]
        with pytest.raises(InputError):
            is_working_day(bad)  # type: ignore[arg-type]


def test_skipped_days_due_before_start_is_input_error():
    """skipped_days with the due date before the start date raises InputError naming `due`."""
    with pytest.raises(InputError) as info:
        skipped_days(date(2024, 12, 31), date(2024, 12, 20))
    assert info.value.problems[0].location == "due"


def test_input_error_is_user_error_with_exit_code_1():
    """Deadline errors are InputErrors, which the CLI exits with code 1."""
    with pytest.raises(InputError) as info:
        add_working_days(date(2024, 1, 1), -3)
    assert info.value.exit_code == 1


# --------------------------------------------------------------------------- properties

# Keep starts far enough from the last covered year that n <= 400 working days stays in range.
starts = st.dates(min_value=date(FIRST_YEAR, 1, 1), max_value=date(LAST_YEAR - 2, 12, 31))
counts = st.integers(min_value=0, max_value=400)


@given(start=starts)
def test_property_zero_working_days_is_start(start):
    """add_working_days(start, 0) == start for every start date."""
    assert add_working_days(start, 0) == start


@given(start=starts, n=st.integers(min_value=1, max_value=400))
def test_property_result_is_a_working_day(start, n):
    """For n >= 1 the due date is always a working day."""
    assert is_working_day(add_working_days(start, n))


@given(start=starts, n=counts)
def test_property_strictly_increasing_in_n(start, n):
    """add_working_days(start, n) < add_working_days(start, n + 1)."""
    assert add_working_days(start, n) < add_working_days(start, n + 1)


@given(start=starts, n=counts)
@settings(max_examples=200)
def test_property_working_days_in_interval_equals_n(start, n):
    """Exactly n working days lie in (start, due]: day 0 is not counted and due is the nth."""
    due = add_working_days(start, n)
    span = (due - start).days
    counted = sum(is_working_day(start + timedelta(days=i)) for i in range(1, span + 1))
    assert counted == n


@given(start=starts, n=counts)
def test_property_skipped_plus_counted_covers_interval(start, n):
    """Every day in (start, due] is either one of the n working days or listed by skipped_days."""
    due = add_working_days(start, n)
    skipped = skipped_days(start, due)
    assert len(skipped) + n == (due - start).days
    assert all(not is_working_day(d) for d, _ in skipped)
    assert all(start < d <= due for d, _ in skipped)


@given(start=starts, n=st.integers(min_value=1, max_value=400))
def test_property_due_date_matches_add_working_days(start, n):
    """due_date with a working_days rule is add_working_days."""
    assert due_date(start, DeadlineRule(count=n, unit="working_days")) == add_working_days(start, n)


def test_thread_safety_concurrent_calls_agree():
    """Concurrent calls (first-time cache fills included) give the same answers as serial ones."""
    from concurrent.futures import ThreadPoolExecutor

    cases = [(date(y, 12, 20), 15) for y in range(1990, 2060)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda c: add_working_days(*c), cases))
    serial = [add_working_days(s, n) for s, n in cases]
    assert parallel == serial
