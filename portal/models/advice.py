"""Investment advice (Art. 59–61; 附件8, 附件9, 附件10): the manager's daily summary of market
views, advice given to clients with up to three follow-ups, and the branch's monthly review.

Retention (Art. 59.2(3)): advice, its follow-ups and the daily summaries (the sources noted)
are kept at least two years from their date. The service refuses to delete them sooner, and so
does the database (triggers in migration 0005).
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain import review, screening, suitability
from portal.domain.beijing import utcnow
from portal.extensions import db
from portal.models.base import Audited
from portal.models.client import Client
from portal.models.org import Branch, User

CATEGORIES = ("大盘", "行业", "个股", "其他")
"""投资需求类别 of 附件9 and the columns of 附件10."""

REVIEW_STATES = {"clear": "无", "flagged": "待审核", "cleared": "已审核通过", "returned": "已退回"}

RETENTION_YEARS = 2

MAX_FOLLOWUPS = 3
"""附件9 has room for three follow-ups (跟踪服务一、二、三)."""


class DailyAdviceSummary(Audited, db.Model):
    """附件8 每日投资建议汇总表: one per manager per day."""

    __tablename__ = "advice_daily_summaries"
    __audit_label__ = "每日投资建议汇总"
    __table_args__ = (Index("uq_advice_daily_manager_day", "manager_id", "day", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "客户经理"})
    branch_id: Mapped[int] = mapped_column(
        ForeignKey("branches.id"), index=True, info={"label": "营业部"}
    )
    day: Mapped[date] = mapped_column(info={"label": "日期"})
    market_broad: Mapped[str] = mapped_column(Text, default="", info={"label": "市场观点·大盘"})
    market_sector: Mapped[str] = mapped_column(Text, default="", info={"label": "市场观点·行业"})
    market_stock: Mapped[str] = mapped_column(Text, default="", info={"label": "市场观点·个股"})
    market_other: Mapped[str] = mapped_column(Text, default="", info={"label": "市场观点·其他"})
    morning_broad: Mapped[str] = mapped_column(Text, default="", info={"label": "晨会·大盘"})
    morning_sector: Mapped[str] = mapped_column(Text, default="", info={"label": "晨会·行业"})
    morning_stock: Mapped[str] = mapped_column(Text, default="", info={"label": "晨会·个股"})
    other: Mapped[str] = mapped_column(Text, default="", info={"label": "其他（自由填写）"})
    personal: Mapped[str] = mapped_column(Text, default="", info={"label": "个人观点总结"})
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    manager: Mapped[User] = relationship()


class Advice(Audited, db.Model):
    """附件9 客户投资建议跟踪表: one piece of advice to a client, with its follow-ups."""

    __tablename__ = "advice_records"
    __audit_label__ = "投资建议"
    __table_args__ = (
        CheckConstraint("category IN ('大盘', '行业', '个股', '其他')", name="category_known"),
        CheckConstraint(
            "review_state IN ('clear', 'flagged', 'cleared', 'returned')", name="review_known"
        ),
        Index("ix_advice_records_manager_given", "manager_id", "given_at"),
        Index("ix_advice_records_branch_given", "branch_id", "given_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id"), index=True, info={"label": "客户"}
    )
    manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "客户经理"})
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), info={"label": "营业部"})
    given_at: Mapped[datetime] = mapped_column(info={"label": "时间"})
    client_class: Mapped[str | None] = mapped_column(String(2), info={"label": "客户类别"})
    client_risk_level: Mapped[str | None] = mapped_column(
        String(4), info={"label": "当时风险承受能力"}
    )
    category: Mapped[str] = mapped_column(String(4), info={"label": "投资需求类别"})
    product_code: Mapped[str] = mapped_column(
        String(20), info={"label": "涉及产品类别", "choices": suitability.PRODUCTS}
    )
    question: Mapped[str] = mapped_column(Text, info={"label": "咨询内容"})
    advice: Mapped[str] = mapped_column(Text, info={"label": "投资建议"})
    remarks: Mapped[str] = mapped_column(Text, default="", info={"label": "备注"})
    # Screening (Art. 59): hits flag the record for the branch head.
    screening_hits: Mapped[list] = mapped_column(
        JSON, default=list, info={"label": "筛查结果", "shown_as": "screening_hits"}
    )
    review_state: Mapped[str] = mapped_column(
        String(10), default="clear", info={"label": "审核状态", "choices": REVIEW_STATES}
    )
    review_comment: Mapped[str] = mapped_column(Text, default="", info={"label": "审核意见"})
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), info={"label": "审核人"}
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(info={"label": "审核时间"})
    # A change after the month's review was signed off needs a reason and is marked.
    changed_after_signoff: Mapped[bool] = mapped_column(default=False, info={"label": "签署后修改"})
    change_reason: Mapped[str] = mapped_column(Text, default="", info={"label": "修改原因"})
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    client: Mapped[Client] = relationship()
    manager: Mapped[User] = relationship(foreign_keys=[manager_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    followups: Mapped[list["AdviceFollowUp"]] = relationship(
        back_populates="advice", order_by="AdviceFollowUp.number"
    )

    @property
    def review_label(self) -> str:
        return REVIEW_STATES[self.review_state]

    @property
    def print_state(self) -> str | None:
        """What 附件9 must show of a review not yet through (待审核, or 已退回 with the head's
        comment); ``None`` for advice never flagged or cleared by the head."""
        if self.review_state == "flagged":
            return "待审核（营业部总经理尚未审核通过）"
        if self.review_state == "returned":
            return f"已退回（{self.review_comment}）" if self.review_comment else "已退回"
        return None

    @property
    def product_label(self) -> str:
        """涉及产品类别 in the policy's words."""
        return suitability.PRODUCTS[self.product_code].label

    @property
    def awaiting_recheck(self) -> bool:
        """Returned, corrected by the manager (nothing flagged any more), and waiting for the
        head to look again."""
        return (
            self.review_state == "flagged"
            and not self.screening_hits
            and self.reviewed_by_id is not None
        )

    @property
    def needs_review(self) -> bool:
        """Flagged by the screening, or returned by the head: not yet cleared."""
        return self.review_state in ("flagged", "returned")

    @property
    def followups_made(self) -> str:
        """How many of its follow-ups the advice has had, as 附件9 counts them: "1/3"."""
        return f"{len(self.followups)}/{MAX_FOLLOWUPS}"

    @property
    def may_follow_up(self) -> bool:
        """Whether the form still has a follow-up row free."""
        return len(self.followups) < MAX_FOLLOWUPS

    def hits_in(self, field: str) -> list[screening.Hit]:
        """The screening's hits in one text field, rebuilt from the stored JSON."""
        return [screening.Hit.from_stored(h) for h in self.screening_hits if h["field"] == field]


