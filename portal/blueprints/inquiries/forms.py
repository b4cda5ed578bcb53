from wtforms import DateField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional, Regexp, ValidationError

from portal.blueprints.advice.forms import not_in_future
from portal.domain.inquiries import CHANNELS
from portal.forms import ClientField, Form, choices, given, max_length, required, sensible_year


class InquiryForm(Form):
    channel = SelectField(
        "咨询方式",
        choices=choices([("", "请选择"), *CHANNELS.items()]),
        default="",
        validators=[InputRequired("请选择咨询方式。")],
    )
    client_id = ClientField("客户")
    asker_name = StringField("非客户咨询人姓名", validators=[max_length(40)])
    asker_phone = StringField(
        "联系电话",
        validators=[
            Optional(),
            max_length(20),
            Regexp(r"^[0-9+\- ]{5,20}$", message="请填写有效的电话号码（数字、空格或-）。"),
        ],
    )
    question = TextAreaField("咨询内容", validators=[required("咨询内容"), max_length(4000)])
    received_at = DateTimeLocalField(
        "受理时间", format="%Y-%m-%dT%H:%M", validators=[given("受理时间"), not_in_future]
    )
    told_client = TextAreaField("已告知客户的内容", validators=[max_length(2000)])
    follow_up_on = DateField("下一工作日跟进日期", validators=[Optional(), sensible_year])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.client_id.data is None and not (self.asker_name.data or "").strip():
            if not self.client_id.errors:
                self.asker_name.errors = [
                    *self.asker_name.errors,
                    "请搜索选择客户，或填写非客户咨询人的姓名。",
                ]
            valid = False
        return valid


class ColleagueForm(Form):
    colleague_id = SelectField("请教的同事", coerce=int, validate_choice=True)
    colleague_note = TextAreaField("请协助的事项", validators=[max_length(2000)])

    def __init__(self, *args, colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.colleague_id.choices = choices(
            [(0, "请选择同事"), *((u.id, u.display_name) for u in colleagues)]
        )

    def validate_colleague_id(self, field):
        if not field.data:
            raise ValidationError("请选择本营业部的一位同事。")


class AfterHoursForm(Form):
    told_client = TextAreaField(
        "已告知客户的内容", validators=[required("告知客户的内容"), max_length(2000)]
    )
    follow_up_on = DateField("下一工作日跟进日期", validators=[Optional(), sensible_year])


class AnswerForm(Form):
    answer = TextAreaField("答复内容", validators=[required("答复内容"), max_length(4000)])


class ReviewForm(Form):
    pass
