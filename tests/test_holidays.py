"""HQ's holiday table (节假日安排): an entry wins over the official calendar everywhere the
portal counts working days; only HQ keeps it; every change is in the trail."""

from datetime import date

import factories
import pytest
from access import uncovered_routes, wrong_statuses
from sqlalchemy import select

from portal.blueprints.advice.todos import last_workday_of_month
from portal.domain import workdays
from portal.extensions import db
from portal.models import AuditLog, CalendarDay
from portal.services import calendar, worklogs

SATURDAY = date(2030, 1, 5)  # a Saturday, past chinesecalendar's years
TUESDAY = date(2030, 1, 8)

MATRIX = {
    "/holidays/": [302, 403, 403, 403, 200],
    "/holidays/?year=2027": [302, 403, 403, 403, 200],
    "/holidays/{entry}/edit": [302, 403, 403, 403, 200],
    "/holidays/999999/edit": [302, 403, 403, 403, 404],
    "/history/calendar_days/{entry}": [302, 404, 404, 404, 200],
}


def _enter(day: date, workday: bool, note: str = "调休") -> CalendarDay:
    return calendar.save_entry(
        None, {"day": day, "workday": workday, "note": note}, factories.user("hq")
    )


def test_a_saturday_made_a_working_day_and_a_weekday_made_a_holiday_change_the_count(org):
    with org.test_request_context():
        assert not calendar.is_workday(SATURDAY) and calendar.is_workday(TUESDAY)
        assert calendar.add_workdays(date(2030, 1, 4), 2) == date(2030, 1, 8)
        _enter(SATURDAY, True, "调休上班")
        _enter(TUESDAY, False, "补假")
        assert calendar.is_workday(SATURDAY) and not calendar.is_workday(TUESDAY)
        assert calendar.overrides() == {SATURDAY: True, TUESDAY: False}
        # Friday + 2 working days: Saturday (调休), Monday; + 3 skips the Tuesday off.
        assert calendar.add_workdays(date(2030, 1, 4), 2) == date(2030, 1, 7)
        assert calendar.add_workdays(date(2030, 1, 4), 3) == date(2030, 1, 9)
        assert calendar.previous_workday(date(2030, 1, 7)) == SATURDAY
        assert list(calendar.workdays_between(SATURDAY, TUESDAY)) == [SATURDAY, date(2030, 1, 7)]
        # The domain alone, without the table, still says otherwise.
        assert not workdays.is_workday(SATURDAY)


def test_the_services_that_count_working_days_follow_the_table(org):
    with org.test_request_context():
        end = date(2030, 11, 30)  # a Saturday: the month's meeting day is Friday the 29th
        assert last_workday_of_month(end) == date(2030, 11, 29)
        assert not worklogs.may_write_on(end, date(2030, 12, 2), contacts_done=0)
        _enter(end, True)
        assert last_workday_of_month(end) == end
        assert worklogs.may_write_on(end, date(2030, 12, 2), contacts_done=0)


def test_the_table_is_read_once_per_request(org):
    with org.test_request_context():
        _enter(SATURDAY, True)
        first = calendar.overrides()
        db.session.add(CalendarDay(day=TUESDAY, workday=False, note="x", entered_by_id=1))
        db.session.flush()
        assert calendar.overrides() is first  # the request's copy
        calendar.forget()
        assert TUESDAY in calendar.overrides()
        db.session.rollback()


