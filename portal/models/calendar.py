"""HQ's holiday table (节假日安排; SPEC §5 "Working-day calendar"): the year's announced
arrangement (调休, 补假) and corrections, which win over the statutory holidays and the
published calendar of ``domain.workdays``. Read through ``services.calendar``."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.beijing import utcnow
from portal.extensions import db
from portal.models.base import Audited
from portal.models.org import User

DAY_KINDS = {True: "工作日（调休上班）", False: "休息日（放假）"}


class CalendarDay(Audited, db.Model):
    """One date whose working status HQ has set: a working day or a day off, and why."""

    __tablename__ = "calendar_days"
    __audit_label__ = "节假日安排"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True, info={"label": "日期"})
    workday: Mapped[bool] = mapped_column(info={"label": "是否工作日"})
    note: Mapped[str] = mapped_column(String(200), info={"label": "说明"})
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "录入人"})
    entered_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "录入时间"})

    entered_by: Mapped[User] = relationship()

    @property
    def kind_label(self) -> str:
        return DAY_KINDS[self.workday]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.kind_label}"
