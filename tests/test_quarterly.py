"""The quarterly report to HQ (Art. 55): the figures of a known quarter computed from the
records, spot checks, the submission's frozen snapshot, HQ's side-by-side view and downloads."""

import io
import logging
import re
from datetime import datetime, time, timedelta

import factories
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select, update

from portal.domain.beijing import china_today, to_utc
from portal.domain.inquiries import email_due
from portal.domain.periods import Quarter
from portal.extensions import db
from portal.models import Advice, AuditLog, Branch, ClassChange, QuarterlyReport, SpotCheck, User
from portal.models.audit import acting_as
from portal.services import calendar, events, inquiries, quarterly

QUARTER = Quarter.of(china_today()).previous
"""The last ended quarter: the one a branch reports now."""


def workdays() -> list:
    return list(calendar.workdays_between(QUARTER.first, QUARTER.last))


def at(day, hour=10) -> datetime:
    return datetime.combine(day, time(hour))


def lines_of(sections) -> dict[tuple[str, str], int]:
    return {(s.key, line.label): line.value for s in sections for line in s.lines}


@pytest.fixture
def quarter_book(assessed_book):
    """Branch 1's records of the last ended quarter, each kind a few times, and some outside
    it that must not count."""
    app = assessed_book
    with app.app_context(), acting_as("seed"):
        days = workdays()
        # Managers' accounts made before the quarter: every working day of it is due a log.
        db.session.execute(update(User).values(created_at=datetime(2020, 1, 1)))
        db.session.commit()
        li, wang, ouyang = (factories.client_named(n) for n in ("李明", "王五", "欧阳修"))
        mgr1 = factories.user("mgr1")
        # Visits: 2 home, 1 phone, 1 on-site (of core clients), 1 e-mail; a home visit of a
        # non-core client (counted, no points); one the day before the quarter.
        for kind in ("home", "home", "phone", "onsite", "email"):
            factories.contact(li, at(days[3]), kind)
        factories.contact(wang, at(days[4]), "home", core_client=False)
        factories.contact(li, at(QUARTER.first - timedelta(days=1)), "home")
        # Work logs on three working days; a weekly summary submitted, one saved only.
        for day in days[:3]:
            factories.work_log(mgr1, day, morning_notes="晨会")
        mondays = sorted({d - timedelta(days=d.weekday()) for d in days if d.weekday() == 0})
        factories.weekly_summary(mgr1, mondays[1], submit=True, summary="本周总结")
        factories.weekly_summary(mgr1, mondays[2], summary="草稿")
        # Class history: 李明 D → A (up), 王五 B → A (turnover), 欧阳修 none → C (new).
        before, middle = QUARTER.first - timedelta(days=20), days[10]
        for client, old, new in ((li, "D", "A"), (wang, "B", "A")):
            db.session.add(
                ClassChange(
                    client_id=client.id,
                    at=to_utc(at(before)),
                    from_class=None,
                    to_class=old,
                    cause="测试",
                )
            )
            db.session.add(
                ClassChange(
                    client_id=client.id,
                    at=to_utc(at(middle)),
                    from_class=old,
                    to_class=new,
                    cause="测试",
                )
            )
        db.session.add(
            ClassChange(
                client_id=ouyang.id,
                at=to_utc(at(middle)),
                from_class=None,
                to_class="C",
                cause="测试",
            )
        )
        db.session.commit()
        # Inquiries: e-mails answered on their due day, a day late, never; a phone call.
        for answered in (0, 1, None):
            inquiry = inquiries.log_inquiry(
                {"channel": "email", "received_at": to_utc(at(days[5])), "question": "开户"},
                mgr1,
                li,
            )
            db.session.commit()
            if answered is not None:
                due = email_due(days[5], calendar.overrides())
                moment = to_utc(at(due + timedelta(days=answered), 16))
                inquiries.answer(inquiry, "已答复", mgr1, at=moment)
                db.session.commit()
        inquiries.log_inquiry(
            {"channel": "phone", "received_at": to_utc(at(days[6])), "question": "行情"}, mgr1, li
        )
        db.session.commit()
        # Events: a seminar with one attendee, a lecture.
        seminar = events.record_event(
            {"kind": "seminar", "held_on": days[7], "topic": "研讨", "speaker": "甲"}, mgr1
        )
        events.add_attendee(seminar, li, mgr1)
        events.record_event(
            {"kind": "lecture", "held_on": days[8], "topic": "讲堂", "speaker": "乙"}, mgr1
        )
        # Advice: two in the quarter (one flagged and returned), one after it.
        first = factories.advice_for(li, given_at=to_utc(at(days[9])))
        factories.advice_for(li, given_at=to_utc(at(days[9], 11)))
        factories.advice_for(li)
        db.session.execute(
            update(Advice).where(Advice.id == first.id).values(review_state="returned")
        )
        db.session.commit()
    return app


