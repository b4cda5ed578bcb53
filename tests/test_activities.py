"""A manager's working day: contacts and visits (拜访次序, 累计拜访次数), the home-visit
self-evaluation (附件6), the daily work log (附件2), the weekly summary (附件5) and who sees
what."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from activity_data import DAY, WEEK, new_client, setup_branch, user, visit
from sqlalchemy import func, select

from portal.domain import workdays
from portal.domain.beijing import china_today, to_local, utcnow
from portal.extensions import db
from portal.models import (
    AuditLog,
    Client,
    ClientAssignment,
    Contact,
    WeeklySummary,
    WorkLog,
)
from portal.services import client_queries, clients, contacts, scope, weekly, worklogs

HTMX = {"HX-Request": "true"}


@pytest.fixture
def ids(org):
    with org.app_context():
        return setup_branch()


def contact_form(**values) -> dict:
    """The log form of the client's file (its fields carry the prefix ``contact-``)."""
    data = {
        "kind": "home",
        "status": "done",
        "at": "2024-10-16T15:30",
        "place": "客户公司",
        "content": "介绍研究所策略报告",
        "improvements": "下次带上基金资料",
        "core_client": "y",
    } | values
    return {f"contact-{key}": value for key, value in data.items()}


# ------------------------------------------------------------------------ contacts


