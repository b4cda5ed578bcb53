"""Stepping through months and weeks (上月/下月, 上周/下周) and the month picker's choices.

Pure functions of the shown period and today's Beijing date: a page never steps past the
current month or week, where there is nothing to see yet.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from portal.domain.beijing import month_start, next_month, previous_month
from portal.domain.workdays import next_week, previous_week, week_start

PICKER_YEARS = 3  # the month picker offers this year and the two before (and the shown one's)


@dataclass(frozen=True)
class MonthChoice:
    month: date
    open: bool  # begun already (a future month has nothing to show)
    shown: bool


@dataclass(frozen=True)
class MonthNav:
    month: date
    previous: date
    following: date | None  # None for the current month
    current: bool  # the shown month is this month
    years: list[tuple[int, list[MonthChoice]]]  # the picker's rows, the latest year first


def month_nav(month: date, today: date) -> MonthNav:
    """How to leave ``month``'s page: its neighbours and the picker's months."""
    month, this_month = month_start(month), month_start(today)
    following = next_month(month)
    recent = range(today.year - PICKER_YEARS + 1, today.year + 1)
    years = sorted({*recent, month.year}, reverse=True)
    rows = [
        (
            year,
            [
                MonthChoice(first, first <= this_month, first == month)
                for first in (date(year, m, 1) for m in range(1, 13))
            ],
        )
        for year in years
    ]
    return MonthNav(
        month=month,
        previous=previous_month(month),
        following=following if following <= this_month else None,
        current=month == this_month,
        years=rows,
    )


@dataclass(frozen=True)
class WeekNav:
    monday: date
    previous: date
    following: date | None  # None once it would pass the current week
    this_week: date

    @property
    def current(self) -> bool:
        return self.monday == self.this_week


def week_nav(monday: date, today: date, step: int = 1) -> WeekNav:
    """How to leave the week starting ``monday`` (``step`` weeks at a time)."""
    monday, this_week = week_start(monday), week_start(today)
    previous, following = monday, monday
    for _ in range(step):
        previous, following = previous_week(previous), next_week(following)
    return WeekNav(
        monday=monday,
        previous=previous,
        following=following if following <= this_week else None,
        this_week=this_week,
    )


# --------------------------------------------------------------------------- quarters


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter (季度) of Beijing dates: Q1 is January–March."""

    year: int
    number: int  # 1–4

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"quarter must be 1–4, not {self.number}")

    @classmethod
    def of(cls, day: date) -> "Quarter":
        """The quarter holding ``day``."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last(self) -> date:
        return self.following.first - timedelta(days=1)

    @property
    def previous(self) -> "Quarter":
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    @property
    def following(self) -> "Quarter":
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    @property
    def label(self) -> str:
        return f"{self.year}年第{'一二三四'[self.number - 1]}季度"

    @property
    def key(self) -> str:
        """Its form in a URL: ``2026-Q4``."""
        return f"{self.year}-Q{self.number}"

    @classmethod
    def parse(cls, text: str | None) -> "Quarter | None":
        """``2026-Q4`` (any case) → the quarter; anything else → None."""
        match = re.fullmatch(r"(\d{4})-[Qq]([1-4])", (text or "").strip())
        if not match:
            return None
        year = int(match[1])
        return cls(year, int(match[2])) if 2000 <= year <= 2100 else None

    def ended(self, today: date) -> bool:
        """Whether the quarter is over on ``today`` (its report may be submitted)."""
        return today > self.last
