from datetime import date

from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from portal.domain.beijing import china_today
from portal.domain.care import OUTCOMES
from portal.forms import Form, choices, given, max_length, required, sensible_year


def not_after_today(form, field) -> None:
    """A record of what happened: its day is not after today (Beijing), nor absurdly old."""
    if isinstance(field.data, date) and field.data > china_today():
        raise ValidationError("日期不能晚于今天。")
    sensible_year(form, field)


class RetentionForm(Form):
    on = DateField("挽留日期", validators=[given("挽留日期"), not_after_today])
    action = TextAreaField("挽留措施", validators=[required("挽留措施"), max_length(2000)])
    outcome = SelectField(
        "挽留结果",
        choices=choices([("", "请选择"), *OUTCOMES.items()]),
        validators=[DataRequired(message="请选择挽留结果。")],
    )

    def retention_data(self) -> dict:
        return {"on": self.on.data, "action": self.action.data, "outcome": self.outcome.data}


class CloseRequestForm(Form):
    requested_on = DateField("申请日期", validators=[given("申请日期"), not_after_today])
    note = TextAreaField("说明", validators=[max_length(2000)])

    def request_data(self) -> dict:
        return {"requested_on": self.requested_on.data, "note": self.note.data}
