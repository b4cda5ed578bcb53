from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.args import date_arg, int_arg, month_arg
from portal.blueprints.advice import bp
from portal.blueprints.advice.forms import (
    AdviceForm,
    CorrectionForm,
    DailySummaryForm,
    FollowUpForm,
    MeetingForm,
    ReviewForm,
)
from portal.domain import consulting, periods, screening
from portal.domain import review as review_rules
from portal.domain.beijing import china_now, china_today, local_date, month_start, to_utc
from portal.domain.workdays import week_start
from portal.models import Branch, Client
from portal.models.advice import Advice
from portal.pdf import pdf_response, render_pdf
from portal.services import advice as service
from portal.services import calendar, scope, selection
from portal.services.permissions import permits, requires
from portal.templating import render_form


def _manager_for_report():
    """The manager a report is about: oneself, or one the head/HQ picks (the first by
    default), and the picker's managers."""
    manager = selection.manager_for(current_user, request.args.get("manager"), first=True)
    return manager, selection.choices(current_user).managers


def _date_arg(name: str, default: date) -> date:
    return date_arg(request.args.get(name)) or default


def _month_arg() -> date:
    return month_arg(request.args.get("month")) or month_start(china_today())


# ------------------------------------------------------------------------------- list


@bp.get("/")
@requires("advice.read")
def index():
    month = _month_arg()
    records = service.month_list(month, flagged_only=request.args.get("state") == "flagged")
    return render_template(
        "advice/index.html",
        records=records,
        month=month,
        nav=periods.month_nav(month, china_today()),
        state=request.args.get("state", ""),
    )


# ----------------------------------------------------------------------- advice records


@bp.route("/new", methods=["GET", "POST"])
@requires("advice.write")
def new():
    form = AdviceForm()
    if request.method == "GET":
        form.given_at.data = china_now()
        form.client_id.data = int_arg(request.args.get("client"))
    refused = None
    if form.validate_on_submit():
        client = scope.get_or_404(Client, form.client_id.data)
        data = form.data | {"given_at": to_utc(form.given_at.data)}
        try:
            record = service.record_advice(client, data, current_user, form.reason.data)
        except service.AdviceRefused as error:
            if error.field:  # e.g. the 修改原因 a signed month asks for
                target = getattr(form, error.field)
                target.errors = [*target.errors, *error.reasons]
            else:  # suitability
                refused = error.reasons
                form.product_code.errors = [*form.product_code.errors, *error.reasons]
        else:
            if record.review_state == "flagged":
                flash(
                    "已保存。内容涉及第五十九条禁止事项的表述，已提交营业部总经理审核。", "warning"
                )
            else:
                flash("投资建议已记录。", "success")
            return redirect(url_for("advice.show", advice_id=record.id))
    status = 422 if (form.errors or refused) else 200
    return render_template("advice/form.html", form=form, refused=refused), status


@bp.get("/<int:advice_id>")
@requires("advice.read")
def show(advice_id: int):
    return _render_show(scope.get_or_404(Advice, advice_id))


def _render_show(record: Advice, status: int = 200, **forms):
    context = {
        "followup_form": FollowUpForm(formdata=None, at=china_now()),
        "review_form": ReviewForm(formdata=None),
        **forms,
    }
    fields = {
        name: screening.highlight_spans(getattr(record, name) or "", record.hits_in(name))
        for name in service.ADVICE_TEXT
    }
    return render_template(
        "advice/show.html",
        record=record,
        fields=fields,
        retained_until=service.retained_until(record.given_at),
        **context,
    ), status


