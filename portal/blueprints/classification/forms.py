from decimal import Decimal

from wtforms import IntegerField, StringField
from wtforms.validators import NumberRange

from portal.domain.classification import check_floors
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


class BandsForm(Form):
    """The five lower bounds of the asset bands, in 万元 as the policy's table writes them."""

    floor_5 = DecimalField("A+/B+ 类下限（万元）", places=2, validators=[given("A+/B+ 类下限")])
    floor_4 = DecimalField("A/B 类下限（万元）", places=2, validators=[given("A/B 类下限")])
    floor_3 = DecimalField("C/D 类下限（万元）", places=2, validators=[given("C/D 类下限")])
    floor_2 = DecimalField("C-/D- 类下限（万元）", places=2, validators=[given("C-/D- 类下限")])
    floor_1 = DecimalField("E/F 类下限（万元）", places=2, validators=[given("E/F 类下限")])
    note = StringField("说明", validators=[max_length(200)])

    FIELDS = ("floor_1", "floor_2", "floor_3", "floor_4", "floor_5")

    def floors(self) -> tuple[Decimal, ...]:
        """The bounds in yuan, ascending."""
        return tuple(getattr(self, name).data * 10000 for name in self.FIELDS)

    def fill(self, floors) -> None:
        for name, floor in zip(self.FIELDS, floors, strict=True):
            getattr(self, name).data = (Decimal(floor) / 10000).normalize()

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        try:
            check_floors(self.floors())
        except ValueError as error:
            self.floor_1.errors.append(f"{error}。")
            return False
        return True