def test_the_figures_of_a_known_quarter_come_from_the_records(quarter_book):
    with quarter_book.app_context():
        figures = lines_of(quarterly.figures(1, QUARTER))
        due_days = len(workdays())
    # visits by kind, points of 附件5 (core clients only): 4 + 4 + 1 + 1
    assert figures[("visits", "上门拜访（次）")] == 3
    assert figures[("visits", "电话拜访（次）")] == 1
    assert figures[("visits", "现场拜访（次）")] == 1
    assert figures[("visits", "电子邮件（次）")] == 1
    assert figures[("visits", "拜访合计（次）")] == 5
    assert figures[("visits", "拜访积分（分）")] == 10
    # logs due for the branch's two managers on every working day; three written
    assert figures[("worklogs", "工作日志应写（篇）")] == 2 * due_days
    assert figures[("worklogs", "工作日志已写（篇）")] == 3
    assert figures[("worklogs", "工作日志未写（篇）")] == 2 * due_days - 3
    assert figures[("worklogs", "周工作总结已提交（份）")] == 1
    # classes at the quarter's end from the history, not today's classes
    assert figures[("classification", "A 类客户")] == 2
    assert figures[("classification", "C 类客户")] == 1
    assert figures[("classification", "B+ 类客户")] == 0
    assert figures[("classification", "未分类客户")] == 2
    assert figures[("classification", "季末客户合计")] == 5
    assert figures[("classification", "资产档次上升（升档）")] == 1
    assert figures[("classification", "同档周转率变化")] == 1
    assert figures[("classification", "新分类客户")] == 1
    assert figures[("classification", "资产档次下降（降档）")] == 0
    # e-mails within two working days
    assert figures[("inquiries", "电子邮件咨询（件）")] == 3
    assert figures[("inquiries", "电话咨询（件）")] == 1
    assert figures[("inquiries", "电子邮件两个工作日内答复（件）")] == 1
    assert figures[("inquiries", "电子邮件逾期答复（件）")] == 1
    assert figures[("inquiries", "电子邮件逾期未答复（件）")] == 1
    # events and attendances
    assert figures[("events", "投资研讨会（场）")] == 1
    assert figures[("events", "投资研讨会到场客户（人次）")] == 1
    assert figures[("events", "理财大讲堂（场）")] == 1
    assert figures[("events", "活动合计（场）")] == 2
    # advice in the quarter and how the flagged were resolved
    assert figures[("advice", "投资建议（条）")] == 2
    assert figures[("advice", "被筛查标记的建议（条）")] == 1
    assert figures[("advice", "　其中：退回修改")] == 1
    # the other branch's report is its own
    with quarter_book.app_context():
        other = lines_of(quarterly.figures(2, QUARTER))
    assert other[("visits", "上门拜访（次）")] == 0
    assert other[("classification", "季末客户合计")] == 2


def test_the_sections_come_in_rank_order(app):
    with app.app_context():
        keys = [s.key for s in quarterly.figures(1, QUARTER)]
    assert keys[:2] == ["classification", "visits"]
    assert keys[-1] == "spotchecks"
    assert {"advice", "inquiries", "events", "worklogs"} <= set(keys)


def check_data(manager_id, **fields):
    data = {
        "manager_id": manager_id,
        "checked_on": (china_today() - timedelta(days=1)).isoformat(),
        "kind": "visits",
        "records": "上周的上门拜访记录",
        "findings": "两次拜访无主要内容",
        "follow_up": "补记拜访内容",
        "rectification": "",
        "rectified_on": "",
    }
    return data | fields


