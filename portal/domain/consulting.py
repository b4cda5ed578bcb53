"""附件10 每周投资咨询服务总结表: new advice and follow-ups per weekday and category.

Computed from the 附件9 records, never typed. 第一天 … 第五天 are Monday … Friday of the
week; an item on Saturday or Sunday is counted on 第五天 (the week's last working column),
so that nothing given to a client goes uncounted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.domain.workdays import week_start

CATEGORIES = ("大盘", "行业", "个股", "其他")
DAYS = ("第一天", "第二天", "第三天", "第四天", "第五天")


@dataclass
class Block:
    """One half of the form: rows 第一天 … 第五天, columns 大盘 … 其他, with totals."""

    cells: list[list[int]] = field(default_factory=lambda: [[0] * 4 for _ in DAYS])

    def add(self, weekday: int, category: str) -> None:
        self.cells[min(weekday, 4)][CATEGORIES.index(category)] += 1

    @property
    def row_totals(self) -> list[int]:
        return [sum(row) for row in self.cells]

    @property
    def column_totals(self) -> list[int]:
        return [sum(row[i] for row in self.cells) for i in range(len(CATEGORIES))]

    @property
    def total(self) -> int:
        return sum(self.row_totals)


@dataclass
class WeeklyTable:
    monday: date
    new_advice: Block
    followups: Block

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(len(DAYS))]


def weekly_table(
    monday: date,
    advice: Iterable[tuple[date, str]],
    followups: Iterable[tuple[date, str]],
) -> WeeklyTable:
    """Count (date, category) pairs of the week starting ``monday``; others are ignored."""
    if week_start(monday) != monday:
        raise ValueError("每周从星期一开始")
    table = WeeklyTable(monday, Block(), Block())
    for items, block in ((advice, table.new_advice), (followups, table.followups)):
        for day, category in items:
            offset = (day - monday).days
            if 0 <= offset < 7:
                block.add(offset, category)
    return table
