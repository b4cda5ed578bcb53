from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.args import int_arg
from portal.blueprints.inquiries import bp
from portal.blueprints.inquiries.forms import (
    AfterHoursForm,
    AnswerForm,
    ColleagueForm,
    InquiryForm,
    ReviewForm,
)
from portal.domain.beijing import china_now, china_today, to_utc
from portal.domain.inquiries import CHANNELS, EMAIL_WORKDAYS
from portal.models import Client
from portal.models.inquiry import Inquiry
from portal.services import inquiries as service
from portal.services import scope
from portal.services.permissions import permits, requires


def _refused(form, error: service.InquiryRefused) -> None:
    """Put the refusal under its field (or the form's first), or answer 403."""
    if error.forbidden:
        abort(403)
    target = getattr(form, error.field or "", None) or next(iter(form))
    target.errors = [*target.errors, *error.reasons]


# ------------------------------------------------------------------------------- list


@bp.get("/")
@requires("inquiries.read")
def index():
    state = request.args.get("state", "")
    filters = service.Filters(
        state=state if state in service.STATES else "",
        channel=request.args.get("channel", "") if request.args.get("channel") in CHANNELS else "",
        mine=request.args.get("mine") == "1",
    )
    today = china_today()
    return render_template(
        "inquiries/index.html",
        records=service.listing(current_user, filters, today),
        filters=filters,
        states=service.STATES,
        today=today,
        limit=service.LIST_LIMIT,
        show_branch=current_user.branch_id is None,  # HQ: every branch's inquiries
    )


# ------------------------------------------------------------------------------ logging


@bp.route("/new", methods=["GET", "POST"])
@requires("inquiries.write")
def new():
    form = InquiryForm()
    if request.method == "GET":
        form.received_at.data = china_now()
        form.client_id.data = int_arg(request.args.get("client"))
        if request.args.get("channel") in CHANNELS:
            form.channel.data = request.args["channel"]
    if form.validate_on_submit():
        client = scope.get_or_404(Client, form.client_id.data) if form.client_id.data else None
        data = form.data | {"received_at": to_utc(form.received_at.data)}
        try:
            record = service.log_inquiry(data, current_user, client)
        except service.InquiryRefused as error:
            _refused(form, error)
        else:
            flash("咨询已登记，您是该咨询的首问责任人。", "success")
            return redirect(url_for("inquiries.show", inquiry_id=record.id))
    status = 422 if form.errors else 200
    return render_template("inquiries/form.html", form=form), status


# ------------------------------------------------------------------------------ one record


@bp.get("/<int:inquiry_id>")
@requires("inquiries.read")
def show(inquiry_id: int):
    return _render_show(scope.get_or_404(Inquiry, inquiry_id))


def _render_show(record: Inquiry, status: int = 200, **forms):
    context = {
        "colleague_form": ColleagueForm(
            formdata=None,
            colleagues=service.colleagues(current_user),
            colleague_id=record.colleague_id or 0,
            colleague_note=record.colleague_note,
        ),
        "after_hours_form": AfterHoursForm(
            formdata=None, told_client=record.told_client, follow_up_on=record.follow_up_on
        ),
        "answer_form": AnswerForm(formdata=None),
        "review_form": ReviewForm(formdata=None),
        **forms,
    }
    may_write = permits(current_user, "inquiries.write") and not record.answered
    return render_template(
        "inquiries/show.html",
        record=record,
        today=china_today(),
        email_workdays=EMAIL_WORKDAYS,
        is_owner=may_write and record.owner_id == current_user.id,
        may_answer=may_write and record.responsible(current_user),
        may_review=permits(current_user, "inquiries.review") and record.review_state == "flagged",
        show_phone=service.may_see_phone(record, current_user),
        **context,
    ), status


@bp.post("/<int:inquiry_id>/colleague")
@requires("inquiries.write")
def ask_colleague(inquiry_id: int):
    record = scope.get_or_404(Inquiry, inquiry_id)
    form = ColleagueForm(colleagues=service.colleagues(current_user))
    if form.validate_on_submit():
        try:
            service.ask_colleague(
                record, form.colleague_id.data, form.colleague_note.data, current_user
            )
        except service.InquiryRefused as error:
            _refused(form, error)
        else:
            flash("已记录请教的同事；您仍是该咨询的首问责任人。", "success")
            return redirect(url_for("inquiries.show", inquiry_id=record.id))
    if record.owner_id != current_user.id:
        abort(403)
    return _render_show(record, 422, colleague_form=form)


@bp.post("/<int:inquiry_id>/after-hours")
@requires("inquiries.write")
def after_hours(inquiry_id: int):
    record = scope.get_or_404(Inquiry, inquiry_id)
    form = AfterHoursForm()
    if form.validate_on_submit():
        try:
            service.record_after_hours(
                record, form.told_client.data, form.follow_up_on.data, current_user
            )
        except service.InquiryRefused as error:
            _refused(form, error)
        else:
            flash("已记录告知客户的内容和跟进日期。", "success")
            return redirect(url_for("inquiries.show", inquiry_id=record.id))
    if record.owner_id != current_user.id:
        abort(403)
    return _render_show(record, 422, after_hours_form=form)


@bp.post("/<int:inquiry_id>/answer")
@requires("inquiries.write")
def answer(inquiry_id: int):
    record = scope.get_or_404(Inquiry, inquiry_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            service.answer(record, form.answer.data, current_user)
        except service.InquiryRefused as error:
            _refused(form, error)
        else:
            if record.review_state == "flagged":
                flash(
                    "答复已保存。答复中有第四十四条禁止使用的服务用语，已提交营业部总经理审核。",
                    "warning",
                )
            else:
                flash("答复已保存。", "success")
            return redirect(url_for("inquiries.show", inquiry_id=record.id))
    if not record.responsible(current_user):
        abort(403)
    return _render_show(record, 422, answer_form=form)


@bp.post("/<int:inquiry_id>/review")
@requires("inquiries.review")
def review(inquiry_id: int):
    record = scope.get_or_404(Inquiry, inquiry_id)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            service.review(record, current_user)
        except service.InquiryRefused as error:
            if error.forbidden:
                abort(403)
            flash(str(error), "error")
        else:
            flash("已审核。", "success")
    return redirect(url_for("inquiries.show", inquiry_id=record.id))
