from flask import flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from portal import sessions
from portal.blueprints.auth import bp
from portal.blueprints.auth.forms import ChangePasswordForm, LoginForm
from portal.extensions import login_manager
from portal.pages import get_page, page_of_request
from portal.services import auth
from portal.templating import render_form


@login_manager.unauthorized_handler
def unauthorized():
    """Send a signed-out user to the log-in page, to come back to the page they were on (for a
    form post: the form's own page, where the browser restores what they typed). An htmx
    request gets the whole log-in page, never the log-in form swapped into a part of the page."""
    if not sessions.ended_idle():  # which said why already
        flash(login_manager.login_message, login_manager.login_message_category)
    target = page_of_request()
    url = url_for("auth.login", next=target) if target else url_for("auth.login")
    if request.headers.get("HX-Request"):
        response = make_response("", 401)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url)


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
            return redirect(get_page(request.args.get("next")) or url_for("main.home"))
        error = result.error
    status = 422 if (form.errors or error) else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
@login_required
def logout():
    auth.end_sessions(current_user)
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
