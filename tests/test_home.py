"""The home page's to-do list (portal.services.todos and each capability's ``todos``): the
counts of each role on records built here, the links that resolve them, and a query count
that does not grow with the records.

Records are built with the small helpers of ``activity_data`` and the services themselves.
``TODAY`` is Wednesday 16 October 2024: this week's working days before it are the 14th and
15th, last week (7–13 October) had working days after the national holiday, and September's
meeting is last month's.
"""

import html
import re
from datetime import date, datetime
from decimal import Decimal

import inquiry_data
import pytest
from activity_data import new_client, setup_branch, user
from answers import HIGHEST
from sqlalchemy import event

from portal.extensions import db
from portal.models import Client, MonthlyReview, User, WeeklySummary
from portal.services import (
    advice,
    calendar,
    classification,
    contacts,
    risk,
    todos,
    weekly,
    worklogs,
)

TODAY = date(2024, 10, 16)
LAST_MONDAY = date(2024, 10, 7)
FLAGGED = "这只股票是今年的大黑马，跟着买稳赚。"


def counts(username: str, today: date = TODAY) -> dict[str, int]:
    return {item.key: item.count for item in todos.for_user(user(username), today)}


def plan(client: Client, at: datetime):
    """A home visit the client's manager plans at Beijing time ``at``."""
    manager = db.session.get(User, client.manager_id)
    return contacts.log_contact(client, {"kind": "home", "status": "planned", "at": at}, manager)


def give_advice(client: Client, text: str = "继续持有。", at=datetime(2024, 10, 15, 2)):
    """Advice of the client's manager at UTC ``at``; ``FLAGGED`` text flags it for review."""
    data = {"category": "个股", "product_code": "stock", "question": "要不要卖？"}
    manager = db.session.get(User, client.manager_id)
    return advice.record_advice(client, data | {"advice": text, "given_at": at}, manager)


def sign(month: date, held_on: date) -> MonthlyReview:
    """head1 holds and signs the month's meeting of the first branch."""
    head = user("head1")
    review = advice.save_review(head.branch_id, month, {"held_on": held_on, "minutes": "纪要"})
    advice.sign_off(review, head)
    return review


def propose() -> None:
    head = user("head1")
    classification.propose_threshold(2025, Decimal("2.5"), head.branch_id, head, "营业部申请")


@pytest.fixture
def branch(ctx, org):
    """setup_branch's clients (mgr1: own, own2; mgr2: colleague; mgr3: elsewhere), none
    assessed; ``own`` assessed 高 so that advice may be given to it."""
    ids = setup_branch()
    own = db.session.get(Client, ids["own"])
    risk.record_assessment(own, HIGHEST, user("counter1"))
    db.session.commit()
    return ids


# ------------------------------------------------------------------------------ manager


def test_a_manager_with_nothing_done_has_every_item_due(branch):
    got = counts("mgr1")
    assert got["visits.today"] == 0
    assert got["logs.missing"] == 2  # Monday 14th and Tuesday 15th
    assert got["weeks.submit"] == 1
    assert got["advice.returned"] == 0
    assert got["risk.pending"] == 1  # own2 (own is assessed)


def test_manager_counts_follow_their_records(branch):
    own = db.session.get(Client, branch["own"])
    mgr1 = user("mgr1")
    plan(own, datetime(2024, 10, 16, 9))
    plan(own, datetime(2024, 10, 16, 15))
    plan(own, datetime(2024, 10, 17, 9))  # tomorrow
    plan(own, datetime(2024, 10, 14, 9))  # Monday, never done
    colleague = db.session.get(Client, branch["colleague"])
    plan(colleague, datetime(2024, 10, 16, 10))  # mgr2's
    worklogs.save_log(mgr1, date(2024, 10, 14), {"insights": "心得"}, [])
    weekly.save_summary(mgr1, LAST_MONDAY, {"summary": "总结"}, submit=True)
    returned = give_advice(own, FLAGGED)
    advice.review(returned, "return", "请改写", user("head1"))
    give_advice(own, FLAGGED)  # flagged, not yet returned: nothing for the manager to do
    risk.record_assessment(db.session.get(Client, branch["own2"]), HIGHEST, user("counter1"))
    db.session.commit()

    got = counts("mgr1")
    assert got["visits.today"] == 2
    assert got["visits.overdue"] == 1
    assert got["logs.missing"] == 1
    assert got["weeks.submit"] == 0
    assert got["advice.returned"] == 1
    assert got["risk.pending"] == 0
    assert counts("mgr2")["visits.today"] == 1


