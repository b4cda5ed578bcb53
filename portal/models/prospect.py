"""Appointments to open an account (预约开户, Art. 32) and their follow-ups. A prospect who
opens an account becomes a client file (``client_id``), the link kept both ways. Nothing is
deleted; both are audited (a follow-up as a part of its prospect)."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain import prospects as rules
from portal.domain.beijing import utcnow
from portal.domain.idcard import mask_mobile
from portal.extensions import db
from portal.models.base import Audited, one_of
from portal.models.client import Client
from portal.models.encrypted import Encrypted
from portal.models.org import Branch, User


class Prospect(Audited, db.Model):
    __tablename__ = "prospects"
    __audit_label__ = "预约开户"
    __table_args__ = (
        CheckConstraint(one_of("status", rules.STATUSES), name="status_known"),
        CheckConstraint(one_of("source", rules.SOURCES), name="source_known"),
        Index("ix_prospects_manager_status_touch", "manager_id", "status", "last_touch_on"),
        Index("ix_prospects_branch_status_touch", "branch_id", "status", "last_touch_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), info={"label": "营业部"})
    manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "客户经理"})
    name: Mapped[str] = mapped_column(String(40), info={"label": "姓名"})
    phone: Mapped[str] = mapped_column(Encrypted(), info={"label": "联系电话", "masked": True})
    appointment_on: Mapped[date] = mapped_column(info={"label": "预约日期"})
    source: Mapped[str] = mapped_column(
        String(10), info={"label": "来源", "choices": rules.SOURCES}
    )
    note: Mapped[str] = mapped_column(Text, default="", info={"label": "备注"})
    status: Mapped[str] = mapped_column(
        String(10), default="open", info={"label": "状态", "choices": rules.STATUSES}
    )
    # The day of its entry or of its last follow-up: the to-do list's one indexed column.
    last_touch_on: Mapped[date] = mapped_column(info={"label": "最近跟进日期"})
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id"), unique=True, info={"label": "开户后的客户"}
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "登记人"})
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "登记时间"})

    branch: Mapped[Branch] = relationship()
    manager: Mapped[User] = relationship(foreign_keys=[manager_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    client: Mapped[Client | None] = relationship()
    follow_ups: Mapped[list["ProspectFollowUp"]] = relationship(
        back_populates="prospect", order_by="ProspectFollowUp.id"
    )

    @property
    def status_label(self) -> str:
        return rules.STATUSES[self.status]

    @property
    def source_label(self) -> str:
        return rules.SOURCES[self.source]

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def phone_for(self, user: User) -> str:
        """The phone as ``user`` sees it: in full for the branch's staff who follow prospects
        up (its manager, who entered it, the branch head), masked for the others."""
        full = user.id in (self.manager_id, self.created_by_id) or (
            user.role == "branch_head" and user.branch_id == self.branch_id
        )
        return self.phone if full else mask_mobile(self.phone)


class ProspectFollowUp(Audited, db.Model):
    __tablename__ = "prospect_follow_ups"
    __audit_label__ = "预约开户跟进"
    __audit_parent__ = ("prospects", "prospect_id")
    __table_args__ = (CheckConstraint(one_of("outcome", rules.OUTCOMES), name="outcome_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prospect_id: Mapped[int] = mapped_column(
        ForeignKey("prospects.id"), index=True, info={"label": "预约开户"}
    )
    on: Mapped[date] = mapped_column(info={"label": "跟进日期"})
    outcome: Mapped[str] = mapped_column(
        String(12), info={"label": "跟进结果", "choices": rules.OUTCOMES}
    )
    note: Mapped[str] = mapped_column(Text, default="", info={"label": "跟进情况"})
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "跟进人"})
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "记录时间"})

    prospect: Mapped[Prospect] = relationship(back_populates="follow_ups")
    by: Mapped[User] = relationship()

    @property
    def outcome_label(self) -> str:
        return rules.OUTCOMES[self.outcome]
