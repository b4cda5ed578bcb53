import re

from flask_wtf.file import FileField
from wtforms import HiddenField
from wtforms.validators import ValidationError

from portal.forms import Form

TOKEN = re.compile(r"[0-9a-f]{64}\.(csv|txt|xlsx)")


class UploadForm(Form):
    file = FileField("数据文件")

    def validate_file(self, field):
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            raise ValidationError("请选择要导入的文件。")
        if not upload.filename.lower().endswith((".csv", ".txt", ".xlsx")):
            raise ValidationError("只能导入 CSV（UTF-8 或 GBK 编码）或 Excel（.xlsx）文件。")


class ConfirmForm(Form):
    """The previewed file, kept under its hash (``token``) until it is imported."""

    token = HiddenField()
    file_name = HiddenField()

    def validate_token(self, field):
        if not TOKEN.fullmatch(field.data or ""):
            raise ValidationError("预览的文件已失效，请重新上传。")
