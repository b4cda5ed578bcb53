"""The inquiry register (首问负责制, Art. 29, 31, 36, 44, 47): ownership and hand-over,
after-hours notes, the e-mail due date on the home page, scoping, bad input, the trail."""

from datetime import date, datetime

import pytest
from activity_data import setup_branch, user
from inquiry_data import log
from sqlalchemy import select, text

from portal.domain.beijing import china_today, to_utc
from portal.extensions import db
from portal.models import AuditLog
from portal.models.inquiry import Inquiry
from portal.services import inquiries, todos


@pytest.fixture
def branch(org):
    with org.app_context():
        return setup_branch()


def _get(org, inquiry_id: int) -> Inquiry:
    with org.app_context():
        record = db.session.get(Inquiry, inquiry_id)
        db.session.expunge(record)
        return record


def _new_form(**values) -> dict:
    form = {
        "channel": "phone",
        "client_id": "",
        "q": "",
        "asker_name": "",
        "asker_phone": "",
        "question": "可转债怎么申购？",
        "received_at": "2030-01-02T10:00",
        "told_client": "",
        "follow_up_on": "",
    }
    return form | values


# ------------------------------------------------------------------- ownership, hand-over


def test_the_first_responder_owns_it_and_the_colleague_is_recorded_beside_them(
    org, branch, login_as, monkeypatch
):
    monkeypatch.setattr("portal.blueprints.advice.forms.china_now", lambda: datetime(2030, 2, 1))
    mgr1, mgr2 = login_as("mgr1"), login_as("mgr2")
    response = mgr1.post_form("/inquiries/new", _new_form(client_id=str(branch["own"])))
    assert response.status_code == 302, response.get_data(as_text=True)
    inquiry_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with org.app_context():
        mgr1_id, mgr2_id = user("mgr1").id, user("mgr2").id
    assert _get(org, inquiry_id).owner_id == mgr1_id

    # mgr2 (same branch, not the client's manager) does not see it until asked.
    assert mgr2.get(f"/inquiries/{inquiry_id}").status_code == 404
    response = mgr1.post_form(
        f"/inquiries/{inquiry_id}/colleague",
        {"colleague_id": str(mgr2_id), "colleague_note": "请讲解申购流程"},
    )
    assert response.status_code == 302
    record = _get(org, inquiry_id)
    assert (record.owner_id, record.colleague_id) == (mgr1_id, mgr2_id)
    assert record.colleague_asked_at is not None
    assert "陈静" in mgr1.get(f"/inquiries/{inquiry_id}").get_data(as_text=True)

    # The colleague now sees it, may answer, but cannot take it over or pass it on.
    assert mgr2.get(f"/inquiries/{inquiry_id}").status_code == 200
    with org.app_context():
        head_id = user("head1").id
    for path, data in (
        ("colleague", {"colleague_id": str(head_id)}),
        ("colleague", {"colleague_id": str(mgr2_id)}),
        ("after-hours", {"told_client": "明天回复"}),
    ):
        assert mgr2.post_form(f"/inquiries/{inquiry_id}/{path}", data).status_code == 403
    assert _get(org, inquiry_id).owner_id == mgr1_id
    assert _get(org, inquiry_id).colleague_id == mgr2_id

    response = mgr2.post_form(f"/inquiries/{inquiry_id}/answer", {"answer": "您好！申购流程如下……"})
    assert response.status_code == 302
    record = _get(org, inquiry_id)
    assert (record.owner_id, record.answered_by_id) == (mgr1_id, mgr2_id)
    assert record.answered_at is not None and record.answer == "您好！申购流程如下……"
    # Answered: no second answer, no hand-over any more.
    assert mgr1.post_form(f"/inquiries/{inquiry_id}/answer", {"answer": "再答"}).status_code == 422
    assert _get(org, inquiry_id).answer == "您好！申购流程如下……"


