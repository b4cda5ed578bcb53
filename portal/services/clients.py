"""Client files (附件3): create, update, related persons, reassignment and monthly figures.
(Reading clients for the list page is ``services.client_queries``.)

The functions take plain dicts of already-validated values (the forms validate and show the
messages); they still keep the database's invariants and raise ``ValueError`` with a Chinese
message when given something that would break one (``PermissionError`` for a user acting
outside their role or scope). Each use case commits; the audit trail is written by the
session events.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from portal.domain import idcard, identity, suitability, supplementary
from portal.domain.beijing import china_today, month_start
from portal.domain.identity import AGENT_FIELDS
from portal.extensions import db
from portal.models import (
    Client,
    ClientAssignment,
    MonthlyFigure,
    RelatedPerson,
    RiskDisclosure,
    User,
)
from portal.models.client import FIN_FIELDS, MEETING_PLACES, preference_string
from portal.services import classification, contact_changes
from portal.services.records import sync_rows, use_case

TEXT_FIELDS = (
    "name",
    "occupation",
    "fin_other_text",
    "home_address",
    "work_address",
    "home_phone",
    "home_postcode",
    "work_phone",
    "mobile",
    "email",
    "meeting_place",
    "meeting_place_note",
    "hobbies",
    "financial_plans",
    "remarks",
    "service_package",
)
DECIMAL_FIELDS = ("commission_rate", "annual_income", "target_return")
CODE_FIELDS = {
    "habit": supplementary.HABITS,
    "value_class": supplementary.VALUE_CLASSES,
    "decision_style": supplementary.DECISION_STYLES,
}
IDENTITY_FIELDS = ("client_type", "gender", "id_type", "id_number", "birthday", *AGENT_FIELDS)
FLAG_FIELDS = ("has_fund_account",)
CLIENT_FIELDS = (
    "client_no",
    "fund_account",
    "opened_on",
    *TEXT_FIELDS,
    *IDENTITY_FIELDS,
    *DECIMAL_FIELDS,
    *FIN_FIELDS,
    *FLAG_FIELDS,
    *CODE_FIELDS,
    "product_preferences",
)
"""Keys of ``data`` that :func:`create_client` / :func:`update_client` read (others ignored).
Branch and manager are set at creation and changed only by :func:`reassign`."""

RELATED_FIELDS = ("name", "phone", "relation", "influence", "style")
FIGURE_FIELDS = ("avg_assets", "end_assets", "end_stock_value", "traded_amount", "net_commission")

# --------------------------------------------------------------------------- use cases


@use_case
def create_client(data: dict, user: User, related: list[dict] | None = None) -> Client:
    """Open a client file. The manager defaults to ``user`` when a manager creates it; the
    branch is the manager's. ``related`` are the 相关人物 rows; ``data["figures"]`` (optional)
    a list of monthly figures, from which the class is computed (else it stays empty);
    ``data["opening_disclosure_on"]`` (optional) the day the client signed the 证券交易风险提示书
    (Art. 48), recorded on the file."""
    manager_id = data.get("manager_id") or (user.id if user.role == "manager" else None)
    manager = db.session.get(User, manager_id) if manager_id else None
    if manager is None:
        raise ValueError("请选择客户经理")
    branch_id = data.get("branch_id") or manager.branch_id
    _check_manager(manager, branch_id)
    if not _in_scope(user, branch_id, manager.id):
        raise PermissionError("无权为该营业部或客户经理建立客户")
    client = Client(branch_id=branch_id, manager_id=manager.id)
    values = dict(data)
    values["opened_on"] = values.get("opened_on") or china_today()
    if not (values.get("client_no") or "").strip():
        values["client_no"] = next_client_no(branch_id)
    _apply(client, values)
    db.session.add(client)
    if related is not None:
        _set_related_persons(client, related)
    db.session.flush()
    record_assignment(client, client.opened_on, user)
    if data.get("opening_disclosure_on"):  # Art. 48: signed with the brokerage agreement
        db.session.add(
            RiskDisclosure(
                client_id=client.id,
                kind=suitability.AT_OPENING,
                signed_on=data["opening_disclosure_on"],
                recorded_by_id=user.id,
            )
        )
    if data.get("figures"):
        for row in data["figures"]:
            _upsert_figure(client, row)
        db.session.flush()
        classification.refresh_client_figures([client.id])
        classification.reclassify([client.id], cause=classification.CAUSE_NEW, user=user)
    return client


@use_case
def update_client(
    client: Client,
    data: dict,
    related: list[dict] | None = None,
    evidence: dict | None = None,
    user: User | None = None,
) -> Client:
    """Change the fields of a client file present in ``data`` (see ``CLIENT_FIELDS``) and,
    when ``related`` is given, its 相关人物 rows. The manager is changed only by
    :func:`reassign`: a ``manager_id`` in ``data`` is ignored. A new mobile or e-mail needs
    ``evidence`` (``{"kind", "ref"}``) and the ``user`` making the change: both are kept with
    the old and new values (:mod:`portal.services.contact_changes`)."""
    before = contact_changes.snapshot(client)
    _apply(client, data)
    contact_changes.record(client, before, evidence, user)
    if related is not None:
        _set_related_persons(client, related)
    return client


@use_case
def replace_related_persons(client: Client, rows: list[dict]) -> list[RelatedPerson]:
    """Set the 相关人物 rows to ``rows`` in order; rows left entirely blank are dropped.

    Existing rows are updated in place, so the audit trail shows only what changed.
    """
    return _set_related_persons(client, rows)


@use_case
def reassign(client: Client, manager: User | int, user: User) -> User:
    """Hand a client to another manager (a ``User`` or its id) of the same branch; only the
    branch's head or HQ may. Returns the client's manager."""
    if not isinstance(manager, User):
        manager = db.session.get(User, manager)
        if manager is None:
            raise ValueError("只能指定本营业部在岗的客户经理")
    if not (
        user.role == "hq" or (user.role == "branch_head" and user.branch_id == client.branch_id)
    ):
        raise PermissionError("只有本营业部总经理可以调整客户经理")
    _check_manager(manager, client.branch_id)
    if client.manager_id != manager.id:
        client.manager_id = manager.id
        record_assignment(client, china_today(), user)
    return manager


@use_case
def save_monthly_figure(client: Client, data: dict, user: User | None = None) -> MonthlyFigure:
    """Add or replace the client's figures of ``data["month"]`` (any day of it), then refresh
    the client's totals and reclassify it (cause 月度数据变更)."""
    figure = _upsert_figure(client, data)
    db.session.flush()
    classification.refresh_client_figures([client.id])
    classification.reclassify([client.id], cause=classification.CAUSE_FIGURES, user=user)
    return figure


