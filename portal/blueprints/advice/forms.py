from datetime import timedelta

from wtforms import (
    DateField,
    DateTimeLocalField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from portal.domain import suitability
from portal.domain.beijing import china_now
from portal.forms import (
    ClientField,
    DecimalField,
    Form,
    choices,
    given,
    max_length,
    required,
    sensible_year,
)
from portal.models.advice import CATEGORIES


def not_in_future(form, field):
    """A record of something done: its time is not after now (Beijing time), nor absurdly old."""
    if field.data and field.data > china_now() + timedelta(minutes=5):
        raise ValidationError("时间不能晚于现在。")
    sensible_year(form, field)


class DailySummaryForm(Form):
    market_broad = TextAreaField("大盘", validators=[max_length(4000)])
    market_sector = TextAreaField("行业", validators=[max_length(4000)])
    market_stock = TextAreaField("个股", validators=[max_length(4000)])
    market_other = TextAreaField("其他", validators=[max_length(4000)])
    morning_broad = TextAreaField("大盘", validators=[max_length(4000)])
    morning_sector = TextAreaField("行业", validators=[max_length(4000)])
    morning_stock = TextAreaField("个股", validators=[max_length(4000)])
    other = TextAreaField("其他（自由填写）", validators=[max_length(4000)])
    personal = TextAreaField("个人观点总结", validators=[max_length(4000)])


class AdviceForm(Form):
    client_id = ClientField("客户", validators=[InputRequired("请搜索并选择客户。")])
    given_at = DateTimeLocalField(
        "时间", format="%Y-%m-%dT%H:%M", validators=[given("时间"), not_in_future]
    )
    category = SelectField("投资需求类别", choices=choices((c, c) for c in CATEGORIES))
    product_code = SelectField(
        "涉及产品类别",
        choices=choices((code, p.label) for code, p in suitability.PRODUCTS.items()),
    )
    question = TextAreaField("咨询内容", validators=[required("咨询内容"), max_length(4000)])
    advice = TextAreaField("投资建议", validators=[required("投资建议"), max_length(4000)])
    remarks = TextAreaField("备注", validators=[max_length(2000)])
    reason = StringField("修改原因（补记例会已签署月份的建议时必填）", validators=[max_length(500)])


class CorrectionForm(Form):
    category = SelectField("投资需求类别", choices=choices((c, c) for c in CATEGORIES))
    question = TextAreaField("咨询内容", validators=[required("咨询内容"), max_length(4000)])
    advice = TextAreaField("投资建议", validators=[required("投资建议"), max_length(4000)])
    remarks = TextAreaField("备注", validators=[max_length(2000)])
    reason = StringField("修改原因（该月例会已签署时必填）", validators=[max_length(500)])


class FollowUpForm(Form):
    at = DateTimeLocalField(
        "时间", format="%Y-%m-%dT%H:%M", validators=[given("时间"), not_in_future]
    )
    allocation = StringField("资金配置", validators=[max_length(200)])
    cumulative_gain = DecimalField(
        "累计涨幅（%）",
        places=2,
        validators=[
            Optional(),
            NumberRange(min=-100, max=10000, message="累计涨幅应在-100%%到10000%%之间。"),
        ],
    )
    content = TextAreaField("跟踪服务内容", validators=[required("跟踪服务内容"), max_length(4000)])
    feedback = TextAreaField("客户反馈信息", validators=[max_length(4000)])


class ReviewForm(Form):
    action = SelectField(
        "审核",
        choices=choices([("", "请选择审核结果"), ("clear", "审核通过"), ("return", "退回修改")]),
        default="",
        validators=[DataRequired(message="请选择审核结果：审核通过或退回修改。")],
    )
    comment = TextAreaField("审核意见", validators=[max_length(2000)])


class MeetingForm(Form):
    held_on = DateField("会议日期", validators=[Optional(), sensible_year])
    attendees = TextAreaField("参会人员", validators=[max_length(2000)])
    minutes = TextAreaField("会议纪要", validators=[max_length(10000)])
    decisions = TextAreaField("决定事项", validators=[max_length(10000)])