def test_log_a_contact_from_the_clients_file_in_place(org, ids, login_as):
    mgr1 = login_as("mgr1")
    page = mgr1.get(f"/clients/{ids['own']}").get_data(as_text=True)
    assert 'id="contacts"' in page and "登记拜访" in page
    assert '<span id="visit-count">1</span>' in page  # 累计拜访次数 in 基本信息
    response = mgr1.post_form(f"/work/clients/{ids['own']}/contacts", contact_form(), headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<span id="visit-count" hx-swap-oob="true">2</span>')
    assert "已登记上门拜访（已完成）" in html and "填写登门拜访客户自我评估表" in html
    assert "介绍研究所策略报告" in html and "第2次" in html
    with org.app_context():
        contact = db.session.scalar(select(Contact).order_by(Contact.id.desc()).limit(1))
        assert (contact.kind, contact.status, contact.manager_id) == (
            "home",
            "done",
            user("mgr1").id,
        )
        assert to_local(contact.occurred_at) == datetime(2024, 10, 16, 15, 30)  # Beijing time
        assert contact.core_client and contact.place == "客户公司"
        fields = db.session.scalars(
            select(AuditLog.field).where(
                AuditLog.record_type == "contacts", AuditLog.record_id == contact.id
            )
        ).all()
        assert {"kind", "occurred_at", "content", "improvements"} <= set(fields)


def test_contact_form_errors_come_back_422_in_place_keeping_what_was_typed(org, ids, login_as):
    mgr1 = login_as("mgr1")
    later = (to_local(utcnow()) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = mgr1.post_form(
        f"/work/clients/{ids['own']}/contacts",
        contact_form(content="", at=later, place="茶室"),
        headers=HTMX,
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "请填写拜访主要内容。" in html
    assert "已完成的拜访时间不能晚于现在" in html
    assert 'value="茶室"' in html
    # The same time as a planned visit is fine, and needs no content yet.
    response = mgr1.post_form(
        f"/work/clients/{ids['own']}/contacts",
        contact_form(content="", at=later, status="planned"),
        headers=HTMX,
    )
    assert response.status_code == 200
    with org.app_context():
        assert client_queries.visit_counts([ids["own"]]) == {ids["own"]: 1}  # plan not counted


def test_only_the_clients_manager_logs_its_contacts(org, ids, login_as):
    url = f"/work/clients/{ids['own']}/contacts"
    assert login_as("mgr2").post_form(url, contact_form()).status_code == 404
    assert login_as("branch_head").post_form(url, contact_form()).status_code == 403
    assert login_as("counter").post_form(url, contact_form()).status_code == 403
    counter_page = login_as("counter").get(f"/clients/{ids['own']}").get_data(as_text=True)
    assert 'id="contacts"' not in counter_page  # counter staff keep accounts, not visits
    assert '<span id="visit-count">1</span>' in counter_page


def test_visit_order_and_counts_are_computed_from_done_visits(org, ids):
    with org.app_context():
        client = db.session.get(Client, ids["own"])  # already visited on 15 Oct 10:00
        later = visit(client, datetime(2024, 10, 20, 9, 0), kind="phone")
        earlier = visit(client, datetime(2024, 10, 1, 9, 0), kind="onsite")
        email = visit(client, datetime(2024, 10, 18, 9, 0), kind="email")
        planned = contacts.log_contact(
            client,
            {"kind": "home", "status": "planned", "at": datetime(2030, 1, 2, 10, 0)},
            user("mgr1"),
        )
        numbers = contacts.visit_numbers([client.id])
        assert numbers == {earlier.id: 1, ids["own_visit"]: 2, later.id: 3}
        assert email.id not in numbers and planned.id not in numbers
        assert contacts.visit_number(later) == 3 and contacts.visit_number(email) is None
        counts = client_queries.visit_counts([ids["own"], ids["own2"], ids["colleague"]])
        assert counts == {ids["own"]: 3, ids["own2"]: 1, ids["colleague"]: 1}
        assert client_queries.visit_counts([]) == {}
        # The history moves with the client: after a handover, the new manager's visits
        # continue the numbering and the count.
        clients.reassign(client, user("mgr2"), user("head1"))
        handed = visit(db.session.get(Client, ids["own"]), datetime(2024, 10, 21, 9, 0))
        assert contacts.visit_number(handed) == 4
        assert client_queries.visit_counts([ids["own"]]) == {ids["own"]: 4}
        rows = contacts.client_contacts(db.session.get(Client, ids["own"]), user("mgr2"))
        # Plans first, then newest first; the e-mail has no 拜访次序.
        assert [r.visit_no for r in rows] == [None, 4, 3, None, 2, 1]
        assert {r.contact.manager.username for r in rows} == {"mgr1", "mgr2"}


def test_a_planned_visit_counts_once_done_and_only_a_plan_is_cancelled(org, ids, login_as):
    with org.app_context():
        client = db.session.get(Client, ids["own"])
        plan = contacts.log_contact(
            client,
            {"kind": "home", "status": "planned", "at": datetime(2024, 10, 17, 15, 0)},
            user("mgr1"),
        )
        plan_id = plan.id
    mgr1 = login_as("mgr1")
    page = mgr1.get(f"/work/contacts/{plan_id}/complete").get_data(as_text=True)
    assert "记录拜访结果" in page and 'value="2024-10-17T15:00"' in page
    response = mgr1.post_form(
        f"/work/contacts/{plan_id}/complete",
        {"kind": "home", "at": "2024-10-17T16:00", "content": "面谈理财规划", "core_client": "y"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/work/contacts/{plan_id}/evaluation")
    with org.app_context():
        done = db.session.get(Contact, plan_id)
        assert done.status == "done" and to_local(done.occurred_at) == datetime(2024, 10, 17, 16)
        assert to_local(done.planned_at) == datetime(2024, 10, 17, 15)  # the plan is kept
        assert client_queries.visit_counts([ids["own"]]) == {ids["own"]: 2}
    # A done visit is a record: it cannot be cancelled.
    mgr1.post_form(f"/work/contacts/{plan_id}/cancel")
    with org.app_context():
        assert db.session.get(Contact, plan_id) is not None
        other = contacts.log_contact(
            db.session.get(Client, ids["own"]),
            {"kind": "phone", "status": "planned", "at": datetime(2030, 5, 6, 9, 30)},
            user("mgr1"),
        ).id
    assert mgr1.post_form(f"/work/contacts/{other}/cancel").status_code == 302
    with org.app_context():
        assert db.session.get(Contact, other) is None
        assert db.session.scalar(
            select(func.count()).where(
                AuditLog.record_type == "contacts",
                AuditLog.record_id == other,
                AuditLog.action == "delete",
            )
        )


def evaluation_form(**overrides) -> dict:
    data = {"evaluated_on": "2024-10-16"}
    for aspect in ("preparation", "etiquette", "communication", "knowledge", "technique"):
        data |= {
            f"{aspect}-rating": "良",
            f"{aspect}-went_well": f"{aspect}做得好",
            f"{aspect}-to_improve": f"{aspect}可改进",
            f"{aspect}-next_time": f"{aspect}下次",
        }
    return data | overrides


def test_home_visit_self_evaluation(org, ids, login_as):
    mgr1 = login_as("mgr1")
    url = f"/work/contacts/{ids['own_visit']}/evaluation"
    response = mgr1.post_form(url, evaluation_form(**{"knowledge-rating": ""}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "请选择效果评估。" in html and "preparation做得好" in html
    response = mgr1.post_form(url, evaluation_form(**{"preparation-rating": "优"}))
    assert response.status_code == 302
    with org.app_context():
        evaluation = db.session.get(Contact, ids["own_visit"]).evaluation
        assert [(i.aspect_label, i.rating) for i in evaluation.items] == [
            ("准备工作", "优"),
            ("商务礼仪", "良"),
            ("人际沟通", "良"),
            ("专业知识", "良"),
            ("技巧运用", "良"),
        ]
        assert evaluation.evaluated_on == date(2024, 10, 16)
    page = mgr1.get(f"/work/contacts/{ids['own_visit']}").get_data(as_text=True)
    assert "communication可改进" in page and "annex06.pdf" in page
    with org.app_context():
        evaluation_id = db.session.get(Contact, ids["own_visit"]).evaluation.id
    history = f"/history/visit_evaluations/{evaluation_id}"
    assert mgr1.get(history).status_code == 200  # its trail, through the contact's scope
    assert login_as("mgr2").get(history).status_code == 404
    # Changing one rating rewrites only that item (the audit trail shows only the change).
    mgr1.post_form(url, evaluation_form(**{"preparation-rating": "优", "technique-rating": "差"}))
    with org.app_context():
        changed = db.session.scalars(
            select(AuditLog.new_value).where(
                AuditLog.record_type == "visit_evaluation_items", AuditLog.action == "update"
            )
        ).all()
        assert changed == ["差"]
    # Only for the manager's own done home visits.
    with org.app_context():
        phone = visit(db.session.get(Client, ids["own"]), datetime(2024, 10, 16, 9), "phone").id
    assert mgr1.get(f"/work/contacts/{phone}/evaluation").status_code == 404
    assert login_as("mgr2").get(url).status_code == 404
    assert login_as("branch_head").get(url).status_code == 403


def test_readiness_checklist_before_a_home_visit(org, ids, login_as):
    with org.app_context():
        plan = contacts.log_contact(
            db.session.get(Client, ids["own"]),
            {"kind": "home", "status": "planned", "at": datetime(2030, 1, 2, 10, 0)},
            user("mgr1"),
        ).id
    mgr1 = login_as("mgr1")
    page = mgr1.get(f"/work/contacts/{plan}/readiness").get_data(as_text=True)
    for question in ("是否建立心理上的准备", "是否能够预演未来", "是否能营造自然、开心的场面"):
        assert question in page
    response = mgr1.post_form(
        f"/work/contacts/{plan}/readiness", {"mind": "y", "client_known": "y", "note": "带报告"}
    )
    assert response.status_code == 302
    page = mgr1.get(f"/work/contacts/{plan}").get_data(as_text=True)
    assert "2 / 6 项已准备完成" in page


# ------------------------------------------------------------------------ work log


def test_work_log_counts_the_days_contacts_and_consultations(org, ids, login_as):
    with org.app_context():
        own = db.session.get(Client, ids["own"])
        visit(own, datetime(2024, 10, 15, 14, 0), kind="email")  # counts as 客户服务
        visit(own, datetime(2024, 10, 15, 23, 30), kind="sms")  # late evening, Beijing
        visit(own, datetime(2024, 10, 16, 0, 10), kind="phone")  # the next day
        contacts.log_contact(
            own,
            {"kind": "home", "status": "planned", "at": datetime(2024, 10, 15, 16)},
            user("mgr1"),
        )
        worklogs.save_log(user("mgr1"), date(2024, 10, 14), {"tomorrow_plan": "拜访李四"}, [])
    mgr1 = login_as("mgr1")
    form = mgr1.get("/work/logs/2024-10-15/edit").get_data(as_text=True)
    assert "拜访李四" in form  # yesterday's plan beside 昨日计划完成情况
    assert '<p class="counted"><strong>4</strong></p>' in form  # two visits, e-mail, SMS
    response = mgr1.post_form(
        "/work/logs/2024-10-15/edit",
        {
            "morning_notes": "晨会：关注消费板块",
            "product_sales": "12.50",
            "consultations-0-client_id": str(ids["own"]),
            "consultations-0-summary": "咨询新股申购",
            "consultations-1-client_id": str(ids["own2"]),
            "consultations-1-summary": "咨询债券基金",
            "consultations-2-client_id": "",
            "consultations-2-summary": "",
            "plan_review": "已拜访李四",
            "insights": "先讲风险",
            "tomorrow_plan": "整理周报",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with org.app_context():
        sheet = worklogs.day_sheet(user("mgr1"), DAY)
        assert (sheet.services, sheet.consultations) == (4, 2)
        assert sheet.sales == Decimal("12.50") and isinstance(sheet.log.product_sales, Decimal)
        assert sheet.previous.day == date(2024, 10, 14)
        month = worklogs.month_of(user("mgr1"), date(2024, 10, 1))
        by_day = {d.day: d for d in month.days}
        assert (by_day[DAY].services, by_day[DAY].consultations) == (4, 2)
        assert by_day[date(2024, 10, 16)].services == 1 and by_day[date(2024, 10, 16)].log is None
        assert not by_day[date(2024, 10, 19)].workday and by_day[date(2024, 10, 12)].workday
    page = mgr1.get(f"/work/logs/{ids['mgr1']}/2024-10-15").get_data(as_text=True)
    assert "晨会：关注消费板块" in page and "咨询债券基金" in page
    assert '<strong class="services-count">4</strong>' in page


def test_work_log_refuses_other_clients_and_non_working_days(org, ids, login_as):
    mgr1 = login_as("mgr1")
    response = mgr1.post_form(
        "/work/logs/2024-10-15/edit",
        {"consultations-0-client_id": str(ids["colleague"]), "consultations-0-summary": "x"},
    )
    assert response.status_code == 422  # mgr2's client is not a choice
    response = mgr1.post_form(
        "/work/logs/2024-10-15/edit",
        {
            "consultations-0-client_id": "",
            "consultations-0-summary": "没选客户",
            "product_sales": "-1",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "请选择客户。" in html and "产品销售应为不小于0的万元数。" in html
    assert "没选客户" in html
    for day in ("2024-10-01", "2024-10-19", (china_today() + timedelta(days=3)).isoformat()):
        response = mgr1.post_form(f"/work/logs/{day}/edit", {"insights": "x"})
        assert response.status_code == 302 and response.headers["Location"].endswith("/work/logs")
    with org.app_context():
        assert db.session.scalar(select(func.count()).select_from(WorkLog)) == 0
        with pytest.raises(ValueError, match="不是工作日"):
            worklogs.save_log(user("mgr1"), date(2024, 10, 19), {}, [])
        with pytest.raises(ValueError, match="本人名下"):
            worklogs.save_log(user("mgr1"), DAY, {}, [{"client_id": ids["colleague"]}])
        with pytest.raises(PermissionError):
            worklogs.save_log(user("head1"), DAY, {}, [])


def test_a_log_may_be_written_on_a_weekend_or_holiday_with_work(org, ids, login_as):
    sunday, holiday = date(2024, 10, 20), date(2024, 10, 3)  # a Sunday; 国庆节
    with org.app_context():
        visit(db.session.get(Client, ids["own"]), datetime(2024, 10, 20, 20, 30), kind="phone")
        visit(db.session.get(Client, ids["own2"]), datetime(2024, 10, 3, 9, 0), kind="sms")
        assert worklogs.log_writable(user("mgr1"), sunday)
        assert not worklogs.log_writable(user("mgr1"), date(2024, 10, 19))  # no contacts
        assert not worklogs.log_writable(user("mgr2"), sunday)  # mgr1's work, not mgr2's
    mgr1 = login_as("mgr1")
    page = mgr1.get("/work/logs?month=2024-10").get_data(as_text=True)
    assert (
        'href="/work/logs/2024-10-20/edit"' in page and 'href="/work/logs/2024-10-03/edit"' in page
    )
    assert 'href="/work/logs/2024-10-19/edit"' not in page
    assert mgr1.get("/work/logs/2024-10-20/edit").status_code == 200
    saved = mgr1.post_form("/work/logs/2024-10-20/edit", {"insights": "晚间电话回访"})
    assert saved.status_code == 302
    refused = mgr1.post_form("/work/logs/2024-10-19/edit", {"insights": "周六"})
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/work/logs")
    with org.app_context():
        assert worklogs.log_of(ids["mgr1"], sunday).insights == "晚间电话回访"
        assert worklogs.log_of(ids["mgr1"], date(2024, 10, 19)) is None
        with pytest.raises(ValueError, match="不是工作日"):
            worklogs.save_log(user("mgr2"), sunday, {}, [])
        month = worklogs.month_of(user("mgr1"), date(2024, 10, 1))
        working = [d for d in month.days if d.workday]
        assert month.due == len(working) == 19  # only working days are due (12 Oct 调休)
        assert month.written == 1 and month.missing == 19  # the Sunday's log is extra
        assert holiday in {d.day for d in month.days if d.writable and not d.workday}


# ------------------------------------------------------------------------ weekly summary


def test_week_counts_and_points_come_from_core_visits_and_new_clients(org, ids):
    with org.app_context():
        own2 = db.session.get(Client, ids["own2"])  # each of mgr1's clients: a home visit
        for day in (14, 16, 20):
            visit(own2, datetime(2024, 10, day, 11), kind="phone")
        visit(own2, datetime(2024, 10, 20, 23, 59), kind="onsite")
        visit(own2, datetime(2024, 10, 18, 9), kind="phone", core_client=False)  # not core
        visit(own2, datetime(2024, 10, 18, 10), kind="email")  # not a visit
        visit(own2, datetime(2024, 10, 21, 0, 0), kind="home")  # next week (Beijing)
        visit(own2, datetime(2024, 10, 13, 23, 59), kind="home")  # last week
        new_client("mgr1", "孙新", opened_on=date(2024, 10, 16))  # 新增客户
        new_client("mgr1", "周旧", opened_on=date(2024, 10, 13))  # last week's
        week = weekly.week_of(user("mgr1"), WEEK)
        assert week.counts == {"home": 2, "phone": 3, "onsite": 1, "new_client": 1}
        assert week.points == 14  # 2×4 + 3×1 + 1×1 + 1×2
        assert [week.points_of(k) for k in week.counts] == [8, 3, 1, 2]
        assert any("李四" in line and "home 的拜访内容" in line for line in week.contents["home"])
        assert week.contents["new_client"] == [f"孙新（{_account('孙新')}）10/16"]
        assert weekly.week_of(user("mgr2"), WEEK).counts["home"] == 1  # mgr2's own visit


def test_a_client_handed_over_and_straight_back_is_handed_over_to_nobody(org, ids):
    with org.app_context():
        mgr1, mgr2 = user("mgr1"), user("mgr2")
        before = {m: weekly.week_of(m, WEEK).counts["new_client"] for m in (mgr1, mgr2)}
        back_and_forth = new_client("mgr1", "钱往返")  # mgr1's since 2019
        handed_over = new_client("mgr1", "吴移交")
        for client, manager, day in (
            (back_and_forth, mgr2, 15),  # a mistake …
            (back_and_forth, mgr1, 16),  # … corrected the next day
            (handed_over, mgr2, 17),  # for good
        ):
            client.manager_id = manager.id
            db.session.add(
                ClientAssignment(
                    client_id=client.id, manager_id=manager.id, since=date(2024, 10, day)
                )
            )
        db.session.commit()
        after = {m: weekly.week_of(m, WEEK) for m in (mgr1, mgr2)}
        assert after[mgr1].counts["new_client"] == before[mgr1]
        assert after[mgr1].handovers == []
        # 移交 (SPEC §6): listed in mgr2's week, scoring nothing.
        assert after[mgr2].counts["new_client"] == before[mgr2]
        assert after[mgr2].handovers == [f"吴移交（{_account('吴移交')}）10/17"]
        later = weekly.week_of(mgr2, WEEK + timedelta(days=7))
        assert later.handovers == []


def _account(name: str) -> str:
    return db.session.scalar(select(Client.fund_account).where(Client.name == name))


def test_plan_achieved_gap_uses_last_weeks_submitted_plan(org, ids):
    with org.app_context():
        mgr1 = user("mgr1")
        plans = {"plan_home": 3, "plan_phone": 0, "plan_onsite": 1, "plan_new_client": 2}
        weekly.save_summary(mgr1, WEEK - timedelta(days=7), plans)  # a draft: no plan yet
        assert weekly.week_of(mgr1, WEEK).planned == dict.fromkeys(
            ("home", "phone", "onsite", "new_client"), 0
        )
        weekly.save_summary(mgr1, WEEK - timedelta(days=7), plans, submit=True)
        weekly.save_summary(mgr1, WEEK, {"plan_home": 5})
        week = weekly.week_of(mgr1, WEEK)
        table = {r.key: (r.planned, r.achieved, r.gap_text, r.next_plan) for r in week.plan_rows}
        assert table == {
            "home": (3, 2, "1", 5),
            "phone": (0, 0, "0", 0),
            "onsite": (1, 0, "1", 0),
            "new_client": (2, 0, "2", 0),
        }
        assert week.planned_points == 3 * 4 + 1 + 2 * 2


def test_the_manager_submits_then_it_is_locked_and_the_head_comments(org, ids, login_as):
    mgr1 = login_as("mgr1")
    url = f"/work/weeks/{ids['mgr1']}/{WEEK}"
    page = mgr1.get(url).get_data(as_text=True)
    assert "提交营业部" in page and 'class="week-points">8<' in page  # two home visits
    fields = {
        "work_news": "协助举办投资研讨会",
        "client_feedback": "希望多推送研究报告",
        "own_suggestions": "增加联谊活动",
        "summary": "计划基本完成",
        "plan_home": "2",
        "plan_phone": "10",
        "plan_onsite": "3",
        "plan_new_client": "1",
    }
    response = mgr1.post_form(f"/work/weeks/{WEEK}", fields | {"plan_phone": "-1"})
    assert response.status_code == 422
    assert "应为0到999之间的整数。" in response.get_data(as_text=True)
    assert mgr1.post_form(f"/work/weeks/{WEEK}", fields | {"action": "save"}).status_code == 302
    with org.app_context():
        assert db.session.scalar(select(WeeklySummary.status)) == "draft"
    assert login_as("branch_head").get(url).get_data(as_text=True).count("保存点评") == 0
    assert mgr1.post_form(f"/work/weeks/{WEEK}", fields | {"action": "submit"}).status_code == 302
    page = mgr1.get(url).get_data(as_text=True)
    assert 'value="submit"' not in page and "协助举办投资研讨会" in page
    mgr1.post_form(f"/work/weeks/{WEEK}", fields | {"summary": "改过了", "action": "save"})
    with org.app_context():
        summary = db.session.scalar(select(WeeklySummary))
        assert (summary.status, summary.summary) == ("submitted", "计划基本完成")
    head = login_as("branch_head")
    overview = head.get(f"/work/weeks/branch?week={WEEK}").get_data(as_text=True)
    assert "李明" in overview and "陈静" in overview and "赵磊" not in overview
    assert "协助举办投资研讨会" in overview and "已提交 1 / 2" in overview
    response = head.post_form(
        f"/work/weeks/{ids['mgr1']}/{WEEK}/comment", {"head_comment": "继续保持", "next": "branch"}
    )
    assert response.status_code == 302 and "/work/weeks/branch" in response.headers["Location"]
    assert "继续保持" in mgr1.get(url).get_data(as_text=True)
    # Comments only on submitted summaries, only by the branch's head.
    assert (
        head.post_form(
            f"/work/weeks/{ids['mgr2']}/{WEEK}/comment", {"head_comment": "x"}
        ).status_code
        == 404
    )
    assert mgr1.post_form(f"{url}/comment", {"head_comment": "x"}).status_code == 403


def test_branch_week_side_by_side_with_totals(org, ids):
    with org.app_context():
        visit(db.session.get(Client, ids["colleague"]), datetime(2024, 10, 16, 9), kind="phone")
        new_client("mgr2", "钱新", opened_on=date(2024, 10, 18))
        overview = weekly.branch_week(user("head1").branch_id, WEEK)
        assert [w.manager.username for w in overview.weeks] == ["mgr1", "mgr2"]
        assert [w.points for w in overview.weeks] == [8, 4 + 1 + 2]
        assert overview.totals == {"home": 3, "phone": 1, "onsite": 0, "new_client": 1}
        assert overview.points == 15


def test_a_handed_over_client_is_listed_as_handed_over_and_scores_nothing(org, ids):
    with org.app_context():
        this_week = workdays.week_start(china_today())
        before = weekly.week_of(user("mgr2"), this_week)
        clients.reassign(db.session.get(Client, ids["own"]), user("mgr2"), user("head1"))
        week = weekly.week_of(user("mgr2"), this_week)
        assert week.counts["new_client"] == before.counts["new_client"]
        assert week.points == before.points
        assert len(week.handovers) == len(before.handovers) + 1
        history = db.session.execute(
            select(ClientAssignment.manager_id, ClientAssignment.since)
            .where(ClientAssignment.client_id == ids["own"])
            .order_by(ClientAssignment.id)
        ).all()
        assert history == [(ids["mgr1"], date(2019, 6, 1)), (ids["mgr2"], china_today())]


# ------------------------------------------------------------------------ scope and home


def test_a_manager_never_sees_another_managers_records(org, ids, login_as):
    with org.app_context():
        worklogs.save_log(user("mgr1"), DAY, {"insights": "李明的心得"}, [])
        weekly.save_summary(user("mgr1"), WEEK, {"summary": "李明的总结"}, submit=True)
        worklogs.save_log(user("mgr3"), DAY, {"insights": "赵磊的心得"}, [])
        head1 = user("head1")
        seen = {log.manager.username for log in db.session.scalars(scope.scoped(WorkLog, head1))}
        assert seen == {"mgr1"}
        assert db.session.scalars(scope.scoped(WorkLog, user("mgr2"))).all() == []
    mgr2 = login_as("mgr2")
    for url in (
        f"/work/logs/{ids['mgr1']}/{DAY}",
        f"/work/logs/{ids['mgr1']}/{DAY}/annex02.pdf",
        f"/work/weeks/{ids['mgr1']}/{WEEK}",
        f"/work/weeks/{ids['mgr1']}/{WEEK}/annex05.pdf",
        f"/work/visits/{ids['mgr1']}/annex07.pdf",
        f"/work/contacts/{ids['own_visit']}",
    ):
        assert mgr2.get(url).status_code == 404, url
    # A manager asking for another manager's contacts or logs: 404, never their own instead.
    assert mgr2.get(f"/work/contacts?manager={ids['mgr1']}").status_code == 404
    assert mgr2.get(f"/work/logs?manager={ids['mgr1']}").status_code == 404
    page = mgr2.get(f"/work/contacts?manager={ids['mgr2']}").get_data(as_text=True)
    assert "王五" in page and "李四" not in page
    head = login_as("branch_head")
    assert "李明的心得" in head.get(f"/work/logs/{ids['mgr1']}/{DAY}").get_data(as_text=True)
    assert head.get(f"/work/logs/{ids['mgr3']}/{DAY}").status_code == 404
    assert head.get(f"/work/contacts/{ids['elsewhere_visit']}").status_code == 404
    listed = head.get("/work/contacts").get_data(as_text=True)
    assert "李四" in listed and "王五" in listed and "赵六" not in listed
    assert login_as("hq").get(f"/work/logs/{ids['mgr3']}/{DAY}").status_code == 200


def test_home_page_shows_the_managers_day(org, ids, login_as):
    now = to_local(utcnow()).replace(second=0, microsecond=0)
    with org.app_context():
        own = db.session.get(Client, ids["own"])
        contacts.log_contact(
            own,
            {"kind": "home", "status": "planned", "at": now.replace(hour=23, minute=59)},
            user("mgr1"),
        )
        visit(own, now, kind="phone")
        weekly_points = weekly.week_of(user("mgr1"), workdays.week_start(now.date())).points
    page = login_as("mgr1").get("/").get_data(as_text=True)
    assert "今日计划拜访" in page and "23:59" in page and "李四 · 上门拜访" in page
    assert '<strong class="today-done">1</strong>' in page
    assert f'<strong class="week-points-home">{weekly_points}</strong>' in page
    if workdays.is_workday(now.date()):
        assert "填写今天的日志" in page
    assert "今日计划拜访" not in login_as("branch_head").get("/").get_data(as_text=True)


def test_an_account_opened_in_the_week_is_a_new_client_even_handed_over_in_it(org, ids):
    """新增客户 are accounts opened in the week for the manager; an account opened for one
    manager and handed to another in the same week is the second's 移交, nobody's 新增."""
    with org.app_context():
        mgr1, mgr2 = user("mgr1"), user("mgr2")
        before = {m.id: weekly.week_of(m, WEEK) for m in (mgr1, mgr2)}
        new_client("mgr1", "郑新开", opened_on=date(2024, 10, 15))
        moved = new_client("mgr1", "冯转手", opened_on=date(2024, 10, 15))
        moved.manager_id = mgr2.id
        db.session.add(
            ClientAssignment(client_id=moved.id, manager_id=mgr2.id, since=date(2024, 10, 16))
        )
        db.session.commit()
        after = {m.id: weekly.week_of(m, WEEK) for m in (mgr1, mgr2)}
        assert after[mgr1.id].counts["new_client"] == before[mgr1.id].counts["new_client"] + 1
        assert after[mgr1.id].points == before[mgr1.id].points + 2
        assert after[mgr2.id].counts["new_client"] == before[mgr2.id].counts["new_client"]
        assert after[mgr2.id].handovers[-1] == f"冯转手（{_account('冯转手')}）10/16"