def test_the_head_records_a_spot_check_and_later_its_rectification(org, login_as, user_id):
    head = login_as("branch_head")
    mgr1 = user_id("mgr1")
    response = head.post_form("/quarterly/spot-checks/new", check_data(mgr1))
    assert response.status_code == 302
    with org.app_context():
        check = db.session.scalar(select(SpotCheck))
        assert (check.manager_id, check.branch_id, check.kind) == (mgr1, 1, "visits")
    today = china_today().isoformat()
    response = head.post_form(
        f"/quarterly/spot-checks/{check.id}/edit",
        check_data(mgr1, rectification="已补记", rectified_on=today),
    )
    assert response.status_code == 302
    with org.app_context():
        check = db.session.get(SpotCheck, check.id)
        assert check.rectification == "已补记" and check.rectified
        trail = db.session.scalars(
            select(AuditLog.field).where(
                AuditLog.record_type == "spot_checks", AuditLog.action == "update"
            )
        ).all()
        assert set(trail) == {"rectification", "rectified_on"}
        lines = lines_of(quarterly.figures(1, Quarter.of(china_today() - timedelta(days=1))))
    assert lines[("spotchecks", "抽查次数")] == 1
    assert lines[("spotchecks", "已整改（次）")] == 1
    # the manager reads it, read-only; the other branch's manager does not see it
    html = (
        login_as("mgr1")
        .get("/quarterly/spot-checks?quarter=" + Quarter.of(check.checked_on).key)
        .get_data(as_text=True)
    )
    assert "两次拜访无主要内容" in html and "修改/整改情况" not in html
    html = (
        login_as("mgr3")
        .get("/quarterly/spot-checks?quarter=" + Quarter.of(check.checked_on).key)
        .get_data(as_text=True)
    )
    assert "两次拜访无主要内容" not in html
    assert login_as("mgr1").get(f"/quarterly/spot-checks/{check.id}/edit").status_code == 403
    # its trail: for whoever sees the check
    history = f"/history/spot_checks/{check.id}"
    assert "已补记" in login_as("mgr1").get(history).get_data(as_text=True)
    assert login_as("mgr3").get(history).status_code == 404


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"records": ""}, "records", "请填写抽查的记录"),
        ({"checked_on": "2999-01-01"}, "checked_on", "日期"),
        ({"kind": ""}, "kind", "请选择抽查内容"),
        ({"manager_id": 0}, "manager_id", "请选择客户经理"),
        (
            {"rectified_on": "2020-01-01", "rectification": "已改"},
            "rectified_on",
            "不能早于抽查日期",
        ),
        ({"rectified_on": "2026-01-01"}, "rectification", "请写明整改情况"),
    ],
)
def test_bad_spot_checks_are_refused_with_every_value_kept(
    org, login_as, user_id, fields, field, message
):
    head = login_as("branch_head")
    data = check_data(user_id("mgr1"), findings="独特的发现内容") | fields
    if field == "rectification":
        data["checked_on"] = "2025-12-01"
    response = head.post_form("/quarterly/spot-checks/new", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "独特的发现内容" in html
    with org.app_context():
        assert db.session.scalar(select(SpotCheck)) is None


def test_a_manager_of_another_branch_cannot_be_checked(org, login_as, user_id):
    response = login_as("branch_head").post_form(
        "/quarterly/spot-checks/new", check_data(user_id("mgr3"))
    )
    assert response.status_code == 422


def test_the_head_submits_once_and_the_snapshot_stays_frozen(quarter_book, login_as):
    head = login_as("branch_head")
    html = head.get(f"/quarterly/?quarter={QUARTER.key}").get_data(as_text=True)
    assert "提交" in html and "尚未提交" in html
    response = head.post_form("/quarterly/submit", {"quarter": QUARTER.key, "remarks": "无"})
    assert response.status_code == 302
    with quarter_book.app_context(), acting_as("seed"):
        report = db.session.scalar(select(QuarterlyReport))
        assert (report.branch_id, report.year, report.quarter) == (1, QUARTER.year, QUARTER.number)
        # a visit logged late changes the live figures, not the submitted report
        factories.contact(factories.client_named("李明"), at(workdays()[20]), "home")
    html = head.get(f"/quarterly/?quarter={QUARTER.key}").get_data(as_text=True)
    assert re.search(
        r"上门拜访（次）</td><td class=\"num\">3 <small class=\"changed-value\">现值 4</small>",
        html,
    )
    assert "提交总部</h2>" not in html
    again = head.post_form("/quarterly/submit", {"quarter": QUARTER.key, "remarks": ""})
    assert again.status_code == 422
    assert "已提交，不能重复提交" in again.get_data(as_text=True)
    with quarter_book.app_context():
        assert len(db.session.scalars(select(QuarterlyReport)).all()) == 1


def test_the_current_quarter_cannot_be_submitted(org, login_as):
    current = Quarter.of(china_today())
    response = login_as("branch_head").post_form("/quarterly/submit", {"quarter": current.key})
    assert response.status_code == 422
    assert "尚未结束" in response.get_data(as_text=True)


def test_hq_sees_every_branch_side_by_side_and_downloads_it(quarter_book, login_as, caplog):
    login_as("branch_head").post_form("/quarterly/submit", {"quarter": QUARTER.key})
    hq = login_as("hq")
    html = hq.get(f"/quarterly/all?quarter={QUARTER.key}").get_data(as_text=True)
    assert "已提交 1/2" in html and "未提交" in html
    book = load_workbook(io.BytesIO(hq.get(f"/quarterly/all.xlsx?quarter={QUARTER.key}").data))
    rows = list(book.active.values)
    assert rows[0][0] == f"营业部季度考核报告 · {QUARTER.label}"
    assert rows[1][2:] == ("第一营业部", "第二营业部（未提交）")
    assert ("客户拜访", "上门拜访（次）", 3, 0) in rows
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = hq.get(f"/quarterly/all.pdf?quarter={QUARTER.key}")
    assert pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "营业部季度考核报告" in text and QUARTER.label in text and "上门拜访" in text
    fonts = {
        str(font.get("/BaseFont"))
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
        for font in [font.get_object()]
    }
    assert any("CJK" in name for name in fonts)
    assert ".notdef" not in caplog.text


def test_the_head_sees_only_their_branch(org, login_as):
    head = login_as("branch_head")
    assert head.get("/quarterly/?branch=2").status_code == 404
    assert head.get("/quarterly/report.pdf?branch=2").status_code == 404
    assert head.get("/quarterly/all").status_code == 403
    assert login_as("manager").get("/quarterly/").status_code == 403
    assert login_as("counter").get("/quarterly/").status_code == 403
    assert login_as("hq").get("/quarterly/?branch=2").status_code == 200
    assert login_as("hq").get("/quarterly/?branch=99999").status_code == 404


def test_an_unknown_quarter_falls_back_and_the_future_is_not_shown(org, login_as):
    head = login_as("branch_head")
    html = head.get("/quarterly/?quarter=nonsense").get_data(as_text=True)
    assert QUARTER.label in html
    html = head.get("/quarterly/?quarter=2099-Q1").get_data(as_text=True)
    assert Quarter.of(china_today()).label in html


def test_the_demo_spot_checks_and_last_quarters_report(org):
    from portal.demo.quarterly import seed_quarterly

    with org.app_context():
        assert seed_quarterly() == 4
        assert seed_quarterly() == 0  # idempotent
        report = db.session.scalar(select(QuarterlyReport))
        assert (report.year, report.quarter) == (QUARTER.year, QUARTER.number)
        spot = lines_of(quarterly.Section.from_dict(data) for data in report.sections)
        assert spot[("spotchecks", "抽查次数")] == 1


def test_the_home_page_asks_for_last_quarters_report_until_submitted(org, login_as):
    from portal.services import todos

    with org.app_context():
        head, hq = factories.user("head1"), factories.user("hq")
        items = {i.key: i for i in todos.for_user(head, china_today())}
        assert items["quarterly.submit"].count == 1
        assert items["quarterly.submit"].args == {"quarter": QUARTER.key}
        assert {i.key: i for i in todos.for_user(hq, china_today())}[
            "quarterly.unsubmitted"
        ].count == 2
        quarterly.submit(db.session.get(Branch, 1), QUARTER, head)
        assert {i.key: i for i in todos.for_user(head, china_today())}["quarterly.submit"].done
        assert {i.key: i for i in todos.for_user(hq, china_today())}[
            "quarterly.unsubmitted"
        ].count == 1


def test_logs_are_due_from_the_account_or_the_first_log_if_earlier(org):
    with org.app_context(), acting_as("seed"):
        days = workdays()
        factories.work_log(factories.user("mgr1"), days[-5], morning_notes="晨会")
        figures = lines_of(quarterly.figures(1, QUARTER))
    # mgr1 from their first log (its 5 last working days); mgr2's account is new: nothing due
    assert figures[("worklogs", "工作日志应写（篇）")] == 5
    assert figures[("worklogs", "工作日志已写（篇）")] == 1
