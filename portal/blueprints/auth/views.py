from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from portal.blueprints.auth import bp
from portal.blueprints.auth.forms import ChangePasswordForm, LoginForm
from portal.services import auth
from portal.templating import render_form


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        result = auth.attempt_login(form.username.data, form.password.data, request.remote_addr)
        if result.user:
            login_user(result.user)
            return redirect(_safe_next(request.args.get("next")))
        error = result.error
    status = 422 if (form.errors or error) else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm(current_user)
    if form.validate_on_submit():
        auth.change_password(current_user, form.new.data)
        login_user(current_user)  # the session token rotated with the password
        flash("密码已修改。", "success")
        return redirect(url_for("main.home"))
    return render_form("auth/password.html", form)
