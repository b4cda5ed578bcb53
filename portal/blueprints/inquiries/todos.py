"""The to-do items of the inquiry register (首问负责制, Art. 29, 31, 36, 44): one query each.

- E-mails waiting for an answer (Art. 36): the owner's own; for the branch head, the
  branch's. Overdue (red) once one of them is past its last day.
- After-hours follow-ups due today or earlier, of the inquiries the user owns.
- Inquiries a colleague asked the user about, not yet answered.
- For the branch head, answers the Art. 44 screening flagged.
"""

from datetime import date

from sqlalchemy import case, func, select

from portal.extensions import db
from portal.models import User
from portal.models.inquiry import Inquiry
from portal.services import scope
from portal.services.permissions import COUNTER, HEAD, MANAGER
from portal.services.todos import Due, register

STAFF = {MANAGER, COUNTER, HEAD}


def open_emails(user: User, today: date) -> Due:
    """Unanswered e-mails: the user's own, or (the head) the branch's; how many are overdue."""
    conditions = [
        scope.clause(Inquiry, user),
        Inquiry.channel == "email",
        Inquiry.answered_at.is_(None),
    ]
    args = {"state": "open", "channel": "email"}
    if user.role != HEAD:
        conditions.append(Inquiry.owner_id == user.id)
        args["mine"] = "1"
    count, late, first_due = db.session.execute(
        select(
            func.count(Inquiry.id),
            func.coalesce(func.sum(case((Inquiry.due_on < today, 1), else_=0)), 0),
            func.min(Inquiry.due_on),
        ).where(*conditions)
    ).one()
    if late:
        return Due(count, overdue=True, args=args, note=f"其中 {late} 件已逾期")
    note = f"最早 {first_due.month}月{first_due.day}日 前回复" if first_due else ""
    return Due(count, args=args, note=note)


def follow_ups(user: User, today: date) -> Due:
    """After-hours inquiries the user owns whose follow-up day has come."""
    count, first = db.session.execute(
        select(func.count(Inquiry.id), func.min(Inquiry.follow_up_on)).where(
            scope.clause(Inquiry, user),
            Inquiry.owner_id == user.id,
            Inquiry.answered_at.is_(None),
            Inquiry.follow_up_on <= today,
        )
    ).one()
    return Due(count, overdue=bool(first and first < today), args={"state": "open", "mine": "1"})


def asked(user: User, today: date) -> Due:
    """Unanswered inquiries a colleague asked the user about."""
    count = db.session.scalar(
        select(func.count(Inquiry.id)).where(
            scope.clause(Inquiry, user),
            Inquiry.colleague_id == user.id,
            Inquiry.answered_at.is_(None),
        )
    )
    return Due(count, args={"state": "open", "mine": "1"})


def flagged(user: User, today: date) -> Due:
    """The branch's answers with a forbidden phrase (Art. 44), for the head to review."""
    count = db.session.scalar(
        select(func.count(Inquiry.id)).where(
            scope.clause(Inquiry, user), Inquiry.review_state == "flagged"
        )
    )
    return Due(count, args={"state": "flagged"})


register(STAFF, "inquiries.email", "待回复的电子邮件咨询", open_emails, "inquiries.index", rank=5)
register(
    STAFF, "inquiries.follow_up", "非工作时间咨询待跟进", follow_ups, "inquiries.index", rank=6
)
register(STAFF, "inquiries.asked", "同事请您协助的咨询", asked, "inquiries.index", rank=7)
register(HEAD, "inquiries.flagged", "答复用语待审核的咨询", flagged, "inquiries.index", rank=8)
