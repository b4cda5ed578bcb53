from sqlalchemy import select
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import Regexp, ValidationError

from portal.extensions import db
from portal.forms import Form, choices, max_length, mobile, optional, password_strength, required
from portal.models import ROLES, Branch, User
from portal.models.org import POSITIONS
from portal.services import accounts


class BranchForm(Form):
    name = StringField("营业部名称", validators=[required("营业部名称"), max_length(80)])
    address = StringField("地址", validators=[max_length(200)])
    hotline = StringField("客服热线", validators=[max_length(40)])

    def __init__(self, *args, branch: Branch | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch

    def validate_name(self, field):
        other = db.session.scalar(select(Branch).where(Branch.name == field.data.strip()))
        if other is not None and other is not self.branch:
            raise ValidationError("已有同名的营业部。")


class UserForm(Form):
    display_name = StringField("姓名", validators=[required("姓名"), max_length(40)])
    phone = StringField("手机号码", validators=[optional(), mobile()])
    role = SelectField("角色", choices=choices(ROLES.items()))
    position = SelectField(
        "职务", choices=choices([("", "（无）"), *POSITIONS.items()]), default=""
    )
    branch_id = SelectField("所属营业部", coerce=int, choices=[])

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        branches = db.session.scalars(select(Branch).order_by(Branch.id)).all()
        self.branch_id.choices = choices(
            [(0, "—（总部用户不属于营业部）")] + [(b.id, b.name) for b in branches]
        )

    def validate_position(self, field):
        if field.data and self.role.data != "branch_head":
            raise ValidationError("只有营业部管理人员（总经理、客服总监、运营总监）有职务。")

    def validate_branch_id(self, field):
        if self.role.data == "hq":
            field.data = None
        elif not field.data:
            raise ValidationError("营业部人员须选择所属营业部。")
        if self.user is not None:
            problem = accounts.move_problem(self.user, self.role.data, field.data)
            if problem:
                raise ValidationError(problem)


class NewUserForm(UserForm):
    username = StringField(
        "用户名",
        validators=[
            required("用户名"),
            Regexp(
                r"^[A-Za-z][A-Za-z0-9_.-]{1,39}$",
                message="用户名须以字母开头，由2–40位字母、数字、点、下划线或连字符组成。",
            ),
        ],
    )
    password = PasswordField("初始密码", validators=[required("初始密码"), password_strength])

    def validate_username(self, field):
        exists = db.session.scalar(select(User.id).where(User.username == field.data.lower()))
        if exists:
            raise ValidationError("该用户名已被使用。")
