from flask import (
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from portal.args import int_arg
from portal.blueprints.activities.panels import contacts_panel, visit_count
from portal.blueprints.care import panels as care_panel
from portal.blueprints.clients import bp
from portal.blueprints.clients.forms import (
    ClientForm,
    DisclosureForm,
    MonthlyFigureForm,
    ReassignForm,
    RelatedPersonForm,
)
from portal.domain.beijing import china_today
from portal.domain.files import XLSX
from portal.models import Client
from portal.models.prospect import Prospect
from portal.services import (
    advice,
    client_export,
    client_queries,
    clients,
    contact_changes,
    events,
    inquiries,
    pii,
    prospects,
    risk,
    scope,
    selection,
    sms,
)
from portal.services.permissions import permits, requires
from portal.templating import is_htmx, render_form


@bp.get("/")
@login_required
def index():
    query = client_queries.ClientQuery.from_args(request.args)
    choices = selection.choices(current_user)
    choices.manager_or_404(query.manager_id)
    page = client_queries.search(query)
    g.vary_hx = True
    context = {
        "query": query,
        "page": page,
        "choices": choices,
        "sorts": client_queries.SORTS,
    }
    if is_htmx() and request.headers.get("HX-Target") == "results":
        response = make_response(render_template("clients/_results.html", **context))
        # The address bar gets the clean URL of what is shown (no empty filters).
        response.headers["HX-Push-Url"] = url_for("clients.index", **query.args())
        return response
    return render_template("clients/list.html", **context)


@bp.get("/export.<fmt>")
@requires("clients.export")
def export(fmt: str):
    """The list's clients (every page of them, with its search and filters) as a file."""
    if fmt not in client_export.FORMATS:
        abort(404)
    query = client_queries.ClientQuery.from_args(request.args)
    selection.choices(current_user).manager_or_404(query.manager_id)
    client_export.log_export(query, current_user, fmt)
    make = client_export.csv_file if fmt == "csv" else client_export.workbook
    return send_file(
        make(query, current_user),
        mimetype="text/csv" if fmt == "csv" else XLSX,
        as_attachment=True,
        download_name=f"clients-{china_today():%Y%m%d}.{fmt}",
    )


@bp.get("/pick")
@login_required
def pick():
    """A client picker's matches for what was typed (htmx fragment: a list of options)."""
    q = request.args.get("q", "")[:50]
    return render_template(
        "clients/_pick_options.html", matches=client_queries.pick(q), q=q.strip()
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("client.create")
def new():
    managers = None
    if current_user.role != "manager":
        managers = client_queries.managers_in_scope(current_user)
    # Opening the account of an appointment (预约开户): its known fields filled in, and the
    # appointment linked to the new file.
    prospect = None
    if request.args.get("prospect"):
        prospect = scope.get_or_404(Prospect, int_arg(request.args["prospect"]) or 0)
        if not prospect.is_open:
            abort(404)
    form = ClientForm(managers=managers)
    if prospect is not None and request.method == "GET":
        form.process(data=prospects.client_defaults(prospect))
    if form.validate_on_submit():
        client = clients.create_client(
            form.client_data(), current_user, related=form.related_rows()
        )
        if prospect is not None:
            prospects.opened(prospect, client)
        flash(f"客户“{client.name}”的档案已建立。", "success")
        return redirect(url_for("clients.show", client_id=client.id))
    return render_form("clients/form.html", form, client=None, prospect=prospect)


@bp.get("/<int:client_id>")
@login_required
def show(client_id: int):
    return render_file(scope.get_or_404(Client, client_id))


def render_file(client: Client, status: int = 200, **forms):
    """The client's file page; ``forms`` replaces a blank form with one holding errors."""
    return render_template("clients/show.html", **file_page(client, **forms)), status


def file_page(client: Client, **forms) -> dict:
    """Everything the client's file shows: its own fields and forms, and the panels of the
    other records kept on it — contacts and 累计拜访次数, advice, risk tolerance — each read
    only for a user who may see it."""
    # Only the branch head's reassignment form offers the branch's managers.
    managers = (
        client_queries.managers_in_scope(current_user)
        if permits(current_user, "client.reassign")
        else []
    )
    contacts = contacts_panel(client) if permits(current_user, "work.read") else None
    return {
        "client": client,
        "figures_form": MonthlyFigureForm(formdata=None),
        "reassign_form": ReassignForm(
            formdata=None, managers=managers, manager_id=client.manager_id
        ),
        "disclosure_form": DisclosureForm(formdata=None),
        **forms,
        **client_queries.file_context(client),
        **risk.file_context(client),
        "client_advice": advice.for_client(client) if permits(current_user, "advice.read") else [],
        "client_events": events.for_client(client)
        if permits(current_user, "events.read")
        else None,
        "contacts": contacts,
        "client_inquiries": (
            inquiries.file_panel(client, current_user, china_today())
            if permits(current_user, "inquiries.read")
            else None
        ),
        "visits": contacts["visits"] if contacts else visit_count(client),
        "may_reveal": pii.may_see(client),
        "prospect": prospects.of_client(client)
        if permits(current_user, "prospects.read")
        else None,
        "care": care_panel.file_panel(client),
        "contact_changes": contact_changes.for_client(client),
        "client_sms": sms.for_client(client) if permits(current_user, "sms.read") else None,
    }


@bp.route("/<int:client_id>/edit", methods=["GET", "POST"])
@requires("client.edit")
def edit(client_id: int):
    client = scope.get_or_404(Client, client_id)
    form = ClientForm(obj=client, client=client)
    if form.validate_on_submit():
        clients.update_client(
            client,
            form.client_data(),
            related=form.related_rows(),
            evidence=form.evidence(),
            user=current_user,
        )
        flash("客户档案已保存。", "success")
        return redirect(url_for("clients.show", client_id=client.id))
    pii.shown_in_form(client, form)
    return render_form("clients/form.html", form, client=client)


@bp.get("/related-row")
@requires("client.create")  # the form that opens a file, and (a narrower circle) the edit form
def related_row():
    """A blank 相关人物 row for the form, added in place by htmx."""
    index = request.args.get("index", "0")
    if int_arg(index) is None or int_arg(index) >= 20:
        abort(400)
    index = int(index)
    row = RelatedPersonForm(prefix=f"related_persons-{index}-")
    return render_template("clients/_related_row.html", row=row, next_index=index + 1, oob=True)


@bp.post("/<int:client_id>/figures")
@requires("client.edit")
def save_figures(client_id: int):
    client = scope.get_or_404(Client, client_id)
    form = MonthlyFigureForm()
    if form.validate_on_submit():
        clients.save_monthly_figure(client, form.figure_data(), current_user)
        flash(f"{form.month.data} 月度数据已保存，客户分类已重新计算。", "success")
        return redirect(url_for("clients.show", client_id=client.id, _anchor="figures"))
    return render_file(client, 422, figures_form=form)


@bp.post("/<int:client_id>/disclosures")
@requires("risk.disclosure")
def add_disclosure(client_id: int):
    """A signed risk disclosure (风险揭示书), recorded on the client's file."""
    client = scope.get_or_404(Client, client_id)
    form = DisclosureForm()
    if form.validate_on_submit():
        risk.record_disclosure(
            client, form.kind.data, form.signed_on.data, current_user, scan=form.scan.content
        )
        flash("风险揭示书已登记。", "success")
        return redirect(url_for("clients.show", client_id=client.id, _anchor="risk"))
    return render_file(client, 422, disclosure_form=form)


@bp.post("/<int:client_id>/reassign")
@requires("client.reassign")
def reassign(client_id: int):
    client = scope.get_or_404(Client, client_id)
    form = ReassignForm(managers=client_queries.managers_in_scope(current_user))
    if form.validate_on_submit():
        try:
            manager = clients.reassign(client, form.manager_id.data, current_user)
        except ValueError as error:
            flash(str(error), "error")
        else:
            flash(f"客户已改由 {manager.display_name} 服务。", "success")
    else:
        flash("请选择同一营业部的客户经理。", "error")
    return redirect(url_for("clients.show", client_id=client.id))


@bp.post("/<int:client_id>/reveal/<field>")
@login_required
def reveal(client_id: int, field: str):
    """Show one masked number in full, for the client's manager or branch head; logged."""
    client = scope.get_or_404(Client, client_id)
    if field not in pii.MASKED_FIELDS:
        abort(404)
    value = pii.full(client, field)
    if value is None:
        abort(403)
    return render_template(
        "clients/_pii.html", client=client, field=field, value=value, revealed=True
    )
