"""The quarterly report to HQ (Art. 55): the branch head's spot checks (抽查) of the managers'
activity, and the submitted reports.

A spot check is the head's record of having checked some of a manager's records — which ones,
what was found, what must be put right — and, later, how it was put right (整改情况). Nothing
is deleted; every change is in the audit trail.

A submitted report is a frozen snapshot of the quarter's figures (the sections as computed on
submission, JSON) with who submitted it and when: one per branch and quarter. What the live
figures say later (a visit logged late) does not change it; the page shows the difference.
"""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.beijing import utcnow
from portal.extensions import db
from portal.models.base import Audited, one_of
from portal.models.org import Branch, User

CHECKED_KINDS = {
    "visits": "拜访记录",
    "logs": "工作日志",
    "weeks": "周工作总结",
    "advice": "投资建议",
    "inquiries": "咨询登记",
}
"""The manager's records a spot check looks at, in the order the form lists them."""


class SpotCheck(Audited, db.Model):
    __tablename__ = "spot_checks"
    __audit_label__ = "活动量抽查"
    __table_args__ = (
        CheckConstraint(one_of("kind", CHECKED_KINDS), name="kind_known"),
        Index("ix_spot_checks_branch_checked", "branch_id", "checked_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), info={"label": "营业部"})
    manager_id: Mapped[int] = mapped_column(
        ForeignKey("users.id"), index=True, info={"label": "被抽查客户经理"}
    )
    checked_on: Mapped[date] = mapped_column(info={"label": "抽查日期"})
    kind: Mapped[str] = mapped_column(
        String(12), info={"label": "抽查内容", "choices": CHECKED_KINDS}
    )
    records: Mapped[str] = mapped_column(Text, info={"label": "抽查的记录"})
    findings: Mapped[str] = mapped_column(Text, info={"label": "抽查发现"})
    follow_up: Mapped[str] = mapped_column(Text, default="", info={"label": "整改要求"})
    rectification: Mapped[str] = mapped_column(Text, default="", info={"label": "整改情况"})
    rectified_on: Mapped[date | None] = mapped_column(info={"label": "整改日期"})
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "抽查人"})
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    branch: Mapped[Branch] = relationship()
    manager: Mapped[User] = relationship(foreign_keys=[manager_id])
    checked_by: Mapped[User] = relationship(foreign_keys=[checked_by_id])

    @property
    def kind_label(self) -> str:
        return CHECKED_KINDS.get(self.kind, self.kind)

    @property
    def rectified(self) -> bool:
        return self.rectified_on is not None

    def __str__(self) -> str:
        return f"{self.checked_on} {self.manager.display_name} {self.kind_label}抽查"


class QuarterlyReport(Audited, db.Model):
    """A branch's submitted quarterly report: the snapshot of its sections."""

    __tablename__ = "quarterly_reports"
    __audit_label__ = "季度考核报告"
    # The snapshot is the report itself; the trail records who submitted it, and when.
    __audit_ignore__ = frozenset({"created_at", "updated_at", "sections"})
    __table_args__ = (
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_known"),
        Index("uq_quarterly_reports_branch_quarter", "branch_id", "year", "quarter", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), info={"label": "营业部"})
    year: Mapped[int] = mapped_column(info={"label": "年度"})
    quarter: Mapped[int] = mapped_column(info={"label": "季度"})
    sections: Mapped[list] = mapped_column(JSON, info={"label": "报告内容"})
    remarks: Mapped[str] = mapped_column(Text, default="", info={"label": "说明"})
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "提交人"})
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "提交时间"})

    branch: Mapped[Branch] = relationship()
    submitted_by: Mapped[User] = relationship()

    def __str__(self) -> str:
        return f"{self.branch.name} {self.year}年第{self.quarter}季度考核报告"