class AdviceFollowUp(Audited, db.Model):
    """跟踪服务一/二/三 of 附件9."""

    __tablename__ = "advice_followups"
    __audit_label__ = "跟踪服务"
    __audit_parent__ = ("advice_records", "advice_id")
    __table_args__ = (
        CheckConstraint("number BETWEEN 1 AND 3", name="at_most_three"),
        Index("uq_advice_followups_number", "advice_id", "number", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    advice_id: Mapped[int] = mapped_column(
        ForeignKey("advice_records.id"), info={"label": "投资建议"}
    )
    number: Mapped[int] = mapped_column(info={"label": "跟踪序号", "names_part": True})
    at: Mapped[datetime] = mapped_column(info={"label": "时间"})
    allocation: Mapped[str] = mapped_column(String(200), default="", info={"label": "资金配置"})
    cumulative_gain: Mapped[Decimal | None] = mapped_column(
        Numeric(8, 2), info={"label": "累计涨幅（%）"}
    )
    content: Mapped[str] = mapped_column(Text, info={"label": "跟踪服务内容"})
    feedback: Mapped[str] = mapped_column(Text, default="", info={"label": "客户反馈信息"})
    screening_hits: Mapped[list] = mapped_column(
        JSON, default=list, info={"label": "筛查结果", "shown_as": "screening_hits"}
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    advice: Mapped[Advice] = relationship(back_populates="followups")


class MonthlyReview(Audited, db.Model):
    """Art. 61: the branch's month-end meeting on the month's advice, with its sign-off."""

    __tablename__ = "advice_monthly_reviews"
    __audit_label__ = "月度投资咨询例会"
    __table_args__ = (Index("uq_advice_reviews_branch_month", "branch_id", "month", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), info={"label": "营业部"})
    month: Mapped[date] = mapped_column(info={"label": "月份", "shown_as": "month"})
    held_on: Mapped[date | None] = mapped_column(info={"label": "会议日期"})
    attendees: Mapped[str] = mapped_column(Text, default="", info={"label": "参会人员"})
    minutes: Mapped[str] = mapped_column(Text, default="", info={"label": "会议纪要"})
    decisions: Mapped[str] = mapped_column(Text, default="", info={"label": "决定事项"})
    signed_off_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), info={"label": "签署人"}
    )
    signed_off_at: Mapped[datetime | None] = mapped_column(info={"label": "签署时间"})

    branch: Mapped[Branch] = relationship()
    signed_off_by: Mapped[User | None] = relationship()

    @property
    def signable_from(self) -> date:
        """The month's last working day: the meeting comes at month end (Art. 61)."""
        from portal.services import calendar  # the holiday table; models load before services

        return review.signable_from(self.month, calendar.overrides())

    def sign_refusals(self, today: date) -> list[str]:
        """Why the record may not be signed ``today`` (empty: it may, as far as the month and
        the meeting go; the service also waits for the month's flagged advice)."""
        if self.signed_off_at is not None:
            return ["会议记录已签署"]
        from portal.services import calendar

        overrides = calendar.overrides()
        return review.sign_refusals(self.month, today, self.held_on, self.minutes or "", overrides)
