"""Contacts and visits: the list, logging from the client's file, a contact's page, completing
a planned visit, 附件6 and the readiness checklist, and the PDFs 附件6 / 附件7."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.args import date_arg, int_arg
from portal.blueprints.activities import bp
from portal.blueprints.activities.forms import (
    CompleteForm,
    ContactForm,
    EvaluationForm,
    ReadinessForm,
)
from portal.blueprints.activities.panels import PANEL_PREFIX, contacts_panel
from portal.domain.beijing import to_local
from portal.models import Client, Contact, User
from portal.pdf import pdf_response, render_pdf
from portal.services import contacts, scope, selection
from portal.services.permissions import requires
from portal.templating import is_htmx, render_form

PAGE_SIZE = 50


def parse_day(value: str | None) -> date | None:
    """A date of the URL (YYYY-MM-DD, years 1900–2100), else None."""
    return date_arg(value)


def manager_or_404(manager_id: int) -> User:
    """A client manager the current user may see (themself; their branch's for a head)."""
    return selection.manager_or_404(manager_id, current_user)


def chosen_manager() -> User | None:
    """The ``manager`` of the query string, in scope (404 outside it); a manager always
    themself."""
    return selection.manager_for(current_user, request.args.get("manager"))


@bp.get("/contacts")
@requires("work.read")
def contact_list():
    manager = chosen_manager()
    filters = contacts.ContactFilter(
        manager_id=manager.id if manager else None,
        kind=request.args.get("kind", ""),
        status=request.args.get("status", ""),
        first=parse_day(request.args.get("from")),
        last=parse_day(request.args.get("to")),
    )
    page = max(1, int_arg(request.args.get("page")) or 1)
    rows, total = contacts.contacts_page(
        current_user, filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    return render_template(
        "activities/contacts.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        filters=filters,
        manager=manager,
        args={k: v for k, v in request.args.items() if k != "page"},
        period={k: v.isoformat() for k, v in (("from", filters.first), ("to", filters.last)) if v},
        choices=selection.choices(current_user),
    )


@bp.post("/clients/<int:client_id>/contacts")
@requires("contacts.write")
def log_contact(client_id: int):
    """The short form of the client's file; htmx swaps the panel in place."""
    client = scope.get_own_or_403(Client, client_id)
    form = ContactForm(prefix=PANEL_PREFIX)
    contact = None
    if form.validate_on_submit():
        try:
            contact = contacts.log_contact(client, form.contact_data(), current_user)
        except ValueError as error:
            form.at.errors.append(str(error))
    if contact is not None:
        if not is_htmx():
            flash("拜访已登记。", "success")
            return redirect(url_for("clients.show", client_id=client.id, _anchor="contacts"))
        return render_template(
            "activities/_client_contacts.html", **contacts_panel(client, saved=contact)
        )
    return render_template(
        "activities/_client_contacts.html", **contacts_panel(client, form=form)
    ), 422


@bp.get("/contacts/<int:contact_id>")
@requires("work.read")
def contact(contact_id: int):
    record = scope.get_or_404(Contact, contact_id)
    return render_template(
        "activities/contact.html",
        contact=record,
        number=contacts.visit_number(record),
        mine=scope.owns(record),
    )


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@requires("contacts.write")
def edit_contact(contact_id: int):
    record = scope.get_own_or_403(Contact, contact_id)
    form = ContactForm(obj=record)
    if request.method == "GET":
        form.at.data = to_local(record.when)
    if form.validate_on_submit():
        try:
            contacts.update_contact(record, form.contact_data(), current_user)
        except ValueError as error:
            form.status.errors.append(str(error))
        else:
            flash("拜访记录已保存。", "success")
            return redirect(url_for("activities.contact", contact_id=record.id))
    return render_form("activities/contact_form.html", form, contact=record, completing=False)


@bp.route("/contacts/<int:contact_id>/complete", methods=["GET", "POST"])
@requires("contacts.write")
def complete_contact(contact_id: int):
    record = scope.get_own_or_403(Contact, contact_id)
    if record.status != "planned":
        return redirect(url_for("activities.contact", contact_id=record.id))
    form = CompleteForm(obj=record)
    if request.method == "GET":
        form.at.data = min(to_local(record.planned_at), form.at.default())
    if form.validate_on_submit():
        contacts.complete_contact(record, form.contact_data(), current_user)
        flash("拜访已完成并记录。", "success")
        if record.kind == "home":
            return redirect(url_for("activities.evaluate", contact_id=record.id))
        return redirect(url_for("activities.contact", contact_id=record.id))
    return render_form("activities/contact_form.html", form, contact=record, completing=True)


@bp.post("/contacts/<int:contact_id>/cancel")
@requires("contacts.write")
def cancel_contact(contact_id: int):
    record = scope.get_own_or_403(Contact, contact_id)
    client_id = record.client_id
    try:
        contacts.cancel_contact(record, current_user)
    except ValueError as error:
        flash(str(error), "error")
        return redirect(url_for("activities.contact", contact_id=record.id))
    flash("计划拜访已取消。", "success")
    return redirect(url_for("clients.show", client_id=client_id, _anchor="contacts"))


@bp.route("/contacts/<int:contact_id>/evaluation", methods=["GET", "POST"])
@requires("contacts.write")
def evaluate(contact_id: int):
    """附件6 登门拜访客户自我评估表 of a done home visit."""
    record = scope.get_own_or_403(Contact, contact_id)
    if record.kind != "home" or record.status != "done":
        abort(404)
    form = EvaluationForm()
    if request.method == "GET" and record.evaluation:
        form.fill_from(record.evaluation)
    if form.validate_on_submit():
        contacts.save_evaluation(record, form.evaluation_data(), current_user)
        flash("登门拜访客户自我评估表已保存。", "success")
        return redirect(url_for("activities.contact", contact_id=record.id))
    return render_form("activities/evaluation_form.html", form, contact=record)


@bp.route("/contacts/<int:contact_id>/readiness", methods=["GET", "POST"])
@requires("contacts.write")
def readiness(contact_id: int):
    """准备完成的标准 before a home visit."""
    record = scope.get_own_or_403(Contact, contact_id)
    if record.kind != "home":
        abort(404)
    form = ReadinessForm(obj=record.readiness)
    if form.validate_on_submit():
        contacts.save_readiness(record, form.data, current_user)
        flash("拜访前准备检查已保存。", "success")
        return redirect(url_for("activities.contact", contact_id=record.id))
    return render_form("activities/readiness_form.html", form, contact=record)


@bp.get("/contacts/<int:contact_id>/annex06.pdf")
@requires("work.read")
def evaluation_pdf(contact_id: int):
    record = scope.get_or_404(Contact, contact_id)
    if record.evaluation is None:
        abort(404)
    pdf = render_pdf("print/annex06.html", contact=record, evaluation=record.evaluation)
    return pdf_response(pdf, f"annex6-{record.client.client_no}-{record.id}.pdf")


@bp.get("/visits/<int:manager_id>/annex07.pdf")
@requires("work.read")
def visit_record_pdf(manager_id: int):
    """附件7 客户经理客户拜访记录表 of a manager (optionally between two dates)."""
    manager = manager_or_404(manager_id)
    first, last = parse_day(request.args.get("from")), parse_day(request.args.get("to"))
    sections = contacts.visit_record(manager, first, last)
    pdf = render_pdf(
        "print/annex07.html", manager=manager, sections=sections, first=first, last=last
    )
    return pdf_response(pdf, f"annex7-{manager.username}.pdf")
