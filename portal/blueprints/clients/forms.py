"""Forms of the client file (附件3) and its monthly figures."""

from decimal import Decimal

from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.args import month_arg
from portal.domain import idcard, identity, suitability, supplementary
from portal.domain.beijing import china_today, month_start
from portal.domain.identity import AGENT_FIELDS
from portal.extensions import db
from portal.forms import (
    DecimalField,
    Form,
    ScanField,
    choices,
    given,
    max_length,
    mobile,
    required,
    sensible_year,
)
from portal.models import Client, User
from portal.models.client import FIN_FIELDS, MEETING_PLACES
from portal.models.contact_change import EVIDENCE_KINDS
from portal.services import contact_changes

PHONE = Regexp(r"^[0-9()+\- ]{5,20}$", message="电话号码只能包含数字、括号、加号、空格和连字符。")
POSTCODE = Regexp(r"^\d{6}$", message="邮编应为6位数字。")
ACCOUNT = Regexp(r"^[0-9A-Za-z]{4,20}$", message="只能由4–20位数字或字母组成。")
MONEY = [Optional(), NumberRange(min=0, message="金额不能为负数。")]


class PerTenThousandField(DecimalField):
    """A rate kept as a fraction and typed in 万分之: the stored value is shown ×10000, and
    :attr:`fraction` is what the user typed ÷10000."""

    def process_data(self, value):
        super().process_data(None if value is None else value * 10000)

    @property
    def fraction(self) -> Decimal | None:
        if self.data is None:
            return None
        return (self.data / Decimal(10000)).quantize(Decimal("0.000001"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _dimension_choices(dimension: dict) -> list:
    return choices((code, f"{code} {c.label}") for code, c in dimension.items())


class RelatedPersonForm(Form):
    """One row of 相关人物信息情况 (a sub-form: no CSRF token of its own)."""

    class Meta:
        csrf = False

    name = StringField("姓名", validators=[max_length(40)])
    phone = StringField("联系电话", validators=[Optional(), PHONE])
    relation = StringField("关系", validators=[max_length(20)])
    influence = StringField("影响力", validators=[max_length(20)])
    style = StringField("风格", validators=[max_length(40)])


class ClientForm(Form):
    # 基本信息
    client_no = StringField("客户编号", validators=[required("客户编号"), ACCOUNT])
    client_type = RadioField(
        "客户类型",
        choices=choices(identity.CLIENT_TYPES.items()),
        default="individual",
        validators=[Optional()],  # none chosen: a person (domain.identity)
    )
    name = StringField("姓名／机构名称", validators=[required("姓名或机构名称"), max_length(40)])
    # Required of a person only (domain.identity, in validate below).
    gender = RadioField(
        "性别", choices=choices([("男", "男"), ("女", "女")]), validators=[Optional()]
    )
    fund_account = StringField("资金帐号", validators=[required("资金帐号"), ACCOUNT])
    id_type = SelectField("证件类型", choices=choices([*idcard.ID_TYPES, *identity.ORG_ID_TYPES]))
    id_number = StringField("证件号码", validators=[required("证件号码"), max_length(32)])
    birthday = DateField("生日", validators=[Optional(), sensible_year])
    # An institution's 经办人 (SPEC §8).
    agent_name = StringField("经办人姓名", validators=[max_length(40)])
    agent_id_type = SelectField(
        "经办人证件类型", choices=choices(idcard.ID_TYPES), validators=[Optional()]
    )
    agent_id_number = StringField("经办人证件号码", validators=[max_length(32)])
    agent_phone = StringField("经办人手机号码", validators=[max_length(11)])
    occupation = StringField("职业地位", validators=[max_length(60)])
    commission_rate = PerTenThousandField(
        "佣金率（万分之）",
        places=2,
        validators=[
            Optional(),
            NumberRange(min=0, max=30, message="佣金率应在万分之0到万分之30之间。"),
        ],
    )
    opened_on = DateField("开户日期", validators=[required("开户日期"), sensible_year])
    # Art. 48: the general risk notice, signed with the brokerage agreement (new files only).
    opening_disclosure_on = DateField(
        "证券交易风险提示书签署日期", validators=[Optional(), sensible_year]
    )
    manager_id = SelectField("客户经理", coerce=int, choices=[])
    # 联系方式
    home_address = StringField("家庭地址", validators=[max_length(200)])
    work_address = StringField("单位地址", validators=[max_length(200)])
    home_phone = StringField("住宅电话", validators=[Optional(), PHONE])
    home_postcode = StringField("住宅邮编", validators=[Optional(), POSTCODE])
    work_phone = StringField("公司电话", validators=[Optional(), PHONE])
    mobile = StringField("手机号码", validators=[Optional(), mobile()])
    email = StringField(
        "电子邮箱", validators=[Optional(), Email(message="电子邮箱格式不正确。"), max_length(120)]
    )
    # A new mobile or e-mail on the edit form needs its evidence (Art. 35, 36).
    evidence_kind = SelectField(
        "证据类型", choices=choices([("", "请选择"), *EVIDENCE_KINDS.items()]), default=""
    )
    evidence_ref = StringField("证据编号或说明", validators=[max_length(200)])
    meeting_place = RadioField(
        "最佳面谈地点",
        choices=choices([("", "未定")] + [(p, p) for p in MEETING_PLACES]),
        validators=[Optional()],
        default="",
    )
    meeting_place_note = StringField("面谈地点说明", validators=[max_length(60)])
    # 综合理财情况 and the rest of 附件3
    service_package = StringField("服务套餐", validators=[max_length(40)])
    has_fund_account = BooleanField("已开通基金账户（风险测评数据报送基金销售平台）")
    fin_savings = BooleanField(FIN_FIELDS["fin_savings"])
    fin_property = BooleanField(FIN_FIELDS["fin_property"])
    fin_insurance = BooleanField(FIN_FIELDS["fin_insurance"])
    fin_bonds = BooleanField(FIN_FIELDS["fin_bonds"])
    fin_futures = BooleanField(FIN_FIELDS["fin_futures"])
    fin_funds = BooleanField(FIN_FIELDS["fin_funds"])
    fin_other = BooleanField(FIN_FIELDS["fin_other"])
    fin_other_text = StringField("其它（说明）", validators=[max_length(60)])
    annual_income = DecimalField("年收入（元）", places=2, validators=MONEY)
    target_return = DecimalField(
        "目标回报率（%）",
        places=2,
        validators=[
            Optional(),
            NumberRange(min=-100, max=1000, message="目标回报率应在-100%%到1000%%之间。"),
        ],
    )
    hobbies = StringField("个人爱好", validators=[max_length(200)])
    financial_plans = TextAreaField("人生中重要的财务规划", validators=[max_length(2000)])
    remarks = TextAreaField("备注（曾经的投资经历等）", validators=[max_length(4000)])
    # 客户深入分类
    value_class = RadioField(
        "客户价值分类",
        validators=[Optional()],
        default="",
        choices=_dimension_choices(supplementary.VALUE_CLASSES),
    )
    habit = RadioField(
        "操作习惯分类",
        validators=[Optional()],
        default="",
        choices=_dimension_choices(supplementary.HABITS),
    )
    decision_style = RadioField(
        "投资决策风格",
        validators=[Optional()],
        default="",
        choices=_dimension_choices(supplementary.DECISION_STYLES),
    )
    preference_codes = MultiCheckboxField(
        "投资偏好分类", choices=_dimension_choices(supplementary.PRODUCT_PREFERENCES)
    )
    related_persons = FieldList(FormField(RelatedPersonForm), min_entries=0, max_entries=20)

    def __init__(
        self, *args, managers: list[User] | None = None, client: Client | None = None, **kwargs
    ):
        """``managers``: whom a new client may be given to; None when the choice is not the
        user's (a manager's own new client, or an edit — reassigning is its own action)."""
        super().__init__(*args, **kwargs)
        self.client = client
        if client is None:  # a new file has no old contact details to change
            del self.evidence_kind, self.evidence_ref
        else:  # the notice of an open file is recorded on the file (DisclosureForm)
            del self.opening_disclosure_on
        if managers is None:
            del self.manager_id
        else:
            self.manager_id.choices = choices((m.id, m.display_name) for m in managers)

    # Each check names the field in its message; the rest of the form is kept as typed.
    def validate_client_no(self, field):
        self._unique(Client.client_no, field, "该客户编号已被使用。")

    def validate_fund_account(self, field):
        self._unique(Client.fund_account, field, "该资金帐号已被使用。")

    def _unique(self, column, field, message):
        query = select(Client.id).where(column == field.data.strip())
        if self.client is not None:
            query = query.where(Client.id != self.client.id)
        if db.session.scalar(query) is not None:
            raise ValidationError(message)

    def validate(self, extra_validators=None) -> bool:
        """Field checks first; then the identity fields together (``domain.identity``): a
        resident ID's birthday and gender must agree with it, an institution needs its
        经办人. Each fault is shown at its field; the numbers are kept normalised."""
        valid = super().validate(extra_validators)
        fields = ("client_type", "id_type", "id_number", "gender", "birthday", *AGENT_FIELDS)
        checked = identity.check({name: getattr(self, name).data for name in fields})
        if self.client_type.data != "institution" and not self.gender.data:
            checked.errors.setdefault("gender", "请填写性别")  # chosen, even if the ID says it
        for name, message in checked.errors.items():
            field = getattr(self, name)
            if not field.errors:
                field.errors.append(f"{message}。")
            valid = False
        for name in ("id_number", "agent_id_number"):
            if name not in checked.errors and name in checked.values:
                getattr(self, name).data = checked.values[name]
        return valid

    def validate_opened_on(self, field):
        if field.data and field.data > china_today():
            raise ValidationError("开户日期不能晚于今天。")

    def validate_opening_disclosure_on(self, field):
        if field.data and field.data > china_today():
            raise ValidationError("签署日期不能晚于今天。")

    def validate_birthday(self, field):
        if field.data and field.data > china_today():
            raise ValidationError("生日不能晚于今天。")

    def contact_changed(self) -> bool:
        """Whether the typed mobile or e-mail differs from the file's (edit form only)."""
        typed = {name: getattr(self, name).data for name in contact_changes.FIELDS}
        return self.client is not None and contact_changes.changed(self.client, typed)

    def validate_evidence_kind(self, field):
        if self.contact_changed() and not field.data:
            raise ValidationError("修改了手机号码或电子邮箱，请选择证据类型。")

    def validate_evidence_ref(self, field):
        if self.contact_changed() and not (field.data or "").strip():
            raise ValidationError("请填写证据编号或说明，例如电话录音编号、书面申请的编号。")

    def evidence(self) -> dict | None:
        """The evidence typed for a change of mobile or e-mail (None on a new file)."""
        if self.client is None:
            return None
        return {"kind": self.evidence_kind.data, "ref": self.evidence_ref.data}

    def validate_fin_other_text(self, field):
        if self.fin_other.data and not (field.data or "").strip():
            raise ValidationError("勾选“其它”时请说明是哪种理财方式。")

    def validate_related_persons(self, field):
        for row in field.entries:
            values = row.form.data
            if (
                any(
                    (values.get(k) or "").strip()
                    for k in ("phone", "relation", "influence", "style")
                )
                and not (values.get("name") or "").strip()
            ):
                row.form.name.errors.append("请填写相关人物的姓名。")
                raise ValidationError("相关人物信息有误。")

    def client_data(self) -> dict:
        """The typed values for the service, money as Decimal, the commission rate as a fraction."""
        evidence = ("evidence_kind", "evidence_ref")
        data = {k: v for k, v in self.data.items() if k not in ("csrf_token", "related_persons")}
        data = {k: v for k, v in data.items() if k not in evidence}
        data["commission_rate"] = self.commission_rate.fraction
        for key in ("value_class", "habit", "decision_style"):
            data[key] = data[key] or None
        return data

    def related_rows(self) -> list[dict]:
        rows = []
        for entry in self.related_persons.entries:
            row = {k: (v or "").strip() for k, v in entry.form.data.items() if k != "csrf_token"}
            if row.get("name"):
                rows.append(row)
        return rows


class MonthlyFigureForm(Form):
    month = StringField(
        "月份",
        validators=[
            required("月份"),
            Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message="月份格式应为 YYYY-MM，例如 2026-10。"),
        ],
    )
    avg_assets = DecimalField(
        "月日均总资产（元）", places=2, validators=[given("月日均总资产"), *MONEY]
    )
    end_assets = DecimalField(
        "月末总资产（元）", places=2, validators=[given("月末总资产"), *MONEY]
    )
    end_stock_value = DecimalField(
        "月末股票市值（元）", places=2, validators=[given("月末股票市值"), *MONEY]
    )
    traded_amount = DecimalField(
        "成交金额（买入+卖出，元）", places=2, validators=[given("成交金额"), *MONEY]
    )
    net_commission = DecimalField("净佣金（元）", places=2, validators=[given("净佣金"), *MONEY])

    def validate_month(self, field):
        if field.errors:  # not a YYYY-MM month: already said
            return
        month = month_arg(field.data)
        if month is None:
            raise ValidationError("月份应在1900年到2100年之间。")
        if month > month_start(china_today()):
            raise ValidationError("不能录入未来月份的数据。")

    def figure_data(self) -> dict:
        data = {k: v for k, v in self.data.items() if k not in ("csrf_token", "month")}
        data["month"] = month_arg(self.month.data)
        return data


class ReassignForm(Form):
    manager_id = SelectField("新的客户经理", coerce=int, choices=[])

    def __init__(self, *args, managers: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.manager_id.choices = choices((m.id, m.display_name) for m in managers)


class DisclosureForm(Form):
    kind = SelectField("风险揭示书", choices=choices(suitability.DISCLOSURE_TYPES.items()))
    signed_on = DateField("签署日期", validators=[given("签署日期"), sensible_year])
    scan = ScanField("签字扫描件")

    def validate_signed_on(self, field):
        if field.data and field.data > china_today():
            raise ValidationError("签署日期不能晚于今天。")
