"""SMS to new accounts (Art. 34–35): what is due (and overdue), writing from the templates,
Art. 44 screening keeping a message out of the outbox, the outbox's CSV and marking it sent,
the messages on the client's record, HQ's templates, scoping."""

import csv
import io
from datetime import timedelta

import factories
import pytest
from sqlalchemy import select

from portal.domain import sms as rules
from portal.domain.beijing import china_today
from portal.extensions import db
from portal.models import AuditLog, SmsMessage
from portal.models.audit import acting_as
from portal.services import sms

MATRIX = {
    "/sms/": [302, 200, 403, 200, 200],
    "/sms/outbox": [302, 403, 403, 200, 403],
    "/sms/templates": [302, 403, 403, 403, 200],
}


@pytest.fixture
def recent(org):
    """mgr1's client opened 20 days ago (two-week message overdue), mgr2's 5 days ago,
    mgr3's 10 days ago, and one of mgr1's opened long ago (outside the window)."""
    today = china_today()
    with org.app_context(), acting_as("seed"):
        ids = {
            "late": factories.client("mgr1", "林迟发", opened_on=today - timedelta(days=20)).id,
            "fresh": factories.client("mgr2", "叶新开", opened_on=today - timedelta(days=5)).id,
            "elsewhere": factories.client(
                "mgr3", "钟外部", opened_on=today - timedelta(days=10)
            ).id,
            "old": factories.client("mgr1", "古老户", opened_on=today - timedelta(days=400)).id,
        }
    return ids


def test_access_matrix(org, login_as):
    from access import uncovered_routes, wrong_statuses

    assert wrong_statuses(org, login_as, MATRIX, {}) == []
    assert uncovered_routes(org, MATRIX, {"sms"}, skip={"sms.batch_csv"}) == []


def test_due_messages_follow_the_opening_date_and_the_users_scope(org, recent):
    today = china_today()
    with org.app_context():
        due = {(d.client.name, d.kind): d for d in sms.due(factories.user("mgr1"), today)}
        assert set(due) == {("林迟发", rules.TWO_WEEKS), ("林迟发", rules.THREE_MONTHS)}
        assert due[("林迟发", rules.TWO_WEEKS)].overdue(today)
        assert not due[("林迟发", rules.THREE_MONTHS)].overdue(today)
        head = {d.client.name for d in sms.due(factories.user("head1"), today)}
        assert head == {"林迟发", "叶新开"}
        assert sms.due_counts(factories.user("mgr1"), today) == (2, 1)


def test_a_message_is_written_from_its_template_and_leaves_the_due_list(org, recent, login_as):
    manager = login_as("manager")
    page = manager.get("/sms/").get_data(as_text=True)
    assert "尊敬的林迟发客户，您好！感谢您选择某某证券第一营业部。我是您的客户经理李明" in page
    response = manager.post_form(
        "/sms/queue",
        {"client_id": recent["late"], "kind": rules.TWO_WEEKS, "text": "尊敬的林迟发客户，您好！"},
    )
    assert response.status_code == 302
    with org.app_context():
        message = db.session.scalar(select(SmsMessage))
        assert (message.status, message.text) == ("queued", "尊敬的林迟发客户，您好！")
        kinds = {d.kind for d in sms.due(factories.user("mgr1"), china_today())}
        assert kinds == {rules.THREE_MONTHS}
    again = manager.post_form(
        "/sms/queue", {"client_id": recent["late"], "kind": rules.TWO_WEEKS, "text": "再发一次"}
    )
    assert again.status_code == 422
    assert "已经写过" in again.get_data(as_text=True)


