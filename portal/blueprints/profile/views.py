"""The branch profile (Art. 33): the branch's own page (its staff read it, the head keeps it)
and HQ's page of every branch with the downloads for the firm's web site.
Rules: ``services.profiles``."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.blueprints.profile import bp
from portal.blueprints.profile.forms import ProfileForm
from portal.domain.beijing import china_today
from portal.services import profiles
from portal.services.permissions import requires
from portal.templating import render_form


@bp.get("/")
@requires("profile.read")
def own():
    return render_template("profile/show.html", branch=profiles.branch_of(current_user))


@bp.route("/edit", methods=["GET", "POST"])
@requires("profile.edit")
def edit():
    branch = profiles.branch_of(current_user)
    form = ProfileForm(obj=branch if request.method == "GET" else None)
    if form.validate_on_submit():
        profiles.update_profile(branch, form.data)
        flash("营业部信息已保存，总部将据此更新公司网站。", "success")
        return redirect(url_for("profile.own"))
    return render_form("profile/form.html", form, branch=branch)


@bp.get("/all")
@requires("profile.all")
def all_branches():
    return render_template("profile/all.html", branches=profiles.all_profiles(current_user))


def _download(data: bytes, mimetype: str, extension: str) -> Response:
    name = f"branch-profiles-{china_today():%Y%m%d}.{extension}"
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/all.csv")
@requires("profile.all")
def all_csv():
    data = profiles.profiles_csv(profiles.all_profiles(current_user))
    return _download(data, "text/csv; charset=utf-8", "csv")


@bp.get("/all.xlsx")
@requires("profile.all")
def all_xlsx():
    data = profiles.profiles_xlsx(profiles.all_profiles(current_user))
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(data, mimetype, "xlsx")