def next_client_no(branch_id: int) -> str:
    """The next free 客户编号 of a branch: 4-digit branch number + 6-digit sequence."""
    prefix = f"{branch_id:04d}"
    last = db.session.scalar(
        select(func.max(Client.client_no)).where(
            Client.client_no >= prefix + "000000", Client.client_no <= prefix + "999999"
        )
    )
    sequence = int(last[4:]) + 1 if last and last[4:].isdigit() else 1
    return f"{prefix}{sequence:06d}"


# --------------------------------------------------------------------------- helpers


def _apply(client: Client, data: dict) -> None:
    """Normalise the fields present in ``data``, check the result, then set them: nothing is
    changed on the client (or flushed) unless every check passes."""
    data = dict(data)
    if "preference_codes" in data:  # the list of codes, as a multi-checkbox gives them
        data["product_preferences"] = data.pop("preference_codes")
    values = {field: _normalise(field, data[field]) for field in CLIENT_FIELDS if field in data}
    merged = {field: values.get(field, getattr(client, field, None)) for field in CLIENT_FIELDS}
    with db.session.no_autoflush:
        _check_client(merged, client.id)
    values |= {field: merged[field] for field in IDENTITY_FIELDS}  # as read from a resident ID
    for field, value in values.items():
        if getattr(client, field) != value:
            setattr(client, field, value)


def _normalise(field: str, value):
    if field in TEXT_FIELDS or field in ("client_no", "fund_account"):
        return _text(value)
    if field in DECIMAL_FIELDS:
        return _decimal(value, field)
    if field in CODE_FIELDS:
        code = _text(value).upper() or None
        if code is not None and code not in CODE_FIELDS[field]:
            raise ValueError(f"未知的代码：{code}")
        return code
    if field in FIN_FIELDS or field in FLAG_FIELDS:
        return bool(value)
    if field == "product_preferences":
        return preference_string(list(value) if isinstance(value, str) else value)
    if field in ("id_number", "agent_id_number"):
        return _text(value).upper()
    if field in ("client_type", "id_type", "agent_id_type", "agent_name", "agent_phone"):
        return _text(value)
    if field == "opened_on":
        if not isinstance(value, date):
            raise ValueError("请填写开户日期")
        return value
    return value or None  # gender, birthday


