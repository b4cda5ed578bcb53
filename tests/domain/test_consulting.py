from datetime import date

import pytest

from portal.domain.consulting import weekly_table
from portal.domain.workdays import week_start

MONDAY = date(2026, 11, 16)


def test_counts_per_day_and_category_with_totals():
    advice = [
        (date(2026, 11, 16), "大盘"),
        (date(2026, 11, 16), "个股"),
        (date(2026, 11, 18), "个股"),
        (date(2026, 11, 20), "行业"),
        (date(2026, 11, 22), "其他"),  # Sunday: counted on 第五天
        (date(2026, 11, 23), "大盘"),
        (date(2026, 11, 13), "大盘"),
    ]  # other weeks
    followups = [(date(2026, 11, 17), "个股"), (date(2026, 11, 17), "个股")]
    table = weekly_table(MONDAY, advice, followups)
    assert table.new_advice.cells[0] == [1, 0, 1, 0]
    assert table.new_advice.cells[2] == [0, 0, 1, 0]
    assert table.new_advice.cells[4] == [0, 1, 0, 1]
    assert table.new_advice.row_totals == [2, 0, 1, 0, 2]
    assert table.new_advice.column_totals == [1, 1, 2, 1]
    assert table.new_advice.total == 5
    assert table.followups.cells[1] == [0, 0, 2, 0] and table.followups.total == 2
    assert table.days[0] == MONDAY and table.days[-1] == date(2026, 11, 20)


def test_week_starts_on_monday():
    assert week_start(date(2026, 11, 22)) == MONDAY
    with pytest.raises(ValueError):
        weekly_table(date(2026, 11, 17), [], [])