def test_a_draft_summary_is_still_to_submit(branch):
    weekly.save_summary(user("mgr1"), LAST_MONDAY, {"summary": "草稿"})
    assert counts("mgr1")["weeks.submit"] == 1


def test_on_monday_no_log_of_the_week_is_missing(branch):
    assert counts("mgr1", date(2024, 10, 14))["logs.missing"] == 0


def test_the_overdue_come_first_and_the_done_last(branch):
    items = todos.for_user(user("mgr1"), TODAY)
    keys = [item.key for item in items]
    assert keys[:2] == ["logs.missing", "weeks.submit"]  # overdue, by rank
    assert all(item.done for item in items[keys.index("visits.today") :])


# ------------------------------------------------------------------------- branch head


def test_branch_head_counts(branch):
    own = db.session.get(Client, branch["own"])
    mgr1, head = user("mgr1"), user("head1")
    give_advice(own, FLAGGED)
    give_advice(own, FLAGGED, at=datetime(2024, 9, 20, 2))
    give_advice(own)  # clear
    weekly.save_summary(mgr1, LAST_MONDAY, {"summary": "总结"}, submit=True)
    weekly.save_summary(user("mgr2"), LAST_MONDAY, {"summary": "总结"}, submit=True)
    reviewed = db.session.scalars(db.select(WeeklySummary).filter_by(manager_id=mgr1.id)).one()
    weekly.comment(reviewed, "很好", head)
    worklogs.save_log(mgr1, date(2024, 10, 15), {"insights": "心得"}, [])
    worklogs.save_log(user("mgr3"), date(2024, 10, 15), {"insights": "心得"}, [])  # other branch
    propose()

    got = counts("head1")
    assert got["advice.review"] == 2
    assert got["weeks.comment"] == 1  # mgr2's
    assert got["logs.absent"] == 1  # mgr2 wrote no log on the 15th
    assert got["thresholds.pending"] == 1
    assert got["advice.meeting"] == 1  # September's meeting was never held
    items = {item.key: item for item in todos.for_user(head, TODAY)}
    assert items["advice.review"].args == {"state": "flagged", "month": "2024-09"}
    assert items["weeks.comment"].args == {"week": "2024-10-07"}


def test_the_months_meeting_is_due_at_month_end_and_done_once_signed(branch):
    head = user("head1")
    sign(date(2024, 9, 1), date(2024, 9, 30))
    meeting = {item.key: item for item in todos.for_user(head, TODAY)}["advice.meeting"]
    assert (meeting.count, meeting.args) == (0, {"month": "2024-10"})  # not yet month end
    assert counts("head1", date(2024, 10, 31))["advice.meeting"] == 1  # last working day
    sign(date(2024, 10, 1), date(2024, 10, 31))
    assert counts("head1", date(2024, 10, 31))["advice.meeting"] == 0


def test_last_months_meeting_held_but_unsigned_is_overdue(branch):
    head = user("head1")
    advice.save_review(head.branch_id, date(2024, 9, 1), {"held_on": date(2024, 9, 30)})
    item = {item.key: item for item in todos.for_user(head, TODAY)}["advice.meeting"]
    assert (item.count, item.overdue, item.note) == (1, True, "上月例会未签署")


# ----------------------------------------------------------------------------- counter


def test_counter_counts(branch):
    new_client("mgr1", "钱七", opened_on=TODAY)
    assessed = new_client("mgr2", "孙八", opened_on=TODAY)
    new_client("mgr3", "周九", opened_on=TODAY)  # other branch
    risk.record_assessment(assessed, HIGHEST, user("counter1"))
    db.session.commit()
    got = counts("counter1")
    assert got["risk.new_accounts"] == 1
    assert got["risk.pending"] == 3  # own2, colleague, 钱七


# ---------------------------------------------------------------------------------- HQ


def test_hq_counts(branch):
    propose()
    assert counts("hq") == {
        "thresholds.decide": 1,
        "advice.unsigned": 2,
        "quarterly.unsubmitted": 2,
    }
    sign(date(2024, 9, 1), date(2024, 9, 30))
    item = {item.key: item for item in todos.for_user(user("hq"), TODAY)}["advice.unsigned"]
    assert item.count == 1
    assert item.args == {"month": "2024-09", "branch": user("mgr3").branch_id}


