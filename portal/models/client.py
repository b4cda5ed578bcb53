"""Clients (附件3 客户服务档案表), their related persons, monthly figures, class history and the
turnover thresholds of the basic classification (SPEC §2, §3, §6).

Money is ``Numeric`` → ``Decimal`` yuan; months are the ``Date`` of their first day.

The derived columns ``surname_initial``/``name_initials``/``name_sort_key`` (from ``name``),
``mobile_last4`` (from ``mobile``), ``birthday_md`` (from ``birthday``) and ``id_number_hash``
(from ``id_number``) are set whenever the source attribute is set through the ORM; bulk inserts
(demo data, bench) compute them with the same functions.

Identity data is encrypted at rest (:mod:`portal.models.encrypted`): ID number, the three phone
numbers, e-mail, and a related person's phone. ``id_number_hash`` (a keyed HMAC) serves the
exact search by ID number. ``mobile_last4`` stays plain, for the search box's "last four
digits": four digits are not identifying on their own (each is shared by one mobile in ten
thousand), and they are no secret here — the masked number every user of the client sees
(``138****5678``) shows the same four digits.
The figures columns of a client (``figures_month`` … ``turnover``) and ``class_code`` are
written only by :mod:`portal.services.classification`, in set-based SQL.

Search columns (name, name_initials, client_no, fund_account) use the ``C`` collation on
PostgreSQL, so that ordering and the prefix search ``col >= q AND col < next(q)`` follow code
points exactly as on SQLite and use plain btree indexes whatever the database's locale.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    DDL,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    text,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship, validates

from portal.domain import care, supplementary, surname
from portal.domain.beijing import utcnow
from portal.domain.classification import CLASSES, wan_label
from portal.domain.idcard import ID_TYPES
from portal.domain.identity import ALL_ID_TYPES, CLIENT_TYPES
from portal.extensions import db
from portal.models.base import Audited, BigId
from portal.models.encrypted import Encrypted, id_number_hash
from portal.models.org import Branch, User

PREFERENCE_ORDER = "VCJTQX"
"""投资产品偏好 codes in the order of 附件3 (and of ``domain.supplementary``)."""

MEETING_PLACES = ("住宅", "公司", "营业部", "其他")
"""最佳面谈地点 of 附件3."""

THRESHOLD_STATUSES = {"approved": "已批准", "proposed": "待审批", "rejected": "已驳回"}
"""Status of a turnover threshold → label."""

FIN_FIELDS: dict[str, str] = {
    "fin_savings": "储蓄",
    "fin_property": "房产",
    "fin_insurance": "保险",
    "fin_bonds": "国债",
    "fin_futures": "期货",
    "fin_funds": "开放式基金",
    "fin_other": "其它",
}
"""综合理财情况 checkboxes of 附件3: column → label."""


def _collated(length: int) -> String:
    """A VARCHAR compared by code point on every database (``COLLATE "C"`` on PostgreSQL)."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


def _money(precision: int = 16) -> Numeric:
    """Yuan with two decimals, as ``Decimal``."""
    return Numeric(precision, 2)


_DESC = {"total_assets": "DESC NULLS LAST"}
"""``postgresql_ops`` of the total-assets indexes (SQLite has no NULLS LAST in indexes)."""

ASSETS_INDEXES = ("ix_clients_branch_assets", "ix_clients_total_assets")
"""The indexes on ``total_assets``: with them, refreshing the figures of every client after a
month's import is a non-HOT update into all of the table's indexes on PostgreSQL (13.5 s of a
28 s import of 100,000 rows); ``services.imports`` drops them for that refresh and makes them
again (0.3 s each)."""

CLIENTS_FILLFACTOR = 50
"""PostgreSQL fillfactor of ``clients``: half of each page stays free, room for a new version
of every row on its own page, so that a reclassification (``class_code``, ``updated_at``: no
index) and a refresh that leaves the indexed figures as they are are HOT updates, which touch
no index, even when nearly every class flips at once."""


_NAME_ORDER = ("surname_initial", "name_sort_key", "id")
"""Columns of :data:`NAME_ORDER`, for its indexes."""

SORT_KEY_LENGTH = 400
"""Room for :func:`portal.domain.surname.sort_key` of a 40-character name (at most 7 letters
of pinyin and a tone per character, a space, the name)."""


