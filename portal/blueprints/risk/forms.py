from wtforms import DateField, SelectField, StringField
from wtforms.validators import ValidationError

from portal.forms import Form, ScanField


class AssessmentForm(Form):
    """The questionnaire's answers are read from the request by question (see the view);
    this form carries the CSRF token, the step and the optional scan."""

    step = StringField()
    scan = ScanField("签字问卷扫描件（可稍后上传）")


class ScanForm(Form):
    scan = ScanField("签字问卷扫描件")

    def validate_scan(self, field):
        if field.content is None and not field.errors:
            raise ValidationError("请选择要上传的扫描件。")


class DailyReportForm(Form):
    class Meta:
        csrf = False

    day = DateField("日期")
    branch = SelectField("营业部", coerce=int, choices=[])
