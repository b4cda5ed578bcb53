from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.args import MAX_YEAR, MIN_YEAR, int_arg
from portal.blueprints.classification import bp
from portal.blueprints.classification.forms import ThresholdForm
from portal.domain.beijing import china_today
from portal.extensions import db
from portal.models import Branch, TurnoverThreshold
from portal.services import classification, scope
from portal.services.permissions import permits, requires


def _page(form: ThresholdForm, status: int = 200):
    year = form.year.data if not form.year.errors and isinstance(form.year.data, int) else None
    year = year if year and MIN_YEAR <= year <= MAX_YEAR else classification.year_to_prepare()
    records = db.session.scalars(
        scope.scoped(TurnoverThreshold).order_by(
            TurnoverThreshold.year.desc(), TurnoverThreshold.id.desc()
        )
    ).all()
    context = {
        "form": form,
        "records": records,
        "year": year,
        "this_year": china_today().year,
        "in_force": classification.thresholds_in_force(china_today().year),
        "branch_names": dict(db.session.execute(select(Branch.id, Branch.name)).all()),
        "suggested": classification.suggested_threshold(year),
    }
    return render_template("classification/thresholds.html", **context), status


@bp.route("/thresholds", methods=["GET", "POST"])
@requires("thresholds.manage")
def thresholds():
    form = ThresholdForm(request.form if request.method == "POST" else None)
    year = int_arg(request.args.get("year"))
    if request.method == "GET" and year and MIN_YEAR <= year <= MAX_YEAR:
        form.year.data = year
    if form.validate_on_submit():
        year, value, note = form.year.data, form.value.data, form.note.data
        if permits(current_user, "thresholds.set"):
            classification.set_threshold(year, value, current_user, note)
            flash(f"{year}年度资产周转率阈值已设为 {value}，已重新计算客户分类。", "success")
        else:
            classification.propose_threshold(
                year, value, current_user.branch_id, current_user, note
            )
            flash("调整申请已提交，经纪业务管理总部批准后生效。", "success")
        return redirect(url_for("classification.thresholds"))
    return _page(form, 422 if form.errors else 200)


@bp.post("/thresholds/<int:threshold_id>/decision")
@requires("thresholds.set")
def decide(threshold_id: int):
    record = scope.get_or_404(TurnoverThreshold, threshold_id)
    approve = request.form.get("decision") == "approve"
    try:
        changed = classification.decide_threshold(record, approve, current_user)
    except ValueError as error:
        flash(str(error), "error")
    else:
        if approve:
            flash(f"已批准，{changed} 位客户的分类随之变化。", "success")
        else:
            flash("已驳回该调整申请。", "info")
    return redirect(url_for("classification.thresholds"))
