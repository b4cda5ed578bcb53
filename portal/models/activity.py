"""A client manager's activity (Art. 50–54): contacts with clients and their visits (附件7),
the home-visit self-evaluation (附件6) and readiness checklist, the daily work log (附件2),
the weekly summary (附件5), and the history of which manager serves a client.

Timestamps are naive UTC like everywhere (shown in Beijing time); dates (``day``,
``week_start``, ``since``) are Beijing business dates. What the forms count — 拜访次序,
累计拜访次数, 客户服务/理财咨询 per day, the week's points — is never stored: it is computed
from these records (``services.contacts``, ``services.worklogs``, ``services.weekly``).
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain import visits
from portal.domain.beijing import utcnow
from portal.extensions import db
from portal.models.base import Audited, BigId, one_of
from portal.models.client import Client
from portal.models.org import Branch, User


class Contact(Audited, db.Model):
    """One contact with a client: a visit (上门/电话/现场拜访) or, for the record, an e-mail,
    SMS or other contact. Planned (with a planned time) or done (with the actual time and
    what happened)."""

    __tablename__ = "contacts"
    __audit_label__ = "客户联系"
    __table_args__ = (
        CheckConstraint(one_of("kind", visits.KINDS), name="kind_known"),
        CheckConstraint(one_of("status", visits.STATUSES), name="status_known"),
        CheckConstraint("status <> 'done' OR occurred_at IS NOT NULL", name="done_has_time"),
        CheckConstraint("status <> 'planned' OR planned_at IS NOT NULL", name="planned_has_time"),
        # The client's visits in order (拜访次序, 累计拜访次数, 附件7).
        Index("ix_contacts_client_status_occurred", "client_id", "status", "occurred_at"),
        # A manager's day and week (附件2, 附件5, home page).
        Index("ix_contacts_manager_status_occurred", "manager_id", "status", "occurred_at"),
        Index("ix_contacts_manager_status_planned", "manager_id", "status", "planned_at"),
        Index("ix_contacts_branch_occurred", "branch_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), info={"label": "客户"})
    manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "客户经理"})
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), info={"label": "营业部"})
    kind: Mapped[str] = mapped_column(
        String(10), info={"label": "联系方式", "choices": visits.KINDS}
    )
    status: Mapped[str] = mapped_column(
        String(10), default="done", info={"label": "状态", "choices": visits.STATUSES}
    )
    planned_at: Mapped[datetime | None] = mapped_column(info={"label": "计划时间"})
    occurred_at: Mapped[datetime | None] = mapped_column(info={"label": "拜访时间"})
    place: Mapped[str] = mapped_column(String(100), default="", info={"label": "拜访地点"})
    content: Mapped[str] = mapped_column(Text, default="", info={"label": "拜访主要内容"})
    improvements: Mapped[str] = mapped_column(Text, default="", info={"label": "拜访后改进事项"})
    core_client: Mapped[bool] = mapped_column(default=True, info={"label": "核心客户"})
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "创建时间"})
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, info={"label": "更新时间"}
    )

    client: Mapped[Client] = relationship()
    manager: Mapped[User] = relationship()
    evaluation: Mapped["VisitEvaluation | None"] = relationship(
        back_populates="contact", cascade="all, delete-orphan", passive_deletes=True
    )
    readiness: Mapped["VisitReadiness | None"] = relationship(
        back_populates="contact", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def kind_label(self) -> str:
        return visits.KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return visits.STATUSES.get(self.status, self.status)

    @property
    def is_visit(self) -> bool:
        return self.kind in visits.VISIT_KINDS

    @property
    def when(self) -> datetime | None:
        """The actual time of a done contact, else the planned time."""
        return self.occurred_at if self.status == "done" else self.planned_at


class VisitEvaluation(Audited, db.Model):
    """附件6 登门拜访客户自我评估表 of one home visit; its five aspects are the items."""

    __tablename__ = "visit_evaluations"
    __audit_label__ = "登门拜访自我评估"
    __audit_parent__ = ("contacts", "contact_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("contacts.id", ondelete="CASCADE"), unique=True, info={"label": "拜访"}
    )
    evaluated_on: Mapped[date] = mapped_column(info={"label": "日期"})
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "创建时间"})
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, info={"label": "更新时间"}
    )

    contact: Mapped[Contact] = relationship(back_populates="evaluation")
    items: Mapped[list["VisitEvaluationItem"]] = relationship(
        back_populates="evaluation",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="VisitEvaluationItem.position",
    )


class VisitEvaluationItem(Audited, db.Model):
    """One aspect of 附件6 (准备工作 … 技巧运用): 效果评估 and the three comments."""

    __tablename__ = "visit_evaluation_items"
    __audit_label__ = "自我评估项"
    __audit_parent__ = ("visit_evaluations", "evaluation_id")
    __table_args__ = (
        UniqueConstraint("evaluation_id", "aspect"),
        CheckConstraint(one_of("aspect", visits.ASPECTS), name="aspect_known"),
        CheckConstraint(one_of("rating", visits.RATINGS), name="rating_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("visit_evaluations.id", ondelete="CASCADE"), info={"label": "自我评估"}
    )
    position: Mapped[int] = mapped_column(default=0, info={"label": "序号"})
    aspect: Mapped[str] = mapped_column(
        String(20), info={"label": "评估内容", "choices": visits.ASPECTS, "names_part": True}
    )
    rating: Mapped[str] = mapped_column(String(4), info={"label": "效果评估"})
    went_well: Mapped[str] = mapped_column(Text, default="", info={"label": "这次做的好的地方"})
    to_improve: Mapped[str] = mapped_column(Text, default="", info={"label": "可以改进的地方"})
    next_time: Mapped[str] = mapped_column(Text, default="", info={"label": "下次接触该做什么"})

    evaluation: Mapped[VisitEvaluation] = relationship(back_populates="items")

    @property
    def aspect_label(self) -> str:
        return visits.ASPECTS.get(self.aspect, self.aspect)


class VisitReadiness(Audited, db.Model):
    """准备完成的标准 of the visit guidance: the six questions ticked before a home visit."""

    __tablename__ = "visit_readiness"
    __audit_label__ = "拜访前准备检查"
    __audit_parent__ = ("contacts", "contact_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("contacts.id", ondelete="CASCADE"), unique=True, info={"label": "拜访"}
    )
    mind: Mapped[bool] = mapped_column(default=False, info={"label": "是否建立心理上的准备"})
    rehearsal: Mapped[bool] = mapped_column(default=False, info={"label": "是否能够预演未来"})
    self_ready: Mapped[bool] = mapped_column(default=False, info={"label": "是否很好地处理自己"})
    client_known: Mapped[bool] = mapped_column(default=False, info={"label": "是否很好地了解客户"})
    content: Mapped[bool] = mapped_column(default=False, info={"label": "是否完成处理内容"})
    atmosphere: Mapped[bool] = mapped_column(
        default=False, info={"label": "是否能营造自然、开心的场面"}
    )
    note: Mapped[str] = mapped_column(Text, default="", info={"label": "准备说明"})
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, info={"label": "更新时间"}
    )

    contact: Mapped[Contact] = relationship(back_populates="readiness")

    @property
    def ticked(self) -> int:
        return sum(bool(getattr(self, q.field)) for q in visits.READINESS)


class WorkLog(Audited, db.Model):
    """附件2 工作日志记录表: one per manager per working day. 客户服务 and 理财咨询 are counted
    (from the day's contacts and the consultation rows), 产品销售 is entered in 万元."""

    __tablename__ = "work_logs"
    __audit_label__ = "工作日志"
    __table_args__ = (
        UniqueConstraint("manager_id", "day"),
        CheckConstraint("product_sales >= 0", name="sales_not_negative"),
        Index("ix_work_logs_branch_day", "branch_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "客户经理"})
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), info={"label": "营业部"})
    day: Mapped[date] = mapped_column(info={"label": "日期"})
    morning_notes: Mapped[str] = mapped_column(Text, default="", info={"label": "晨会纪要"})
    product_sales: Mapped[Decimal] = mapped_column(
        Numeric(12, 2), default=Decimal("0"), info={"label": "产品销售（万元/天）"}
    )
    plan_review: Mapped[str] = mapped_column(Text, default="", info={"label": "昨日计划完成情况"})
    insights: Mapped[str] = mapped_column(Text, default="", info={"label": "今日心得"})
    tomorrow_plan: Mapped[str] = mapped_column(Text, default="", info={"label": "明日计划"})
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "创建时间"})
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, info={"label": "更新时间"}
    )

    manager: Mapped[User] = relationship()
    branch: Mapped[Branch] = relationship()
    consultations: Mapped[list["Consultation"]] = relationship(
        back_populates="log",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Consultation.position",
    )


