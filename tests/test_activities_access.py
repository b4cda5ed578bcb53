"""Access matrix of a manager's activity pages: every GET route × every role.

{own…}: records of mgr1 (李明); {colleague…}: of mgr2 (same branch); {elsewhere…}: of mgr3
(第二营业部). Counter staff keep accounts, not visits: 403 everywhere."""

from datetime import datetime

import pytest
from access import uncovered_routes
from activity_data import DAY, WEEK, setup_branch, user
from sqlalchemy import select

from portal.extensions import db
from portal.models import Client, Contact
from portal.services import contacts, weekly, worklogs

ROLES = ["anonymous", "manager", "counter", "branch_head", "hq"]
MINE, BRANCH, ALL = [302, 200, 403, 200, 200], [302, 404, 403, 200, 200], [302, 404, 403, 404, 200]
OWN_ONLY, NONE_OF_MINE = [302, 200, 403, 403, 403], [302, 404, 403, 403, 403]

MATRIX = {
    "/work/contacts": MINE,
    "/work/contacts/{own_visit}": MINE,
    "/work/contacts/{colleague_visit}": BRANCH,
    "/work/contacts/{elsewhere_visit}": ALL,
    "/work/contacts/{own_visit}/edit": OWN_ONLY,
    "/work/contacts/{colleague_visit}/edit": NONE_OF_MINE,
    "/work/contacts/{own_visit}/evaluation": OWN_ONLY,
    "/work/contacts/{colleague_visit}/evaluation": NONE_OF_MINE,
    "/work/contacts/{own_plan}/readiness": OWN_ONLY,
    "/work/contacts/{own_plan}/complete": OWN_ONLY,
    "/work/contacts/{own_visit}/annex06.pdf": MINE,
    "/work/contacts/{colleague_visit}/annex06.pdf": BRANCH,
    "/work/contacts/{elsewhere_visit}/annex06.pdf": ALL,
    "/work/visits/{mgr1}/annex07.pdf": MINE,
    "/work/visits/{mgr2}/annex07.pdf": BRANCH,
    "/work/visits/{mgr3}/annex07.pdf": ALL,
    "/work/logs": MINE,
    "/work/logs/{mgr1}/{day}": MINE,
    "/work/logs/{mgr2}/{day}": BRANCH,
    "/work/logs/{mgr3}/{day}": ALL,
    "/work/logs/{mgr1}/{day}/annex02.pdf": MINE,
    "/work/logs/{mgr2}/{day}/annex02.pdf": BRANCH,
    "/work/logs/{mgr3}/{day}/annex02.pdf": ALL,
    "/work/logs/{day}/edit": OWN_ONLY,
    "/work/logs/consultation-row?index=1": OWN_ONLY,
    "/work/weeks": [302, 200, 403, 302, 302],
    "/work/weeks/branch": [302, 403, 403, 200, 200],
    "/work/weeks/{mgr1}/{week}": MINE,
    "/work/weeks/{mgr2}/{week}": BRANCH,
    "/work/weeks/{mgr3}/{week}": ALL,
    "/work/weeks/{mgr1}/{week}/annex05.pdf": MINE,
    "/work/weeks/{mgr2}/{week}/annex05.pdf": BRANCH,
    "/work/weeks/{mgr3}/{week}/annex05.pdf": ALL,
}

RATED = {"rating": "良", "went_well": "", "to_improve": "", "next_time": ""}


def _records() -> dict:
    """setup_branch, plus for each manager a self-evaluation of the visit, the day's log and
    the week's summary, and a planned home visit of mgr1."""
    ids = setup_branch() | {"day": DAY, "week": WEEK}
    for key, username in (("own", "mgr1"), ("colleague", "mgr2"), ("elsewhere", "mgr3")):
        manager = user(username)
        contact = db.session.get(Contact, ids[f"{key}_visit"])
        aspects = {a: RATED for a in ("preparation", "etiquette", "communication")}
        aspects |= {a: RATED for a in ("knowledge", "technique")}
        contacts.save_evaluation(contact, {"evaluated_on": DAY, **aspects}, manager)
        worklogs.save_log(manager, DAY, {"insights": "心得"}, [])
        weekly.save_summary(manager, WEEK, {"summary": "总结"})
    own = db.session.scalar(select(Client).where(Client.id == ids["own"]))
    ids["own_plan"] = contacts.log_contact(
        own, {"kind": "home", "status": "planned", "at": datetime(2030, 1, 2, 10)}, user("mgr1")
    ).id
    return ids


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(org, login_as, role):
    """One role per test (one set-up and one login), every route of the matrix."""
    with org.app_context():
        ids = _records()
    client = org.test_client() if role == "anonymous" else login_as(role)
    column = ROLES.index(role)
    wrong = {}
    for path, expected in MATRIX.items():
        url = path.format(**ids)
        status = client.get(url).status_code
        if status != expected[column]:
            wrong[url] = (status, expected[column])
    assert wrong == {}, f"{role}: (got, expected) {wrong}"


def test_every_get_route_is_in_the_matrix(app):
    assert uncovered_routes(app, MATRIX, {"activities"}) == []


def test_writes_are_the_managers_own(org, login_as):
    """POST routes: another manager gets 404, the branch head 403, nothing changes."""
    with org.app_context():
        ids = _records()
    posts = [
        f"/work/contacts/{ids['own_visit']}/edit",
        f"/work/contacts/{ids['own_visit']}/evaluation",
        f"/work/contacts/{ids['own_plan']}/readiness",
        f"/work/contacts/{ids['own_plan']}/complete",
        f"/work/contacts/{ids['own_plan']}/cancel",
        f"/work/clients/{ids['own']}/contacts",
    ]
    for url in posts:
        assert login_as("mgr2").post_form(url, {"content": "x"}).status_code == 404, url
        assert login_as("branch_head").post_form(url, {"content": "x"}).status_code == 403, url
    with org.app_context():
        assert db.session.get(Contact, ids["own_plan"]).status == "planned"
        assert db.session.get(Contact, ids["own_visit"]).content == "home 的拜访内容"
