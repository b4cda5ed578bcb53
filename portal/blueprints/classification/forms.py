from wtforms import IntegerField, StringField
from wtforms.validators import NumberRange

from portal.forms import DecimalField, Form, given, max_length
from portal.services.classification import year_to_prepare


class ThresholdForm(Form):
    year = IntegerField(
        "适用年度",
        validators=[
            given("适用年度"),
            NumberRange(min=2000, max=2100, message="年度应在2000到2100之间。"),
        ],
    )
    value = DecimalField(
        "资产周转率阈值",
        places=2,
        validators=[
            given("资产周转率阈值"),
            NumberRange(min=0.01, max=999, message="阈值应为0.01到999之间的数。"),
        ],
    )
    note = StringField("说明", validators=[max_length(200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.year.data is None:
            self.year.data = year_to_prepare()
