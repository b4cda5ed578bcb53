"""Risk tolerance (SPEC §4): questionnaire versions, assessments, signed risk disclosures and
the scanned paper forms kept in the client's archive (一户一档)."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain import suitability
from portal.domain.beijing import utcnow
from portal.extensions import db
from portal.models.base import Audited
from portal.models.client import Client
from portal.models.org import User

RISK_LEVELS = ("极低", "低", "中", "高")


SCAN_KINDS = {"questionnaire": "风险承受力评估调查表", "disclosure": "风险揭示书"}
"""What a scanned attachment is of."""


class QuestionnaireVersion(db.Model):
    """A version of 附件1 as data (questions, options, scores, level bands, products), loaded
    from a definition file under ``seeds/``. Assessments keep the version they were taken
    under; the newest version is the current one."""

    __tablename__ = "questionnaire_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(80))
    definition: Mapped[dict] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attachment(Audited, db.Model):
    """A scanned paper form (PDF, JPEG or PNG) in a client's archive; the file itself lies
    outside ``static/`` under a random name and is served only through the client's scope."""

    __tablename__ = "attachments"
    __audit_label__ = "扫描件"
    __audit_parent__ = ("clients", "client_id")
    __table_args__ = (
        CheckConstraint(
            "content_type IN ('application/pdf', 'image/jpeg', 'image/png')", name="type_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id"), index=True, info={"label": "客户"}
    )
    kind: Mapped[str] = mapped_column(String(20), info={"label": "类别", "choices": SCAN_KINDS})
    original_name: Mapped[str] = mapped_column(
        String(200), info={"label": "原文件名", "names_part": True}
    )
    stored_name: Mapped[str] = mapped_column(String(64), unique=True, info={"label": "存储名"})
    content_type: Mapped[str] = mapped_column(String(40), info={"label": "文件类型"})
    size: Mapped[int] = mapped_column(info={"label": "大小（字节）"})
    sha256: Mapped[str] = mapped_column(String(64), info={"label": "SHA-256"})
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "上传人"})
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "上传时间"})

    client: Mapped[Client] = relationship()
    uploaded_by: Mapped[User] = relationship()


class RiskAssessment(Audited, db.Model):
    """One completed questionnaire: the answers, score and level under a version; who entered
    it and when. A client's risk level is only ever set from one of these."""

    __tablename__ = "risk_assessments"
    __audit_label__ = "风险承受能力评估"
    __audit_parent__ = ("clients", "client_id")
    __table_args__ = (
        CheckConstraint("level IN ('极低', '低', '中', '高')", name="level_known"),
        Index("ix_risk_assessments_client_taken", "client_id", "taken_at"),
        Index("ix_risk_assessments_branch_taken", "branch_id", "taken_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), info={"label": "客户"})
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), info={"label": "营业部"})
    version_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_versions.id"), info={"label": "问卷版本"}
    )
    answers: Mapped[dict] = mapped_column(JSON, info={"label": "答案"})
    total: Mapped[int] = mapped_column(info={"label": "总分"})
    level: Mapped[str] = mapped_column(String(4), info={"label": "风险承受能力"})
    taken_at: Mapped[datetime] = mapped_column(
        default=utcnow, info={"label": "评估时间", "names_part": True}
    )
    at_opening: Mapped[bool] = mapped_column(default=False, info={"label": "开户时评估"})
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "录入人"})
    scan_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id"), info={"label": "签字问卷扫描件"}
    )

    client: Mapped[Client] = relationship()
    version: Mapped[QuestionnaireVersion] = relationship()
    entered_by: Mapped[User] = relationship()
    scan: Mapped[Attachment | None] = relationship()

    @property
    def awaiting_signature(self) -> bool:
        """No signed questionnaire on file yet: the next step is to print 附件1 for the client
        to sign and to upload its scan (Art. 8.6: the paper goes into the client's file)."""
        return self.scan_id is None


class RiskDisclosure(Audited, db.Model):
    """A signed risk disclosure (风险揭示书) on file: warrants, margin trading, ChiNext."""

    __tablename__ = "risk_disclosures"
    __audit_label__ = "风险揭示书"
    __audit_parent__ = ("clients", "client_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id"), index=True, info={"label": "客户"}
    )
    kind: Mapped[str] = mapped_column(
        String(20),
        info={"label": "揭示书类别", "choices": suitability.DISCLOSURE_TYPES, "names_part": True},
    )
    signed_on: Mapped[date] = mapped_column(info={"label": "签署日期"})
    scan_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id"), info={"label": "扫描件"}
    )
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "录入人"})
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "录入时间"})

    client: Mapped[Client] = relationship()
    scan: Mapped[Attachment | None] = relationship()
    recorded_by: Mapped[User] = relationship()


class DailyRiskReport(Audited, db.Model):
    """A branch's daily new-account risk report (Art. 8.4) as delivered (报送) to its 运营总监
    and 客服总监: by whom, when, and how many accounts it held then."""

    __tablename__ = "daily_risk_reports"
    __audit_label__ = "新开户风险日报"
    __table_args__ = (UniqueConstraint("branch_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), info={"label": "营业部"})
    day: Mapped[date] = mapped_column(info={"label": "日期"})
    accounts: Mapped[int] = mapped_column(info={"label": "新开户数"})
    delivered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "报送人"})
    delivered_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "报送时间"})

    delivered_by: Mapped[User] = relationship()
    acknowledgements: Mapped[list["DailyRiskReportAck"]] = relationship(
        back_populates="report",
        order_by="DailyRiskReportAck.id",
        cascade="all, delete-orphan",
    )

    def acknowledgement(self, position: str) -> "DailyRiskReportAck | None":
        return next((a for a in self.acknowledgements if a.position == position), None)


class DailyRiskReportAck(Audited, db.Model):
    """The 运营总监's or 客服总监's acknowledgement (签收) of a delivered daily report."""

    __tablename__ = "daily_risk_report_acks"
    __audit_label__ = "日报签收"
    __audit_parent__ = ("daily_risk_reports", "report_id")
    __table_args__ = (
        UniqueConstraint("report_id", "position"),
        CheckConstraint("position IN ('operations', 'service')", name="position_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("daily_risk_reports.id", ondelete="CASCADE"), info={"label": "日报"}
    )
    position: Mapped[str] = mapped_column(String(12), info={"label": "职务"})
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "签收人"})
    at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "签收时间"})

    report: Mapped[DailyRiskReport] = relationship(back_populates="acknowledgements")
    user: Mapped[User] = relationship()
