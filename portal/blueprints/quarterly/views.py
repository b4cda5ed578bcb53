"""The quarterly report (Art. 55). Rules: ``services.quarterly``; the figures' sections are
registered by each capability's ``quarterly`` module."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from portal.args import int_arg
from portal.blueprints.quarterly import bp
from portal.blueprints.quarterly.forms import SpotCheckForm, SubmitForm
from portal.domain.beijing import china_today
from portal.domain.periods import Quarter
from portal.models import Branch
from portal.models.quarterly import SpotCheck
from portal.pdf import pdf_response, render_pdf
from portal.services import quarterly as service
from portal.services import scope
from portal.services.permissions import permits, requires
from portal.templating import render_form

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _quarter(default_previous: bool = True) -> Quarter:
    """The quarter asked for (``?quarter=2026-Q3``), never after the current one; by default
    the last ended quarter (the one to report) or the current one."""
    current = Quarter.of(china_today())
    asked = Quarter.parse(request.args.get("quarter"))
    if asked is None:
        return current.previous if default_previous else current
    return min(asked, current)


def _branch() -> Branch:
    """The branch asked for (``?branch=``) within the user's scope (404 outside it); a head's
    own by default."""
    branch_id = int_arg(request.args.get("branch") or "") or current_user.branch_id
    if branch_id is None:
        abort(404)
    return scope.get_or_404(Branch, branch_id)


def _nav(quarter: Quarter) -> dict:
    current = Quarter.of(china_today())
    return {
        "previous": quarter.previous,
        "following": quarter.following if quarter < current else None,
        "current": current,
    }


def _render_report(branch: Branch, quarter: Quarter, form: SubmitForm, status: int = 200):
    report = service.branch_report(branch, quarter)
    return render_template(
        "quarterly/report.html",
        report=report,
        quarter=quarter,
        branch=branch,
        nav=_nav(quarter),
        ended=quarter.ended(china_today()),
        nav_args={"branch": branch.id} if current_user.branch_id is None else {},
        form=form,
        may_submit=permits(current_user, "quarterly.submit")
        and current_user.branch_id == branch.id
        and not report.submitted
        and quarter.ended(china_today()),
        checks=service.spot_checks(current_user, quarter, branch.id),
    ), status


@bp.get("/")
@requires("quarterly.read")
def index():
    quarter = _quarter()
    if current_user.role == "hq" and not request.args.get("branch"):
        return redirect(url_for("quarterly.all_branches", quarter=quarter.key))
    form = SubmitForm(formdata=None, quarter=quarter.key)
    return _render_report(_branch(), quarter, form)


@bp.post("/submit")
@requires("quarterly.submit")
def submit():
    form = SubmitForm()
    quarter = Quarter.parse(form.quarter.data)
    if quarter is None:
        abort(404)
    branch = scope.get_or_404(Branch, current_user.branch_id)
    if form.validate_on_submit():
        try:
            service.submit(branch, quarter, current_user, form.remarks.data)
        except service.ReportRefused as error:
            form.remarks.errors = [*form.remarks.errors, str(error)]
        else:
            flash(f"{quarter.label}考核报告已提交总部。", "success")
            return redirect(url_for("quarterly.index", quarter=quarter.key))
    return _render_report(branch, quarter, form, 422)


@bp.get("/report.pdf")
@requires("quarterly.read")
def report_pdf():
    quarter, branch = _quarter(), _branch()
    table = service.side_by_side(current_user, quarter, branch.id)
    pdf = render_pdf("print/quarterly.html", table=table, printed_by=current_user)
    return pdf_response(pdf, f"quarterly-{quarter.key}-{branch.id}.pdf")


@bp.get("/all")
@requires("quarterly.all")
def all_branches():
    quarter = _quarter()
    return render_template(
        "quarterly/all.html",
        table=service.side_by_side(current_user, quarter),
        quarter=quarter,
        nav=_nav(quarter),
    )


@bp.get("/all.xlsx")
@requires("quarterly.all")
def all_xlsx():
    quarter = _quarter()
    return send_file(
        service.side_by_side_xlsx(service.side_by_side(current_user, quarter)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"quarterly-{quarter.key}.xlsx",
    )


@bp.get("/all.pdf")
@requires("quarterly.all")
def all_pdf():
    quarter = _quarter()
    table = service.side_by_side(current_user, quarter)
    pdf = render_pdf("print/quarterly.html", table=table, printed_by=current_user)
    return pdf_response(pdf, f"quarterly-{quarter.key}.pdf")


# --------------------------------------------------------------------------- spot checks


@bp.get("/spot-checks")
@requires("spotchecks.read")
def spot_checks():
    quarter = _quarter(default_previous=False)
    return render_template(
        "quarterly/spot_checks.html",
        checks=service.spot_checks(current_user, quarter),
        quarter=quarter,
        nav=_nav(quarter),
    )


def _check_form(form: SpotCheckForm) -> SpotCheckForm:
    form.manager_id.choices = [(0, "请选择客户经理")] + [
        (m.id, m.display_name + ("" if m.active else "（已停用）"))
        for m in service.checkable_managers(current_user)
    ]
    return form


def _refused(form, error: service.CheckRefused) -> None:
    target = getattr(form, error.field or "", None)
    if target is not None:
        target.errors = [*target.errors, str(error)]
    else:
        flash(str(error), "error")


@bp.route("/spot-checks/new", methods=["GET", "POST"])
@requires("spotchecks.write")
def new_spot_check():
    form = _check_form(SpotCheckForm())
    if request.method == "GET":
        form.checked_on.data = china_today()
        form.manager_id.data = int_arg(request.args.get("manager") or "") or 0
    if form.validate_on_submit():
        try:
            check = service.record_spot_check(form.data, current_user)
        except service.CheckRefused as error:
            _refused(form, error)
        else:
            flash("抽查记录已保存。", "success")
            return redirect(
                url_for("quarterly.spot_checks", quarter=Quarter.of(check.checked_on).key)
            )
    return render_form("quarterly/spot_check_form.html", form, check=None)


@bp.route("/spot-checks/<int:check_id>/edit", methods=["GET", "POST"])
@requires("spotchecks.write")
def edit_spot_check(check_id: int):
    check = scope.get_or_404(SpotCheck, check_id)
    form = _check_form(SpotCheckForm(obj=check if request.method == "GET" else None))
    if form.validate_on_submit():
        try:
            service.update_spot_check(check, form.data, current_user)
        except service.CheckRefused as error:
            _refused(form, error)
        else:
            flash("抽查记录已更新。", "success")
            return redirect(
                url_for("quarterly.spot_checks", quarter=Quarter.of(check.checked_on).key)
            )
    return render_form("quarterly/spot_check_form.html", form, check=check)
