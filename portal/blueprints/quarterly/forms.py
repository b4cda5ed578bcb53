from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError

from portal.forms import Form, choices, given, max_length, required, sensible_year
from portal.models.quarterly import CHECKED_KINDS


class SubmitForm(Form):
    quarter = HiddenField()
    remarks = TextAreaField("报告说明", validators=[max_length(2000)])


class SpotCheckForm(Form):
    manager_id = SelectField(
        "被抽查客户经理",
        coerce=int,
        choices=[],
        validators=[InputRequired("请选择客户经理。")],
    )
    checked_on = DateField("抽查日期", validators=[given("抽查日期"), sensible_year])
    kind = SelectField(
        "抽查内容",
        choices=choices([("", "请选择抽查内容"), *CHECKED_KINDS.items()]),
        default="",
        validators=[InputRequired("请选择抽查内容。")],
    )
    records = TextAreaField("抽查的记录", validators=[required("抽查的记录"), max_length(2000)])
    findings = TextAreaField("抽查发现", validators=[required("抽查发现"), max_length(4000)])
    follow_up = TextAreaField("整改要求", validators=[max_length(2000)])
    rectification = TextAreaField("整改情况", validators=[max_length(2000)])
    rectified_on = DateField("整改日期", validators=[Optional(), sensible_year])

    def validate_manager_id(self, field) -> None:
        if not field.data:
            raise ValidationError("请选择客户经理。")