class Client(Audited, db.Model):
    __tablename__ = "clients"
    __audit_label__ = "客户"
    __audit_ignore__ = frozenset(
        {
            "surname_initial",
            "name_initials",
            "name_sort_key",
            "mobile_last4",
            "id_number_hash",
            "birthday_md",
            "updated_at",
        }
    )
    __table_args__ = (
        # The list page: scope (manager or branch) + filter + order, then LIMIT. The default
        # order is NAME_ORDER, the grouping of 附件4/附件7; with the id in the index a page of
        # it is read in index order, without a sort.
        Index("ix_clients_manager_name_order", "manager_id", *_NAME_ORDER),
        Index("ix_clients_branch_name_order", "branch_id", *_NAME_ORDER),
        # SQLite only: there an UPDATE rewrites just the indexes of the changed columns. On
        # PostgreSQL any index on class_code makes every change of class a non-HOT update that
        # inserts into all of the table's indexes (a reclassification of 100,000 clients took
        # 7-14 s instead of ~2 s); there the class filter reads the scope's rows instead.
        Index("ix_clients_branch_class", "branch_id", "class_code").ddl_if(dialect="sqlite"),
        Index("ix_clients_branch_risk", "branch_id", "risk_level"),
        # "total assets, high to low" is DESC NULLS LAST: SQLite's order for DESC, and on
        # PostgreSQL (where NULLs sort high) the index has to say so to serve that order.
        # (A month's import refreshes every client's total assets without them: ASSETS_INDEXES.)
        Index("ix_clients_branch_assets", "branch_id", "total_assets", postgresql_ops=_DESC),
        Index("ix_clients_branch_opened", "branch_id", "opened_on"),
        Index("ix_clients_branch_client_no", "branch_id", "client_no"),
        Index("ix_clients_name_order", *_NAME_ORDER),  # hq
        Index("ix_clients_total_assets", "total_assets", postgresql_ops=_DESC),  # hq
        Index("ix_clients_opened_on", "opened_on"),  # hq
        # The search box: prefix ranges on name / initials, equality on the mobile's last 4.
        Index("ix_clients_name", "name"),
        Index("ix_clients_name_initials", "name_initials"),
        Index("ix_clients_mobile_last4", "mobile_last4"),
        # Birthdays of the coming days (domain.care): month-day IN (…) within the scope.
        Index("ix_clients_manager_birthday_md", "manager_id", "birthday_md"),
        Index("ix_clients_branch_birthday_md", "branch_id", "birthday_md"),
        CheckConstraint("client_type IN ('individual', 'institution')", name="client_type_known"),
        # A person has a gender; an institution has neither gender nor birthday (SPEC §8).
        CheckConstraint(
            "(client_type = 'individual' AND gender IN ('男', '女')) OR "
            "(client_type = 'institution' AND gender = '' AND birthday IS NULL)",
            name="identity_by_type",
        ),
        CheckConstraint(
            "class_code IS NULL OR class_code IN ({})".format(
                ", ".join(f"'{code}'" for code in CLASSES)
            ),
            name="class_code_known",
        ),
        CheckConstraint("habit IS NULL OR habit IN ('D', 'B', 'I')", name="habit_known"),
        CheckConstraint(
            "value_class IS NULL OR value_class IN ('G', 'S', 'M', 'U')", name="value_class_known"
        ),
        CheckConstraint(
            "decision_style IS NULL OR decision_style IN ('F', 'Y', 'L', 'Z')",
            name="decision_style_known",
        ),
        CheckConstraint(
            "meeting_place IN ('', '住宅', '公司', '营业部', '其他')", name="meeting_place_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_no: Mapped[str] = mapped_column(_collated(20), unique=True, info={"label": "客户编号"})
    name: Mapped[str] = mapped_column(_collated(40), info={"label": "姓名"})
    client_type: Mapped[str] = mapped_column(
        String(12),
        default="individual",
        server_default=text("'individual'"),
        info={"label": "客户类型", "choices": CLIENT_TYPES},
    )
    gender: Mapped[str] = mapped_column(String(2), info={"label": "性别"})
    fund_account: Mapped[str] = mapped_column(
        _collated(20), unique=True, info={"label": "资金帐号"}
    )
    id_type: Mapped[str] = mapped_column(
        String(12), default="resident", info={"label": "证件类型", "choices": ALL_ID_TYPES}
    )
    id_number: Mapped[str] = mapped_column(Encrypted(), info={"label": "证件号码", "masked": True})
    birthday: Mapped[date | None] = mapped_column(info={"label": "生日"})
    # An institution's 经办人 (SPEC §8): the person acting for it, with their own document.
    agent_name: Mapped[str] = mapped_column(
        String(40), default="", server_default=text("''"), info={"label": "经办人姓名"}
    )
    agent_id_type: Mapped[str] = mapped_column(
        String(12),
        default="",
        server_default=text("''"),
        info={"label": "经办人证件类型", "choices": dict(ID_TYPES)},
    )
    agent_id_number: Mapped[str] = mapped_column(
        Encrypted(),
        default="",
        server_default=text("''"),
        info={"label": "经办人证件号码", "masked": True},
    )
    agent_phone: Mapped[str] = mapped_column(
        Encrypted(),
        default="",
        server_default=text("''"),
        info={"label": "经办人手机号码", "masked": True},
    )
    occupation: Mapped[str] = mapped_column(String(60), default="", info={"label": "职业地位"})
    commission_rate: Mapped[Decimal | None] = mapped_column(
        Numeric(8, 6), info={"label": "佣金率", "shown_as": "commission"}
    )
    stock_value: Mapped[Decimal | None] = mapped_column(_money(), info={"label": "股票市值"})
    total_assets: Mapped[Decimal | None] = mapped_column(_money(), info={"label": "客户总资产"})

    # 综合理财情况
    fin_savings: Mapped[bool] = mapped_column(default=False, info={"label": "储蓄"})
    fin_property: Mapped[bool] = mapped_column(default=False, info={"label": "房产"})
    fin_insurance: Mapped[bool] = mapped_column(default=False, info={"label": "保险"})
    fin_bonds: Mapped[bool] = mapped_column(default=False, info={"label": "国债"})
    fin_futures: Mapped[bool] = mapped_column(default=False, info={"label": "期货"})
    fin_funds: Mapped[bool] = mapped_column(default=False, info={"label": "开放式基金"})
    fin_other: Mapped[bool] = mapped_column(default=False, info={"label": "其它"})
    fin_other_text: Mapped[str] = mapped_column(
        String(60), default="", info={"label": "其它理财说明"}
    )

    home_address: Mapped[str] = mapped_column(String(200), default="", info={"label": "家庭地址"})
    work_address: Mapped[str] = mapped_column(String(200), default="", info={"label": "单位地址"})
    home_phone: Mapped[str] = mapped_column(
        Encrypted(), default="", info={"label": "住宅电话", "masked": True}
    )
    home_postcode: Mapped[str] = mapped_column(String(6), default="", info={"label": "住宅邮编"})
    work_phone: Mapped[str] = mapped_column(
        Encrypted(), default="", info={"label": "公司电话", "masked": True}
    )
    mobile: Mapped[str] = mapped_column(
        Encrypted(), default="", info={"label": "手机号码", "masked": True}
    )
    email: Mapped[str] = mapped_column(Encrypted(), default="", info={"label": "电子邮箱"})
    meeting_place: Mapped[str] = mapped_column(
        String(10), default="", info={"label": "最佳面谈地点"}
    )
    meeting_place_note: Mapped[str] = mapped_column(
        String(60), default="", info={"label": "面谈地点说明"}
    )
    annual_income: Mapped[Decimal | None] = mapped_column(_money(), info={"label": "年收入"})
    target_return: Mapped[Decimal | None] = mapped_column(
        Numeric(6, 2), info={"label": "目标回报率"}
    )
    hobbies: Mapped[str] = mapped_column(String(200), default="", info={"label": "个人爱好"})
    financial_plans: Mapped[str] = mapped_column(
        Text, default="", info={"label": "人生中重要的财务规划"}
    )
    remarks: Mapped[str] = mapped_column(
        Text, default="", info={"label": "备注（曾经的投资经历等）"}
    )

    # Supplementary classifications (SPEC §3); codes of domain.supplementary.
    habit: Mapped[str | None] = mapped_column(
        String(1), info={"label": "操作习惯", "choices": supplementary.HABITS}
    )
    value_class: Mapped[str | None] = mapped_column(
        String(1), info={"label": "客户价值", "choices": supplementary.VALUE_CLASSES}
    )
    decision_style: Mapped[str | None] = mapped_column(
        String(1), info={"label": "投资决策风格", "choices": supplementary.DECISION_STYLES}
    )
    product_preferences: Mapped[str] = mapped_column(
        String(12),
        default="",
        info={
            "label": "投资产品偏好",
            "choices": supplementary.PRODUCT_PREFERENCES,
            "several": True,
        },
    )

    # Both indexed as the leading column of the composite indexes above.
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), info={"label": "营业部"})
    manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "客户经理"})
    opened_on: Mapped[date] = mapped_column(info={"label": "开户日期"})
    # Art. 8.4: a client with a fund account has their risk data sent to the fund sales platform.
    # Art. 34: the service package the three-month SMS names ({套餐}).
    service_package: Mapped[str] = mapped_column(
        String(40), default="", server_default=text("''"), info={"label": "服务套餐"}
    )
    has_fund_account: Mapped[bool] = mapped_column(
        default=False, server_default=false(), info={"label": "开通基金账户"}
    )

    # Derived from name / mobile (see the validators below).
    surname_initial: Mapped[str] = mapped_column(String(1), info={"label": "姓氏首字母"})
    name_initials: Mapped[str] = mapped_column(_collated(12), info={"label": "姓名首字母"})
    name_sort_key: Mapped[str] = mapped_column(
        _collated(SORT_KEY_LENGTH), info={"label": "姓名拼音排序"}
    )
    mobile_last4: Mapped[str] = mapped_column(String(4), default="", info={"label": "手机尾号"})
    birthday_md: Mapped[int | None] = mapped_column(
        SmallInteger, info={"label": "生日月日"}
    )  # MMDD of the birthday (domain.care.month_day), set with it
    id_number_hash: Mapped[str | None] = mapped_column(
        String(64), index=True, info={"label": "证件号码检索值"}
    )

    # Basic classification (SPEC §2), written by services.classification.
    class_code: Mapped[str | None] = mapped_column(String(2), info={"label": "客户基本分类"})
    turnover: Mapped[Decimal | None] = mapped_column(Numeric(12, 4), info={"label": "资产周转率"})
    traded_12m: Mapped[Decimal | None] = mapped_column(
        Numeric(18, 2), info={"label": "近12个月成交金额"}
    )
    avg_assets_12m: Mapped[Decimal | None] = mapped_column(
        _money(), info={"label": "近12个月日均总资产"}
    )
    figures_month: Mapped[date | None] = mapped_column(
        info={"label": "最新数据月份", "shown_as": "month"}
    )

    # Risk tolerance (SPEC §4): set only from a completed questionnaire (services.risk).
    risk_level: Mapped[str | None] = mapped_column(String(4), info={"label": "风险承受能力"})
    risk_score: Mapped[int | None] = mapped_column(info={"label": "风险评估得分"})
    risk_assessed_at: Mapped[datetime | None] = mapped_column(info={"label": "风险评估时间"})
    risk_version: Mapped[int | None] = mapped_column(info={"label": "风险问卷版本"})

    created_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "创建时间"})
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, info={"label": "更新时间"}
    )

    branch: Mapped[Branch] = relationship()
    manager: Mapped[User] = relationship()
    related_persons: Mapped[list["RelatedPerson"]] = relationship(
        back_populates="client",
        order_by="RelatedPerson.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    figures: Mapped[list["MonthlyFigure"]] = relationship(
        back_populates="client",
        order_by="MonthlyFigure.month",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __str__(self) -> str:
        return f"{self.name}（{self.client_no}）"

    @validates("name")
    def _derive_initials(self, key: str, value: str) -> str:
        value = (value or "").strip()
        self.surname_initial = surname.initial(value)
        self.name_initials = surname.name_initials(value)[:12]
        self.name_sort_key = surname.sort_key(value)[:SORT_KEY_LENGTH]
        return value

    @validates("birthday")
    def _derive_birthday_md(self, key: str, value: date | None) -> date | None:
        self.birthday_md = care.month_day(value)
        return value

    @validates("id_number")
    def _derive_id_number_hash(self, key: str, value: str) -> str:
        self.id_number_hash = id_number_hash(value)
        return value

    @validates("mobile")
    def _derive_mobile_last4(self, key: str, value: str) -> str:
        value = (value or "").strip()
        self.mobile_last4 = mobile_last4(value)
        return value

    @property
    def is_institution(self) -> bool:
        """An institution (机构客户): a 经办人 acts for it; it has no gender or birthday."""
        return self.client_type == "institution"

    @property
    def client_type_label(self) -> str:
        return CLIENT_TYPES.get(self.client_type or "individual", "")

    @property
    def name_label(self) -> str:
        """What its name is called on the file and the forms: 机构名称 or 姓名."""
        return "机构名称" if self.is_institution else "姓名"

    @property
    def preference_codes(self) -> list[str]:
        """投资产品偏好 as a list of codes in 附件3 order (V C J T Q X)."""
        return [code for code in PREFERENCE_ORDER if code in (self.product_preferences or "")]

    @preference_codes.setter
    def preference_codes(self, codes) -> None:
        self.product_preferences = preference_string(codes)

    @property
    def financial_situation(self) -> list[str]:
        """Labels of the checked 综合理财情况 boxes."""
        return [label for field, label in FIN_FIELDS.items() if getattr(self, field)]


NAME_ORDER = (Client.surname_initial, Client.name_sort_key, Client.id)
"""Clients by name: by surname letter, then by the pinyin of the name (SPEC §7), as in the
list's default order, 附件4 and 附件7. Served by the ``…_name_order`` indexes above."""


def preference_string(codes) -> str:
    """Normalise 投资产品偏好 codes to the stored string (附件3 order); unknown codes refused."""
    chosen = {str(code).strip().upper() for code in codes or () if str(code).strip()}
    unknown = chosen - set(PREFERENCE_ORDER)
    if unknown:
        raise ValueError(f"未知的投资产品偏好代码：{'、'.join(sorted(unknown))}")
    return "".join(code for code in PREFERENCE_ORDER if code in chosen)


def mobile_last4(mobile: str) -> str:
    """The last four digits of a mobile number (the search box matches them), else ''."""
    digits = "".join(ch for ch in mobile or "" if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


class RelatedPerson(Audited, db.Model):
    """相关人物信息情况 of 附件3: several rows per client, in the order entered."""

    __tablename__ = "client_related_persons"
    __audit_label__ = "相关人物"
    __audit_parent__ = ("clients", "client_id")

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), index=True, info={"label": "客户"}
    )
    position: Mapped[int] = mapped_column(default=0, info={"label": "序号"})
    name: Mapped[str] = mapped_column(String(40), info={"label": "姓名", "names_part": True})
    phone: Mapped[str] = mapped_column(
        Encrypted(), default="", info={"label": "联系电话", "masked": True}
    )
    relation: Mapped[str] = mapped_column(String(20), default="", info={"label": "关系"})
    influence: Mapped[str] = mapped_column(String(20), default="", info={"label": "影响力"})
    style: Mapped[str] = mapped_column(String(40), default="", info={"label": "风格"})

    client: Mapped[Client] = relationship(back_populates="related_persons")


