"""Client events (Art. 50.4, 50.8, 50.11): recorded with their attendees, on each attendee's
file, in the manager's week (not in 附件5's points), in the branch's figures for the quarterly
report; corrections kept in the trail, nothing deleted."""

import re
from datetime import date, timedelta

import factories
import pytest
from sqlalchemy import select
from test_events_access import event_of

from portal.domain.beijing import china_today
from portal.domain.workdays import week_end, week_start
from portal.extensions import db
from portal.models import AuditLog
from portal.models.event import ClientEvent, EventAttendance
from portal.services import events, weekly


def _id(name: str) -> int:
    return factories.client_named(name).id


def _event_id(response) -> int:
    return int(re.search(r"/events/(\d+)$", response.headers["Location"])[1])


@pytest.fixture
def lecture(book, login_as):
    """head1's 理财大讲堂 yesterday (or today on a Monday, to stay in this week), with 李明 (mgr1's
    client) and 王五 (mgr2's) recorded through the pages."""
    head = login_as("branch_head")
    today = china_today()
    held = today if today.weekday() == 0 else today - timedelta(days=1)
    response = head.post_form(
        "/events/new",
        {
            "kind": "lecture",
            "held_on": held.isoformat(),
            "topic": "养老目标基金入门",
            "speaker": "王建国",
            "place": "多功能厅",
        },
    )
    assert response.status_code == 302
    event_id = _event_id(response)
    with book.app_context():
        for name in ("李明", "王五"):
            url = f"/events/{event_id}/attendees"
            assert head.post_form(url, {"client_id": _id(name)}).status_code == 302
    return event_id


def test_an_event_is_on_each_attendees_file_and_only_the_visible_attendees_are_named(
    book, lecture, login_as
):
    with book.app_context():
        li, wang = _id("李明"), _id("王五")
    for who, client_id in (("mgr1", li), ("mgr2", wang), ("branch_head", wang)):
        html = login_as(who).get(f"/clients/{client_id}").get_data(as_text=True)
        assert 'id="client-events"' in html
        assert "养老目标基金入门" in html and "理财大讲堂" in html
    # mgr1 sees their own client at the event, not mgr2's, and is told there is one more.
    html = login_as("mgr1").get(f"/events/{lecture}").get_data(as_text=True)
    assert "李明" in html and "王五" not in html and "另有 1 位" in html
    # Counter staff read client files, not events: no panel.
    html = login_as("counter").get(f"/clients/{li}").get_data(as_text=True)
    assert 'id="client-events"' not in html


def test_a_manager_adds_their_own_clients_only_and_the_head_only_the_branchs(
    book, lecture, login_as
):
    with book.app_context():
        wang, zhao = _id("王五"), _id("赵六")
        ouyang = _id("欧阳修")
    mgr1 = login_as("mgr1")
    response = mgr1.post_form(f"/events/{lecture}/attendees", {"client_id": wang})
    assert response.status_code == 422
    assert "不在您可选择的客户中" in response.get_data(as_text=True)
    assert mgr1.post_form(f"/events/{lecture}/attendees", {"client_id": ouyang}).status_code == 302
    response = login_as("branch_head").post_form(
        f"/events/{lecture}/attendees", {"client_id": zhao}
    )
    assert response.status_code == 422  # 赵六 is a client of the other branch
    twice = login_as("branch_head").post_form(f"/events/{lecture}/attendees", {"client_id": wang})
    assert twice.status_code == 422 and "已登记为到场客户" in twice.get_data(as_text=True)
    with book.app_context():
        names = {a.client.name for a in db.session.get(ClientEvent, lecture).attendances}
        assert names == {"李明", "王五", "欧阳修"}


