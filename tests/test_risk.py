import io
import logging
import re
from datetime import timedelta

import pytest
from answers import HIGHEST, LOWEST
from pypdf import PdfReader
from sqlalchemy import func, select

from portal.domain import questionnaire
from portal.domain.beijing import china_today
from portal.extensions import db
from portal.models import AuditLog, Client, RiskAssessment, User
from portal.services import risk


def form_of(answers: dict, step: str = "preview") -> dict:
    data = {"step": step}
    for number, value in answers.items():
        data[f"q{number}"] = value
    return data


def client_of(app, username: str) -> Client:
    with app.app_context():
        return db.session.scalar(
            select(Client)
            .join(User, Client.manager_id == User.id)
            .where(User.username == username)
            .order_by(Client.id)
            .limit(1)
        )


@pytest.fixture
def fresh(book):
    """A demo client of mgr1 without any assessment."""
    with book.app_context():
        risk.ensure_default_version()
        client = db.session.scalar(
            select(Client)
            .join(User, Client.manager_id == User.id)
            .where(User.username == "mgr1", Client.risk_level.is_(None))
            .limit(1)
        )
        return client


def test_preview_then_confirm_sets_the_level(book, login_as, fresh):
    counter = login_as("counter")
    preview = counter.post_form(f"/clients/{fresh.id}/assessments/new", form_of(HIGHEST))
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "60 分" in html and "风险承受能力「高」" in html and "权证" in html
    assert "标准股票型基金" in html  # the fund risk grades are shown with the result
    with book.app_context():
        assert db.session.get(Client, fresh.id).risk_level is None  # nothing saved yet
    done = counter.post_form(f"/clients/{fresh.id}/assessments/new", form_of(HIGHEST, "confirm"))
    assert done.status_code == 302
    with book.app_context():
        saved = db.session.get(Client, fresh.id)
        assert (saved.risk_level, saved.risk_score, saved.risk_version) == ("高", 60, 1)
        record = db.session.scalar(
            select(RiskAssessment).where(RiskAssessment.client_id == fresh.id)
        )
        assert record.entered_by.username == "counter1"
        assert record.answers["9"] == ["A", "E"]
    page = login_as("manager").get(f"/clients/{fresh.id}").get_data(as_text=True)
    assert 'class="badge risk">高</span>' in page


