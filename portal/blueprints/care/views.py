"""The clients at risk of leaving (客户流失风险), the birthdays of the coming week, and the
retention and 转销户 records added from a client's file."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.args import int_arg
from portal.blueprints.care import bp
from portal.blueprints.care.forms import CloseRequestForm, RetentionForm
from portal.blueprints.care.panels import CLOSE_PREFIX, RETENTION_PREFIX, care_panel
from portal.domain.beijing import china_today
from portal.domain.care import BIRTHDAY_DAYS, window_days
from portal.models import Client
from portal.services import care, scope, selection
from portal.services.permissions import requires
from portal.templating import is_htmx

PAGE_SIZE = 100


def _selection() -> selection.Selection:
    return selection.selection_for(
        current_user, request.args.get("branch"), request.args.get("manager")
    )


@bp.get("/")
@requires("care.read")
def index():
    """客户流失风险: a manager's own clients, a head's branch (or one manager of it), HQ's
    chosen branch."""
    book = _selection()
    page = max(1, int_arg(request.args.get("page")) or 1)
    result = care.at_risk(book.condition(), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template(
        "care/index.html",
        result=result,
        selection=book,
        choices=selection.choices(current_user),
        page=page,
        pages=max(1, -(-result.total // PAGE_SIZE)),
    )


@bp.get("/birthdays")
@requires("care.read")
def birthdays():
    """The clients whose birthday is celebrated in the seven days from today (Beijing)."""
    book = _selection()
    today = china_today()
    return render_template(
        "care/birthdays.html",
        rows=care.birthdays(book.condition(), today),
        days=window_days(today, BIRTHDAY_DAYS),
        selection=book,
        choices=selection.choices(current_user),
    )


def _panel_answer(client: Client, saved: str, status: int = 200, **forms):
    """The care panel (htmx) or the client's file (a plain form post)."""
    if status == 200 and not is_htmx():
        flash(saved, "success")
        return redirect(url_for("clients.show", client_id=client.id, _anchor="care"))
    if is_htmx():
        panel = care_panel(client, saved=saved if status == 200 else "", **forms)
        return render_template("care/_client_care.html", care=panel), status
    from portal.blueprints.clients import NAMES
    from portal.blueprints.clients.views import file_page

    page = file_page(client) | {"care": care_panel(client, **forms)}
    return render_template("clients/show.html", **NAMES, **page), status


@bp.post("/clients/<int:client_id>/retentions")
@requires("care.write")
def add_retention(client_id: int):
    client = scope.get_or_404(Client, client_id)
    form = RetentionForm(prefix=RETENTION_PREFIX)
    if form.validate_on_submit():
        try:
            care.record_retention(client, form.retention_data(), current_user)
        except ValueError as error:
            form.outcome.errors.append(str(error))
        else:
            return _panel_answer(client, "挽留记录已登记。")
    return _panel_answer(client, "", 422, retention_form=form)


@bp.post("/clients/<int:client_id>/close-requests")
@requires("care.write")
def add_close_request(client_id: int):
    client = scope.get_or_404(Client, client_id)
    form = CloseRequestForm(prefix=CLOSE_PREFIX)
    if form.validate_on_submit():
        care.record_close_request(client, form.request_data(), current_user)
        return _panel_answer(client, "转销户申请已登记，客户已列入流失风险名单。")
    return _panel_answer(client, "", 422, close_form=form)
