from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import Optional, ValidationError

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


class DeliverForm(Form):
    """报送 of a day's report (and, without its fields, the 签收 button's CSRF token)."""

    day = DateField("日期", validators=[Optional()])
    branch = IntegerField("营业部", validators=[Optional()])


class QuestionnaireUploadForm(Form):
    file = FileField("问卷定义文件")

    def validate_file(self, field):
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            raise ValidationError("请选择问卷定义文件（.json）。")
        if not upload.filename.lower().endswith(".json"):
            raise ValidationError("问卷定义文件须为 .json 文件。")


class QuestionnairePublishForm(Form):
    """The previewed definition, carried back to be published."""

    definition = HiddenField()
