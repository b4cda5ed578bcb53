"""Stepping through months and weeks, never past the current one, and the month picker."""

from datetime import date

from portal.domain import periods


def test_the_first_of_a_month_steps_back_to_the_last_month_and_not_forward():
    nav = periods.month_nav(date(2026, 12, 1), today=date(2026, 12, 1))
    assert nav.current
    assert nav.previous == date(2026, 11, 1)
    assert nav.following is None


def test_a_past_month_steps_both_ways():
    nav = periods.month_nav(date(2026, 1, 20), today=date(2026, 12, 1))
    assert (nav.month, nav.previous, nav.following) == (
        date(2026, 1, 1),
        date(2025, 12, 1),
        date(2026, 2, 1),
    )
    assert not nav.current


def test_the_picker_offers_three_years_and_the_shown_one_with_future_months_closed():
    nav = periods.month_nav(date(2019, 5, 1), today=date(2026, 3, 2))
    assert [year for year, _ in nav.years] == [2026, 2025, 2024, 2019]
    this_year = nav.years[0][1]
    assert [c.month.month for c in this_year if c.open] == [1, 2, 3]
    assert [c.month for c in nav.years[-1][1] if c.shown] == [date(2019, 5, 1)]


def test_a_week_steps_by_mondays_and_not_past_this_week():
    nav = periods.week_nav(date(2026, 12, 2), today=date(2026, 12, 4))  # a Wednesday
    assert nav.monday == date(2026, 11, 30)
    assert (nav.previous, nav.following) == (date(2026, 11, 23), None)
    assert nav.current
    older = periods.week_nav(date(2026, 11, 23), today=date(2026, 12, 4))
    assert older.following == date(2026, 11, 30)
    assert not older.current


def test_a_list_of_weeks_pages_several_at_a_time():
    nav = periods.week_nav(date(2026, 11, 30), today=date(2026, 12, 4), step=8)
    assert nav.previous == date(2026, 10, 5)
    assert nav.following is None
    assert periods.week_nav(date(2026, 10, 5), date(2026, 12, 4), step=8).following == date(
        2026, 11, 30
    )