def test_incomplete_answers_are_422_and_name_each_question(book, login_as, fresh):
    answers = dict(LOWEST)
    del answers[3]
    answers[9] = []
    answers[5] = "E"
    response = login_as("manager").post_form(
        f"/clients/{fresh.id}/assessments/new", form_of(answers)
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第3题：未作答" in html and "第5题没有选项E" in html and "第9题" in html
    assert re.search(r'name="q1" value="A"\s*checked', html)  # what was chosen stays chosen


def test_single_choice_with_two_letters_is_refused(book, login_as, fresh):
    data = form_of(LOWEST)
    data["q2"] = ["A", "B"]
    response = login_as("manager").post_form(f"/clients/{fresh.id}/assessments/new", data)
    assert response.status_code == 422
    assert "第2题为单选题，只能选择一项" in response.get_data(as_text=True)


def test_level_is_never_typed(book, login_as, fresh):
    """No form field sets the level: a posted level is ignored, the score decides."""
    data = form_of(LOWEST, "confirm") | {"level": "高", "total": "60"}
    login_as("manager").post_form(f"/clients/{fresh.id}/assessments/new", data)
    with book.app_context():
        assert db.session.get(Client, fresh.id).risk_level == "极低"


def test_history_keeps_every_assessment(book, login_as, fresh):
    manager = login_as("manager")
    for answers in (LOWEST, HIGHEST):
        manager.post_form(f"/clients/{fresh.id}/assessments/new", form_of(answers, "confirm"))
    with book.app_context():
        levels = db.session.scalars(
            select(RiskAssessment.level)
            .where(RiskAssessment.client_id == fresh.id)
            .order_by(RiskAssessment.id)
        ).all()
        assert levels == ["极低", "高"]
        assert db.session.get(Client, fresh.id).risk_level == "高"


def test_scan_upload_checks_content_and_size(book, login_as, fresh, app):
    manager = login_as("manager")
    data = form_of(LOWEST, "confirm")
    data["scan"] = (io.BytesIO(b"not really a pdf"), "scan.pdf")
    response = manager.post_form(
        f"/clients/{fresh.id}/assessments/new", data, content_type="multipart/form-data"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "只能上传 PDF、JPEG 或 PNG" in html
    assert re.search(r'name="q1" value="A"\s*checked', html)
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)
    data["scan"] = (io.BytesIO(big), "big.pdf")
    response = manager.post_form(
        f"/clients/{fresh.id}/assessments/new", data, content_type="multipart/form-data"
    )
    assert "不能超过10 MB" in response.get_data(as_text=True)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    data["scan"] = (io.BytesIO(png), "签字问卷.png")
    assert (
        manager.post_form(
            f"/clients/{fresh.id}/assessments/new", data, content_type="multipart/form-data"
        ).status_code
        == 302
    )
    with book.app_context():
        record = db.session.scalar(
            select(RiskAssessment).where(RiskAssessment.client_id == fresh.id)
        )
        scan = record.scan
        assert scan.content_type == "image/png" and scan.original_name == "签字问卷.png"
        assert not scan.stored_name.startswith("签字") and len(scan.stored_name) == 36
        assert "static" not in app.config["UPLOAD_DIR"]
    served = manager.get(f"/attachments/{scan.id}")
    assert served.status_code == 200 and served.data == png
    assert served.mimetype == "image/png"
    assert login_as("mgr3").get(f"/attachments/{scan.id}").status_code == 404
    with book.app_context():
        opened = db.session.scalar(
            select(AuditLog).where(
                AuditLog.record_type == "attachments",
                AuditLog.record_id == scan.id,
                AuditLog.action == "view",
            )
        )
        assert opened is not None and opened.user.username == "mgr1"


def test_suitability_on_the_file_and_disclosures(book, login_as, fresh):
    manager = login_as("manager")
    manager.post_form(f"/clients/{fresh.id}/assessments/new", form_of(HIGHEST, "confirm"))
    with book.app_context():
        client = db.session.get(Client, fresh.id)
        assert risk.check_product(client, "stock").allowed
        verdict = risk.check_product(client, "warrant")
        assert not verdict.allowed and "尚未签署「权证」风险揭示书" in verdict.reasons[0]
    bad = manager.post_form(
        f"/clients/{fresh.id}/disclosures",
        {"kind": "warrant", "signed_on": str(china_today() + timedelta(days=30))},
    )
    assert bad.status_code == 422
    assert "签署日期不能晚于今天" in bad.get_data(as_text=True)
    ok = manager.post_form(
        f"/clients/{fresh.id}/disclosures", {"kind": "warrant", "signed_on": str(china_today())}
    )
    assert ok.status_code == 302
    with book.app_context():
        client = db.session.get(Client, fresh.id)
        assert risk.check_product(client, "warrant").allowed
        assert not risk.check_product(client, "margin").allowed


def test_a_low_level_refuses_high_risk_products_with_the_reason(book, login_as, fresh):
    login_as("manager").post_form(
        f"/clients/{fresh.id}/assessments/new", form_of(LOWEST, "confirm")
    )
    with book.app_context():
        client = db.session.get(Client, fresh.id)
        verdict = risk.check_product(client, "stock")
        assert not verdict.allowed
        assert "「极低」" in verdict.reasons[0] and "「股票」" in verdict.reasons[0]
        assert risk.check_product(client, "bond").allowed
        assert risk.check_product(client, "fund_low").allowed


def test_without_a_current_assessment_nothing_may_be_offered(book, fresh):
    with book.app_context():
        client = db.session.get(Client, fresh.id)
        verdict = risk.check_product(client, "bond")
        assert not verdict.allowed and "请先评估" in verdict.reasons[0]


def test_a_new_questionnaire_version_makes_old_assessments_pending(assessed_book, login_as):
    with assessed_book.app_context():
        before = db.session.scalar(
            risk.pending(
                db.session.scalar(select(User).where(User.username == "mgr1"))
            ).with_only_columns(func.count(Client.id))
        )
        definition = dict(risk.current_version().definition, version=2)
        version, created = risk.load_version(definition)
        assert created and version.version == 2
        mgr1 = db.session.scalar(select(User).where(User.username == "mgr1"))
        after = db.session.scalar(risk.pending(mgr1).with_only_columns(func.count(Client.id)))
        mine = db.session.scalar(select(func.count()).where(Client.manager_id == mgr1.id))
        assert before < after == mine
        with pytest.raises(ValueError, match="已存在且内容不同"):
            risk.load_version(dict(definition, title="别的问卷"))
    html = login_as("manager").get("/risk/pending").get_data(as_text=True)
    assert "第2版" in html


def test_pending_lists_only_unassessed_clients_of_the_manager(assessed_book, login_as):
    html = login_as("manager").get("/risk/pending").get_data(as_text=True)
    with assessed_book.app_context():
        mgr1 = db.session.scalar(select(User).where(User.username == "mgr1"))
        names = db.session.scalars(
            select(Client.name).where(Client.manager_id == mgr1.id, Client.risk_level.is_(None))
        ).all()
        others = db.session.scalars(
            select(Client.name).where(Client.manager_id != mgr1.id, Client.risk_level.is_(None))
        ).all()
    assert names and all(name in html for name in names)
    assert not any(f">{name}</a>" in html for name in others if name not in names)


# The demo's book is the subject: its new accounts of today, by name.
def test_daily_report_lists_todays_accounts_with_scores(demo_risk, demo_clients, login_as, caplog):
    counter = login_as("counter")
    html = counter.get("/risk/daily").get_data(as_text=True)
    for name in ("林晓彤", "单立新", "曾嘉怡", "欧阳俊"):
        assert name in html
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = counter.get(f"/risk/daily.pdf?day={china_today()}")
    assert pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "营业部风险承受能力客户分类表" in text and "林晓彤" in text and "刘芳" in text
    assert ".notdef" not in caplog.text
    other_day = counter.get("/risk/daily?day=2001-01-01").get_data(as_text=True)
    assert "当日没有新开户" in other_day


def test_daily_report_says_when_an_account_was_assessed_later(book, login_as, fresh):
    opened = china_today() - timedelta(days=3)
    with book.app_context():
        client = db.session.get(Client, fresh.id)
        client.opened_on = opened
        db.session.commit()
    counter = login_as("counter")
    before = counter.get(f"/risk/daily?day={opened}").get_data(as_text=True)
    assert fresh.name in before and "<td>未评估</td>" in before
    login_as("manager").post_form(
        f"/clients/{fresh.id}/assessments/new", form_of(HIGHEST, "confirm")
    )
    after = counter.get(f"/risk/daily?day={opened}").get_data(as_text=True)
    level = questionnaire.evaluate(HIGHEST).level
    assert f"当日未评估（{china_today():%Y-%m-%d}评估为{level}）" in after


def test_assessment_pdf_is_like_the_paper_form(book, login_as, fresh, caplog):
    manager = login_as("manager")
    manager.post_form(f"/clients/{fresh.id}/assessments/new", form_of(HIGHEST, "confirm"))
    with book.app_context():
        record_id = db.session.scalar(
            select(RiskAssessment.id).where(RiskAssessment.client_id == fresh.id)
        )
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        response = manager.get(f"/assessments/{record_id}.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    text = "".join(p.extract_text() for p in reader.pages).replace(" ", "")
    definition = questionnaire.default_definition()
    assert definition.title in text and "尊敬的客户" in text
    for q in definition.questions:
        assert q.display_text.replace(" ", "")[:12] in text, q.number
    assert "评分标准" in text and "郑重提醒" in text and "客户签字" in text
    assert "60分" in text and "（AE）" in text  # Q9's two choices in the answer blank
    # The client's own manager prints the number in full, and the print is logged (SPEC §8).
    assert fresh.id_number in text
    with book.app_context():
        views = db.session.scalars(
            select(AuditLog.field).where(AuditLog.record_id == fresh.id, AuditLog.action == "view")
        ).all()
    assert views == ["print"]
    fonts = {
        str(f["/BaseFont"])
        for page in reader.pages
        for f in (v.get_object() for v in page["/Resources"]["/Font"].values())
    }
    assert any("CJK" in f for f in fonts)
    assert ".notdef" not in caplog.text
    # The counter, who may record an assessment too, prints it masked.
    text = pdf_text_of(login_as("counter").get(f"/assessments/{record_id}.pdf").data)
    assert fresh.id_number not in text and fresh.id_number[-4:] in text


def pdf_text_of(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace(" ", "")


def test_assessments_are_audited(book, login_as, fresh):
    login_as("manager").post_form(
        f"/clients/{fresh.id}/assessments/new", form_of(LOWEST, "confirm")
    )
    with book.app_context():
        fields = set(
            db.session.scalars(
                select(AuditLog.field).where(
                    AuditLog.record_type == "clients",
                    AuditLog.record_id == fresh.id,
                    AuditLog.action == "update",
                )
            )
        )
        assert {"risk_level", "risk_score"} <= fields


def test_risk_filter_on_the_client_list(assessed_book, login_as):
    html = login_as("hq").get("/clients/?risk=高").get_data(as_text=True)
    with assessed_book.app_context():
        expected = db.session.scalar(select(func.count()).where(Client.risk_level == "高"))
    assert int(re.search(r"共 (\d+) 位客户", html).group(1)) == expected > 0


NEXT_STEP = re.compile(
    r'id="next-step".*?<a class="button primary" href="/assessments/(\d+)\.pdf" hx-boost="false">'
    r"打印附件1",
    re.S,
)


def test_after_confirming_the_next_step_is_to_print_annex1(demo_clients, login_as, fresh):
    """The confirmed questionnaire lands on the client's file, which offers 附件1 to print for
    the client's signature (a plain download, not a boosted navigation) until the signed scan
    is uploaded."""
    counter = login_as("counter")
    done = counter.post_form(f"/clients/{fresh.id}/assessments/new", form_of(HIGHEST, "confirm"))
    landing = counter.get(done.headers["Location"]).get_data(as_text=True)
    with demo_clients.app_context():
        record_id = db.session.scalar(
            select(RiskAssessment.id).where(RiskAssessment.client_id == fresh.id)
        )
    assert NEXT_STEP.search(landing).group(1) == str(record_id)
    record_page = counter.get(f"/assessments/{record_id}").get_data(as_text=True)
    assert NEXT_STEP.search(record_page).group(1) == str(record_id)
    pdf = counter.get(f"/assessments/{record_id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    scan = {"scan": (io.BytesIO(b"%PDF-1.4\n%signed"), "签字问卷.pdf")}
    counter.post_form(f"/assessments/{record_id}/scan", scan, content_type="multipart/form-data")
    assert 'id="next-step"' not in counter.get(f"/clients/{fresh.id}").get_data(as_text=True)
    assert 'id="next-step"' not in counter.get(f"/assessments/{record_id}").get_data(as_text=True)
