"""The weekly summary (附件5): a manager's weeks, one week's summary (written and submitted
by the manager, commented by the branch head), the branch's week side by side, the PDF."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.blueprints.activities import bp
from portal.blueprints.activities.contacts import manager_or_404, parse_day
from portal.blueprints.activities.forms import CommentForm, WeeklyForm
from portal.domain import periods, workdays
from portal.domain.beijing import china_today
from portal.pdf import pdf_response, render_pdf
from portal.services import events, selection, weekly
from portal.services.permissions import permits, requires

WEEKS_SHOWN = 8  # a manager's list of weeks pages by this many


def monday_or_404(value: str):
    day = parse_day(value)
    if day is None or day.weekday() != 0:
        abort(404)
    return day


@bp.get("/weeks")
@requires("work.read")
def weeks():
    """A manager's recent weeks; the branch's week for a head or HQ."""
    if current_user.role != "manager":
        return redirect(url_for("activities.branch_week", **request.args))
    weeks = weekly.recent_weeks(current_user, WEEKS_SHOWN, parse_day(request.args.get("until")))
    return render_template(
        "activities/weeks.html",
        weeks=weeks,
        nav=periods.week_nav(weeks[0].week_start, china_today(), step=WEEKS_SHOWN),
    )


def _week_page(manager, monday, form=None, comment_form=None):
    """One manager's week; ``form``/``comment_form`` replace the blank ones (422 if they
    hold errors)."""
    figures = weekly.week_of(manager, monday)
    editable = figures.editable_by(current_user, china_today())
    may_comment = permits(current_user, "weeks.comment") and figures.submitted
    if editable and form is None:
        form = WeeklyForm(formdata=None, obj=figures.summary)
    if may_comment and comment_form is None:
        comment_form = CommentForm(formdata=None, obj=figures.summary)
    failed = any(f is not None and f.errors for f in (form, comment_form))
    return render_template(
        "activities/week.html",
        week=figures,
        form=form if editable else None,
        comment_form=comment_form if may_comment else None,
        nav=periods.week_nav(monday, china_today()),
        client_events=events.week_of(manager, monday, workdays.week_end(monday)),
    ), 422 if failed else 200


@bp.get("/weeks/<int:manager_id>/<monday>")
@requires("work.read")
def week(manager_id: int, monday: str):
    return _week_page(manager_or_404(manager_id), monday_or_404(monday))


@bp.post("/weeks/<monday>")
@requires("weeks.write")
def save_week(monday: str):
    """Save the manager's own summary as a draft, or submit it (``action=submit``)."""
    monday = monday_or_404(monday)
    form = WeeklyForm()
    if form.validate_on_submit():
        submit = request.form.get("action") == "submit"
        try:
            weekly.save_summary(current_user, monday, form.summary_data(), submit=submit)
        except ValueError as error:
            flash(str(error), "error")
        else:
            flash("周工作总结已提交营业部。" if submit else "周工作总结草稿已保存。", "success")
        return redirect(url_for("activities.week", manager_id=current_user.id, monday=monday))
    return _week_page(current_user, monday, form=form)


@bp.post("/weeks/<int:manager_id>/<monday>/comment")
@requires("weeks.comment")
def comment_week(manager_id: int, monday: str):
    manager = manager_or_404(manager_id)
    monday = monday_or_404(monday)
    figures = weekly.week_of(manager, monday, with_contents=False)
    if figures.summary is None or figures.summary.status != "submitted":
        abort(404)
    form = CommentForm()
    if form.validate_on_submit():
        weekly.comment(figures.summary, form.head_comment.data, current_user)
        flash(f"已点评{manager.display_name}的周工作总结。", "success")
        if request.form.get("next") == "branch":
            return redirect(url_for("activities.branch_week", week=monday))
        return redirect(url_for("activities.week", manager_id=manager.id, monday=monday))
    return _week_page(manager, monday, comment_form=form)


@bp.get("/weeks/branch")
@requires("weeks.branch")
def branch_week():
    """Every manager of the branch for a week, side by side, with the totals."""
    branch = selection.branch_for(current_user, request.args.get("branch"))
    day = parse_day(request.args.get("week")) or china_today()
    monday = workdays.week_start(min(day, china_today()))
    return render_template(
        "activities/branch_week.html",
        overview=weekly.branch_week(branch.id, monday),
        branch=branch,
        choices=selection.choices(current_user),
        nav=periods.week_nav(monday, china_today()),
    )


@bp.get("/weeks/<int:manager_id>/<monday>/annex05.pdf")
@requires("work.read")
def week_pdf(manager_id: int, monday: str):
    manager = manager_or_404(manager_id)
    figures = weekly.week_of(manager, monday_or_404(monday))
    pdf = render_pdf("print/annex05.html", week=figures)
    return pdf_response(pdf, f"annex5-{manager.username}-{figures.week_start:%Y%m%d}.pdf")