def test_the_service_never_moves_the_ownership(org, branch):
    with org.app_context():
        record = log("mgr1", branch["own"])
        for refused in (
            lambda: inquiries.ask_colleague(record, user("mgr1").id, "", user("mgr1")),
            lambda: inquiries.ask_colleague(record, user("mgr3").id, "", user("mgr1")),
            lambda: inquiries.ask_colleague(record, user("mgr2").id, "", user("counter1")),
            lambda: inquiries.answer(record, "好的", user("counter1")),
        ):
            with pytest.raises(inquiries.InquiryRefused):
                refused()
        inquiries.ask_colleague(record, user("counter1").id, "", user("mgr1"))
        inquiries.ask_colleague(record, user("mgr2").id, "改请陈静", user("mgr1"))
        assert record.owner_id == user("mgr1").id
        assert record.colleague_id == user("mgr2").id
        with pytest.raises(inquiries.InquiryRefused):  # counter1 is no longer asked
            inquiries.answer(record, "好的", user("counter1"))


def test_there_is_no_delete_and_every_change_leaves_a_trace(org, branch, login_as):
    with org.app_context():
        record = log("mgr1", branch["own"])
        inquiries.ask_colleague(record, user("mgr2").id, "", user("mgr1"))
        inquiries.answer(record, "您好，已为您查询。", user("mgr2"))
        rows = db.session.scalars(
            select(AuditLog.field).where(
                AuditLog.record_type == "inquiries", AuditLog.record_id == record.id
            )
        ).all()
        assert {"colleague_id", "answer", "answered_by_id"} <= set(rows)
        record_id = record.id
    assert all("DELETE" not in rule.methods for rule in org.url_map.iter_rules())
    assert not [r for r in org.url_map.iter_rules() if "delete" in r.rule and "inquir" in r.rule]
    page = login_as("mgr1").get(f"/history/inquiries/{record_id}")
    assert page.status_code == 200
    assert "您好，已为您查询。" in page.get_data(as_text=True)
    assert login_as("mgr3").get(f"/history/inquiries/{record_id}").status_code == 404


# --------------------------------------------------------------------------- after hours


def test_after_hours_asks_what_the_client_was_told_and_sets_the_follow_up(
    org, branch, login_as, monkeypatch
):
    monkeypatch.setattr("portal.blueprints.advice.forms.china_now", lambda: datetime(2030, 2, 1))
    mgr1 = login_as("mgr1")
    friday_evening = _new_form(received_at="2030-01-04T19:30", client_id=str(branch["own"]))
    response = mgr1.post_form("/inquiries/new", friday_evening)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "非工作时间受理的咨询，请记录告知客户的内容。" in html
    assert "可转债怎么申购？" in html  # typed values kept
    response = mgr1.post_form("/inquiries/new", friday_evening | {"told_client": "周一上午回电"})
    assert response.status_code == 302
    record = _get(org, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert record.after_hours
    assert record.follow_up_on == date(2030, 1, 7)  # the next working day, Monday
    assert record.told_client == "周一上午回电"
    # The follow-up day must be a working day.
    response = mgr1.post_form(
        "/inquiries/new",
        friday_evening | {"told_client": "周一回电", "follow_up_on": "2030-01-05"},
    )
    assert response.status_code == 422
    assert "跟进日期应为工作日。" in response.get_data(as_text=True)


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("values", "message", "kept"),
    [
        ({}, "请搜索选择客户，或填写非客户咨询人的姓名。", "可转债怎么申购？"),
        ({"asker_name": "张先生", "asker_phone": "abc电话"}, "请填写有效的电话号码", "abc电话"),
        ({"asker_name": "张先生", "channel": "fax"}, "不是有效的选择", "张先生"),
        ({"asker_name": "张先生", "received_at": "2030-13-40T10:00"}, "受理时间", "张先生"),
        ({"asker_name": "张先生", "question": ""}, "请填写咨询内容。", "张先生"),
        ({"client_id": "999999", "q": "谁"}, "这位客户不在您可选择的客户中", "可转债怎么申购？"),
    ],
)
def test_bad_input_is_422_with_every_typed_value_kept(org, branch, login_as, values, message, kept):
    response = login_as("counter1").post_form("/inquiries/new", _new_form(**values))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert kept in html
    with org.app_context():
        assert db.session.scalar(select(Inquiry.id)) is None


def test_bad_answer_and_colleague_input_are_422(org, branch, login_as):
    with org.app_context():
        record_id = log("mgr1", branch["own"]).id
    mgr1 = login_as("mgr1")
    response = mgr1.post_form(f"/inquiries/{record_id}/answer", {"answer": "  "})
    assert response.status_code == 422
    assert "请填写答复内容。" in response.get_data(as_text=True)
    response = mgr1.post_form(f"/inquiries/{record_id}/colleague", {"colleague_id": "abc"})
    assert response.status_code == 422
    with org.app_context():
        mgr3 = user("mgr3").id  # another branch: not offered, refused
    response = mgr1.post_form(
        f"/inquiries/{record_id}/colleague", {"colleague_id": str(mgr3), "colleague_note": "帮忙"}
    )
    assert response.status_code == 422
    assert "帮忙" in response.get_data(as_text=True)
    assert _get(org, record_id).colleague_id is None