@pytest.mark.parametrize("year", [2027, 2030])
def test_hq_enters_changes_and_deletes_an_entry_in_a_year_past_the_package(org, login_as, year):
    hq = login_as("hq")
    page = hq.get(f"/holidays/?year={year}").get_data(as_text=True)
    assert f"{year}年" in page and "国庆节" in page and "春节" in page
    saturday = date(year, 10, 9) if date(year, 10, 9).weekday() == 5 else date(year, 10, 10)
    day = saturday.isoformat()
    response = hq.post_form(
        f"/holidays/?year={year}", {"day": day, "workday": "1", "note": "国庆调休上班"}
    )
    assert response.status_code == 302
    page = hq.get(f"/holidays/?year={year}").get_data(as_text=True)
    assert day in page and "国庆调休上班" in page and "工作日（调休上班）" in page
    with org.test_request_context():
        entry = calendar.entry_on(saturday)
        assert calendar.is_workday(saturday) and entry.entered_by.username == "hq"
        entry_id = entry.id
    edited = hq.post_form(
        f"/holidays/{entry_id}/edit", {"day": day, "workday": "0", "note": "更正"}
    )
    assert edited.status_code == 302
    refused = hq.post_form(f"/holidays/{entry_id}/delete", {"reason": ""})
    assert refused.status_code == 422 and "请填写删除原因" in refused.get_data(as_text=True)
    assert hq.post_form(f"/holidays/{entry_id}/delete", {"reason": "录错了"}).status_code == 302
    with org.app_context():
        assert calendar.entry_on(saturday) is None
        trail = db.session.execute(
            select(AuditLog.action, AuditLog.field, AuditLog.new_value).where(
                AuditLog.record_type == "calendar_days", AuditLog.record_id == entry_id
            )
        ).all()
    assert ("update", "workday", "否") in trail and ("update", "note", "录错了") in trail
    assert any(action == "delete" for action, _, _ in trail)
    history = hq.get(f"/history/calendar_days/{entry_id}").get_data(as_text=True)
    assert "录错了" in history


def test_adding_a_date_that_has_an_entry_changes_it(org, login_as):
    hq = login_as("hq")
    for note in ("调休", "更正说明"):
        hq.post_form("/holidays/", {"day": "2030-01-05", "workday": "1", "note": note})
    with org.app_context():
        assert [e.note for e in db.session.scalars(select(CalendarDay))] == ["更正说明"]


def test_moving_an_entry_onto_a_date_with_its_own_entry_is_refused(org, login_as):
    with org.test_request_context():
        _enter(SATURDAY, True)
        other = _enter(TUESDAY, False).id
    response = login_as("hq").post_form(
        f"/holidays/{other}/edit", {"day": SATURDAY.isoformat(), "workday": "0", "note": "补假"}
    )
    assert response.status_code == 422 and "这一天已有安排" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "data",
    [
        {"day": "2030-13-01", "workday": "1", "note": "调休说明"},
        {"day": "1800-01-01", "workday": "1", "note": "调休说明"},
        {"day": "2030-01-05", "workday": "x", "note": "调休说明"},
        {"day": "2030-01-05", "workday": "1", "note": ""},
        {"day": "2030-01-05", "workday": "1", "note": "调休说明" * 60},
    ],
)
def test_bad_input_is_refused_with_every_typed_value_kept(org, login_as, data):
    response = login_as("hq").post_form("/holidays/", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'class="error"' in html
    assert data["day"] in html and (data["note"][:20] in html)
    with org.app_context():
        assert db.session.scalar(select(CalendarDay.id)) is None


@pytest.mark.parametrize("year", ["abc", "99999", "0", "-1"])
def test_a_hand_edited_year_gets_this_years_page(org, login_as, year):
    assert login_as("hq").get(f"/holidays/?year={year}").status_code == 200


def test_access_matrix(org, login_as):
    with org.test_request_context():
        ids = {"entry": _enter(SATURDAY, True).id}
    assert wrong_statuses(org, login_as, MATRIX, ids) == []


def test_only_hq_sees_the_menu_entry(org, login_as):
    for role in ("manager", "counter", "branch_head"):
        assert "/holidays/" not in login_as(role).get("/").get_data(as_text=True)
    assert 'href="/holidays/"' in login_as("hq").get("/").get_data(as_text=True)


def test_every_get_route_is_in_the_matrix(app):
    assert uncovered_routes(app, MATRIX, {"holidays"}) == []


def test_the_demo_has_a_worked_saturday_and_two_contact_changes_once(book):
    from portal.demo.holidays import seed_holidays
    from portal.models import ContactChange
    from portal.models.audit import acting_as

    with book.app_context(), acting_as("seed"):
        assert seed_holidays() > 5
        entries = db.session.scalars(select(CalendarDay)).all()
        assert any(e.workday and e.day.weekday() == 5 for e in entries)
        assert any(not e.workday and e.day.weekday() < 5 for e in entries)
        changes = db.session.scalars(select(ContactChange)).all()
        assert len(changes) == 2 and {c.evidence_kind for c in changes} == {"recording", "letter"}
        assert seed_holidays() == 0
