from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from portal.blueprints.admin import bp
from portal.blueprints.admin.forms import BranchForm, NewUserForm, UserForm
from portal.extensions import db
from portal.models import Branch, User
from portal.pdf import pdf_response, render_pdf
from portal.services import accounts, scope
from portal.services.permissions import requires
from portal.templating import render_form


@bp.get("/admin/branches")
@requires("branches.manage")
def branches():
    counts = dict(
        db.session.execute(select(User.branch_id, func.count()).group_by(User.branch_id)).all()
    )
    rows = db.session.scalars(scope.scoped(Branch).order_by(Branch.id)).all()
    return render_template("admin/branches.html", branches=rows, counts=counts)


@bp.route("/admin/branches/new", methods=["GET", "POST"])
@requires("branches.manage")
def new_branch():
    form = BranchForm()
    if form.validate_on_submit():
        branch = accounts.save_branch(None, form.data)
        flash(f"营业部“{branch.name}”已创建。", "success")
        return redirect(url_for("admin.branches"))
    return render_form("admin/branch_form.html", form, branch=None)


@bp.route("/admin/branches/<int:branch_id>/edit", methods=["GET", "POST"])
@requires("branches.manage")
def edit_branch(branch_id: int):
    branch = scope.get_or_404(Branch, branch_id)
    form = BranchForm(obj=branch, branch=branch)
    if form.validate_on_submit():
        accounts.save_branch(branch, form.data)
        flash("营业部信息已保存。", "success")
        return redirect(url_for("admin.branches"))
    return render_form("admin/branch_form.html", form, branch=branch)


@bp.get("/users/")
@requires("users.read")
def users():
    query = scope.scoped(User).outerjoin(User.branch).order_by(Branch.id.nullsfirst(), User.id)
    rows = db.session.scalars(query).all()
    return render_template("admin/users.html", users=rows)


@bp.get("/users/<int:user_id>")
@requires("users.read")
def user(user_id: int):
    return render_template("admin/user.html", user=scope.get_or_404(User, user_id))


@bp.route("/users/new", methods=["GET", "POST"])
@requires("users.manage")
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        created = accounts.create_user(form.data, form.password.data)
        flash(f"用户“{created.display_name}”已创建。", "success")
        return redirect(url_for("admin.user", user_id=created.id))
    return render_form("admin/user_form.html", form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires("users.manage")
def edit_user(user_id: int):
    record = scope.get_or_404(User, user_id)
    form = UserForm(obj=record, user=record)
    if form.validate_on_submit():
        accounts.update_user(record, form.data)
        flash("用户信息已保存。", "success")
        return redirect(url_for("admin.user", user_id=record.id))
    return render_form("admin/user_form.html", form, user=record)


@bp.post("/users/<int:user_id>/active")
@requires("users.manage")
def toggle_active(user_id: int):
    record = scope.get_or_404(User, user_id)
    if record.id == current_user.id:
        flash("不能停用自己的账户。", "error")
    else:
        accounts.set_active(record, not record.active)
        flash("账户已启用。" if record.active else "账户已停用，其登录会话已失效。", "success")
    return redirect(url_for("admin.user", user_id=record.id))


@bp.get("/users/<int:user_id>/card.pdf")
@requires("users.read")
def user_card(user_id: int):
    record = scope.get_or_404(User, user_id)
    pdf = render_pdf("print/user_card.html", user=record, printed_by=current_user)
    return pdf_response(pdf, f"user-{record.username}.pdf")