class Consultation(Audited, db.Model):
    """A 理财咨询 row of a work log: the client (资金账号 and 联系电话 come from the client's
    file) and 咨询内容概要."""

    __tablename__ = "work_log_consultations"
    __audit_label__ = "理财咨询"
    __audit_parent__ = ("work_logs", "log_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    log_id: Mapped[int] = mapped_column(
        ForeignKey("work_logs.id", ondelete="CASCADE"), index=True, info={"label": "工作日志"}
    )
    position: Mapped[int] = mapped_column(default=0, info={"label": "序号"})
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id"), index=True, info={"label": "客户", "names_part": True}
    )
    summary: Mapped[str] = mapped_column(Text, default="", info={"label": "咨询内容概要"})

    log: Mapped[WorkLog] = relationship(back_populates="consultations")
    client: Mapped[Client] = relationship()


WEEKLY_STATUSES = {"draft": "草稿", "submitted": "已提交"}


class WeeklySummary(Audited, db.Model):
    """附件5 周工作总结表 of a manager for a week (Monday ``week_start``). The counts, points and
    main contents are computed from the week's visits and new clients; stored are the texts,
    下周计划 per type, the submission and the branch head's comment."""

    __tablename__ = "weekly_summaries"
    __audit_label__ = "周工作总结"
    __table_args__ = (
        UniqueConstraint("manager_id", "week_start"),
        CheckConstraint(one_of("status", WEEKLY_STATUSES), name="status_known"),
        CheckConstraint(
            "plan_home >= 0 AND plan_phone >= 0 AND plan_onsite >= 0 AND plan_new_client >= 0",
            name="plans_not_negative",
        ),
        Index("ix_weekly_summaries_branch_week", "branch_id", "week_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "客户经理"})
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), info={"label": "营业部"})
    week_start: Mapped[date] = mapped_column(info={"label": "周起始日"})
    work_news: Mapped[str] = mapped_column(Text, default="", info={"label": "工作动态"})
    client_feedback: Mapped[str] = mapped_column(
        Text, default="", info={"label": "客户反馈意见和建议"}
    )
    own_suggestions: Mapped[str] = mapped_column(Text, default="", info={"label": "个人意见和建议"})
    summary: Mapped[str] = mapped_column(Text, default="", info={"label": "本周总结"})
    plan_home: Mapped[int] = mapped_column(default=0, info={"label": "下周计划·上门拜访"})
    plan_phone: Mapped[int] = mapped_column(default=0, info={"label": "下周计划·电话拜访"})
    plan_onsite: Mapped[int] = mapped_column(default=0, info={"label": "下周计划·现场拜访"})
    plan_new_client: Mapped[int] = mapped_column(default=0, info={"label": "下周计划·新增客户"})
    status: Mapped[str] = mapped_column(
        String(10), default="draft", info={"label": "状态", "choices": WEEKLY_STATUSES}
    )
    submitted_at: Mapped[datetime | None] = mapped_column(info={"label": "提交时间"})
    head_comment: Mapped[str] = mapped_column(Text, default="", info={"label": "营业部点评"})
    commented_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), info={"label": "点评人"}
    )
    commented_at: Mapped[datetime | None] = mapped_column(info={"label": "点评时间"})
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "创建时间"})
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, info={"label": "更新时间"}
    )

    manager: Mapped[User] = relationship(foreign_keys=[manager_id])
    commented_by: Mapped[User | None] = relationship(foreign_keys=[commented_by_id])

    @property
    def status_label(self) -> str:
        return WEEKLY_STATUSES.get(self.status, self.status)

    @property
    def next_plan(self) -> dict[str, int]:
        """下周计划 keyed like ``domain.visits.WEEKLY_TYPES``."""
        return {key: getattr(self, f"plan_{key}") for key in visits.WEEKLY_TYPES}


class ClientAssignment(db.Model):
    """Since when a manager serves a client: written when a client file is opened (since its
    opening date) and at each reassignment (since that day). The 新增客户 of a week are the
    clients assigned to the manager during it. Itself a history (the reassignment is also in
    the client's audit trail), so it is not audited."""

    __tablename__ = "client_assignments"
    __table_args__ = (Index("ix_client_assignments_manager_since", "manager_id", "since"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    since: Mapped[date]
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
