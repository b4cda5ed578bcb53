from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.args import MAX_YEAR, MIN_YEAR, int_arg
from portal.blueprints.classification import bp
from portal.blueprints.classification.forms import BandsForm, ThresholdForm
from portal.domain.beijing import china_today
from portal.domain.classification import bands_from_floors
from portal.extensions import db
from portal.models import AssetBandSetting, Branch, TurnoverThreshold
from portal.services import classification, scope
from portal.services.permissions import permits, requires


def _page(form: ThresholdForm, status: int = 200, bands_form: BandsForm | None = None):
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
        **_bands_context(bands_form),
    }
    return render_template("classification/thresholds.html", **context), status


def _bands_context(form: BandsForm | None) -> dict:
    """The asset bands in force, their versions in the user's scope, and the form (filled
    with the bands in force for the user's branch)."""
    in_force = classification.bands_in_force()
    if form is None:
        form = BandsForm(formdata=None)
        form.fill(in_force.for_branch(current_user.branch_id))
    versions = db.session.scalars(
        scope.scoped(AssetBandSetting).order_by(AssetBandSetting.id.desc())
    ).all()
    return {
        "bands_form": form,
        "bands_versions": versions,
        "bands_default": bands_from_floors(in_force.default),
        "bands_branches": {b: bands_from_floors(f) for b, f in in_force.branches.items()},
    }


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
    return _decision(classification.decide_threshold, record, "")


def _decision(decide_on, record, anchor: str):
    """HQ's approval or rejection of a branch's proposal (a threshold, asset bands)."""
    approve = request.form.get("decision") == "approve"
    try:
        changed = decide_on(record, approve, current_user)
    except ValueError as error:
        flash(str(error), "error")
    else:
        if approve:
            flash(f"已批准，{changed} 位客户的分类随之变化。", "success")
        else:
            flash("已驳回该调整申请。", "info")
    return redirect(url_for("classification.thresholds", _anchor=anchor or None))


@bp.post("/bands")
@requires("thresholds.manage")
def bands():
    """HQ sets the company-wide asset bands; a branch head proposes their branch's own."""
    form = BandsForm()
    if not form.validate_on_submit():
        return _page(ThresholdForm(formdata=None), 422, bands_form=form)
    if permits(current_user, "thresholds.set"):
        changed = classification.set_bands(form.floors(), current_user, form.note.data)
        flash(f"资产分档标准已设定，{changed} 位客户的分类随之变化。", "success")
    else:
        classification.propose_bands(
            form.floors(), current_user.branch_id, current_user, form.note.data
        )
        flash("资产分档调整申请已提交，经纪业务管理总部批准后生效。", "success")
    return redirect(url_for("classification.thresholds", _anchor="bands"))


@bp.post("/bands/<int:setting_id>/decision")
@requires("thresholds.set")
def decide_bands(setting_id: int):
    setting = scope.get_or_404(AssetBandSetting, setting_id)
    return _decision(classification.decide_bands, setting, "bands")
