"""The base form and the validators with the Chinese messages every form shares."""

from decimal import Decimal

import wtforms
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from portal.args import MAX_YEAR, MIN_YEAR, int_arg
from portal.domain.files import check_scan
from portal.services import client_queries

MOBILE = r"^1\d{10}$"


class Form(FlaskForm):
    """Every form of the portal: WTForms' own messages in Chinese (``WTF_I18N_ENABLED`` off),
    and one message per field: the one about what was typed ("不是有效的选择" for "abc"), or,
    when nothing was typed, the field's own "请填写…/请选择…"."""

    class Meta:
        locales = ("zh",)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for f in self:
            if len(f.errors) > 1 and all(isinstance(e, str) for e in f.errors):
                typed = any(str(v).strip() for v in f.raw_data or [])
                f.errors = [f.errors[0] if typed else f.errors[-1]]
        return valid


def required(label: str) -> DataRequired:
    return DataRequired(message=f"请填写{label}。")


def given(label: str) -> InputRequired:
    """Required for numbers and dates, where 0 is a value (``required`` would refuse it)."""
    return InputRequired(message=f"请填写{label}。")


def max_length(n: int) -> Length:
    return Length(max=n, message=f"不能超过{n}个字符。")


def length(minimum: int, maximum: int, label: str) -> Length:
    return Length(min=minimum, max=maximum, message=f"{label}应为{minimum}–{maximum}个字符。")


def mobile() -> Regexp:
    return Regexp(MOBILE, message="手机号码应为以1开头的11位数字。")


def optional() -> Optional:
    return Optional()


def password_strength(form, field) -> None:
    """At least 8 characters, with both letters and digits."""
    value = field.data or ""
    if len(value) < 8 or not any(c.isdigit() for c in value) or not any(c.isalpha() for c in value):
        raise ValidationError("密码至少8位，且须同时包含字母和数字。")


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class ScanField(FileField):
    """An optional scan (PDF, JPEG or PNG, at most 10 MB), checked by its content."""

    def pre_validate(self, form):
        self.content = None
        if self.data and getattr(self.data, "filename", ""):
            data = self.data.read()
            try:
                check_scan(data)
            except ValueError as error:
                raise ValidationError(str(error)) from error
            self.content = (data, self.data.filename)


class ClientField(wtforms.Field):
    """A client chosen with the search-as-you-type picker (``_macros/pickers.html``): the
    client's id in a hidden input. Only a client in the user's scope is accepted; ``chosen``
    is how the picker shows the client (kept when the form comes back with errors)."""

    widget = wtforms.widgets.HiddenInput()

    def process_formdata(self, valuelist):
        self.data = int_arg(valuelist[0]) if valuelist else None

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)

    @property
    def chosen(self) -> str | None:
        if self.data is None:
            return None
        if getattr(self, "_chosen", (None,))[0] != self.data:
            self._chosen = (self.data, client_queries.pick_label(self.data))
        return self._chosen[1]

    def pre_validate(self, form):
        typed = any(str(v).strip() for v in self.raw_data or [])
        if (typed and self.data is None) or (self.data is not None and self.chosen is None):
            self.data = None
            raise ValidationError("这位客户不在您可选择的客户中，请重新搜索选择。")


class DecimalField(wtforms.DecimalField):
    """A decimal that is a real, finite number of sensible size: "Infinity", "NaN" or 1e20
    are refused with a message instead of reaching the database."""

    LIMIT = Decimal("1e12")

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and (not self.data.is_finite() or abs(self.data) >= self.LIMIT):
            self.data = None
            raise ValueError("请输入一个有效的数值。")


def sensible_year(form, field) -> None:
    """A date or time within the years the portal computes with (1900–2100)."""
    if field.data is not None and not MIN_YEAR <= field.data.year <= MAX_YEAR:
        raise ValidationError(f"请填写{MIN_YEAR}年到{MAX_YEAR}年之间的日期。")
