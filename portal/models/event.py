"""Client events (Art. 50.4, 50.6, 50.8, 50.11): the branch's 投资研讨会, 客户联谊, 理财大讲堂 and
客户培训, with the clients who attended.

An event belongs to its organiser's branch; its attendances are kept per client and count for
the manager who served the client when the attendance was recorded (``manager_id``), so a
client handed over later does not move past attendances between managers' weeks. Nothing is
deleted: an attendance recorded by mistake is withdrawn with a reason (kept, shown struck
through, not counted); a later correct entry of the same client brings the row back.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.beijing import utcnow
from portal.extensions import db
from portal.models.base import Audited
from portal.models.client import Client
from portal.models.org import Branch, User

EVENT_KINDS = {
    "seminar": "投资研讨会",
    "social": "客户联谊",
    "lecture": "理财大讲堂",
    "training": "培训",
}
"""The kinds of client events, in the order the portal lists them: Art. 50.8 客户联谊和投资研讨
活动; 50.11 理财大讲堂, 客户的培训和投资者教育; 50.6 交易方式的培训."""


class ClientEvent(Audited, db.Model):
    __tablename__ = "client_events"
    __audit_label__ = "客户活动"
    __table_args__ = (
        CheckConstraint("kind IN ('seminar', 'social', 'lecture', 'training')", name="kind_known"),
        Index("ix_client_events_branch_held", "branch_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), info={"label": "营业部"})
    kind: Mapped[str] = mapped_column(
        String(20), info={"label": "活动类型", "choices": EVENT_KINDS}
    )
    held_on: Mapped[date] = mapped_column(info={"label": "日期"})
    topic: Mapped[str] = mapped_column(String(200), info={"label": "主题"})
    speaker: Mapped[str] = mapped_column(String(100), info={"label": "主讲人"})
    place: Mapped[str] = mapped_column(String(200), default="", info={"label": "地点"})
    notes: Mapped[str] = mapped_column(Text, default="", info={"label": "活动情况"})
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("users.id"), index=True, info={"label": "组织人"}
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    branch: Mapped[Branch] = relationship()
    organiser: Mapped[User] = relationship()
    attendances: Mapped[list["EventAttendance"]] = relationship(
        back_populates="event", order_by="EventAttendance.id"
    )

    @property
    def kind_label(self) -> str:
        return EVENT_KINDS.get(self.kind, self.kind)

    def __str__(self) -> str:
        return f"{self.held_on} {self.kind_label}：{self.topic}"


class EventAttendance(Audited, db.Model):
    """A client who attended an event."""

    __tablename__ = "client_event_attendances"
    __audit_label__ = "到场客户"
    # Its trail is part of the client's (seen by whoever sees the client), not of the event's,
    # which managers of other clients read too.
    __audit_parent__ = ("clients", "client_id")
    __table_args__ = (
        Index("uq_client_event_attendances_event_client", "event_id", "client_id", unique=True),
        Index("ix_client_event_attendances_manager", "manager_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("client_events.id"), info={"label": "活动"})
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id"), index=True, info={"label": "客户"}
    )
    manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "客户经理"})
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "登记人"})
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "登记时间"})
    withdrawn_at: Mapped[datetime | None] = mapped_column(info={"label": "撤销时间"})
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), info={"label": "撤销人"}
    )
    withdrawn_reason: Mapped[str] = mapped_column(
        String(200), default="", info={"label": "撤销原因"}
    )

    event: Mapped[ClientEvent] = relationship(back_populates="attendances")
    client: Mapped[Client] = relationship()
    manager: Mapped[User] = relationship(foreign_keys=[manager_id])
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def __str__(self) -> str:
        return f"{self.client.name}（{self.event.topic}）"
