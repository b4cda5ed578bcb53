"""Care of clients (Art. 50.10): the 转销户 requests recorded for a client and the retention
(挽留) records kept on its file. Nothing is deleted; every record is audited under its client."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.beijing import utcnow
from portal.domain.care import OUTCOMES
from portal.extensions import db
from portal.models.base import Audited
from portal.models.client import Client
from portal.models.org import User


class CloseRequest(Audited, db.Model):
    """A client's request to close the account (转销户), as recorded by branch staff."""

    __tablename__ = "client_close_requests"
    __audit_label__ = "转销户申请"
    __audit_parent__ = ("clients", "client_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True, info={"label": "客户"}
    )
    requested_on: Mapped[date] = mapped_column(Date, info={"label": "申请日期"})
    note: Mapped[str] = mapped_column(Text, default="", info={"label": "说明"})
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "登记人"})
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "登记时间"})

    client: Mapped[Client] = relationship()
    recorded_by: Mapped[User] = relationship()


class Retention(Audited, db.Model):
    """A retention (挽留) of a client at risk of leaving: when, what was done, the outcome."""

    __tablename__ = "client_retentions"
    __audit_label__ = "客户挽留"
    __audit_parent__ = ("clients", "client_id")
    __table_args__ = (
        CheckConstraint(
            "outcome IN ({})".format(", ".join(f"'{code}'" for code in OUTCOMES)),
            name="retention_outcome_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True, info={"label": "客户"}
    )
    on: Mapped[date] = mapped_column(Date, info={"label": "挽留日期"})
    action: Mapped[str] = mapped_column(Text, info={"label": "挽留措施"})
    outcome: Mapped[str] = mapped_column(
        String(12), info={"label": "挽留结果", "choices": OUTCOMES}
    )
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "登记人"})
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "登记时间"})

    client: Mapped[Client] = relationship()
    recorded_by: Mapped[User] = relationship()

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome, self.outcome)
