"""Working days and weeks (SPEC §5, §6): pure date rules, no Flask, no database.

Three sources decide whether a day is a working day, the later winning (SPEC §5, Decision
"Working-day calendar"):

1. the statutory holidays of 《全国年节及纪念日放假办法》 (as revised in 2024), computed for any
   year from the solar and lunar calendars (``lunar_python``) — 元旦, 春节 (除夕 and 正月初一 to
   初三), 清明 (the day of the solar term), 劳动节 (1–2 May), 端午 (lunar 5/5), 中秋 (lunar
   8/15), 国庆 (1–3 Oct) — and the weekend;
2. the published calendar of the ``chinesecalendar`` package, with its 调休, for the years it
   covers (it raises ``NotImplementedError`` outside them);
3. ``overrides`` (date → is a working day): HQ's holiday table, where each year's announced
   arrangement (调休, 补假) and corrections are entered.

Never a crash, whatever the date: a holiday the lunar calendar cannot compute for a year is
left out, and counting stops at the first and last dates there are.

A week is Monday–Sunday of Beijing dates (the business dates of every branch).
"""

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from functools import cache

import chinese_calendar
from lunar_python import Lunar, LunarYear, Solar

Overrides = Mapping[date, bool] | None


def _lunar_day(lunar_year: int, month: int, day: int) -> date:
    solar = Lunar.fromYmd(lunar_year, month, day).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _new_years_eve(year: int) -> date:
    """除夕: the last day of the twelfth lunar month before 正月初一 of ``year``."""
    days = LunarYear.fromYear(year - 1).getMonth(12).getDayCount()
    return _lunar_day(year - 1, 12, days)


def _qingming(year: int) -> date:
    solar = Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"]
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


@cache
def statutory_holidays(year: int) -> dict[date, str]:
    """The statutory days off of ``year`` (《全国年节及纪念日放假办法》, 2024): date → name.

    Only the law's own days, without the 调休 each year's announcement adds (that is HQ's
    holiday table).
    """
    days = {date(year, 1, 1): "元旦"}
    days |= {date(year, 5, d): "劳动节" for d in (1, 2)}
    days |= {date(year, 10, d): "国庆节" for d in (1, 2, 3)}
    lunar = {
        "春节": lambda: [_new_years_eve(year) + timedelta(days=n) for n in range(4)],
        "清明节": lambda: [_qingming(year)],
        "端午节": lambda: [_lunar_day(year, 5, 5)],
        "中秋节": lambda: [_lunar_day(year, 8, 15)],
    }
    for name, dates in lunar.items():
        try:
            days |= dict.fromkeys(dates(), name)
        except Exception:  # the lunar library's range ends somewhere: never crash there
            continue
    return {day: name for day, name in days.items() if day.year == year}


def is_workday(day: date, overrides: Overrides = None) -> bool:
    """Whether ``day`` is a working day (工作日)."""
    if overrides and day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # outside the package's years: the law's holidays, weekends
        return day.weekday() < 5 and day not in statutory_holidays(day.year)


def previous_workday(day: date, overrides: Overrides = None) -> date:
    """The last working day strictly before ``day``."""
    while day > date.min:
        day -= timedelta(days=1)
        if is_workday(day, overrides):
            return day
    return day


def add_workdays(day: date, n: int, overrides: Overrides = None) -> date:
    """The ``n``-th working day after ``day`` (``n`` ≥ 0; 0 is ``day`` itself); the calendar's
    last day where it would lie beyond it."""
    if n < 0:
        raise ValueError("n must not be negative")
    while n and day < date.max:
        day += timedelta(days=1)
        if is_workday(day, overrides):
            n -= 1
    return day


def workdays_between(first: date, last: date, overrides: Overrides = None) -> Iterator[date]:
    """The working days from ``first`` to ``last``, both included."""
    day = first
    while day <= last:
        if is_workday(day, overrides):
            yield day
        day += timedelta(days=1)


def week_start(day: date) -> date:
    """The Monday of the week holding ``day``."""
    return day - timedelta(days=day.weekday())


def week_end(monday: date) -> date:
    """The Sunday of the week starting on ``monday``."""
    return monday + timedelta(days=6)


def previous_week(monday: date) -> date:
    """The Monday of the week before the one starting on ``monday``."""
    return monday - timedelta(days=7)


def next_week(monday: date) -> date:
    """The Monday of the week after the one starting on ``monday``."""
    return monday + timedelta(days=7)


def week_label(monday: date) -> str:
    """A week as 附件5 writes it: （ 月 日 — 月 日 ）."""
    sunday = week_end(monday)
    return f"{monday.month}月{monday.day}日—{sunday.month}月{sunday.day}日"