# --------------------------------------------------------------------- the page itself

INQUIRY_ITEMS = {"inquiries.email", "inquiries.follow_up", "inquiries.asked"}
ROLE_ITEMS = {
    "manager": {"visits.today", "visits.overdue", "logs.missing", "weeks.submit"}
    | {"advice.returned", "risk.pending"}
    | INQUIRY_ITEMS
    | {"care.birthdays", "care.at_risk", "prospects.overdue", "sms.due"},
    "branch_head": {"advice.review", "weeks.comment", "logs.absent", "advice.meeting"}
    | {"thresholds.pending"}
    | INQUIRY_ITEMS
    | {"inquiries.flagged", "quarterly.submit", "prospects.overdue", "sms.due"},
    "counter": {"risk.new_accounts", "risk.pending"} | INQUIRY_ITEMS,
    "hq": {"thresholds.decide", "advice.unsigned", "quarterly.unsubmitted"},
}


TODO_LINK = re.compile(r'<li class="todo[^"]*" data-todo="([^"]+)">\s*<a href="([^"]+)"')


@pytest.mark.parametrize("role", list(ROLE_ITEMS))
def test_each_role_sees_its_items_and_each_link_opens(login_as, role):
    """Every item of the role is on the page, and the page its link names lets the user in."""
    client = login_as(role)
    body = client.get("/").get_data(as_text=True)
    links = {key: html.unescape(href) for key, href in TODO_LINK.findall(body)}
    assert set(links) == ROLE_ITEMS[role]
    for key, href in links.items():
        assert client.get(href).status_code == 200, (key, href)


def test_a_managers_home_keeps_the_days_panel(login_as):
    body = login_as("manager").get("/").get_data(as_text=True)
    assert 'id="today"' in body and "本周积分" in body
    assert 'id="today"' not in login_as("branch_head").get("/").get_data(as_text=True)


def test_the_home_page_asks_for_a_login(client, org):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_counter_staff_open_the_pending_list_of_their_branch(login_as, ctx, branch):
    body = login_as("counter").get("/risk/pending").get_data(as_text=True)
    assert "欧阳明" in body and "王五" in body  # own2 (mgr1), colleague (mgr2)
    assert "赵六" not in body  # the other branch's


# ---------------------------------------------------------------------- query count


class Statements:
    """Counts the SQL statements the engine runs while active."""

    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1

    def during(self, call, cold: bool = True) -> int:
        """The statements of ``call``; ``cold``: from a session that holds nothing loaded (the
        test's own context shares the app's session)."""
        if cold:
            db.session.expire_all()
        self.count = 0
        event.listen(db.engine, "before_cursor_execute", self)
        try:
            call()
        finally:
            event.remove(db.engine, "before_cursor_execute", self)
        return self.count


def _more_records(branch: dict, n: int) -> None:
    """``n`` more of everything each role's list counts."""
    own = db.session.get(Client, branch["own"])
    for i in range(n):
        plan(own, datetime(2024, 10, 16, 8 + i))
        plan(own, datetime(2024, 10, 10, 8 + i))
        give_advice(own, FLAGGED, at=datetime(2024, 9, 1 + i, 2))
        new_client("mgr1", "钱七", opened_on=TODAY)
        new_client("mgr2", "孙八")
        inquiry_data.log("mgr1", branch["own"], "email")
        inquiry_data.log("counter1", channel="email")
    propose()
    db.session.commit()


@pytest.mark.parametrize("role", list(ROLE_ITEMS))
def test_the_home_page_costs_the_same_queries_however_many_records(login_as, ctx, branch, role):
    client = login_as(role)
    statements = Statements()
    before = statements.during(lambda: client.get("/"))
    _more_records(branch, 6)
    after = statements.during(lambda: client.get("/"))
    assert after == before
    someone = user(DEMO[role])
    calendar.overrides()  # HQ's holiday table: one query a request, shared by every kind
    one_per_kind = statements.during(lambda: todos.for_user(someone, TODAY), cold=False)
    assert one_per_kind == len(ROLE_ITEMS[role])


DEMO = {"manager": "mgr1", "branch_head": "head1", "counter": "counter1", "hq": "hq"}
