"""Working days (statutory holidays, 调休, and a fallback past the calendar's data) and weeks."""

from datetime import date

import chinese_calendar
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


def test_statutory_holidays_are_computed_from_the_solar_and_lunar_calendars():
    assert workdays.statutory_holidays(2027) == {
        date(2027, 1, 1): "元旦",
        date(2027, 2, 5): "春节",  # 除夕
        date(2027, 2, 6): "春节",  # 正月初一
        date(2027, 2, 7): "春节",
        date(2027, 2, 8): "春节",  # 初三
        date(2027, 4, 5): "清明节",  # the day of the solar term
        date(2027, 5, 1): "劳动节",
        date(2027, 5, 2): "劳动节",
        date(2027, 6, 9): "端午节",  # lunar 5/5
        date(2027, 9, 15): "中秋节",  # lunar 8/15
        date(2027, 10, 1): "国庆节",
        date(2027, 10, 2): "国庆节",
        date(2027, 10, 3): "国庆节",
    }


@pytest.mark.parametrize("year", [2025, 2026])
def test_computed_holidays_agree_with_the_published_calendar(year):
    for day in workdays.statutory_holidays(year):
        assert chinese_calendar.is_holiday(day), day


def test_past_the_published_calendar_the_statutory_holidays_are_still_off():
    assert max(chinese_calendar.holidays) < date(2027, 1, 1)  # the package stops at 2026
    assert not workdays.is_workday(date(2027, 2, 5))  # 除夕, a Friday
    assert not workdays.is_workday(date(2027, 2, 8))  # 初三, a Monday
    assert not workdays.is_workday(date(2027, 6, 9))  # 端午, a Wednesday
    assert not workdays.is_workday(date(2027, 9, 15))  # 中秋, a Wednesday
    assert workdays.is_workday(date(2027, 9, 16))
    # An e-mail received the day before National Day is due on the second working day after.
    assert workdays.add_workdays(date(2027, 9, 30), 2) == date(2027, 10, 5)


def test_the_holiday_table_wins_over_the_computed_holidays():
    announced = {date(2027, 10, d): False for d in (4, 5, 6, 7)}
    announced |= {date(2027, 9, 26): True, date(2027, 10, 9): True}  # 调休 weekend days
    assert workdays.is_workday(date(2027, 9, 26), announced)  # a Sunday made a working day
    assert workdays.add_workdays(date(2027, 9, 30), 2, announced) == date(2027, 10, 9)
    assert workdays.is_workday(date(2027, 10, 1), {date(2027, 10, 1): True})


@pytest.mark.parametrize("day", [date.min, date(1, 2, 14), date(1899, 1, 31), date.max])
def test_never_a_crash_whatever_the_date(day):
    workdays.is_workday(day)
    assert workdays.add_workdays(day, 3) >= day
    assert workdays.previous_workday(day) <= day


def test_previous_and_next_week_step_mondays_across_a_year_end():
    assert workdays.previous_week(date(2026, 1, 5)) == date(2025, 12, 29)
    assert workdays.next_week(date(2025, 12, 29)) == date(2026, 1, 5)
