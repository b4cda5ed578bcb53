"""Appointments to open an account: the day's list, entry, follow-ups, and the account's
opening through the client form (``/clients/new?prospect=…``)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.args import date_arg
from portal.blueprints.prospects import bp
from portal.blueprints.prospects.forms import FollowUpForm, ProspectForm
from portal.domain.beijing import china_today
from portal.models.prospect import Prospect
from portal.services import client_queries, scope
from portal.services import prospects as service
from portal.services.permissions import permits, requires
from portal.templating import render_form


def _refused(form, error: service.ProspectRefused) -> None:
    target = getattr(form, error.field or "", None) or next(iter(form))
    target.errors = [*target.errors, str(error)]


@bp.get("/")
@requires("prospects.read")
def index():
    state = request.args.get("state", "open")
    filters = service.Filters(
        state=state if state in service.STATES else "open",
        day=date_arg(request.args.get("day")),
    )
    today = china_today()
    records = service.listing(current_user, filters, today)
    return render_template(
        "prospects/index.html",
        records=records,
        overdue={p.id for p in records if service.is_overdue(p, today)},
        due={p.id: service.due_on(p) for p in records if p.is_open},
        filters=filters,
        states=service.STATES,
        limit=service.LIST_LIMIT,
    )


def _managers():
    return (
        None if current_user.role == "manager" else client_queries.managers_in_scope(current_user)
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("prospects.write")
def new():
    form = ProspectForm(managers=_managers())
    if request.method == "GET":
        form.appointment_on.data = china_today()
    if form.validate_on_submit():
        try:
            record = service.enter(form.data, current_user)
        except service.ProspectRefused as error:
            _refused(form, error)
        else:
            flash(f"已登记“{record.name}”的预约开户。", "success")
            return redirect(url_for("prospects.show", prospect_id=record.id))
    return render_form("prospects/form.html", form)


def _page(prospect: Prospect, form: FollowUpForm | None = None, status: int = 200):
    today = china_today()
    if form is None:
        form = FollowUpForm(formdata=None, on=today)
    return render_template(
        "prospects/show.html",
        prospect=prospect,
        form=form,
        phone=prospect.phone_for(current_user),
        overdue=service.is_overdue(prospect, today),
        due=service.due_on(prospect) if prospect.is_open else None,
        may_write=permits(current_user, "prospects.write"),
    ), status


@bp.get("/<int:prospect_id>")
@requires("prospects.read")
def show(prospect_id: int):
    return _page(scope.get_or_404(Prospect, prospect_id))


@bp.post("/<int:prospect_id>/follow-ups")
@requires("prospects.write")
def follow_up(prospect_id: int):
    prospect = scope.get_or_404(Prospect, prospect_id)
    form = FollowUpForm()
    if form.validate_on_submit():
        try:
            service.follow_up(prospect, form.data, current_user)
        except service.ProspectRefused as error:
            _refused(form, error)
        else:
            flash("跟进已记录。", "success")
            return redirect(url_for("prospects.show", prospect_id=prospect.id))
    return _page(prospect, form, 422)


@bp.get("/<int:prospect_id>/open-account")
@requires("prospects.write")
def open_account(prospect_id: int):
    """Open the account: the client form, with what the appointment knows filled in."""
    prospect = scope.get_or_404(Prospect, prospect_id)
    if not prospect.is_open or not permits(current_user, "client.create"):
        abort(404)
    return redirect(url_for("clients.new", prospect=prospect.id))
