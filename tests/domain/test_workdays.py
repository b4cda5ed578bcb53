"""Working days (statutory holidays, 调休, and a fallback past the calendar's data) and weeks."""

from datetime import date

import pytest

from portal.domain import workdays


def test_statutory_holidays_are_off_and_adjusted_weekends_are_on():
    assert not workdays.is_workday(date(2024, 10, 1))  # 国庆节
    assert not workdays.is_workday(date(2024, 10, 7))  # a Monday in the holiday
    assert workdays.is_workday(date(2024, 9, 29))  # Sunday made a working day (调休)
    assert workdays.is_workday(date(2024, 10, 12))  # Saturday made a working day
    assert not workdays.is_workday(date(2024, 10, 13))  # an ordinary Sunday


def test_beyond_the_calendar_data_it_falls_back_to_monday_to_friday():
    assert workdays.is_workday(date(2099, 6, 1))  # a Monday
    assert not workdays.is_workday(date(2099, 6, 6))  # a Saturday
    assert workdays.previous_workday(date(2099, 6, 1)) == date(2099, 5, 29)
    assert workdays.add_workdays(date(2099, 6, 5), 2) == date(2099, 6, 9)
    assert not workdays.is_workday(date(1990, 1, 6))  # before its data: a Saturday


def test_overrides_win_over_the_calendar():
    assert workdays.is_workday(date(2024, 10, 1), {date(2024, 10, 1): True})
    assert not workdays.is_workday(date(2024, 10, 8), {date(2024, 10, 8): False})


def test_counting_working_days():
    assert workdays.previous_workday(date(2024, 10, 8)) == date(2024, 9, 30)
    assert workdays.add_workdays(date(2024, 9, 30), 1) == date(2024, 10, 8)
    assert workdays.add_workdays(date(2024, 9, 30), 0) == date(2024, 9, 30)
    assert list(workdays.workdays_between(date(2024, 10, 5), date(2024, 10, 9))) == [
        date(2024, 10, 8),
        date(2024, 10, 9),
    ]
    with pytest.raises(ValueError):
        workdays.add_workdays(date(2024, 9, 30), -1)


def test_weeks_run_monday_to_sunday():
    assert workdays.week_start(date(2024, 10, 9)) == date(2024, 10, 7)
    assert workdays.week_start(date(2024, 10, 13)) == date(2024, 10, 7)
    assert workdays.week_start(date(2024, 10, 14)) == date(2024, 10, 14)
    assert workdays.week_end(date(2024, 10, 7)) == date(2024, 10, 13)
    assert workdays.week_label(date(2024, 9, 30)) == "9月30日—10月6日"