class MonthlyFigure(Audited, db.Model):
    """One client's figures for one month (the first day of the month is stored)."""

    __tablename__ = "client_monthly_figures"
    __audit_label__ = "月度数据"
    __audit_parent__ = ("clients", "client_id")
    __table_args__ = (
        UniqueConstraint("client_id", "month"),
        CheckConstraint("traded_amount >= 0", name="traded_not_negative"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), info={"label": "客户"}
    )
    month: Mapped[date] = mapped_column(
        Date, info={"label": "月份", "shown_as": "month", "names_part": True}
    )
    avg_assets: Mapped[Decimal] = mapped_column(_money(), info={"label": "月日均总资产"})
    end_assets: Mapped[Decimal] = mapped_column(_money(), info={"label": "月末总资产"})
    end_stock_value: Mapped[Decimal] = mapped_column(
        _money(), default=Decimal("0"), info={"label": "月末股票市值"}
    )
    traded_amount: Mapped[Decimal] = mapped_column(
        Numeric(18, 2), default=Decimal("0"), info={"label": "成交金额（买入+卖出）"}
    )
    net_commission: Mapped[Decimal] = mapped_column(
        Numeric(14, 2), default=Decimal("0"), info={"label": "净佣金"}
    )

    client: Mapped[Client] = relationship(back_populates="figures")