# ------------------------------------------------------------------- e-mail, to-do list


def _email_todo(org, username: str, today: date):
    with org.app_context():
        items = {i.key: i for i in todos.for_user(user(username), today)}
        return items["inquiries.email"]


def test_an_email_is_due_on_the_owners_and_the_heads_home_page_and_red_when_late(org, branch):
    with org.app_context():
        # Friday 4 January 2030, 10:00 → due Tuesday 8 January.
        record = log("counter1", branch["own"], "email", at=datetime(2030, 1, 4, 10))
        assert record.due_on == date(2030, 1, 8)
        log("mgr3", branch["elsewhere"], "email", at=datetime(2030, 1, 4, 10))
        record_id = record.id
    for username in ("counter1", "head1"):
        item = _email_todo(org, username, date(2030, 1, 8))
        assert (item.count, item.overdue) == (1, False)
        item = _email_todo(org, username, date(2030, 1, 9))
        assert (item.count, item.overdue) == (1, True)
    # Not on a colleague's list, nor the client's manager's (they are not its owner).
    assert _email_todo(org, "mgr1", date(2030, 1, 9)).count == 0
    with org.app_context():
        inquiries.answer(db.session.get(Inquiry, record_id), "您好！", user("counter1"))
    assert _email_todo(org, "counter1", date(2030, 1, 9)).count == 0
    assert _email_todo(org, "head1", date(2030, 1, 9)).count == 0


def test_the_home_page_shows_an_overdue_email_in_red(org, branch, login_as):
    with org.app_context():
        record = log("mgr1", branch["own"], "email")
        record.received_at = to_utc(datetime(2020, 1, 6, 10))
        record.due_on = date(2020, 1, 8)
        db.session.commit()
    html = login_as("mgr1").get("/").get_data(as_text=True)
    item = html.split('data-todo="inquiries.email"')[0].rsplit("<li", 1)[1]
    assert "overdue" in item
    assert china_today() > date(2020, 1, 8)


# ---------------------------------------------------------------------------- scoping


def test_a_manager_sees_their_own_the_head_the_branch_another_branch_404(org, branch, login_as):
    with org.app_context():
        own = log("mgr1").id
        of_own_client = log("counter1", branch["own"]).id
        colleagues = log("mgr2", branch["colleague"]).id
        elsewhere = log("mgr3", branch["elsewhere"]).id

    def listed(who):
        html = login_as(who).get("/inquiries/").get_data(as_text=True)
        every = (own, of_own_client, colleagues, elsewhere)
        return {i for i in every if f'data-inquiry="{i}"' in html}

    assert listed("mgr1") == {own, of_own_client}
    assert listed("counter1") == {of_own_client}
    assert listed("head1") == {own, of_own_client, colleagues}
    assert listed("hq") == {own, of_own_client, colleagues, elsewhere}
    assert login_as("mgr1").get(f"/inquiries/{colleagues}").status_code == 404
    assert login_as("head1").get(f"/inquiries/{elsewhere}").status_code == 404
    answer = {"answer": "x"}
    assert login_as("mgr3").post_form(f"/inquiries/{own}/answer", answer).status_code == 404
    # HQ reads, never writes.
    assert login_as("hq").post_form(f"/inquiries/{own}/answer", answer).status_code == 403


def test_the_mine_filter_and_the_client_file(org, branch, login_as):
    with org.app_context():
        mine = log("mgr1", branch["own"], question="我自己受理的问题").id
        other = log("counter1", branch["own"], question="柜台受理的问题").id
    html = login_as("mgr1").get("/inquiries/?mine=1").get_data(as_text=True)
    assert f'data-inquiry="{mine}"' in html and f'data-inquiry="{other}"' not in html
    page = login_as("mgr1").get(f"/clients/{branch['own']}").get_data(as_text=True)
    assert 'id="inquiries"' in page
    assert "我自己受理的问题" in page and "柜台受理的问题" in page


