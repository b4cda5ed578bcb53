"""The care to-do items: the manager's clients whose birthday comes in the next seven days (the
first names in the note), and the clients at risk of leaving of a manager or a branch. One
query each (the at-risk count reads the reference month first)."""

from datetime import date

from portal.models import Client, User
from portal.services import care
from portal.services.permissions import HEAD, MANAGER
from portal.services.todos import Due, register

NOTE_NAMES = 3


def birthdays(user: User, today: date) -> Due:
    rows = care.birthdays(Client.manager_id == user.id, today)
    shown = "、".join(
        f"{row.name}（{'今天' if row.days_away == 0 else f'{row.day.month}月{row.day.day}日'}）"
        for row in rows[:NOTE_NAMES]
    )
    more = "等" if len(rows) > NOTE_NAMES else ""
    return Due(len(rows), note=shown + more)


def at_risk(user: User, today: date) -> Due:
    condition = Client.manager_id == user.id if user.role == MANAGER else None
    if condition is None:
        condition = Client.branch_id == user.branch_id
    return Due(care.at_risk_count(condition), note="资产下降、长期无交易或申请转销户")


register(MANAGER, "care.birthdays", "近七天过生日的客户", birthdays, "care.birthdays", rank=40)
register({MANAGER, HEAD}, "care.at_risk", "客户流失风险", at_risk, "care.index", rank=45)
