"""SMS to new accounts: what is due (each message written from its template, editable, then
put in the outbox), the branch's outbox and its batches, HQ's two templates."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from portal.args import int_arg
from portal.blueprints.sms import bp
from portal.domain.beijing import china_today
from portal.domain.sms import KIND_LABELS
from portal.models import Client, SmsBatch
from portal.services import scope
from portal.services import sms as service
from portal.services.permissions import permits, requires

SHOWN = 100
"""Due messages listed at a time (the oldest first)."""


def _index(error: dict | None = None, status: int = 200):
    today = china_today()
    due = service.due(current_user, today)
    may_write = permits(current_user, "sms.write")
    drafts = {(d.client.id, d.kind): service.draft(d.client, d.kind) for d in due[:SHOWN]}
    if error:
        # Shown under its message, or above the list when the message is no longer due.
        error["listed"] = (error["client_id"], error["kind"]) in drafts
        drafts[(error["client_id"], error["kind"])] = error["text"]
    return render_template(
        "sms/index.html",
        due=due[:SHOWN],
        total=len(due),
        overdue=sum(1 for d in due if d.overdue(today)),
        drafts=drafts,
        error=error,
        today=today,
        may_write=may_write,
        window_start=service.window_start(today),
    ), status


@bp.get("/")
@requires("sms.read")
def index():
    return _index()


@bp.post("/queue")
@requires("sms.write")
def queue():
    client = scope.get_or_404(Client, int_arg(request.form.get("client_id")) or 0)
    kind = request.form.get("kind", "")
    if kind not in KIND_LABELS:
        abort(400)
    text = request.form.get("text", "")
    try:
        service.queue(client, kind, text, current_user)
    except service.SmsRefused as refused:
        error = {
            "client_id": client.id,
            "kind": kind,
            "text": text,
            "message": str(refused),
            "hits": refused.hits,
        }
        return _index(error, 422)
    flash(f"已将给 {client.name} 的“{KIND_LABELS[kind]}”短信加入发件箱。", "success")
    return redirect(url_for("sms.index"))


@bp.get("/outbox")
@requires("sms.outbox")
def outbox():
    return render_template(
        "sms/outbox.html",
        messages=service.outbox(current_user),
        batches=service.batches(current_user),
        gateway=service.gateway().name,
    )


@bp.post("/outbox/batch")
@requires("sms.outbox")
def make_batch():
    batch = service.make_batch(current_user.branch_id, current_user)
    if batch is None:
        flash("发件箱中没有待发送的短信。", "error")
    else:
        flash(
            f"已生成发送批次 #{batch.id}（{len(batch.messages)} 条），请下载后导入短信平台。",
            "success",
        )
    return redirect(url_for("sms.outbox"))


@bp.get("/batches/<int:batch_id>.csv")
@requires("sms.outbox")
def batch_csv(batch_id: int):
    batch = scope.get_or_404(SmsBatch, batch_id)
    return send_file(
        service.batch_csv(batch, current_user),
        mimetype="text/csv",
        as_attachment=True,
        download_name=f"sms-batch-{batch.id}.csv",
    )


@bp.post("/batches/<int:batch_id>/sent")
@requires("sms.outbox")
def mark_sent(batch_id: int):
    batch = scope.get_or_404(SmsBatch, batch_id)
    try:
        count = service.mark_sent(batch, current_user)
    except service.SmsRefused as refused:
        flash(str(refused), "error")
    else:
        flash(f"批次 #{batch.id} 的 {count} 条短信已标记为已发送，并记入各客户的档案。", "success")
    return redirect(url_for("sms.outbox"))


@bp.route("/templates", methods=["GET", "POST"])
@requires("sms.templates")
def templates():
    found = service.templates()
    errors, texts, status = {}, {kind: t.text for kind, t in found.items()}, 200
    if request.method == "POST":
        kind = request.form.get("kind", "")
        if kind not in found:
            abort(400)
        texts[kind] = request.form.get("text", "")
        try:
            service.update_template(found[kind], texts[kind])
        except service.SmsRefused as refused:
            errors[kind] = str(refused)
            status = 422
        else:
            flash(f"“{KIND_LABELS[kind]}”短信模板已保存。", "success")
            return redirect(url_for("sms.templates"))
    return render_template(
        "sms/templates.html", templates=found, texts=texts, errors=errors
    ), status
