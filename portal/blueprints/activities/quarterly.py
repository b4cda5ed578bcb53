"""The quarterly report's section on the managers' activity (Art. 50–55): done contacts by kind
and the 附件5 points, work logs written against those due, weekly summaries submitted against
those due — a few grouped queries for the whole branch.

* Contacts count by their Beijing date, only done ones (``domain.visits``); the points are
  附件5's — done visits of core clients (上门 4, 电话 1, 现场 1) and 新增客户 2 each — summed
  over the quarter.
* Due (the branch's active managers): a work log for every working day of the quarter up to
  yesterday, from the day the manager's account was made (or their first log, if earlier);
  a weekly summary for every week whose Monday falls in the quarter, once it has ended and if
  it had a working day. Only logs of due days count as written; a log of a weekend with work
  is extra.
"""

from datetime import date, timedelta

from sqlalchemy import func, select

from portal.domain import visits, workdays
from portal.domain.beijing import china_today, local_date, utc_bounds
from portal.extensions import db
from portal.models import Contact, User, WeeklySummary, WorkLog
from portal.services import calendar, quarterly
from portal.services.weekly import _new_clients


def _managers(branch_id: int) -> dict[int, date]:
    """The branch's active managers → the first day they are due a log: the day their account
    was made, or their first work log if earlier (records entered before the account's date,
    as when a portal is set up with past records)."""
    first_log = (
        select(WorkLog.manager_id, func.min(WorkLog.day).label("day"))
        .group_by(WorkLog.manager_id)
        .subquery()
    )
    return {
        manager_id: min(local_date(created), first or local_date(created))
        for manager_id, created, first in db.session.execute(
            select(User.id, User.created_at, first_log.c.day)
            .outerjoin(first_log, first_log.c.manager_id == User.id)
            .where(User.branch_id == branch_id, User.role == "manager", User.active.is_(True))
        )
    }


def _visits(branch_id: int, first: date, last: date) -> list[quarterly.Line]:
    start, end = utc_bounds(first, last)
    rows = db.session.execute(
        select(Contact.kind, Contact.core_client, func.count())
        .where(
            Contact.branch_id == branch_id,
            Contact.status == "done",
            Contact.occurred_at >= start,
            Contact.occurred_at < end,
        )
        .group_by(Contact.kind, Contact.core_client)
    ).all()
    by_kind = dict.fromkeys(visits.KINDS, 0)
    core = dict.fromkeys(visits.VISIT_KINDS, 0)
    for kind, is_core, n in rows:
        by_kind[kind] = by_kind.get(kind, 0) + n
        if is_core and kind in core:
            core[kind] += n
    managers = [
        m
        for (m,) in db.session.execute(
            select(User.id).where(User.branch_id == branch_id, User.role == "manager")
        )
    ]
    new_clients = (
        sum(1 for _, (_, _, opened) in _new_clients(managers, first, last) if opened)
        if managers
        else 0
    )
    points = visits.weekly_points(core | {"new_client": new_clients})
    lines = [
        quarterly.Line(f"{label}（次）", by_kind[kind], "" if kind in core else "不计为拜访")
        for kind, label in visits.KINDS.items()
    ]
    lines[0] = quarterly.Line(lines[0].label, lines[0].value, "已完成的联系，按拜访日期")
    return [
        *lines,
        quarterly.Line("拜访合计（次）", sum(by_kind[k] for k in visits.VISIT_KINDS)),
        quarterly.Line("新增客户（个）", new_clients, "附件5口径"),
        quarterly.Line(
            "拜访积分（分）", points, "附件5：核心客户上门4分、电话1分、现场1分，新增客户2分"
        ),
    ]


def _logs(branch_id: int, first: date, last: date) -> list[quarterly.Line]:
    managers = _managers(branch_id)
    today = china_today()
    days = list(calendar.workdays_between(first, min(last, today - timedelta(days=1))))
    due = {(m, day) for m, since in managers.items() for day in days if day >= since}
    written = set(
        db.session.execute(
            select(WorkLog.manager_id, WorkLog.day).where(
                WorkLog.branch_id == branch_id, WorkLog.day.between(first, last)
            )
        ).tuples()
    )
    mondays = []
    monday = workdays.week_start(first)
    monday = monday if monday >= first else monday + timedelta(days=7)
    while monday <= last and workdays.week_end(monday) < today:
        if any(calendar.workdays_between(monday, workdays.week_end(monday))):
            mondays.append(monday)
        monday += timedelta(days=7)
    weeks_due = {
        (m, monday)
        for m, since in managers.items()
        for monday in mondays
        if workdays.week_end(monday) >= since
    }
    submitted = set(
        db.session.execute(
            select(WeeklySummary.manager_id, WeeklySummary.week_start).where(
                WeeklySummary.branch_id == branch_id,
                WeeklySummary.status == "submitted",
                WeeklySummary.week_start.between(first, last),
            )
        ).tuples()
    )
    return [
        quarterly.Line("客户经理（人）", len(managers), "在职客户经理"),
        quarterly.Line("工作日志应写（篇）", len(due), "工作日至昨日，每人每天一篇"),
        quarterly.Line("工作日志已写（篇）", len(due & written)),
        quarterly.Line("工作日志未写（篇）", len(due - written)),
        quarterly.Line("周工作总结应交（份）", len(weeks_due), "周一在本季度且已结束的周"),
        quarterly.Line("周工作总结已提交（份）", len(weeks_due & submitted)),
    ]


quarterly.register("visits", "客户拜访", _visits, rank=20)
quarterly.register("worklogs", "工作日志与周工作总结", _logs, rank=25)