class ClassChange(db.Model):
    """A change of a client's basic class (from → to, when, why); itself the history, so it is
    not audited. ``to_class`` is NULL only if a client lost all its figures."""

    __tablename__ = "client_class_history"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    from_class: Mapped[str | None] = mapped_column(String(2))
    to_class: Mapped[str | None] = mapped_column(String(2))
    cause: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user = relationship("User")


class StandardVersion:
    """What a version of the classification standard holds besides its values (a turnover
    threshold, asset bands; Art. 3, 6, 12): company-wide (``branch_id`` NULL, set by HQ and
    approved at once) or a branch's own (proposed, then approved or rejected by HQ)."""

    branch_id: Mapped[int | None] = mapped_column(
        ForeignKey("branches.id"), info={"label": "营业部"}
    )
    status: Mapped[str] = mapped_column(
        String(10), default="approved", info={"label": "状态", "choices": THRESHOLD_STATUSES}
    )
    note: Mapped[str] = mapped_column(String(200), default="", info={"label": "说明"})
    set_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), info={"label": "设定人"})
    set_at: Mapped[datetime] = mapped_column(default=utcnow, info={"label": "设定时间"})
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), info={"label": "审批人"}
    )
    decided_at: Mapped[datetime | None] = mapped_column(info={"label": "审批时间"})

    @declared_attr
    def branch(cls) -> Mapped[Branch | None]:
        return relationship(Branch)

    @declared_attr
    def set_by(cls) -> Mapped[User]:
        return relationship(User, foreign_keys=f"{cls.__name__}.set_by_id")

    @declared_attr
    def decided_by(cls) -> Mapped[User | None]:
        return relationship(User, foreign_keys=f"{cls.__name__}.decided_by_id")

    @property
    def status_label(self) -> str:
        return THRESHOLD_STATUSES.get(self.status, self.status)