def test_the_week_counts_the_managers_clients_attendances_and_not_in_the_points(
    book, lecture, login_as
):
    with book.app_context():
        mgr1, mgr2, head = (factories.user(n) for n in ("mgr1", "mgr2", "head1"))
        event = db.session.get(ClientEvent, lecture)
        monday = week_start(event.held_on)
        before = weekly.week_of(mgr1, monday).points
        week = events.week_of(mgr1, monday, week_end(monday))
        by_kind = {r.kind: (r.events, r.attendances) for r in week["rows"]}
        assert by_kind["lecture"] == (0, 1)  # head1 organised it; one client of mgr1 came
        assert week["total_attendances"] == 1 and week["events"] == [event]
        own = event_of("mgr1", held_on=event.held_on, kind="social")
        events.add_attendee(own, factories.client_named("单田芳"), mgr1)
        week = events.week_of(mgr1, monday, week_end(monday))
        assert (week["total_events"], week["total_attendances"]) == (1, 2)
        assert events.week_of(mgr2, monday, week_end(monday))["total_attendances"] == 1
        assert events.week_of(head, monday, week_end(monday))["total_events"] == 1
        # The week before counts none of it; 附件5's points are as they were.
        earlier = monday - timedelta(days=7)
        assert events.week_of(mgr1, earlier, earlier + timedelta(days=6))["total_attendances"] == 0
        assert weekly.week_of(mgr1, monday).points == before
        mgr1_id = mgr1.id
    html = login_as("mgr1").get(f"/work/weeks/{mgr1_id}/{monday}").get_data(as_text=True)
    section = html[html.index('id="week-events"') :]
    assert re.search(r"理财大讲堂</td><td class=\"num\">0</td><td class=\"num\">1</td>", section)
    assert "不计入附件5积分" in section


def test_counts_for_a_known_period(book):
    with book.app_context():
        head, mgr1 = factories.user("head1"), factories.user("mgr1")
        first, last = date(2026, 10, 1), date(2026, 12, 31)
        inside = event_of("head1", kind="lecture", held_on=date(2026, 10, 1))
        for name in ("李明", "单田芳", "王五"):
            events.add_attendee(inside, factories.client_named(name), head)
        withdrawn = inside.attendances[-1]
        events.withdraw_attendee(withdrawn, "登记有误", head)
        seminar = event_of("mgr1", kind="seminar", held_on=date(2026, 11, 30))
        events.add_attendee(seminar, factories.client_named("欧阳修"), mgr1)
        event_of("mgr1", kind="training", held_on=date(2026, 9, 30))  # the day before
        event_of("mgr3", kind="social", held_on=date(2026, 11, 1))  # the other branch
        result = events.counts(head.branch_id, first, last)
        assert list(result) == ["seminar", "social", "lecture", "training"]
        assert result["lecture"] == {"label": "理财大讲堂", "events": 1, "attendances": 2}
        assert result["seminar"] == {"label": "投资研讨会", "events": 1, "attendances": 1}
        assert result["social"]["events"] == 0 and result["training"]["events"] == 0
        other = factories.user("mgr3").branch_id
        assert events.counts(other, first, last)["social"] == {
            "label": "客户联谊",
            "events": 1,
            "attendances": 0,
        }


