from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.blueprints.reports import bp
from portal.extensions import db
from portal.models import Branch, Client
from portal.pdf import ARCHIVE, pdf_response, render_pdf, write_pdf
from portal.services import archive, client_queries, exports, overview, scope
from portal.services.permissions import requires
from portal.templating import is_htmx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/clients/<int:client_id>/annex3.pdf")
@login_required
def annex3_pdf(client_id: int):
    client = scope.get_or_404(Client, client_id)
    (form,) = archive.annex3_forms([client.id], current_user)
    pdf = write_pdf([archive.annex3_document([form], current_user.display_name)], ARCHIVE)
    return pdf_response(pdf, f"annex3-{client.client_no}.pdf")


def _selection() -> archive.Selection:
    return archive.selection_for(
        current_user, request.args.get("branch"), request.args.get("manager")
    )


def _choices() -> dict:
    """What the book picker offers: HQ every branch; managers grouped by branch."""
    branches = db.session.scalars(scope.scoped(Branch).order_by(Branch.id)).all()
    managers = client_queries.managers_in_scope(current_user)
    return {
        "branches": branches,
        "managers_by_branch": [(b, [m for m in managers if m.branch_id == b.id]) for b in branches],
    }


@bp.get("/archive/annex4")
@requires("reports.read")
def annex4():
    selection = _selection()
    summary = archive.annex4(selection, current_user)
    return render_template(
        "reports/annex4.html",
        summary=summary,
        selection=selection,
        pdf_limit=archive.ANNEX4_PDF_LIMIT,
        **_choices(),
    )


@bp.get("/archive/annex4.pdf")
@requires("reports.read")
def annex4_pdf():
    selection = _selection()
    summary = archive.annex4(selection, current_user)
    if summary.total > archive.ANNEX4_PDF_LIMIT:
        flash(
            f"客户超过 {archive.ANNEX4_PDF_LIMIT} 户，请按客户经理分别打印，或导出 Excel。", "error"
        )
        return redirect(url_for("reports.annex4", **selection.args()))
    pdf = render_pdf("print/annex04.html", summary=summary)
    return pdf_response(pdf, f"annex4-{selection.branch.id}-{_who(selection)}.pdf")


@bp.get("/archive/annex4.xlsx")
@requires("reports.read")
def annex4_xlsx():
    selection = _selection()
    summary = archive.annex4(selection, current_user)
    data = archive.annex4_workbook(summary)
    return (
        data,
        200,
        {
            "Content-Type": XLSX,
            "Content-Disposition": f'attachment; filename="annex4-{selection.branch.id}-'
            f'{_who(selection)}.xlsx"',
        },
    )


def _who(selection: archive.Selection) -> str:
    return str(selection.manager.id) if selection.manager else "all"


@bp.get("/archive/exports")
@requires("reports.read")
def exports_page():
    selection = _selection()
    return render_template(
        "reports/exports.html",
        selection=selection,
        jobs=exports.jobs_of(current_user),
        **_choices(),
    )


@bp.post("/archive/exports")
@requires("reports.read")
def export_start():
    selection = archive.selection_for(
        current_user, request.form.get("branch"), request.form.get("manager")
    )
    try:
        job = exports.start(current_user, selection)
    except ValueError as error:
        flash(str(error), "error")
        return redirect(url_for("reports.exports_page", **selection.args()))
    return redirect(url_for("reports.export_progress", job_id=job["id"]))


def _job_or_404(job_id: str) -> exports.Job:
    job = exports.job_for(current_user, job_id)
    if job is None:
        abort(404)
    return job


@bp.get("/archive/exports/<job_id>")
@requires("reports.read")
def export_progress(job_id: str):
    job = _job_or_404(job_id)
    g.vary_hx = True
    if is_htmx():
        return render_template("reports/_progress.html", job=job)
    return render_template("reports/export.html", job=job)


@bp.get("/archive/exports/<job_id>/download")
@requires("reports.read")
def export_download(job_id: str):
    job = _job_or_404(job_id)
    path = exports.path(job["id"])
    if job["status"] != "done" or not path.exists():
        abort(404)
    return send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=exports.download_name(job),
        max_age=0,
    )


@bp.get("/classification/overview")
@requires("reports.read")
def overview_page():
    data = overview.overview(current_user, request.args.get("manager"))
    managers = client_queries.managers_in_scope(current_user)
    names = dict(db.session.execute(select(Branch.id, Branch.name)).all())
    return render_template(
        "reports/overview.html", overview=data, managers=managers, branch_names=names
    )