class TurnoverThreshold(StandardVersion, Audited, db.Model):
    """A turnover-rate threshold (资产周转率阈值) for a year: company-wide (``branch_id`` NULL,
    set by HQ, approved at once) or a branch's own adjustment (proposed, then approved or
    rejected by HQ). Which one is in force: ``services.classification.threshold_for``."""

    __tablename__ = "turnover_thresholds"
    __audit_label__ = "周转率阈值"
    __table_args__ = (
        CheckConstraint("status IN ('approved', 'proposed', 'rejected')", name="status_known"),
        CheckConstraint("value > 0", name="value_positive"),
        # HQ's company-wide value is in force at once; only branches propose.
        CheckConstraint(
            "branch_id IS NOT NULL OR status = 'approved'", name="company_wide_approved"
        ),
        Index("ix_turnover_thresholds_lookup", "status", "branch_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(info={"label": "年度"})
    value: Mapped[Decimal] = mapped_column(Numeric(8, 2), info={"label": "周转率阈值"})


FLOOR_COLUMNS = ("floor_1", "floor_2", "floor_3", "floor_4", "floor_5")
"""The five lower bounds of an asset-band setting, ascending (by default 1万 … 500万)."""


class AssetBandSetting(StandardVersion, Audited, db.Model):
    """A version of the asset bands (资产分档, Art. 3, 12): company-wide (``branch_id`` NULL,
    set by HQ, approved at once) or a branch's own adjustment (proposed, then approved or
    rejected by HQ). The latest approved version of a branch, else of the company, else the
    policy's table, is in force: ``services.classification.bands_in_force``."""

    __tablename__ = "asset_band_settings"
    __audit_label__ = "资产分档标准"
    __table_args__ = (
        CheckConstraint("status IN ('approved', 'proposed', 'rejected')", name="status_known"),
        CheckConstraint(
            "branch_id IS NOT NULL OR status = 'approved'", name="company_wide_approved"
        ),
        CheckConstraint(
            "floor_1 > 0 AND floor_1 < floor_2 AND floor_2 < floor_3 AND floor_3 < floor_4 "
            "AND floor_4 < floor_5",
            name="floors_ascending",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    floor_1: Mapped[Decimal] = mapped_column(_money(), info={"label": "E/F类下限（元）"})
    floor_2: Mapped[Decimal] = mapped_column(_money(), info={"label": "C-/D-类下限（元）"})
    floor_3: Mapped[Decimal] = mapped_column(_money(), info={"label": "C/D类下限（元）"})
    floor_4: Mapped[Decimal] = mapped_column(_money(), info={"label": "A/B类下限（元）"})
    floor_5: Mapped[Decimal] = mapped_column(_money(), info={"label": "A+/B+类下限（元）"})

    @property
    def floors(self) -> tuple[Decimal, ...]:
        return tuple(
            Decimal(getattr(self, column)).quantize(Decimal("0.01")) for column in FLOOR_COLUMNS
        )

    @property
    def floors_text(self) -> str:
        return " / ".join(wan_label(floor) for floor in self.floors)


event.listen(
    Client.__table__,
    "after_create",
    DDL(f"ALTER TABLE clients SET (fillfactor = {CLIENTS_FILLFACTOR})").execute_if(
        dialect="postgresql"
    ),
)
