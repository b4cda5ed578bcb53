"""The to-do item of SMS to new accounts (Art. 34): messages due — the manager's own clients',
the branch head's branch — red when any is past its day. One query."""

from datetime import date

from portal.models import User
from portal.services import sms
from portal.services.permissions import HEAD, MANAGER
from portal.services.todos import Due, register


def due(user: User, today: date) -> Due:
    count, overdue = sms.due_counts(user, today)
    return Due(count, overdue=overdue > 0, note=f"其中 {overdue} 条已逾期" if overdue else "")


register({MANAGER, HEAD}, "sms.due", "待发送的开户短信", due, "sms.index", rank=36)
