from wtforms import DateField, RadioField, StringField

from portal.forms import Form, choices, given, max_length, required, sensible_year

KINDS = [("1", "工作日（调休上班）"), ("0", "休息日（放假）")]


class CalendarDayForm(Form):
    day = DateField("日期", validators=[given("日期"), sensible_year])
    workday = RadioField("安排", choices=choices(KINDS), validators=[required("安排")])
    note = StringField("说明", validators=[required("说明"), max_length(200)])


class DeleteForm(Form):
    reason = StringField("删除原因", validators=[required("删除原因"), max_length(200)])
