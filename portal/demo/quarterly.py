"""Demo spot checks (抽查, Art. 55) and last quarter's submitted report: head1 checked the
activity of mgr1 and mgr2 a few times this quarter (one check put right, one waiting for its
rectification) and once last quarter, then submitted last quarter's report. Through the
services, like a user's entries; only into a database without spot checks. The dates follow
today."""

from datetime import timedelta

from sqlalchemy import select

from portal.domain.beijing import china_today
from portal.domain.periods import Quarter
from portal.extensions import db
from portal.models import Branch, User
from portal.models.quarterly import SpotCheck
from portal.services import quarterly

# manager, days ago, kind, records, findings, follow-up, rectified (days after), rectification
CHECKS = [
    (
        "mgr1",
        12,
        "visits",
        "近两周的上门拜访记录（客户6户）",
        "拜访记录完整；其中2次拜访未写拜访后改进事项。",
        "补记2次拜访的改进事项，今后拜访当天填写。",
        3,
        "已补记，并在周工作总结中说明。",
    ),
    (
        "mgr2",
        6,
        "logs",
        "本月工作日志（8篇）",
        "有2个工作日未写工作日志，明日计划较笼统。",
        "补写缺失的工作日志；明日计划写明拜访客户和时间。",
        None,
        "",
    ),
    (
        "mgr1",
        3,
        "advice",
        "本月投资建议及跟踪服务（5条）",
        "建议记录规范，跟踪及时。",
        "",
        None,
        "",
    ),
]
LAST_QUARTER = ("mgr2", "weeks", "上季度最后四周的周工作总结", "总结按时提交，计划与达成对比清楚。")


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def seed_quarterly() -> int:
    """The demo spot checks and last quarter's report of the first branch; how many checks."""
    head = _user("head1")
    if head is None or db.session.scalar(select(SpotCheck.id).limit(1)) is not None:
        return 0
    today = china_today()
    this_quarter = Quarter.of(today)
    made = 0
    for manager, ago, kind, records, findings, follow_up, rectified, rectification in CHECKS:
        day = max(today - timedelta(days=ago), this_quarter.first)
        data = {
            "manager_id": _user(manager).id,
            "checked_on": day,
            "kind": kind,
            "records": records,
            "findings": findings,
            "follow_up": follow_up,
        }
        check = quarterly.record_spot_check(data, head)
        made += 1
        if rectified is not None:
            done = min(day + timedelta(days=rectified), today)
            quarterly.update_spot_check(
                check, data | {"rectification": rectification, "rectified_on": done}, head
            )
    last = this_quarter.previous
    manager, kind, records, findings = LAST_QUARTER
    quarterly.record_spot_check(
        {
            "manager_id": _user(manager).id,
            "checked_on": last.last - timedelta(days=2),
            "kind": kind,
            "records": records,
            "findings": findings,
        },
        head,
    )
    branch = db.session.get(Branch, head.branch_id)
    if quarterly.report_of(branch.id, last) is None:
        quarterly.submit(branch, last, head, "上季度客户经理活动量抽查1次，未发现问题。")
    return made + 1
