from flask import abort, render_template
from flask_login import login_required

from portal.blueprints.audit import bp
from portal.services import audit, scope


@bp.get("/history/<record_type>/<int:record_id>")
@login_required
def history(record_type: str, record_id: int):
    model = audit.audited_model(record_type)
    if model is None:
        abort(404)
    record = scope.get_or_404(model, record_id)
    return render_template(
        "audit/history.html", record=record, model=model, entries=audit.history_of(record)
    )
