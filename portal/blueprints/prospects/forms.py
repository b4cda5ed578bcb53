from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Regexp

from portal.domain.prospects import OUTCOMES, SOURCES
from portal.forms import Form, choices, given, max_length, required, sensible_year


class ProspectForm(Form):
    name = StringField("姓名", validators=[required("姓名"), max_length(40)])
    phone = StringField(
        "联系电话",
        validators=[
            required("联系电话"),
            Regexp(r"^[0-9+\- ]{5,20}$", message="请填写有效的电话号码（数字、空格或-）。"),
        ],
    )
    appointment_on = DateField("预约开户日期", validators=[given("预约开户日期"), sensible_year])
    source = SelectField(
        "来源",
        choices=choices([("", "请选择"), *SOURCES.items()]),
        default="",
        validators=[InputRequired("请选择预约来源。")],
    )
    manager_id = SelectField("客户经理", coerce=int)
    note = TextAreaField("备注", validators=[max_length(2000)])

    def __init__(self, *args, managers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if managers is None:  # a manager enters their own
            del self.manager_id
        else:
            self.manager_id.choices = choices(
                [(0, "请选择客户经理"), *((m.id, m.display_name) for m in managers)]
            )


class FollowUpForm(Form):
    on = DateField("跟进日期", validators=[given("跟进日期"), sensible_year])
    outcome = SelectField(
        "跟进结果",
        choices=choices([("", "请选择"), *OUTCOMES.items()]),
        default="",
        validators=[InputRequired("请选择跟进结果。")],
    )
    note = TextAreaField("跟进情况", validators=[max_length(2000)])
