"""The to-do items of investment advice (Art. 59–61): advice returned to its manager, advice
waiting for the head's review, the month's meeting and its sign-off. One query each."""

from datetime import date, timedelta

from sqlalchemy import and_, func, select

from portal.domain.beijing import local_date, month_end, month_start
from portal.extensions import db
from portal.models import Advice, Branch, MonthlyReview, User
from portal.services import calendar, scope
from portal.services.permissions import HEAD, HQ, MANAGER
from portal.services.todos import Due, register


def _advice_in(user: User, *conditions) -> Due:
    """How many of the user's advice match, and the month of the oldest (the list's page)."""
    count, oldest = db.session.execute(
        select(func.count(Advice.id), func.min(Advice.given_at)).where(
            scope.clause(Advice, user), *conditions
        )
    ).one()
    args = {"state": "flagged"}
    if oldest is not None:
        args["month"] = f"{local_date(oldest):%Y-%m}"
    return Due(count, args=args)


def returned(user: User, today: date) -> Due:
    """The manager's advice the head sent back, to be corrected."""
    return _advice_in(user, Advice.manager_id == user.id, Advice.review_state == "returned")


def awaiting_review(user: User, today: date) -> Due:
    """The branch's flagged advice (screening hits, or corrected after a return)."""
    return _advice_in(user, Advice.review_state == "flagged")


def last_workday_of_month(day: date) -> date:
    return calendar.previous_workday(month_end(day) + timedelta(days=1))


def meeting(user: User, today: date) -> Due:
    """The monthly meeting (Art. 61 每月末召开例会): last month's, when it is not signed
    (overdue); else this month's, due from the month's last working day until signed."""
    this_month = month_start(today)
    last_month = month_start(this_month - timedelta(days=1))
    rows = dict(
        db.session.execute(
            select(MonthlyReview.month, MonthlyReview.signed_off_at).where(
                scope.clause(MonthlyReview, user),
                MonthlyReview.branch_id == user.branch_id,
                MonthlyReview.month.in_((last_month, this_month)),
            )
        ).all()
    )
    if rows.get(last_month) is None:
        note = "上月例会未签署" if last_month in rows else "上月例会未召开"
        return Due(1, overdue=True, args={"month": f"{last_month:%Y-%m}"}, note=note)
    args = {"month": f"{this_month:%Y-%m}"}
    if rows.get(this_month) is not None:
        return Due(0, args=args, note="本月已签署")
    last_day = last_workday_of_month(today)
    if today < last_day:
        return Due(0, args=args, note=f"月末召开（{last_day.month}月{last_day.day}日起）")
    return Due(1, args=args, note="待召开并签署")


def branches_unsigned(user: User, today: date) -> Due:
    """Active branches whose last month's meeting is not signed; the link opens the first."""
    last_month = month_start(month_start(today) - timedelta(days=1))
    signed = and_(
        MonthlyReview.branch_id == Branch.id,
        MonthlyReview.month == last_month,
        MonthlyReview.signed_off_at.is_not(None),
    )
    count, first = db.session.execute(
        select(func.count(Branch.id), func.min(Branch.id))
        .outerjoin(MonthlyReview, signed)
        .where(scope.clause(Branch, user), Branch.active.is_(True), MonthlyReview.id.is_(None))
    ).one()
    args = {"month": f"{last_month:%Y-%m}"} | ({"branch": first} if first else {})
    return Due(count, overdue=True, args=args)


register(MANAGER, "advice.returned", "被退回的投资建议", returned, "advice.index", rank=10)
register(HEAD, "advice.review", "待审核的投资建议", awaiting_review, "advice.index", rank=10)
register(HEAD, "advice.meeting", "月度投资咨询例会", meeting, "advice.monthly", rank=50)
register(
    HQ, "advice.unsigned", "上月例会未签署的营业部", branches_unsigned, "advice.monthly", rank=20
)
