"""Importing the trading system's files from the web: upload, preview (what would change, or
every bad row), then import the previewed file (``services.imports``; the clients' master data
``services.client_import``)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.blueprints.imports import bp
from portal.blueprints.imports.forms import ConfirmForm, UploadForm
from portal.services import client_import, imports
from portal.services.permissions import requires

IMPORTERS = {"figures": imports.import_figures, "clients": client_import.import_clients}
"""Each kind of file (the URL's part) → what imports it."""
KIND = "<any(figures, clients):kind>"


def _index(forms: dict[str, UploadForm], status: int = 200):
    return render_template(
        "imports/index.html", forms=forms, records=imports.recent(current_user)
    ), status


@bp.get("/")
@requires("imports.run")
def index():
    return _index({kind: UploadForm(formdata=None) for kind in IMPORTERS})


@bp.post(f"/{KIND}")
@requires("imports.run")
def preview(kind: str):
    form = UploadForm()
    if not form.validate_on_submit():
        others = {other: UploadForm(formdata=None) for other in IMPORTERS}
        return _index(others | {kind: form}, 422)
    upload = form.file.data
    path = imports.keep_upload(upload.stream, upload.filename, current_user)
    outcome = IMPORTERS[kind](path, upload.filename, current_user, dry_run=True)
    confirm = ConfirmForm(formdata=None, token=path.name, file_name=upload.filename)
    status = 422 if outcome.refused else 200
    return render_template("imports/preview.html", outcome=outcome, form=confirm, kind=kind), status


@bp.post(f"/{KIND}/confirm")
@requires("imports.run")
def confirm(kind: str):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    path = imports.kept_upload(form.token.data, current_user)
    if path is None:
        flash("预览的文件已失效，请重新上传。", "error")
        return redirect(url_for("imports.index"))
    outcome = IMPORTERS[kind](path, form.file_name.data[:200], current_user)
    path.unlink(missing_ok=True)
    if outcome.refused:  # the data changed since the preview (e.g. a client moved away)
        return render_template("imports/preview.html", outcome=outcome, form=None, kind=kind), 422
    flash(
        f"已导入 {outcome.file_name}：新增 {outcome.new} 行，变更 {outcome.changed} 行，"
        f"未变 {outcome.unchanged} 行；分类变化 {outcome.class_changes} 户。",
        "success",
    )
    return redirect(url_for("imports.index"))
