from wtforms import StringField, TextAreaField

from portal.forms import Form, max_length, required


class ProfileForm(Form):
    address = StringField("地址", validators=[required("地址"), max_length(200)])
    hotline = StringField("咨询电话", validators=[required("咨询电话"), max_length(40)])
    services = TextAreaField("特色服务", validators=[max_length(2000)])
    offers = TextAreaField("优惠政策", validators=[max_length(2000)])
    latest_events = TextAreaField("最新活动", validators=[max_length(2000)])
