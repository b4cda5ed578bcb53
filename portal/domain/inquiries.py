"""首问负责制 (Art. 29, 31, 47) and the e-mail deadline (Art. 36; SPEC §5): pure rules, no
Flask, no database.

- Channels: 现场, 电话, 网络, 电子邮件 — the four ways a question reaches the branch.
- Working hours (Art. 31, "非工作时间"): a moment is *within working hours* when its Beijing
  date is a working day (:func:`portal.domain.workdays.is_workday`, with HQ's holiday table
  as ``overrides``) and its time is from 9:00 (included) to 17:00 (excluded). Outside them,
  the first responder records what the client was told and the follow-up day: the same day
  when the question came in before 9:00 on a working day, else the next working day.
- E-mail (Art. 36 "原则上当天回复，最迟不超过两个工作日"; SPEC §5 Decision): received on day
  D, it is due by the second working day after D — Monday → Wednesday, Friday → Tuesday,
  Saturday → Tuesday; a 调休 Saturday counts as a working day, a holiday does not.
"""

from datetime import date, datetime, time

from portal.domain.workdays import Overrides, add_workdays, is_workday

CHANNELS: dict[str, str] = {
    "visit": "现场",
    "phone": "电话",
    "online": "网络",
    "email": "电子邮件",
}

WORK_START = time(9, 0)
WORK_END = time(17, 0)

EMAIL_WORKDAYS = 2
"""Art. 36: an e-mail is answered at the latest on the second working day after it came in."""


def within_working_hours(moment: datetime, overrides: Overrides = None) -> bool:
    """Whether a Beijing wall-clock ``moment`` lies in working hours: a working day, from
    9:00 to 17:00 (17:00 itself is after hours)."""
    return is_workday(moment.date(), overrides) and WORK_START <= moment.time() < WORK_END


def follow_up_day(moment: datetime, overrides: Overrides = None) -> date:
    """The day an inquiry received outside working hours (Beijing ``moment``) is followed up:
    the same day before 9:00 on a working day, else the next working day."""
    day = moment.date()
    if is_workday(day, overrides) and moment.time() < WORK_START:
        return day
    return add_workdays(day, 1, overrides)


def email_due(received: date, overrides: Overrides = None) -> date:
    """The last day to answer an e-mail received on ``received`` (a Beijing date): the second
    working day after it."""
    return add_workdays(received, EMAIL_WORKDAYS, overrides)


def is_overdue(due: date | None, today: date, answered: bool) -> bool:
    """An unanswered inquiry whose due day has passed."""
    return due is not None and not answered and today > due
