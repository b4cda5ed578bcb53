from flask import abort, render_template
from flask_login import login_required

from portal.blueprints.audit import bp
from portal.services import audit, scope


@bp.get("/history/<record_type>/<int:record_id>")
@login_required
def history(record_type: str, record_id: int):
    """The trail of a record and its parts; a deleted record's trail stays readable by whoever
    could read the record (404 otherwise, as for the record)."""
    model = audit.audited_model(record_type)
    if model is None:
        abort(404)
    if audit.deleted_record_visible(model, record_id):
        title, deleted = f"#{record_id}（已删除）", True
    else:
        title, deleted = audit.record_title(scope.get_or_404(model, record_id)), False
    return render_template(
        "audit/history.html",
        model=model,
        title=title,
        deleted=deleted,
        lines=audit.history_lines(record_type, record_id),
    )