@bp.route("/<int:advice_id>/edit", methods=["GET", "POST"])
@requires("advice.write")
def edit(advice_id: int):
    record = scope.get_or_404(Advice, advice_id)
    form = CorrectionForm(obj=record if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            service.correct_advice(record, form.data, current_user, form.reason.data)
        except service.AdviceRefused as error:
            form.reason.errors = [*form.reason.errors, *error.reasons]
        else:
            flash("已更正，原内容保留在修改记录中。", "success")
            return redirect(url_for("advice.show", advice_id=record.id))
    signed = service.signed_off(record.branch_id, local_date(record.given_at))
    return render_form("advice/edit.html", form, record=record, signed=signed)


@bp.post("/<int:advice_id>/followups")
@requires("advice.write")
def add_followup(advice_id: int):
    record = scope.get_or_404(Advice, advice_id)
    form = FollowUpForm()
    if form.validate_on_submit():
        try:
            service.add_followup(record, form.data | {"at": to_utc(form.at.data)}, current_user)
        except service.AdviceRefused as error:
            target = getattr(form, error.field or "content")
            target.errors = [*target.errors, *error.reasons]
        else:
            flash("跟踪服务已记录。", "success")
            return redirect(url_for("advice.show", advice_id=record.id))
    return _render_show(record, 422, followup_form=form)


@bp.post("/<int:advice_id>/review")
@requires("advice.review")
def review(advice_id: int):
    record = scope.get_or_404(Advice, advice_id)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            service.review(record, form.action.data, form.comment.data or "", current_user)
        except service.AdviceRefused as error:
            form.comment.errors = [*form.comment.errors, *error.reasons]
        else:
            flash("审核意见已记录。", "success")
            return redirect(url_for("advice.show", advice_id=record.id))
    return _render_show(record, 422, review_form=form)


@bp.post("/<int:advice_id>/delete")
@requires("advice.delete")
def delete(advice_id: int):
    record = scope.get_or_404(Advice, advice_id)
    try:
        service.delete_advice(record)
    except service.AdviceRefused as error:
        flash(str(error), "error")
        return redirect(url_for("advice.show", advice_id=record.id))
    flash("已删除超过保存期限的投资建议。", "success")
    return redirect(url_for("advice.index"))


@bp.get("/<int:advice_id>.pdf")
@requires("advice.read")
def show_pdf(advice_id: int):
    record = scope.get_or_404(Advice, advice_id)
    pdf = render_pdf("print/annex09.html", record=record, printed_by=current_user)
    return pdf_response(pdf, f"annex9-{record.id}.pdf")


# ------------------------------------------------------------------------ daily summary


@bp.route("/daily", methods=["GET", "POST"])
@requires("advice.read")
def daily():
    day = _date_arg("day", china_today())
    manager, managers = _manager_for_report()
    summary = service.daily_summary(manager.id, day)
    form = DailySummaryForm(obj=summary)
    if request.method == "POST":
        if not scope.owns(manager):
            abort(403)
        if form.validate_on_submit():
            service.save_daily_summary(current_user, day, form.data)
            flash("每日投资建议汇总已保存。", "success")
            return redirect(url_for("advice.daily", day=day))
    return render_form(
        "advice/daily.html",
        form,
        day=day,
        manager=manager,
        managers=managers,
        summary=summary,
        editable=scope.owns(manager),
    )


@bp.get("/daily.pdf")
@requires("advice.read")
def daily_pdf():
    day = _date_arg("day", china_today())
    manager, _ = _manager_for_report()
    pdf = render_pdf(
        "print/annex08.html",
        day=day,
        manager=manager,
        summary=service.daily_summary(manager.id, day),
    )
    return pdf_response(pdf, f"annex8-{manager.username}-{day:%Y%m%d}.pdf")


# ----------------------------------------------------------------------- weekly (附件10)


def _weekly_context():
    monday = week_start(_date_arg("week", china_today()))
    manager, managers = _manager_for_report()
    return {
        "monday": monday,
        "nav": periods.week_nav(monday, china_today()),
        "manager": manager,
        "managers": managers,
        "table": service.weekly_table(manager.id, monday),
        "categories": consulting.CATEGORIES,
        "day_names": consulting.DAYS,
    }


@bp.get("/weekly")
@requires("advice.read")
def weekly():
    return render_template("advice/weekly.html", **_weekly_context())


@bp.get("/weekly.pdf")
@requires("advice.read")
def weekly_pdf():
    context = _weekly_context()
    pdf = render_pdf("print/annex10.html", **context)
    return pdf_response(pdf, f"annex10-{context['manager'].username}-{context['monday']}.pdf")


# ------------------------------------------------------------------------ monthly review


def _review_branch() -> Branch:
    return selection.branch_for(current_user, request.values.get("branch"))


def _review_month() -> date:
    """The month asked for, or the one whose meeting is due (last month until this month's
    last working day)."""
    return month_arg(request.args.get("month")) or review_rules.due_month(
        china_today(), calendar.overrides()
    )


def _review_context(branch: Branch, month: date) -> dict:
    return {
        "branch": branch,
        "month": month,
        "signable_from": review_rules.signable_from(month, calendar.overrides()),
        "month_ended": review_rules.may_sign(month, china_today(), calendar.overrides()),
        "nav": periods.month_nav(month, china_today()),
        "items": service.month_items(branch.id, month),
        "meeting": service.get_review(branch.id, month),
    }


@bp.route("/review", methods=["GET", "POST"])
@requires("meeting.read")
def monthly():
    branch, month = _review_branch(), _review_month()
    context = _review_context(branch, month)
    form = MeetingForm(obj=context["meeting"])
    if request.method == "POST":
        if not permits(current_user, "meeting.hold"):
            abort(403)
        if form.validate_on_submit():
            try:
                service.save_review(branch.id, month, form.data)
            except service.AdviceRefused as error:
                flash(str(error), "error")
            else:
                flash("会议记录已保存。", "success")
            return redirect(url_for("advice.monthly", month=f"{month:%Y-%m}"))
    return render_form("advice/monthly.html", form, **context)


@bp.post("/review/sign")
@requires("meeting.hold")
def sign():
    branch, month = _review_branch(), _review_month()
    meeting = service.get_review(branch.id, month)
    if meeting is None:
        flash("请先填写并保存会议记录。", "error")
    else:
        try:
            service.sign_off(meeting, current_user)
        except service.AdviceRefused as error:
            # Shown in place, by the sign-off button; the saved record is untouched.
            context = _review_context(branch, month)
            form = MeetingForm(formdata=None, obj=meeting)
            return render_template(
                "advice/monthly.html", form=form, sign_errors=error.reasons, **context
            ), 422
        flash(
            "会议记录已签署。此后修改该月的投资建议须填写修改原因，并标记为签署后修改；"
            "跟踪服务不受影响。",
            "success",
        )
    return redirect(url_for("advice.monthly", month=f"{month:%Y-%m}"))


@bp.get("/review.pdf")
@requires("meeting.read")
def monthly_pdf():
    branch, month = _review_branch(), _review_month()
    pdf = render_pdf("print/advice_review.html", **_review_context(branch, month))
    return pdf_response(pdf, f"advice-review-{branch.id}-{month:%Y%m}.pdf")