def test_a_forbidden_phrase_keeps_the_message_out_of_the_outbox(org, recent, login_as):
    text = "不知道。自己看去！"
    response = login_as("manager").post_form(
        "/sms/queue", {"client_id": recent["late"], "kind": rules.TWO_WEEKS, "text": text}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "服务禁语" in html
    assert f">{text}</textarea>" in html  # kept to be changed
    with org.app_context():
        assert db.session.scalar(select(SmsMessage)) is None


def test_a_colleagues_or_another_branchs_client_is_not_found(org, recent, login_as):
    manager = login_as("manager")
    for key in ("fresh", "elsewhere"):
        response = manager.post_form(
            "/sms/queue", {"client_id": recent[key], "kind": rules.TWO_WEEKS, "text": "您好"}
        )
        assert response.status_code == 404


def test_the_outbox_batch_downloads_as_csv_then_is_marked_sent(org, recent, login_as):
    with org.app_context(), acting_as("mgr1"):
        client = factories.client_named("林迟发")
        sms.queue(
            client, rules.TWO_WEEKS, sms.draft(client, rules.TWO_WEEKS), factories.user("mgr1")
        )
        mobile = client.mobile
    head = login_as("head1")
    assert "林迟发" in head.get("/sms/outbox").get_data(as_text=True)
    assert head.post_form("/sms/outbox/batch").status_code == 302
    with org.app_context():
        batch_id = db.session.scalar(select(SmsMessage.batch_id))
    response = head.get(f"/sms/batches/{batch_id}.csv")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == list(sms.CSV_COLUMNS)
    assert rows[1][0] == mobile and rows[1][1].startswith("尊敬的林迟发客户")
    with org.app_context():
        assert db.session.scalar(select(AuditLog.field).where(AuditLog.action == "export")) == (
            "sms_batch"
        )
    assert head.post_form(f"/sms/batches/{batch_id}/sent").status_code == 302
    with org.app_context():
        message = db.session.scalar(select(SmsMessage))
        assert message.status == "sent" and message.sent_by_id == factories.user("head1").id
        client_id = message.client_id
    file = login_as("manager").get(f"/clients/{client_id}").get_data(as_text=True)
    assert "短信记录" in file and "已发送" in file and "开户两周内" in file


def test_another_branchs_batch_is_not_found(org, login_as):
    with org.app_context(), acting_as("mgr3"):
        client = factories.client("mgr3", "钟外部", opened_on=china_today())
        sms.queue(client, rules.TWO_WEEKS, "您好", factories.user("mgr3"))
        head2 = factories.new_user("branch_head", client.branch_id, "head2")
        batch = sms.make_batch(client.branch_id, head2)
        batch_id = batch.id
    assert login_as("head1").get(f"/sms/batches/{batch_id}.csv").status_code == 404
    assert login_as("head1").post_form(f"/sms/batches/{batch_id}/sent").status_code == 404


def test_hq_edits_a_template_and_an_unknown_placeholder_is_refused(org, login_as):
    hq = login_as("hq")
    bad = hq.post_form(
        "/sms/templates", {"kind": rules.TWO_WEEKS, "text": "尊敬的{客户}，{生日}快乐"}
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "未知的占位符：{生日}" in html and "{生日}快乐</textarea>" in html
    good = hq.post_form(
        "/sms/templates", {"kind": rules.TWO_WEEKS, "text": "尊敬的{客户}客户，您好！"}
    )
    assert good.status_code == 302
    with org.app_context():
        assert sms.templates()[rules.TWO_WEEKS].text == "尊敬的{客户}客户，您好！"
        assert (
            db.session.scalar(
                select(AuditLog.new_value)
                .where(AuditLog.record_type == "sms_templates", AuditLog.field == "text")
                .order_by(AuditLog.id.desc())
            )
            == "尊敬的{客户}客户，您好！"
        )


def test_the_quarterly_report_counts_messages_sent_on_time_late_and_not(org):
    """Three accounts whose two-week message fell due in a quarter: sent by the day, sent
    after it, not sent."""
    from datetime import date, datetime

    from portal.domain.beijing import to_utc
    from portal.domain.periods import Quarter
    from portal.services import quarterly

    with org.app_context(), acting_as("seed"):
        mgr1 = factories.user("mgr1")
        rows = {}
        for name, opened, sent in (
            ("按时", date(2026, 7, 1), date(2026, 7, 10)),
            ("迟发", date(2026, 7, 2), date(2026, 7, 20)),
            ("未发", date(2026, 7, 3), None),
        ):
            client = factories.client("mgr1", name, opened_on=opened)
            if sent is not None:
                message = sms.queue(client, rules.TWO_WEEKS, "您好", mgr1)
                message.status = "sent"
                message.sent_at = to_utc(datetime.combine(sent, datetime.min.time()))
            rows[name] = client
        db.session.commit()
        sections = quarterly.figures(mgr1.branch_id, Quarter(2026, 3))
        section = next(s for s in sections if s.title == "开户短信")
        values = {line.label: line.value for line in section.lines}
        assert values["开户短信按时发送（条）"] == 1
        assert values["开户短信逾期发送（条）"] == 1
        # 未发 and the three three-month messages (due 1–3 Oct, next quarter) are not counted.
        assert values["开户短信未发送（条）"] == 1
