from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired

from portal.forms import ClientField, Form, choices, given, max_length, required, sensible_year
from portal.models.event import EVENT_KINDS


class EventForm(Form):
    kind = SelectField(
        "活动类型",
        choices=choices([("", "请选择活动类型"), *EVENT_KINDS.items()]),
        default="",
        validators=[InputRequired("请选择活动类型。")],
    )
    held_on = DateField("日期", validators=[given("日期"), sensible_year])
    topic = StringField("主题", validators=[required("主题"), max_length(200)])
    speaker = StringField("主讲人", validators=[required("主讲人"), max_length(100)])
    place = StringField("地点", validators=[max_length(200)])
    notes = TextAreaField("活动情况", validators=[max_length(4000)])


class AttendeeForm(Form):
    client_id = ClientField("到场客户", validators=[InputRequired("请搜索并选择客户。")])


class WithdrawForm(Form):
    reason = StringField("撤销原因", validators=[required("撤销原因"), max_length(200)])
