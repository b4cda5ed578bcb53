"""The monthly review comes at month end (Art. 61 每月末召开例会; SPEC §6 "Monthly review")."""

from datetime import date

from portal.domain import review


def test_a_month_is_signed_from_its_last_working_day():
    assert review.signable_from(date(2024, 10, 1)) == date(2024, 10, 31)  # a Thursday
    assert not review.may_sign(date(2024, 10, 1), date(2024, 10, 30))
    assert review.may_sign(date(2024, 10, 1), date(2024, 10, 31))
    assert review.may_sign(date(2024, 10, 1), date(2024, 11, 4))  # a meeting early next month
    assert not review.may_sign(date(2024, 10, 1), date(2024, 10, 1))  # never on the 1st


def test_a_month_ending_on_a_weekend_or_holiday_ends_on_the_working_day_before():
    # January 2026 ends on a Saturday.
    assert review.signable_from(date(2026, 1, 1)) == date(2026, 1, 30)
    assert review.may_sign(date(2026, 1, 1), date(2026, 1, 30))
    # September 2023: the 29th is 中秋节 and the 30th (a Saturday) 国庆节.
    assert review.signable_from(date(2023, 9, 1)) == date(2023, 9, 28)
    assert review.may_sign(date(2023, 9, 1), date(2023, 9, 28))
    assert not review.may_sign(date(2023, 9, 1), date(2023, 9, 27))
    # February 2026 ends on a Saturday made a working day after 春节 (调休).
    assert review.signable_from(date(2026, 2, 1)) == date(2026, 2, 28)
    assert not review.may_sign(date(2026, 2, 1), date(2026, 2, 27))
    # An editable holiday table wins over the package.
    assert review.signable_from(date(2024, 10, 1), {date(2024, 10, 31): False}) == date(
        2024, 10, 30
    )


def test_the_month_due_is_last_month_until_this_months_last_working_day():
    assert review.due_month(date(2024, 11, 1)) == date(2024, 10, 1)
    assert review.due_month(date(2024, 11, 28)) == date(2024, 10, 1)
    assert review.due_month(date(2024, 11, 29)) == date(2024, 11, 1)  # Friday; 30th Saturday
    assert review.due_month(date(2024, 1, 3)) == date(2023, 12, 1)  # across the year


def test_signing_needs_the_month_end_and_the_meeting_held():
    month, held = date(2023, 9, 1), date(2023, 9, 28)
    early = review.sign_refusals(month, date(2023, 9, 27), date(2023, 9, 27), "纪要")
    assert early == [
        "例会在月末召开：2023年09月的会议记录自该月最后一个工作日（09月28日）起才能签署"
    ]
    assert review.sign_refusals(month, held, held, "逐条回顾") == []
    assert review.sign_refusals(month, held, held, "  ") == ["请先填写会议日期和会议纪要，再签署"]
    assert review.sign_refusals(month, held, None, "逐条回顾") == [
        "请先填写会议日期和会议纪要，再签署"
    ]
    assert review.sign_refusals(month, held, date(2023, 10, 9), "逐条回顾") == [
        "会议日期（2023-10-09）还未到，会议召开后才能签署"
    ]