def test_a_non_clients_phone_is_masked_but_for_whoever_calls_back(org, branch, login_as):
    with org.app_context():
        record_id = log("counter1").id
    assert "13900002222" in login_as("counter1").get(f"/inquiries/{record_id}").get_data(
        as_text=True
    )
    html = login_as("hq").get(f"/inquiries/{record_id}").get_data(as_text=True)
    assert "13900002222" not in html and "139****2222" in html
    with org.app_context():
        raw = db.session.execute(text("SELECT asker_phone FROM inquiries")).scalar()
    assert raw != "13900002222"  # sealed at rest


def test_the_demo_has_every_channel_late_emails_a_hand_over_and_a_non_client(demo_clients):
    from portal.demo.inquiries import seed_inquiries

    with demo_clients.app_context():
        made = seed_inquiries()
        assert made > 8
        assert seed_inquiries() == 0  # idempotent
        records = db.session.scalars(select(Inquiry)).all()
        today = china_today()
        assert {r.channel for r in records} == {"visit", "phone", "online", "email"}
        assert len([r for r in records if r.overdue(today)]) >= 2
        assert any(r.answered for r in records)
        assert any(r.colleague_id and r.colleague_id != r.owner_id for r in records)
        assert any(r.client_id is None and r.asker_name for r in records)
        assert any(r.after_hours and r.told_client and r.follow_up_on for r in records)
        assert any(r.review_state == "flagged" for r in records)  # Art. 44, for the head
        # Nothing is dated before the client's account was opened.
        assert all(r.client is None or r.received_on >= r.client.opened_on for r in records)


# ------------------------------------------------------------------ Art. 44 screening


def test_a_forbidden_answer_is_saved_and_flagged_for_the_head(org, branch, login_as):
    with org.app_context():
        rude = log("counter1", branch["own"]).id
        polite = log("counter1", branch["own"]).id
    counter, head = login_as("counter1"), login_as("head1")
    page = counter.get(f"/inquiries/{rude}").get_data(as_text=True)
    assert "文明用语（第四十四条）" in page  # the courteous phrases beside the answer
    response = counter.post_form(f"/inquiries/{rude}/answer", {"answer": "不知道。"})
    assert response.status_code == 302
    note = "这个问题我不知道怎么回答，我问一下同事再回复您。"
    assert counter.post_form(f"/inquiries/{polite}/answer", {"answer": note}).status_code == 302
    assert _get(org, rude).answer == "不知道。"  # saved all the same
    assert _get(org, rude).review_state == "flagged"
    assert _get(org, polite).review_state == "clear"

    with org.app_context():
        item = {i.key: i for i in todos.for_user(user("head1"), china_today())}
        assert item["inquiries.flagged"].count == 1
    html = head.get(f"/inquiries/{rude}").get_data(as_text=True)
    assert "答复待审核" in html and "第四十四条" in html
    assert counter.post_form(f"/inquiries/{rude}/review").status_code == 403
    assert head.post_form(f"/inquiries/{rude}/review").status_code == 302
    record = _get(org, rude)
    assert record.review_state == "cleared" and record.reviewed_at is not None
    with org.app_context():
        item = {i.key: i for i in todos.for_user(user("head1"), china_today())}
        assert item["inquiries.flagged"].count == 0


def test_hqs_holiday_table_wins_over_the_calendar_for_the_due_date(org, branch):
    from portal.services import calendar

    with org.app_context():
        # Friday 4 January 2030 → Tuesday 8 January; HQ declares Monday 7 January off.
        assert log("mgr1", branch["own"], "email", at=datetime(2030, 1, 4, 10)).due_on == date(
            2030, 1, 8
        )
        calendar.save_entry(
            None, {"day": date(2030, 1, 7), "workday": False, "note": "调休"}, user("hq")
        )
        record = log("mgr1", branch["own"], "email", at=datetime(2030, 1, 4, 10))
        assert record.due_on == date(2030, 1, 9)
        # …and a Saturday it declares worked counts, for the hours too.
        calendar.save_entry(
            None, {"day": date(2030, 1, 5), "workday": True, "note": "调休上班"}, user("hq")
        )
        record = log("mgr1", branch["own"], "email", at=datetime(2030, 1, 5, 10))
        assert not record.after_hours
        assert record.due_on == date(2030, 1, 9)  # Tuesday 8, Wednesday 9 (7 is off)
