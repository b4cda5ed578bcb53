"""The care to-do items of a manager: their clients whose birthday comes in the next seven days
(the first names in the note), and their clients at risk of leaving. One query each."""

from datetime import date

from portal.models import Client, User
from portal.services import care
from portal.services.permissions import MANAGER
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
    """The manager's own clients at risk (a head reads the branch's list from the menu: a
    whole branch's count would cost the head's home page a pass over the branch's figures)."""
    count = care.at_risk_count(Client.manager_id == user.id)
    return Due(count, note="资产下降、长期无交易或申请转销户")


register(MANAGER, "care.birthdays", "近七天过生日的客户", birthdays, "care.birthdays", rank=40)
register(MANAGER, "care.at_risk", "客户流失风险", at_risk, "care.index", rank=45)
