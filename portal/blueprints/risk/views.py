import json

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import func

from portal.args import date_arg
from portal.blueprints.risk import bp
from portal.blueprints.risk.forms import (
    AssessmentForm,
    DailyReportForm,
    DeliverForm,
    QuestionnairePublishForm,
    QuestionnaireUploadForm,
    ScanForm,
)
from portal.domain import questionnaire
from portal.domain.beijing import china_today
from portal.domain.files import XLSX
from portal.extensions import db
from portal.models import Attachment, Client, DailyRiskReport, RiskAssessment
from portal.models.client import NAME_ORDER
from portal.pdf import pdf_response, render_pdf
from portal.services import (
    attachments,
    client_queries,
    risk,
    risk_daily,
    risk_tables,
    scope,
    selection,
)
from portal.services.permissions import requires

PENDING_SHOWN = 500


def _answers_from(form_data, definition: questionnaire.Definition) -> dict:
    """The letters chosen per question, as posted (q1 … q12); a list each, so that two
    letters on a single-choice question reach the rule that refuses them."""
    answers = {}
    for q in definition.questions:
        chosen = form_data.getlist(f"q{q.number}")
        if chosen:
            answers[q.number] = chosen
    return answers


@bp.route("/clients/<int:client_id>/assessments/new", methods=["GET", "POST"])
@requires("risk.assess")
def assess(client_id: int):
    client = scope.get_or_404(Client, client_id)
    version = risk.current_version()
    definition = risk.definition_of(version)
    form = AssessmentForm()
    answers, errors, result = {}, {}, None
    if request.method == "POST":
        form_valid = form.validate_on_submit()  # the scan, if one was chosen
        answers = _answers_from(request.form, definition)
        errors = {e.question: str(e) for e in questionnaire.answer_errors(answers, definition)}
        if not errors:
            result = questionnaire.evaluate(answers, definition)
            if form.step.data == "confirm" and form_valid:
                risk.record_assessment(
                    client, answers, current_user, version=version, scan=form.scan.content
                )
                flash(f"风险承受能力评估已保存：{result.total}分，{result.level}。", "success")
                return redirect(url_for("clients.show", client_id=client.id, _anchor="risk"))
    status = 422 if (errors or form.errors) else 200
    return render_template(
        "risk/assess.html",
        client=client,
        definition=definition,
        version=version,
        form=form,
        answers=answers,
        errors=errors,
        result=result,
    ), status


@bp.get("/assessments/<int:assessment_id>")
@login_required
def assessment(assessment_id: int):
    record = scope.get_or_404(RiskAssessment, assessment_id)
    return render_template(
        "risk/assessment.html", **_assessment_context(record), scan_form=ScanForm()
    )


def _assessment_context(record: RiskAssessment) -> dict:
    """What the assessment page and its 附件1 print show."""
    return {
        "assessment": record,
        "client": record.client,
        "definition": risk.definition_of(record.version),
        "chosen": risk.answers_of(record),
    }


@bp.post("/assessments/<int:assessment_id>/scan")
@requires("risk.assess")
def upload_scan(assessment_id: int):
    record = scope.get_or_404(RiskAssessment, assessment_id)
    form = ScanForm()
    if form.validate_on_submit():
        risk.attach_scan(record, *form.scan.content, current_user)
        flash("扫描件已存入客户档案。", "success")
        return redirect(url_for("risk.assessment", assessment_id=record.id))
    return render_template(
        "risk/assessment.html", **_assessment_context(record), scan_form=form
    ), 422


@bp.get("/assessments/<int:assessment_id>.pdf")
@login_required
def assessment_pdf(assessment_id: int):
    record = scope.get_or_404(RiskAssessment, assessment_id)
    pdf = render_pdf(
        "print/annex01.html",
        **_assessment_context(record),
    )
    return pdf_response(pdf, f"annex1-{record.client.client_no}-{record.id}.pdf")


