"""Working days and weeks (SPEC §5, §6): pure date rules, no Flask, no database.

A working day follows the official calendar of the ``chinesecalendar`` package: statutory
holidays are off, and the weekend days made into working days (调休) are on. The package
has data only up to its last published year and raises ``NotImplementedError`` beyond it;
there (and before its first year) the rule falls back to Monday–Friday, never a crash.

``overrides`` (date → is a working day) lets a caller correct the calendar, e.g. from an
editable holiday table; it wins over the package.

A week is Monday–Sunday of Beijing dates (the business dates of every branch).
"""

from collections.abc import Iterator, Mapping
from datetime import date, timedelta

import chinese_calendar

Overrides = Mapping[date, bool] | None


def is_workday(day: date, overrides: Overrides = None) -> bool:
    """Whether ``day`` is a working day (工作日)."""
    if overrides and day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # outside the package's years
        return day.weekday() < 5


def previous_workday(day: date, overrides: Overrides = None) -> date:
    """The last working day strictly before ``day``."""
    day -= timedelta(days=1)
    while not is_workday(day, overrides):
        day -= timedelta(days=1)
    return day


def add_workdays(day: date, n: int, overrides: Overrides = None) -> date:
    """The ``n``-th working day after ``day`` (``n`` ≥ 0; 0 is ``day`` itself)."""
    if n < 0:
        raise ValueError("n must not be negative")
    while n:
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


def week_label(monday: date) -> str:
    """A week as 附件5 writes it: （ 月 日 — 月 日 ）."""
    sunday = week_end(monday)
    return f"{monday.month}月{monday.day}日—{sunday.month}月{sunday.day}日"
