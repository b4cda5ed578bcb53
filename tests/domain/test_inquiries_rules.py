"""首问负责制's dates (portal.domain.inquiries): working hours, follow-up day, e-mail due date."""

from datetime import date, datetime

import pytest

from portal.domain.inquiries import email_due, follow_up_day, is_overdue, within_working_hours


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 11, 30), date(2026, 12, 2)),  # Monday → Wednesday (SPEC §5)
        (date(2026, 12, 4), date(2026, 12, 8)),  # Friday → Tuesday
        (date(2026, 11, 28), date(2026, 12, 1)),  # Saturday → Tuesday (SPEC §5)
        (date(2026, 11, 29), date(2026, 12, 1)),  # Sunday → Tuesday
    ],
)
def test_an_email_is_due_on_the_second_working_day_after_it_came_in(received, due):
    assert email_due(received) == due


def test_the_national_day_holiday_does_not_count():
    # 2026: 1–7 October off; Wednesday 30 September → Thursday 8, Friday 9 October.
    assert email_due(date(2026, 9, 30)) == date(2026, 10, 9)
    assert email_due(date(2026, 10, 3)) == date(2026, 10, 9)


def test_a_working_saturday_of_the_tiaoxiu_counts():
    # Saturday 10 October 2026 is worked (调休): Friday 9 → Saturday 10, Monday 12.
    assert email_due(date(2026, 10, 9)) == date(2026, 10, 12)
    # 2025: Saturday 11 October is worked: Thursday 9 → Friday 10, Saturday 11.
    assert email_due(date(2025, 10, 9)) == date(2025, 10, 11)


def test_years_the_calendar_package_does_not_cover_keep_the_statutory_holidays():
    # 2027 is past chinesecalendar's table: 国庆 1–3 October (Friday–Sunday) from the law.
    assert email_due(date(2027, 9, 30)) == date(2027, 10, 5)
    # 2028's 春节 (除夕 25 January to 初三 28 January) from the lunar calendar.
    assert email_due(date(2028, 1, 24)) == date(2028, 2, 1)
    # 2028: 中秋 falls on 3 October, inside 国庆 (1–3 October, Sunday–Tuesday): Friday
    # 29 September → Wednesday 4, Thursday 5 October.
    assert email_due(date(2028, 9, 29)) == date(2028, 10, 5)


def test_hq_holiday_table_wins():
    # HQ announces Monday 4 October 2027 off (调休): the due day moves to Wednesday 6.
    assert email_due(date(2027, 9, 30), {date(2027, 10, 4): False}) == date(2027, 10, 6)
    # …and a working Saturday it enters counts.
    assert email_due(date(2027, 10, 8), {date(2027, 10, 9): True}) == date(2027, 10, 11)


def test_never_a_crash_at_the_calendars_ends():
    assert email_due(date(9999, 12, 30)) == date(9999, 12, 31)
    assert email_due(date(1, 1, 1)) > date(1, 1, 1)


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (datetime(2026, 12, 4, 8, 59), False),
        (datetime(2026, 12, 4, 9, 0), True),
        (datetime(2026, 12, 4, 16, 59), True),
        (datetime(2026, 12, 4, 17, 0), False),
        (datetime(2026, 12, 5, 10, 0), False),  # Saturday
        (datetime(2026, 10, 10, 10, 0), True),  # a worked Saturday (调休)
        (datetime(2026, 10, 5, 10, 0), False),  # 国庆
    ],
)
def test_working_hours_are_9_to_17_on_working_days(moment, inside):
    assert within_working_hours(moment) is inside


def test_the_follow_up_day_after_hours():
    assert follow_up_day(datetime(2026, 12, 4, 19, 30)) == date(2026, 12, 7)  # Fri evening
    assert follow_up_day(datetime(2026, 12, 4, 7, 45)) == date(2026, 12, 4)  # before 9:00
    assert follow_up_day(datetime(2026, 12, 5, 10, 0)) == date(2026, 12, 7)  # Saturday
    assert follow_up_day(datetime(2026, 9, 30, 18, 0)) == date(2026, 10, 8)  # before 国庆


def test_overdue_only_when_unanswered_after_the_due_day():
    due = date(2026, 12, 2)
    assert not is_overdue(due, due, answered=False)
    assert is_overdue(due, date(2026, 12, 3), answered=False)
    assert not is_overdue(due, date(2026, 12, 3), answered=True)
    assert not is_overdue(None, date(2026, 12, 3), answered=False)
