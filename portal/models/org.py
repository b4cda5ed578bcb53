"""The organisation: branches (营业部), users and their login attempts."""

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.domain.beijing import utcnow
from portal.extensions import db
from portal.models.base import Audited, BigId

ROLES = {
    "manager": "客户经理",
    "counter": "柜面人员",
    "branch_head": "营业部总经理",
    "hq": "经纪业务管理总部",
}

POSITIONS = {"general": "营业部总经理", "service": "客服总监", "operations": "运营总监"}
"""The posts of a branch's management (SPEC §1: the role ``branch_head``)."""

DAILY_REPORT_RECIPIENTS = ("operations", "service")
"""Art. 8.4: the daily new-account risk report goes to the 运营总监 and the 客服总监."""


class Branch(Audited, db.Model):
    __tablename__ = "branches"
    __audit_label__ = "营业部"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True, info={"label": "营业部名称"})
    address: Mapped[str] = mapped_column(String(200), default="", info={"label": "地址"})
    hotline: Mapped[str] = mapped_column(String(40), default="", info={"label": "客服热线"})
    active: Mapped[bool] = mapped_column(default=True, info={"label": "启用"})
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "创建时间"})
    # The branch's profile for the firm's web site (Art. 33), kept by the branch head.
    services: Mapped[str] = mapped_column(
        Text, default="", server_default=text("''"), info={"label": "特色服务"}
    )
    offers: Mapped[str] = mapped_column(
        Text, default="", server_default=text("''"), info={"label": "优惠政策"}
    )
    latest_events: Mapped[str] = mapped_column(
        Text, default="", server_default=text("''"), info={"label": "最新活动"}
    )
    profile_updated_at: Mapped[datetime | None] = mapped_column(info={"label": "信息更新时间"})

    users: Mapped[list["User"]] = relationship(back_populates="branch")

    def __str__(self) -> str:
        return self.name


class User(Audited, UserMixin, db.Model):
    __tablename__ = "users"
    __audit_label__ = "用户"
    __audit_secret__ = frozenset({"password_hash"})
    __audit_ignore__ = Audited.__audit_ignore__ | {"session_token"}  # rotated at each log-out
    __table_args__ = (
        CheckConstraint("role IN ('manager', 'counter', 'branch_head', 'hq')", name="role_known"),
        CheckConstraint(
            "(role = 'hq' AND branch_id IS NULL) OR (role <> 'hq' AND branch_id IS NOT NULL)",
            name="branch_matches_role",
        ),
        CheckConstraint(
            "position = '' OR (role = 'branch_head' AND "
            "position IN ('general', 'service', 'operations'))",
            name="position_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True, info={"label": "用户名"})
    display_name: Mapped[str] = mapped_column(String(40), info={"label": "姓名"})
    phone: Mapped[str] = mapped_column(String(20), default="", info={"label": "手机号码"})
    role: Mapped[str] = mapped_column(String(20), info={"label": "角色", "choices": ROLES})
    position: Mapped[str] = mapped_column(
        String(12),
        default="",
        server_default=text("''"),
        info={"label": "职务", "choices": POSITIONS},
    )
    branch_id: Mapped[int | None] = mapped_column(
        ForeignKey("branches.id"), index=True, info={"label": "所属营业部"}
    )
    active: Mapped[bool] = mapped_column(default=True, info={"label": "启用"})
    password_hash: Mapped[str] = mapped_column(String(256), info={"label": "密码"})
    # Rotated on every log-out, password change or deactivation: that ends all the user's
    # sessions (``load_user`` compares it with the one in the session cookie).
    session_token: Mapped[str] = mapped_column(
        String(32), default=lambda: secrets.token_hex(16), info={"label": "会话令牌"}
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "创建时间"})

    branch: Mapped[Branch | None] = relationship(back_populates="users")

    def __str__(self) -> str:
        return f"{self.display_name}（{self.username}）"

    @property
    def role_label(self) -> str:
        """The role, or a branch manager's post (营业部总经理, 客服总监, 运营总监)."""
        return POSITIONS.get(self.position or "", ROLES[self.role])

    @property
    def receives_daily_risk_report(self) -> bool:
        """Whether the branch's daily new-account risk report is delivered to this user for
        acknowledgement (Art. 8.4)."""
        return self.role == "branch_head" and self.position in DAILY_REPORT_RECIPIENTS

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.session_token = secrets.token_hex(16)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class LoginAttempt(db.Model):
    """Every login attempt, kept for the lock-out rule and for security review."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_username_at", "username", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    ip: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(10))  # ok | failed | locked | pending
