from wtforms import PasswordField, StringField
from wtforms.validators import EqualTo, ValidationError

from portal.forms import Form, password_strength, required


class LoginForm(Form):
    username = StringField("用户名", validators=[required("用户名")])
    password = PasswordField("密码", validators=[required("密码")])


class ChangePasswordForm(Form):
    current = PasswordField("当前密码", validators=[required("当前密码")])
    new = PasswordField("新密码", validators=[required("新密码"), password_strength])
    confirm = PasswordField(
        "确认新密码",
        validators=[required("确认新密码"), EqualTo("new", message="两次输入的新密码不一致。")],
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_current(self, field):
        if not self.user.check_password(field.data or ""):
            raise ValidationError("当前密码不正确。")