def test_a_withdrawn_attendance_is_kept_with_its_reason_and_audited(book, lecture, login_as):
    head = login_as("branch_head")
    with book.app_context():
        attendance = db.session.scalar(
            select(EventAttendance).where(EventAttendance.client_id == _id("王五"))
        )
        url = f"/events/{lecture}/attendees/{attendance.id}/withdraw"
        wang = attendance.client_id
    response = head.post_form(url, {"reason": "  "})
    assert response.status_code == 422 and "请填写撤销原因" in response.get_data(as_text=True)
    assert head.post_form(url, {"reason": "客户当天未到场"}).status_code == 302
    with book.app_context():
        attendance = db.session.get(EventAttendance, attendance.id)
        assert attendance.withdrawn and attendance.withdrawn_reason == "客户当天未到场"
        trail = db.session.scalars(
            select(AuditLog).where(
                AuditLog.record_type == "client_event_attendances",
                AuditLog.record_id == attendance.id,
                AuditLog.field == "withdrawn_reason",
            )
        ).all()
        assert [(t.old_value, t.new_value) for t in trail][-1] == ("", "客户当天未到场")
        assert (
            events.counts(attendance.event.branch_id, date(2000, 1, 1), china_today())["lecture"][
                "attendances"
            ]
            == 1
        )
    html = head.get(f"/clients/{wang}").get_data(as_text=True)
    assert "已撤销：客户当天未到场" in html
    # The client's own trail holds the attendance.
    html = head.get(f"/history/clients/{wang}").get_data(as_text=True)
    assert "客户当天未到场" in html
    # Entered again correctly: the same row is back.
    with book.app_context():
        again = head.post_form(f"/events/{lecture}/attendees", {"client_id": wang})
        assert again.status_code == 302
        assert db.session.get(EventAttendance, attendance.id).withdrawn_at is None


def test_bad_input_is_refused_with_the_typed_values_kept(book, login_as):
    mgr1 = login_as("mgr1")
    future = china_today() + timedelta(days=3)
    data = {"kind": "", "held_on": future.isoformat(), "topic": "新能源行业研讨", "speaker": ""}
    response = mgr1.post_form("/events/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="新能源行业研讨"' in html and "请选择活动类型" in html and "请填写主讲人" in html
    data |= {"kind": "seminar", "speaker": "李明"}
    response = mgr1.post_form("/events/new", data)
    assert response.status_code == 422
    assert "不能晚于今天" in response.get_data(as_text=True)
    response = mgr1.post_form("/events/new", data | {"held_on": "2026-02-30"})
    assert response.status_code == 422
    with book.app_context():
        assert db.session.scalar(select(ClientEvent.id)) is None


def test_an_event_is_corrected_by_its_organiser_or_the_head_and_the_change_audited(
    book, lecture, login_as
):
    with book.app_context():
        event = db.session.get(ClientEvent, lecture)
        data = {"kind": "lecture", "held_on": event.held_on.isoformat(), "speaker": "王建国"}
    assert login_as("mgr1").post_form(f"/events/{lecture}/edit", data).status_code == 403
    response = login_as("branch_head").post_form(
        f"/events/{lecture}/edit", data | {"topic": "养老目标基金进阶"}
    )
    assert response.status_code == 302
    with book.app_context():
        change = db.session.scalar(
            select(AuditLog).where(
                AuditLog.record_type == "client_events",
                AuditLog.record_id == lecture,
                AuditLog.field == "topic",
                AuditLog.action == "update",
            )
        )
        assert (change.old_value, change.new_value) == ("养老目标基金入门", "养老目标基金进阶")


def test_the_list_is_scoped_to_the_branch(book, lecture, login_as):
    with book.app_context():
        event_of("mgr3", topic="第二营业部的研讨会")
    month = china_today().strftime("%Y-%m")
    previous = (china_today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    for who, sees_other in (("mgr1", False), ("branch_head", False), ("hq", True)):
        html = "".join(
            login_as(who).get(f"/events/?month={m}").get_data(as_text=True)
            for m in (month, previous)
        )
        assert "养老目标基金入门" in html
        assert ("第二营业部的研讨会" in html) is sees_other


def test_demo_events_and_profiles(demo_clients):
    from portal.demo.events import EVENTS, seed_events

    with demo_clients.app_context():
        assert seed_events() == len(EVENTS)
        assert seed_events() == 0  # idempotent
        made = db.session.scalars(select(ClientEvent)).all()
        assert {e.kind for e in made} == {"seminar", "social", "lecture", "training"}
        assert len({e.branch_id for e in made}) == 2
        assert all(e.attendances for e in made)
        assert any(a.withdrawn for e in made for a in e.attendances)
        for name in ("第一营业部", "第二营业部"):
            branch = factories.branch(name)
            assert branch.services and branch.offers and branch.latest_events
