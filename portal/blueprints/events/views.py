"""Client events (Art. 50.4, 50.8, 50.11): the branch's list by month, an event with its
attendees, recording and correcting events and attendances. Rules: ``services.events``."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.args import month_arg
from portal.blueprints.events import bp
from portal.blueprints.events.forms import AttendeeForm, EventForm, WithdrawForm
from portal.domain import periods
from portal.domain.beijing import china_today, month_end, month_start
from portal.models import Client
from portal.models.event import EVENT_KINDS, ClientEvent, EventAttendance
from portal.services import events as service
from portal.services import scope
from portal.services.permissions import requires
from portal.templating import render_form


@bp.get("/")
@requires("events.read")
def index():
    month = month_arg(request.args.get("month")) or month_start(china_today())
    kind = request.args.get("kind") if request.args.get("kind") in EVENT_KINDS else ""
    rows = service.event_list(current_user, month, month_end(month), kind or None)
    return render_template(
        "events/index.html",
        rows=rows,
        month=month,
        kind=kind,
        nav=periods.month_nav(month, china_today()),
    )


def _refused(form, error: service.EventRefused) -> None:
    target = getattr(form, error.field or "", None)
    if target is not None:
        target.errors = [*target.errors, str(error)]
    else:
        flash(str(error), "error")


@bp.route("/new", methods=["GET", "POST"])
@requires("events.write")
def new():
    form = EventForm()
    if request.method == "GET":
        form.held_on.data = china_today()
    if form.validate_on_submit():
        try:
            event = service.record_event(form.data, current_user)
        except service.EventRefused as error:
            _refused(form, error)
        else:
            flash("客户活动已登记，请添加到场客户。", "success")
            return redirect(url_for("events.show", event_id=event.id))
    return render_form("events/form.html", form, event=None)


@bp.get("/<int:event_id>")
@requires("events.read")
def show(event_id: int):
    return _render_show(scope.get_or_404(ClientEvent, event_id))


def _render_show(event: ClientEvent, status: int = 200, **forms):
    context = {
        "attendee_form": AttendeeForm(formdata=None),
        "withdraw_form": WithdrawForm(formdata=None),
        "withdraw_for": None,
        **forms,
    }
    return render_template(
        "events/show.html",
        event=event,
        attendees=service.attendees(event, current_user),
        may_edit=service.may_edit(event, current_user),
        **context,
    ), status


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@requires("events.write")
def edit(event_id: int):
    event = scope.get_or_404(ClientEvent, event_id)
    if not service.may_edit(event, current_user):
        abort(403)
    form = EventForm(obj=event if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            service.correct_event(event, form.data, current_user)
        except service.EventRefused as error:
            _refused(form, error)
        else:
            flash("活动已更正，原内容保留在修改记录中。", "success")
            return redirect(url_for("events.show", event_id=event.id))
    return render_form("events/form.html", form, event=event)


@bp.post("/<int:event_id>/attendees")
@requires("events.write")
def add_attendee(event_id: int):
    event = scope.get_or_404(ClientEvent, event_id)
    form = AttendeeForm()
    if form.validate_on_submit():
        client = scope.get_or_404(Client, form.client_id.data)
        try:
            service.add_attendee(event, client, current_user)
        except service.EventRefused as error:
            _refused(form, error)
        else:
            flash(f"已登记到场客户：{client.name}。", "success")
            return redirect(url_for("events.show", event_id=event.id, _anchor="attendees"))
    return _render_show(event, 422, attendee_form=form)


@bp.post("/<int:event_id>/attendees/<int:attendance_id>/withdraw")
@requires("events.write")
def withdraw_attendee(event_id: int, attendance_id: int):
    event = scope.get_or_404(ClientEvent, event_id)
    attendance = scope.get_or_404(EventAttendance, attendance_id)
    if attendance.event_id != event.id:
        abort(404)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            service.withdraw_attendee(attendance, form.reason.data, current_user)
        except service.EventRefused as error:
            _refused(form, error)
        else:
            flash(f"已撤销{attendance.client.name}的到场登记，原登记保留。", "success")
            return redirect(url_for("events.show", event_id=event.id, _anchor="attendees"))
    return _render_show(event, 422, withdraw_form=form, withdraw_for=attendance.id)
