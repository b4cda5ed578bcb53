"""The daily work log (附件2): a manager's month, a day's log, writing it, and its PDF."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.args import int_arg, month_arg
from portal.blueprints.activities import bp
from portal.blueprints.activities.contacts import chosen_manager, manager_or_404, parse_day
from portal.blueprints.activities.forms import ConsultationForm, WorkLogForm
from portal.domain import periods
from portal.domain.beijing import china_today, month_start
from portal.pdf import pdf_response, render_pdf
from portal.services import selection, worklogs
from portal.services.permissions import requires
from portal.templating import render_form


def day_or_404(value: str) -> date:
    day = parse_day(value)
    if day is None:
        abort(404)
    return day


@bp.get("/logs")
@requires("work.read")
def logs():
    """The working days of a month with their logs and counts, for one manager."""
    manager = chosen_manager()
    first = month_arg(request.args.get("month")) or month_start(china_today())
    return render_template(
        "activities/logs.html",
        manager=manager,
        month=worklogs.month_of(manager, first) if manager else None,
        first=first,
        nav=periods.month_nav(first, china_today()),
        today=china_today(),
        choices=selection.choices(current_user),
    )


@bp.get("/logs/<int:manager_id>/<day>")
@requires("work.read")
def log(manager_id: int, day: str):
    manager = manager_or_404(manager_id)
    sheet = worklogs.day_sheet(manager, day_or_404(day))
    return render_template("activities/log.html", sheet=sheet)


@bp.route("/logs/<day>/edit", methods=["GET", "POST"])
@requires("logs.write")
def edit_log(day: str):
    """The manager writes (or corrects) their own log of a working day, or of a weekend or
    holiday on which they logged contacts."""
    day = day_or_404(day)
    if not worklogs.log_writable(current_user, day):
        flash(f"{day} 不能填写日志：日志按工作日填写，休息日须当天登记过已完成的联系。", "error")
        return redirect(url_for("activities.logs"))
    sheet = worklogs.day_sheet(current_user, day)
    form = WorkLogForm(obj=sheet.log)
    if request.method == "GET" and sheet.log is None:
        form.consultations.append_entry()
    if form.validate_on_submit():
        worklogs.save_log(current_user, day, form.log_data(), form.consultation_rows())
        flash(f"{day} 的工作日志已保存。", "success")
        return redirect(url_for("activities.log", manager_id=current_user.id, day=day))
    return render_form("activities/log_form.html", form, sheet=sheet)


@bp.get("/logs/consultation-row")
@requires("logs.write")
def consultation_row():
    """A blank 理财咨询 row, added to the form in place by htmx."""
    index = request.args.get("index", "0")
    if int_arg(index) is None or int_arg(index) >= worklogs.MAX_CONSULTATIONS:
        abort(400)
    index = int(index)
    row = ConsultationForm(formdata=None, prefix=f"consultations-{index}-")
    return render_template(
        "activities/_consultation_row.html", row=row, next_index=index + 1, oob=True
    )


@bp.get("/logs/<int:manager_id>/<day>/annex02.pdf")
@requires("work.read")
def log_pdf(manager_id: int, day: str):
    manager = manager_or_404(manager_id)
    sheet = worklogs.day_sheet(manager, day_or_404(day))
    if sheet.log is None:
        abort(404)
    pdf = render_pdf("print/annex02.html", sheet=sheet)
    return pdf_response(pdf, f"annex2-{manager.username}-{sheet.day:%Y%m%d}.pdf")
