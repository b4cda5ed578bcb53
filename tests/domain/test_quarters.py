"""Quarters (季度) of the quarterly report and how a client's class moved in one."""

from datetime import date

import pytest

from portal.domain.periods import Quarter
from portal.domain.quarterly import movement


@pytest.mark.parametrize(
    "day, key, first, last",
    [
        (date(2026, 1, 1), "2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 3, 31), "2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), "2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        (date(2024, 8, 15), "2024-Q3", date(2024, 7, 1), date(2024, 9, 30)),
        (date(2026, 12, 31), "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_the_quarter_of_a_day_and_its_bounds(day, key, first, last):
    quarter = Quarter.of(day)
    assert (quarter.key, quarter.first, quarter.last) == (key, first, last)


def test_labels_steps_and_parsing():
    q4 = Quarter(2026, 4)
    assert q4.label == "2026年第四季度"
    assert Quarter(2026, 1).label == "2026年第一季度"
    assert q4.following == Quarter(2027, 1) and Quarter(2027, 1).previous == q4
    assert Quarter(2026, 2).previous == Quarter(2026, 1)
    assert Quarter.parse("2026-q3") == Quarter(2026, 3)
    for bad in ("2026-Q5", "2026Q1", "", None, "1999-Q1", "2026-Q1x"):
        assert Quarter.parse(bad) is None
    with pytest.raises(ValueError):
        Quarter(2026, 0)
    assert Quarter(2025, 4) < Quarter(2026, 1)


def test_a_quarter_has_ended_the_day_after_its_last():
    q3 = Quarter(2026, 3)
    assert not q3.ended(date(2026, 9, 30))
    assert q3.ended(date(2026, 10, 1))


@pytest.mark.parametrize(
    "before, after, moved",
    [
        ("D", "A", "up"),
        ("E", "D-", "up"),
        ("A+", "B", "down"),
        ("G", "G", None),
        ("A", "B", "turnover"),
        ("C-", "D-", "turnover"),
        (None, "C", "new"),
        ("C", None, "lost"),
        (None, None, None),
    ],
)
def test_how_a_class_moved(before, after, moved):
    assert movement(before, after) == moved
