"""The to-do items of the quarterly report (Art. 55): the head's report of the last quarter
while it is not submitted, and for HQ the branches that have not submitted it. One query each.
Not flagged overdue: Art. 55 asks for the report 于每季度末, and the quarter's figures are
complete only once it has ended."""

from datetime import date

from sqlalchemy import and_, func, select

from portal.domain.periods import Quarter
from portal.extensions import db
from portal.models import Branch, QuarterlyReport, User
from portal.services import scope
from portal.services.permissions import HEAD, HQ
from portal.services.todos import Due, register


def _of(quarter: Quarter):
    return and_(
        QuarterlyReport.branch_id == Branch.id,
        QuarterlyReport.year == quarter.year,
        QuarterlyReport.quarter == quarter.number,
    )


def _unsubmitted(user: User, today: date) -> Due:
    quarter = Quarter.of(today).previous
    count = db.session.scalar(
        select(func.count(Branch.id))
        .outerjoin(QuarterlyReport, _of(quarter))
        .where(scope.clause(Branch, user), Branch.active.is_(True), QuarterlyReport.id.is_(None))
    )
    return Due(count, args={"quarter": quarter.key}, note=quarter.label)


register(HEAD, "quarterly.submit", "季度考核报告待提交", _unsubmitted, "quarterly.index", rank=60)
register(
    HQ,
    "quarterly.unsubmitted",
    "未提交季度考核报告的营业部",
    _unsubmitted,
    "quarterly.all_branches",
    rank=60,
)
