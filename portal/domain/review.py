"""The branch's monthly review of advice (Art. 61 每月末召开例会; SPEC §6 "Monthly review"):
pure date rules, no Flask, no database.

The meeting comes at month end: a month may be signed from its last working day on (the
official calendar of ``domain.workdays``: a month ending on a weekend or a holiday ends, for
the meeting, on the working day before), once the meeting has been held and its minutes
written. Until the current month's last working day, the month whose meeting is due is the
month before.
"""

from datetime import date, timedelta

from portal.domain import workdays
from portal.domain.beijing import month_end, month_start


def signable_from(month: date, overrides: workdays.Overrides = None) -> date:
    """The last working day of ``month``'s month: the first day its review may be signed."""
    return workdays.previous_workday(month_end(month) + timedelta(days=1), overrides)


def may_sign(month: date, today: date, overrides: workdays.Overrides = None) -> bool:
    """Whether ``month`` has come to its end, so that its meeting may be signed ``today``."""
    return today >= signable_from(month, overrides)


def due_month(today: date, overrides: workdays.Overrides = None) -> date:
    """The first day of the month whose meeting is due ``today``: this month from its last
    working day on, the month before until then."""
    if may_sign(today, today, overrides):
        return month_start(today)
    return month_start(month_start(today) - timedelta(days=1))


def sign_refusals(
    month: date,
    today: date,
    held_on: date | None,
    minutes: str,
    overrides: workdays.Overrides = None,
) -> list[str]:
    """Why the review of ``month`` may not be signed ``today`` (empty: it may)."""
    last = signable_from(month, overrides)
    if today < last:
        return [
            f"例会在月末召开：{month:%Y年%m月}的会议记录自该月最后一个工作日"
            f"（{last:%m月%d日}）起才能签署"
        ]
    if held_on is None or not minutes.strip():
        return ["请先填写会议日期和会议纪要，再签署"]
    if held_on > today:
        return [f"会议日期（{held_on}）还未到，会议召开后才能签署"]
    return []
