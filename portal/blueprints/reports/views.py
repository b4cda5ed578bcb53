from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from portal import sessions
from portal.blueprints.reports import bp
from portal.domain.files import XLSX
from portal.models import Client
from portal.pdf import ARCHIVE, pdf_response, render_pdf, write_pdf
from portal.pdf import cache as pdf_cache
from portal.services import archive, exports, overview, scope, selection
from portal.services.permissions import requires
from portal.templating import is_htmx


@bp.get("/clients/<int:client_id>/annex3.pdf")
@login_required
def annex3_pdf(client_id: int):
    client = scope.get_or_404(Client, client_id)

    def render() -> bytes:
        (form,) = archive.annex3_forms([client.id], current_user)
        return write_pdf([archive.annex3_document([form], current_user.display_name)], ARCHIVE)

    pdf = pdf_cache.annex3(client, current_user, render)
    return pdf_response(pdf, f"annex3-{client.client_no}.pdf")


def _selection() -> selection.Selection:
    return selection.selection_for(
        current_user, request.args.get("branch"), request.args.get("manager")
    )


@bp.get("/archive/annex4")
@requires("reports.read")
def annex4():
    book = _selection()
    summary = archive.annex4(book, current_user)
    return render_template(
        "reports/annex4.html",
        summary=summary,
        selection=book,
        pdf_limit=archive.ANNEX4_PDF_LIMIT,
        choices=selection.choices(current_user),
    )


@bp.get("/archive/annex4.pdf")
@requires("reports.read")
def annex4_pdf():
    book = _selection()
    summary = archive.annex4(book, current_user)
    if summary.total > archive.ANNEX4_PDF_LIMIT:
        flash(f"客户超过 {archive.ANNEX4_PDF_LIMIT} 户，请使用“后台生成 PDF”。", "error")
        return redirect(url_for("reports.annex4", **book.args()))
    pdf = render_pdf("print/annex04.html", summary=summary)
    return pdf_response(pdf, f"annex4-{book.branch.id}-{_who(book)}.pdf")


@bp.get("/archive/annex4.xlsx")
@requires("reports.read")
def annex4_xlsx():
    book = _selection()
    summary = archive.annex4(book, current_user)
    data = archive.annex4_workbook(summary)
    return (
        data,
        200,
        {
            "Content-Type": XLSX,
            "Content-Disposition": f'attachment; filename="annex4-{book.branch.id}-'
            f'{_who(book)}.xlsx"',
        },
    )


def _who(book: selection.Selection) -> str:
    return str(book.manager.id) if book.manager else "all"


@bp.get("/archive/exports")
@requires("reports.read")
def exports_page():
    return render_template(
        "reports/exports.html",
        selection=_selection(),
        jobs=exports.jobs_of(current_user),
        choices=selection.choices(current_user),
    )


@bp.post("/archive/exports")
@requires("reports.read")
def export_start():
    """Start the export of a book's 附件3 (a ZIP) or, ``kind=annex4``, its 附件4 (a PDF)."""
    book = selection.selection_for(
        current_user, request.form.get("branch"), request.form.get("manager")
    )
    kind = exports.ANNEX4 if request.form.get("kind") == exports.ANNEX4 else exports.ANNEX3
    try:
        job = exports.start(current_user, book, kind)
    except ValueError as error:
        flash(str(error), "error")
        return redirect(url_for("reports.exports_page", **book.args()))
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
    if is_htmx():  # the page polling itself (reports/_progress.html)
        sessions.not_activity()
        return render_template("reports/_progress.html", job=job)
    return render_template("reports/export.html", job=job)


@bp.post("/archive/exports/<job_id>/retry")
@requires("reports.read")
def export_retry(job_id: str):
    exports.retry(_job_or_404(job_id))
    return redirect(url_for("reports.export_progress", job_id=job_id))


@bp.get("/archive/exports/<job_id>/download")
@requires("reports.read")
def export_download(job_id: str):
    job = _job_or_404(job_id)
    path = exports.output(job)
    if job["status"] != "done" or not path.exists():
        abort(404)
    return send_file(
        path,
        mimetype="application/pdf" if path.suffix == ".pdf" else "application/zip",
        as_attachment=True,
        download_name=exports.download_name(job),
        max_age=0,
    )


@bp.get("/classification/overview")
@requires("reports.read")
def overview_page():
    data = overview.overview(current_user, request.args.get("manager"))
    return render_template(
        "reports/overview.html", overview=data, choices=selection.choices(current_user)
    )
