"""The to-do items of a manager's working day (planned visits, work logs, the weekly summary)
and of the branch head who reads them: one query each."""

from datetime import date, timedelta

from sqlalchemy import and_, func, select

from portal.domain import workdays
from portal.domain.beijing import utc_bounds, utc_start
from portal.extensions import db
from portal.models import Contact, User, WeeklySummary, WorkLog
from portal.services import calendar, scope
from portal.services.permissions import HEAD, MANAGER
from portal.services.todos import Due, register


def _planned(user: User, after=None, before=None) -> int:
    stmt = select(func.count(Contact.id)).where(
        scope.clause(Contact, user), Contact.manager_id == user.id, Contact.status == "planned"
    )
    if after is not None:
        stmt = stmt.where(Contact.planned_at >= after)
    if before is not None:
        stmt = stmt.where(Contact.planned_at < before)
    return db.session.scalar(stmt)


def planned_today(user: User, today: date) -> int:
    """The visits the manager planned for today and has not yet done or cancelled."""
    start, end = utc_bounds(today, today)
    return _planned(user, start, end)


def planned_overdue(user: User, today: date) -> Due:
    """Planned visits whose day has passed, neither done nor cancelled."""
    return Due(_planned(user, before=utc_start(today)), overdue=True)


def _period(today: date) -> dict:
    return {"status": "planned", "from": today.isoformat(), "to": today.isoformat()}


def missing_logs(user: User, today: date) -> Due:
    """This week's working days up to yesterday without the manager's work log (附件2)."""
    due = list(calendar.workdays_between(workdays.week_start(today), today - timedelta(days=1)))
    if not due:
        return Due(0)
    written = set(
        db.session.scalars(
            select(WorkLog.day).where(
                scope.clause(WorkLog, user),
                WorkLog.manager_id == user.id,
                WorkLog.day.between(due[0], due[-1]),
            )
        )
    )
    missing = [day for day in due if day not in written]
    args = {"month": f"{missing[0]:%Y-%m}"} if missing else {}
    return Due(len(missing), overdue=True, args=args)


def summary_unsubmitted(user: User, today: date) -> Due:
    """Last week's summary (附件5) not submitted, when last week had a working day."""
    monday = workdays.week_start(today) - timedelta(days=7)
    args = {"manager_id": user.id, "monday": monday.isoformat()}
    if not any(calendar.workdays_between(monday, workdays.week_end(monday))):
        return Due(0, args=args)
    status = db.session.scalar(
        select(WeeklySummary.status).where(
            scope.clause(WeeklySummary, user),
            WeeklySummary.manager_id == user.id,
            WeeklySummary.week_start == monday,
        )
    )
    return Due(int(status != "submitted"), overdue=True, args=args)


def summaries_to_comment(user: User, today: date) -> Due:
    """Submitted weekly summaries of the head's branch without the head's comment; the link
    opens the week of the oldest."""
    count, oldest = db.session.execute(
        select(func.count(WeeklySummary.id), func.min(WeeklySummary.week_start)).where(
            scope.clause(WeeklySummary, user),
            WeeklySummary.status == "submitted",
            WeeklySummary.commented_at.is_(None),
        )
    ).one()
    return Due(count, args={"week": oldest.isoformat()} if oldest else {})


def managers_without_log(user: User, today: date) -> Due:
    """Active managers of the head's branch with no work log for the last working day."""
    day = calendar.previous_workday(today)
    count = db.session.scalar(
        select(func.count(User.id))
        .outerjoin(WorkLog, and_(WorkLog.manager_id == User.id, WorkLog.day == day))
        .where(
            scope.clause(User, user),
            User.role == MANAGER,
            User.active.is_(True),
            User.branch_id == user.branch_id,
            WorkLog.id.is_(None),
        )
    )
    return Due(count, overdue=True, note=f"{day.month}月{day.day}日")


register(
    MANAGER,
    "visits.today",
    "今日计划拜访",
    planned_today,
    "activities.contact_list",
    lambda user, today: _period(today),
    rank=20,
)
register(
    MANAGER,
    "visits.overdue",
    "过期未处理的计划拜访",
    planned_overdue,
    "activities.contact_list",
    lambda user, today: {"status": "planned", "to": (today - timedelta(days=1)).isoformat()},
    rank=21,
)
register(MANAGER, "logs.missing", "本周未写的工作日志", missing_logs, "activities.logs", rank=30)
register(
    MANAGER, "weeks.submit", "上周工作总结待提交", summary_unsubmitted, "activities.week", rank=40
)
register(
    HEAD,
    "weeks.comment",
    "待点评的周工作总结",
    summaries_to_comment,
    "activities.branch_week",
    rank=30,
)
register(
    HEAD,
    "logs.absent",
    "上一工作日未写日志的客户经理",
    managers_without_log,
    "activities.logs",
    rank=40,
)
