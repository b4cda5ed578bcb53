"""The inquiry register (首问负责制, Art. 29, 31, 36, 44, 47; SPEC §5).

Whoever of the branch first hears a question logs it and owns it until it is answered
(``owner``); a colleague asked for help is recorded beside them (``colleague``) and never
takes the ownership over. An e-mail is due by the second working day after it came in
(``due_on``, fixed when it is logged: :func:`portal.domain.inquiries.email_due`). Outside
working hours the owner records what the client was told and the follow-up day. The answer,
when and by whom, are kept; an answer the Art. 44 screening flags waits for the branch head.
Nothing is deleted: there is no delete, and every change leaves an audit trace.
"""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.beijing import local_date, utcnow
from portal.domain.idcard import mask_mobile
from portal.domain.inquiries import CHANNELS, is_overdue
from portal.extensions import db
from portal.models.base import Audited
from portal.models.client import Client
from portal.models.encrypted import Encrypted
from portal.models.org import Branch, User

REVIEW_STATES = {"clear": "无", "flagged": "待审核", "cleared": "已审核"}


class Inquiry(Audited, db.Model):
    """One question from a client (or a non-client), its owner and its answer."""

    __tablename__ = "inquiries"
    __audit_label__ = "客户咨询"
    __table_args__ = (
        CheckConstraint("channel IN ('visit', 'phone', 'online', 'email')", name="channel_known"),
        CheckConstraint("review_state IN ('clear', 'flagged', 'cleared')", name="review_known"),
        CheckConstraint("client_id IS NOT NULL OR asker_name <> ''", name="has_asker"),
        Index("ix_inquiries_branch_received", "branch_id", "received_at"),
        Index("ix_inquiries_owner_answered", "owner_id", "answered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), info={"label": "营业部"})
    channel: Mapped[str] = mapped_column(
        String(10), info={"label": "咨询方式", "choices": CHANNELS}
    )
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id"), index=True, info={"label": "客户"}
    )
    asker_name: Mapped[str] = mapped_column(String(40), default="", info={"label": "咨询人"})
    asker_phone: Mapped[str] = mapped_column(
        Encrypted(), default="", info={"label": "联系电话", "masked": True}
    )
    question: Mapped[str] = mapped_column(Text, info={"label": "咨询内容"})
    received_at: Mapped[datetime] = mapped_column(info={"label": "受理时间"})
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "首问责任人"})
    colleague_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), index=True, info={"label": "协助同事"}
    )
    colleague_asked_at: Mapped[datetime | None] = mapped_column(info={"label": "请同事协助时间"})
    colleague_note: Mapped[str] = mapped_column(Text, default="", info={"label": "协助事项"})
    after_hours: Mapped[bool] = mapped_column(default=False, info={"label": "非工作时间受理"})
    told_client: Mapped[str] = mapped_column(Text, default="", info={"label": "已告知客户"})
    follow_up_on: Mapped[date | None] = mapped_column(info={"label": "跟进日期"})
    due_on: Mapped[date | None] = mapped_column(info={"label": "最迟回复日期"})
    answer: Mapped[str] = mapped_column(Text, default="", info={"label": "答复内容"})
    answered_at: Mapped[datetime | None] = mapped_column(info={"label": "答复时间"})
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), info={"label": "答复人"}
    )
    screening_hits: Mapped[list] = mapped_column(JSON, default=list, info={"label": "用语筛查"})
    review_state: Mapped[str] = mapped_column(
        String(10), default="clear", info={"label": "审核状态", "choices": REVIEW_STATES}
    )
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), info={"label": "审核人"}
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(info={"label": "审核时间"})
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    branch: Mapped[Branch] = relationship()
    client: Mapped[Client | None] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    colleague: Mapped[User | None] = relationship(foreign_keys=[colleague_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def channel_label(self) -> str:
        return CHANNELS[self.channel]

    @property
    def asker(self) -> str:
        """Who asked: the client's name, or the non-client's as typed."""
        return self.client.name if self.client else self.asker_name

    @property
    def asker_phone_masked(self) -> str:
        return mask_mobile(self.asker_phone) if self.asker_phone else ""

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def received_on(self) -> date:
        return local_date(self.received_at)

    def overdue(self, today: date) -> bool:
        """An e-mail not answered by its last day."""
        return is_overdue(self.due_on, today, self.answered)

    @property
    def review_label(self) -> str:
        return REVIEW_STATES[self.review_state]

    def responsible(self, user: User) -> bool:
        """The owner or the colleague asked: the two who may write the answer."""
        return user.id in (self.owner_id, self.colleague_id)
