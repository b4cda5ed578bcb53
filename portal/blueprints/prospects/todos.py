"""The to-do item of appointments to open an account (Art. 32): prospects not followed up
within two working days — the manager's own, the branch head's branch. One query."""

from datetime import date

from portal.models import User
from portal.services import prospects
from portal.services.permissions import HEAD, MANAGER
from portal.services.todos import Due, register


def overdue(user: User, today: date) -> Due:
    count = prospects.overdue_count(user, today)
    return Due(count, overdue=count > 0, args={"state": "overdue"})


register(
    {MANAGER, HEAD},
    "prospects.overdue",
    "超过两个工作日未跟进的预约开户",
    overdue,
    "prospects.index",
    rank=35,
)
