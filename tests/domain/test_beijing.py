from datetime import date, datetime

from portal.domain import beijing


def test_a_time_typed_in_beijing_is_kept_as_utc_and_shown_back():
    typed = datetime(2026, 3, 2, 7, 30, 45)
    stored = beijing.to_utc(typed)
    assert stored == datetime(2026, 3, 1, 23, 30)  # the previous UTC day; seconds dropped
    assert beijing.to_local(stored) == datetime(2026, 3, 2, 7, 30)
    assert beijing.local_date(stored) == date(2026, 3, 2)
    assert beijing.to_local(None) is None


def test_a_beijing_day_starts_at_16_00_utc_the_day_before():
    start, end = beijing.utc_bounds(date(2026, 1, 1), date(2026, 1, 31))
    assert start == datetime(2025, 12, 31, 16, 0)
    assert end == datetime(2026, 1, 31, 16, 0)
    assert beijing.utc_start(date(2026, 2, 1)) == end


def test_month_ends():
    assert beijing.month_start(date(2026, 11, 24)) == date(2026, 11, 1)
    assert beijing.month_end(date(2024, 2, 10)) == date(2024, 2, 29)
    assert beijing.month_end(date(2026, 2, 1)) == date(2026, 2, 28)
    assert beijing.month_end(date(2026, 12, 31)) == date(2026, 12, 31)
    assert beijing.month_end(date(2026, 4, 30)) == date(2026, 4, 30)


def test_previous_and_next_month_cross_years_and_short_months():
    assert beijing.previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert beijing.previous_month(date(2026, 3, 31)) == date(2026, 2, 1)
    assert beijing.next_month(date(2026, 12, 15)) == date(2027, 1, 1)
    assert beijing.next_month(date(2024, 1, 31)) == date(2024, 2, 1)
