"""The care rules (Art. 50.9, 50.10): birthdays of the coming seven days and the reasons a client
is at risk of leaving."""

from datetime import date
from decimal import Decimal

import pytest

from portal.domain import care

WINDOW = care.Window(date(2026, 11, 1))  # earlier: 2026-08; trade months 2026-06 … 2026-11
OPENED = date(2019, 6, 1)


@pytest.mark.parametrize(
    ("birthday", "today", "soon"),
    [
        (date(1970, 12, 31), date(2026, 12, 28), True),  # the year's last day
        (date(1970, 1, 2), date(2026, 12, 28), True),  # across the year end
        (date(1970, 1, 3), date(2026, 12, 28), True),  # the seventh day
        (date(1970, 1, 4), date(2026, 12, 28), False),  # the eighth day
        (date(1970, 12, 27), date(2026, 12, 28), False),  # yesterday
        (date(1970, 12, 28), date(2026, 12, 28), True),  # today
        (date(1970, 5, 1), date(2026, 4, 28), True),  # across a month end
        (date(1980, 2, 29), date(2027, 2, 22), True),  # 28 Feb of a common year
        (date(1980, 2, 29), date(2027, 2, 21), False),
        (date(1980, 2, 29), date(2028, 2, 23), True),  # 29 Feb of a leap year
        (date(1980, 2, 29), date(2028, 2, 22), False),
        (date(1981, 2, 28), date(2028, 2, 22), True),
        (None, date(2026, 12, 28), False),
    ],
)
def test_birthdays_of_the_next_seven_days(birthday, today, soon):
    assert care.is_birthday_soon(birthday, today) is soon
    # The query's month-days say the same.
    assert (care.month_day(birthday) in care.window_month_days(today)) is soon


def test_a_29_february_birthday_is_kept_on_28_february_in_a_common_year():
    assert care.next_birthday(date(1980, 2, 29), date(2027, 2, 1)) == date(2027, 2, 28)
    assert care.next_birthday(date(1980, 2, 29), date(2028, 2, 1)) == date(2028, 2, 29)
    assert 229 in care.window_month_days(date(2027, 2, 28))
    assert 229 in care.window_month_days(date(2027, 2, 22))
    assert 229 not in care.window_month_days(date(2028, 2, 22))  # its own day comes later
    assert care.age_on(date(1980, 2, 29), date(2027, 2, 28)) == 47
    assert care.age_on(date(1980, 2, 29), date(2027, 2, 27)) == 46


def test_the_next_birthday_after_the_year_end_is_next_year():
    assert care.next_birthday(date(1970, 1, 2), date(2026, 12, 28)) == date(2027, 1, 2)
    assert care.age_on(date(1970, 1, 2), date(2027, 1, 2)) == 57


def test_the_window_months():
    assert WINDOW.earlier == date(2026, 8, 1)
    assert WINDOW.first_trade_month == date(2026, 6, 1)
    assert care.Window(date(2026, 2, 1)).earlier == date(2025, 11, 1)
    assert care.Window(date(2026, 2, 1)).first_trade_month == date(2025, 9, 1)


@pytest.mark.parametrize(
    ("latest", "earlier", "halved"),
    [
        ("500000", "1000000", True),  # exactly half
        ("500000.01", "1000000", False),
        ("0", "1000000", True),
        ("100", "0", False),  # nothing to lose
        (None, "1000000", False),  # latest month unknown
        ("100", None, False),
    ],
)
def test_assets_down_by_half_or_more(latest, earlier, halved):
    value = lambda v: None if v is None else Decimal(v)  # noqa: E731
    assert care.assets_halved(value(latest), value(earlier)) is halved
    reasons = care.reasons(value(latest), value(earlier), [Decimal(1)], OPENED, WINDOW, False)
    assert (reasons == ["assets"]) is halved


def test_no_trade_for_six_months_but_not_for_five():
    six_without = []  # none of the six months had a trade (or figures)
    assert care.no_trade(six_without, OPENED, WINDOW)
    assert care.no_trade([Decimal(0)] * 6, OPENED, WINDOW)
    # A trade in the sixth month back (2026-06) is within the window: five months without.
    assert not care.no_trade([Decimal("1.00"), *[Decimal(0)] * 5], OPENED, WINDOW)
    assert care.reasons(None, None, [], OPENED, WINDOW, False) == ["no_trade"]


def test_an_account_opened_within_the_six_months_is_not_idle_yet():
    assert not care.no_trade([], date(2026, 6, 1), WINDOW)
    assert care.no_trade([], date(2026, 5, 31), WINDOW)


def test_a_close_request_is_a_reason_of_its_own_and_reasons_add_up():
    assert care.reasons(None, None, [Decimal(5)], OPENED, WINDOW, True) == ["close_request"]
    assert care.reasons(Decimal(1), Decimal(10), [], OPENED, WINDOW, True) == [
        "assets",
        "no_trade",
        "close_request",
    ]
    assert care.reasons(Decimal(10), Decimal(10), [Decimal(5)], OPENED, WINDOW, False) == []