@bp.get("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    record = scope.get_or_404(Attachment, attachment_id)
    path = attachments.path_of(record)
    if not path.exists():
        abort(404)
    attachments.record_opened(record)
    return send_file(
        path,
        mimetype=record.content_type,
        download_name=attachments.download_name(record),
        as_attachment=False,
        max_age=0,
    )


@bp.get("/risk/daily")
@requires("risk.daily_report")
def daily():
    form, branch, day = _daily_args()
    report = risk_daily.daily(branch, day)
    return render_template(
        "risk/daily.html",
        form=form,
        report=report,
        may_acknowledge=risk_daily.may_acknowledge(report.report, current_user),
        deliver_form=DeliverForm(formdata=None, day=day, branch=branch.id),
        ack_form=DeliverForm(formdata=None),
    )


@bp.get("/risk/daily.pdf")
@requires("risk.daily_report")
def daily_pdf():
    _, branch, day = _daily_args()
    pdf = render_pdf(
        "print/risk_daily.html", report=risk_daily.daily(branch, day), printed_by=current_user
    )
    return pdf_response(pdf, f"risk-daily-{day:%Y%m%d}.pdf")


@bp.post("/risk/daily/deliver")
@requires("risk.daily_deliver")
def deliver_daily():
    """报送: the day's report to the branch's 运营总监 and 客服总监 (Art. 8.4)."""
    form = DeliverForm()
    if not form.validate_on_submit() or form.day.data is None or form.day.data > china_today():
        abort(400)
    branch = selection.branch_for(current_user, str(form.branch.data))
    report = risk_daily.deliver(branch, form.day.data, current_user)
    flash(
        f"{report.day} 新开户风险日报已报送运营总监、客服总监（{report.accounts} 户）。", "success"
    )
    return redirect(url_for("risk.daily", day=report.day, branch=branch.id))


@bp.post("/risk/daily/<int:report_id>/acknowledge")
@requires("risk.daily_ack")
def acknowledge_daily(report_id: int):
    """签收 by the 运营总监 or 客服总监 of the report's branch."""
    report = scope.get_or_404(DailyRiskReport, report_id)
    if not DeliverForm().validate_on_submit():
        abort(400)
    try:
        risk_daily.acknowledge(report, current_user)
    except PermissionError:
        abort(403)
    flash(f"已签收 {report.day} 新开户风险日报。", "success")
    return redirect(url_for("risk.daily", day=report.day, branch=report.branch_id))


SHOWN_PER_LEVEL = 200
"""Clients listed per level on the page (all of them are in the PDF and the Excel file)."""


def _book() -> selection.Selection:
    return selection.selection_for(
        current_user, request.args.get("branch"), request.args.get("manager")
    )


@bp.get("/risk/levels")
@requires("risk.levels")
def levels():
    book = _book()
    return render_template(
        "risk/levels.html",
        summary=risk_tables.table(book, current_user),
        selection=book,
        choices=selection.choices(current_user),
        shown=SHOWN_PER_LEVEL,
        pdf_limit=risk_tables.PDF_LIMIT,
    )


@bp.get("/risk/levels.pdf")
@requires("risk.levels")
def levels_pdf():
    book = _book()
    summary = risk_tables.table(book, current_user)
    if summary.total > risk_tables.PDF_LIMIT:
        flash(f"客户超过 {risk_tables.PDF_LIMIT} 户，请按客户经理分别打印，或导出 Excel。", "error")
        return redirect(url_for("risk.levels", **book.args()))
    pdf = render_pdf("print/risk_levels.html", summary=summary, printed_by=current_user)
    return pdf_response(pdf, f"risk-levels-{book.branch.id}.pdf")


@bp.get("/risk/levels.xlsx")
@requires("risk.levels")
def levels_xlsx():
    book = _book()
    return send_file(
        risk_tables.workbook(risk_tables.table(book, current_user)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"risk-levels-{book.branch.id}.xlsx",
    )


@bp.get("/risk/fund-platform.csv")
@requires("risk.fund_export")
def fund_platform():
    book = _book()
    return send_file(
        risk_tables.fund_platform_csv(book, current_user),
        mimetype="text/csv",
        as_attachment=True,
        download_name=f"fund-platform-{book.branch.id}-{china_today():%Y%m%d}.csv",
    )


@bp.get("/risk/pending")
@requires("risk.pending")
def pending():
    query = client_queries.ClientQuery.from_args(request.args)
    stmt = risk.pending(current_user, query.manager_id)
    total = db.session.scalar(stmt.with_only_columns(func.count(), maintain_column_froms=True))
    clients = db.session.scalars(stmt.order_by(*NAME_ORDER).limit(PENDING_SHOWN)).all()
    return render_template(
        "risk/pending.html",
        clients=clients,
        total=total,
        shown=PENDING_SHOWN,
        query=query,
        choices=selection.choices(current_user),
        version=risk.current_version(required=False),
    )


def _daily_args():
    form = DailyReportForm(request.args)
    form.branch.choices = [(b.id, b.name) for b in selection.choices(current_user).branches]
    day = date_arg(request.args.get("day")) or china_today()
    branch = selection.branch_for(current_user, request.args.get("branch"))
    form.branch.data, form.day.data = branch.id, day
    return form, branch, day


@bp.get("/risk/questionnaires")
@requires("questionnaire.load")
def questionnaires():
    return _questionnaires(QuestionnaireUploadForm(formdata=None))


def _questionnaires(form: QuestionnaireUploadForm, status: int = 200):
    return render_template("risk/questionnaires.html", form=form, versions=risk.versions()), status


@bp.post("/risk/questionnaires")
@requires("questionnaire.load")
def preview_questionnaire():
    """HQ uploads a new version's definition file: previewed as the form will show it."""
    form = QuestionnaireUploadForm()
    if not form.validate_on_submit():
        return _questionnaires(form, 422)
    data = form.file.data.read(MAX_DEFINITION + 1)
    upload = risk.read_upload(data)
    if len(data) > MAX_DEFINITION:
        upload = risk.Upload("", error="问卷定义文件过大")
    if upload.error:
        form.file.errors.append(upload.error)
        return _questionnaires(form, 422)
    publish = QuestionnairePublishForm(formdata=None, definition=upload.text)
    return render_template("risk/questionnaire_preview.html", upload=upload, form=publish)


@bp.post("/risk/questionnaires/publish")
@requires("questionnaire.load")
def publish_questionnaire():
    form = QuestionnairePublishForm()
    if not form.validate_on_submit():
        abort(400)
    upload = risk.read_upload(form.definition.data.encode())
    if upload.error:
        abort(400)
    try:
        version, created = risk.load_version(json.loads(upload.text))
    except ValueError as error:
        flash(str(error), "error")
        return redirect(url_for("risk.questionnaires"))
    if created:
        flash(f"问卷第{version.version}版已发布：此后的评估均使用新版本。", "success")
    else:
        flash(f"问卷第{version.version}版已存在，内容相同，未作改动。", "info")
    return redirect(url_for("risk.questionnaires"))


MAX_DEFINITION = 1 << 20
"""A definition file's largest size (version 1 is 12 KB)."""