def _check_client(values: dict, client_id: int | None) -> None:
    """The invariants of a client row, with messages a user can act on. The identity fields
    are checked by ``domain.identity`` (a resident ID's number normalised, birthday and gender
    taken from it; an institution's 经办人)."""
    if not values["name"]:
        raise ValueError("请填写客户姓名")
    if not values["client_no"]:
        raise ValueError("请填写客户编号")
    if not values["fund_account"]:
        raise ValueError("请填写资金帐号")
    if not values["opened_on"]:
        raise ValueError("请填写开户日期")
    checked = identity.check(values)
    if checked.errors:
        raise ValueError(next(iter(checked.errors.values())))
    values.update(checked.values)
    if values["mobile"] and not idcard.is_mobile(values["mobile"]):
        raise ValueError("手机号码应为以1开头的11位数字")
    if values["home_postcode"] and not idcard.is_postcode(values["home_postcode"]):
        raise ValueError("邮编应为6位数字")
    if values["meeting_place"] and values["meeting_place"] not in MEETING_PLACES:
        raise ValueError("未知的面谈地点")
    rate = values["commission_rate"]
    if rate is not None and not 0 <= rate < 1:
        raise ValueError("佣金率应为0到1之间的小数")
    for field, message in (("client_no", "客户编号已存在"), ("fund_account", "资金帐号已存在")):
        taken = select(Client.id).where(getattr(Client, field) == values[field])
        if client_id is not None:
            taken = taken.where(Client.id != client_id)
        if db.session.scalar(taken.limit(1)) is not None:
            raise ValueError(message)


def _set_related_persons(client: Client, rows: list[dict]) -> list[RelatedPerson]:
    wanted = []
    for row in rows:
        values = {field: _text(row.get(field)) for field in RELATED_FIELDS}
        if not any(values.values()):
            continue
        if not values["name"]:
            raise ValueError("相关人物须填写姓名")
        wanted.append(values)
    sync_rows(client.related_persons, RelatedPerson, wanted)
    return list(client.related_persons)


def record_assignment(client: Client, since: date, user: User | None) -> None:
    """Since when the client's manager serves it (the 新增客户 of 附件5); ``user`` None: an
    import from the command line."""
    db.session.add(
        ClientAssignment(
            client_id=client.id,
            manager_id=client.manager_id,
            since=since,
            recorded_by_id=user.id if user is not None else None,
        )
    )


def _check_manager(manager: User, branch_id: int) -> None:
    if manager.role != "manager" or not manager.active or manager.branch_id != branch_id:
        raise ValueError("只能指定本营业部在岗的客户经理")


def _in_scope(user: User, branch_id: int, manager_id: int) -> bool:
    if user.role == "hq":
        return True
    if user.role == "manager":
        return manager_id == user.id
    return user.branch_id == branch_id


def _upsert_figure(client: Client, data: dict) -> MonthlyFigure:
    month = data.get("month")
    if not isinstance(month, date):
        raise ValueError("请填写月份")
    month = month_start(month)
    values = {field: _decimal(data.get(field), field) for field in FIGURE_FIELDS if field in data}
    with db.session.no_autoflush:
        figure = db.session.scalar(
            select(MonthlyFigure).where(
                MonthlyFigure.client_id == client.id, MonthlyFigure.month == month
            )
        )
    if figure is None:
        if values.get("avg_assets") is None or values.get("end_assets") is None:
            raise ValueError("请填写月日均总资产和月末总资产")
        figure = MonthlyFigure(client_id=client.id, month=month)
        values = {field: values.get(field) or Decimal("0") for field in FIGURE_FIELDS} | {
            field: values[field] for field in ("avg_assets", "end_assets")
        }
    elif any(value is None for value in values.values()):
        raise ValueError("月度数据不能为空")
    if values.get("traded_amount", Decimal(0)) < 0:
        raise ValueError("成交金额不能为负数")
    for field, value in values.items():
        if getattr(figure, field) != value:
            setattr(figure, field, value)
    db.session.add(figure)
    return figure


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value))


def _decimal(value, field: str) -> Decimal | None:
    """A Decimal (or None); floats are refused so that no binary fraction reaches money."""
    if value is None or value == "":
        return None
    if isinstance(value, float | bool):
        raise TypeError(f"{field} must be Decimal, not {type(value).__name__}")
    try:
        result = Decimal(value.strip() if isinstance(value, str) else value)
    except ArithmeticError:
        raise ValueError(f"无效的数值：{value}") from None
    if not result.is_finite():
        raise ValueError(f"无效的数值：{value}")
    return result
