"""SMS to new accounts (Art. 34–35): the two templates, each message (text as sent, to which
number, when, by whom, which template) and the outbox batches the branch hands to its SMS
platform. Messages are parts of the client's record (its history shows them); nothing is
deleted."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain import sms as rules
from portal.domain.beijing import utcnow
from portal.domain.idcard import mask_mobile
from portal.extensions import db
from portal.models.base import Audited, one_of
from portal.models.client import Client
from portal.models.encrypted import Encrypted
from portal.models.org import Branch, User

MESSAGE_STATUSES = {"queued": "待发送（发件箱）", "batched": "已导出待确认", "sent": "已发送"}
BATCH_STATUSES = {"exported": "已导出", "sent": "已发送"}


class SmsTemplate(Audited, db.Model):
    __tablename__ = "sms_templates"
    __audit_label__ = "短信模板"
    __table_args__ = (CheckConstraint(one_of("kind", rules.KIND_LABELS), name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), unique=True, info={"label": "发送时间"})
    text: Mapped[str] = mapped_column(Text, info={"label": "发送模板"})
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def kind_label(self) -> str:
        return rules.KIND_LABELS[self.kind]


class SmsBatch(db.Model):
    """One download of a branch's outbox for its SMS platform, then confirmed as sent. Itself
    the log of the outbox (not audited); its messages are."""

    __tablename__ = "sms_batches"
    __table_args__ = (CheckConstraint(one_of("status", BATCH_STATUSES), name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="exported")
    gateway: Mapped[str] = mapped_column(String(20), default="outbox")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None]

    branch: Mapped[Branch] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])
    messages: Mapped[list["SmsMessage"]] = relationship(
        back_populates="batch", order_by="SmsMessage.id"
    )

    @property
    def status_label(self) -> str:
        return BATCH_STATUSES[self.status]


class SmsMessage(Audited, db.Model):
    __tablename__ = "sms_messages"
    __audit_label__ = "短信"
    __audit_parent__ = ("clients", "client_id")
    __table_args__ = (
        CheckConstraint(one_of("kind", rules.KIND_LABELS), name="kind_known"),
        CheckConstraint(one_of("status", MESSAGE_STATUSES), name="status_known"),
        # One message of each kind per client: the due list's join.
        UniqueConstraint("client_id", "kind"),
        Index("ix_sms_messages_branch_status", "branch_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), info={"label": "客户"})
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), info={"label": "营业部"})
    manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "客户经理"})
    kind: Mapped[str] = mapped_column(
        String(20), info={"label": "模板", "choices": rules.KIND_LABELS}
    )
    phone: Mapped[str] = mapped_column(Encrypted(), info={"label": "手机号码", "masked": True})
    text: Mapped[str] = mapped_column(Text, info={"label": "短信内容"})
    status: Mapped[str] = mapped_column(
        String(10), default="queued", info={"label": "状态", "choices": MESSAGE_STATUSES}
    )
    queued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "编写人"})
    queued_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "加入发件箱"})
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_batches.id"), info={"label": "发送批次"}
    )
    sent_at: Mapped[datetime | None] = mapped_column(info={"label": "发送时间"})
    sent_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), info={"label": "确认发送人"}
    )

    client: Mapped[Client] = relationship()
    manager: Mapped[User] = relationship(foreign_keys=[manager_id])
    queued_by: Mapped[User] = relationship(foreign_keys=[queued_by_id])
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])
    batch: Mapped[SmsBatch | None] = relationship(back_populates="messages")

    @property
    def kind_label(self) -> str:
        return rules.KIND_LABELS[self.kind]

    @property
    def status_label(self) -> str:
        return MESSAGE_STATUSES[self.status]

    @property
    def phone_masked(self) -> str:
        return mask_mobile(self.phone)
