"""Appointments to open an account (预约开户, Art. 32; SPEC §5): who follows them up, and when
a prospect is overdue for a follow-up.

A prospect is followed up within two working days of its entry or of its last follow-up (the
day it was touched last); past that it is on its manager's to-do list, red. A prospect whose
account is opened or who gave up is closed and due for nothing.
"""

from datetime import date

from portal.domain import workdays

FOLLOW_UP_WORKDAYS = 2

SOURCES: dict[str, str] = {
    "counter": "临柜咨询",
    "phone": "电话预约",
    "online": "网上预约",
    "referral": "客户介绍",
    "event": "营销活动",
    "other": "其他",
}

OUTCOMES: dict[str, str] = {
    "contacted": "已联系，继续跟进",
    "no_answer": "未接通",
    "rescheduled": "改约",
    "dropped": "客户放弃",
}
"""A follow-up's outcome. An opened account is not typed as an outcome: it is the conversion
into a client file, which closes the prospect."""

STATUSES: dict[str, str] = {"open": "跟进中", "opened": "已开户", "dropped": "已放弃"}


def follow_up_due(last_touch: date, overrides: workdays.Overrides = None) -> date:
    """The last day for the next follow-up: the second working day after ``last_touch``."""
    return workdays.add_workdays(last_touch, FOLLOW_UP_WORKDAYS, overrides)


def status_after(outcome: str) -> str:
    """The prospect's status after a follow-up with ``outcome``."""
    return "dropped" if outcome == "dropped" else "open"
