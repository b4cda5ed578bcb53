"""The permission table (portal.services.permissions) against what the app really does.

* Every guarded route answers 403 to the roles the table leaves out of its action, and
  something else to the roles it names (anonymous users go to the login page).
* A page's button, link or form for an action is there exactly when the view behind it lets
  the user in: the test looks at the page, then sends the request the button would send.
* The navigation's entries name the action their page requires.

{own…}: records of mgr1 (李明) in the first branch, where head1 and counter1 work too.
"""

from datetime import datetime
from decimal import Decimal

import inquiry_data
import pytest
from activity_data import DAY, WEEK, setup_branch, user
from answers import HIGHEST
from werkzeug.routing import RequestRedirect

from portal.domain import review
from portal.domain.beijing import china_today
from portal.extensions import db
from portal.models import ROLES, Client, Contact, TurnoverThreshold
from portal.services import advice, classification, contacts, risk, weekly, worklogs
from portal.services.permissions import PERMISSIONS
from portal.templating import NAVIGATION

ROLE_NAMES = list(ROLES)

# action → the requests that need it: every route guarded by the action ("POST …", else GET).
ROUTES: dict[str, list[str]] = {
    "client.create": ["/clients/new", "/clients/related-row?index=1"],
    "client.edit": [
        "/clients/{own}/edit",
        "POST /clients/{own}/figures",
    ],
    "client.reassign": ["POST /clients/{own}/reassign"],
    "clients.export": ["/clients/export.csv"],
    "sms.read": ["/sms/"],
    "sms.write": ["POST /sms/queue"],
    "sms.outbox": [
        "/sms/outbox",
        "POST /sms/outbox/batch",
        "/sms/batches/1.csv",
        "POST /sms/batches/1/sent",
    ],
    "sms.templates": ["/sms/templates", "POST /sms/templates"],
    "prospects.read": ["/prospects/", "/prospects/1"],
    "prospects.write": [
        "/prospects/new",
        "POST /prospects/1/follow-ups",
        "/prospects/1/open-account",
    ],
    "imports.run": [
        "/imports/",
        "POST /imports/figures",
        "POST /imports/figures/confirm",
        "POST /imports/clients",
        "POST /imports/clients/confirm",
    ],
    "care.read": ["/care/", "/care/birthdays"],
    "care.write": [
        "POST /care/clients/{own}/retentions",
        "POST /care/clients/{own}/close-requests",
    ],
    "risk.assess": [
        "/clients/{own}/assessments/new",
        "POST /assessments/{assessment}/scan",
    ],
    "risk.disclosure": ["POST /clients/{own}/disclosures"],
    "risk.pending": ["/risk/pending"],
    "risk.daily_report": ["/risk/daily", "/risk/daily.pdf"],
    "risk.daily_deliver": ["POST /risk/daily/deliver"],
    "risk.daily_ack": ["POST /risk/daily/1/acknowledge"],
    "questionnaire.load": [
        "/risk/questionnaires",
        "POST /risk/questionnaires",
        "POST /risk/questionnaires/publish",
    ],
    "risk.levels": ["/risk/levels", "/risk/levels.pdf", "/risk/levels.xlsx"],
    "risk.fund_export": ["/risk/fund-platform.csv"],
    "work.read": [
        "/work/contacts",
        "/work/contacts/{own_visit}",
        "/work/contacts/{own_visit}/annex06.pdf",
        "/work/visits/{mgr1}/annex07.pdf",
        "/work/logs",
        "/work/logs/{mgr1}/{day}",
        "/work/logs/{mgr1}/{day}/annex02.pdf",
        "/work/weeks",
        "/work/weeks/{mgr1}/{week}",
        "/work/weeks/{mgr1}/{week}/annex05.pdf",
    ],
    "contacts.write": [
        "POST /work/clients/{own}/contacts",
        "/work/contacts/{own_visit}/edit",
        "/work/contacts/{own_visit}/evaluation",
        "/work/contacts/{own_plan}/readiness",
        "/work/contacts/{own_plan}/complete",
        "POST /work/contacts/{own_plan}/cancel",
    ],
    "logs.write": ["/work/logs/{day}/edit", "/work/logs/consultation-row"],
    "weeks.write": ["POST /work/weeks/{week}"],
    "weeks.comment": ["POST /work/weeks/{mgr1}/{week}/comment"],
    "weeks.branch": ["/work/weeks/branch"],
    "advice.read": [
        "/advice/",
        "/advice/{advice}",
        "/advice/{advice}.pdf",
        "/advice/daily",
        "/advice/daily.pdf",
        "/advice/weekly",
        "/advice/weekly.pdf",
    ],
    "advice.write": [
        "/advice/new",
        "/advice/{advice}/edit",
        "POST /advice/{advice}/followups",
    ],
    "advice.review": ["POST /advice/{advice}/review"],
    "advice.delete": ["POST /advice/{advice}/delete"],
    "meeting.read": ["/advice/review", "/advice/review.pdf"],
    "meeting.hold": ["POST /advice/review", "POST /advice/review/sign"],
    "inquiries.read": ["/inquiries/", "/inquiries/{inquiry}"],
    "inquiries.write": [
        "/inquiries/new",
        "POST /inquiries/{inquiry}/colleague",
        "POST /inquiries/{inquiry}/after-hours",
        "POST /inquiries/{inquiry}/answer",
    ],
    "inquiries.review": ["POST /inquiries/{inquiry}/review"],
    # Client events and the branch profile: ids that need no record (404 inside the scope);
    # tests/test_events_access.py opens real ones.
    "events.read": ["/events/", "/events/1"],
    "events.write": [
        "/events/new",
        "/events/1/edit",
        "POST /events/1/attendees",
        "POST /events/1/attendees/1/withdraw",
    ],
    "profile.read": ["/branch-profile/"],
    "profile.edit": ["/branch-profile/edit", "POST /branch-profile/edit"],
    "profile.all": [
        "/branch-profile/all",
        "/branch-profile/all.csv",
        "/branch-profile/all.xlsx",
    ],
    "quarterly.read": ["/quarterly/", "/quarterly/report.pdf"],
    "quarterly.submit": ["POST /quarterly/submit"],
    "quarterly.all": ["/quarterly/all", "/quarterly/all.xlsx", "/quarterly/all.pdf"],
    "spotchecks.read": ["/quarterly/spot-checks"],
    "spotchecks.write": [
        "/quarterly/spot-checks/new",
        "POST /quarterly/spot-checks/new",
        "/quarterly/spot-checks/1/edit",
        "POST /quarterly/spot-checks/1/edit",
    ],
    "reports.read": [
        "/archive/annex4",
        "/archive/annex4.pdf",
        "/archive/annex4.xlsx",
        "/archive/exports",
        "POST /archive/exports",
        "/archive/exports/no-such-job",
        "/archive/exports/no-such-job/download",
        "POST /archive/exports/no-such-job/retry",
        "/classification/overview",
    ],
    "thresholds.manage": ["/classification/thresholds", "POST /classification/bands"],
    "thresholds.set": [
        "POST /classification/thresholds/{proposal}/decision",
        "POST /classification/bands/1/decision",
    ],
    "users.read": [
        "/users/",
        "/users/{mgr2}",
        "/users/{mgr2}/card.pdf",
    ],
    "users.manage": [
        "/users/new",
        "/users/{mgr2}/edit",
        "POST /users/{mgr2}/active",
    ],
    "branches.manage": [
        "/admin/branches",
        "/admin/branches/new",
        "/admin/branches/1/edit",
    ],
    "holidays.manage": [
        "/holidays/",
        "POST /holidays/",
        "/holidays/1/edit",
        "POST /holidays/1/delete",
    ],
}

IN_VIEW = {"POST /advice/review"}
"""Requests whose view checks the action inside (the page itself needs a wider one)."""

Button = tuple[str, tuple[str, str], str]


def link(url: str, action: str) -> Button:
    """A link to ``url``, for ``action``."""
    return f'href="{url}"', ("GET", url), action


def form(url: str, action: str) -> Button:
    """A form posting to ``url``, for ``action``."""
    return f'action="{url}"', ("POST", url), action


# page → its buttons: (what marks the button in the HTML, the request it makes, the action).
BUTTONS: dict[str, list[Button]] = {
    "/clients/": [link("/clients/new", "client.create")],
    "/clients/{own}": [
        link("/clients/{own}/edit", "client.edit"),
        form("/clients/{own}/figures", "client.edit"),
        form("/clients/{own}/reassign", "client.reassign"),
        link("/advice/new?client={own}", "advice.write"),
        link("/clients/{own}/assessments/new", "risk.assess"),
        form("/clients/{own}/disclosures", "risk.disclosure"),
        form("/work/clients/{own}/contacts", "contacts.write"),
        ('id="contacts"', ("GET", "/work/contacts/{own_visit}"), "work.read"),  # the panel
        ('id="advice"', ("GET", "/advice/{advice}"), "advice.read"),
    ],
    "/assessments/{assessment}": [form("/assessments/{assessment}/scan", "risk.assess")],
    "/risk/pending": [link("/clients/{own2}/assessments/new", "risk.assess")],
    "/advice/": [
        link("/advice/new", "advice.write"),
        ('href="/advice/review?month=', ("GET", "/advice/review"), "meeting.read"),
    ],
    "/advice/{advice}": [
        link("/advice/{advice}/edit", "advice.write"),
        form("/advice/{advice}/followups", "advice.write"),
        form("/advice/{advice}/review", "advice.review"),
        form("/advice/{advice}/delete", "advice.delete"),
    ],
    "/advice/review": [
        ("保存会议记录", ("POST", "/advice/review"), "meeting.hold"),
        ('action="/advice/review/sign', ("POST", "/advice/review/sign"), "meeting.hold"),
    ],
    "/inquiries/": [link("/inquiries/new", "inquiries.write")],
    "/inquiries/{inquiry}": [
        form("/inquiries/{inquiry}/answer", "inquiries.write"),
        form("/inquiries/{inquiry}/colleague", "inquiries.write"),
    ],
    "/users/": [link("/users/new", "users.manage")],
    "/users/{mgr2}": [
        link("/users/{mgr2}/edit", "users.manage"),
        form("/users/{mgr2}/active", "users.manage"),
    ],
    "/classification/thresholds": [
        form("/classification/thresholds/{proposal}/decision", "thresholds.set")
    ],
    "/work/weeks/{mgr1}/{week}": [form("/work/weeks/{mgr1}/{week}/comment", "weeks.comment")],
    "/work/weeks/branch?week={week}": [form("/work/weeks/{mgr1}/{week}/comment", "weeks.comment")],
    "/work/contacts/{own_plan}": [
        link("/work/contacts/{own_plan}/complete", "contacts.write"),
        link("/work/contacts/{own_plan}/edit", "contacts.write"),
        link("/work/contacts/{own_plan}/readiness", "contacts.write"),
        form("/work/contacts/{own_plan}/cancel", "contacts.write"),
    ],
    "/work/logs?manager={mgr1}&month={month}": [link("/work/logs/{day}/edit", "logs.write")],
    "/work/logs/{mgr1}/{day}": [link("/work/logs/{day}/edit", "logs.write")],
}


def _records() -> dict:
    """mgr1's clients (one assessed 高, one never assessed), a done and a planned home visit,
    a work log and a submitted weekly summary, an advice record, the meeting minutes of the
    branch's month due for its meeting, and head1's proposal of a threshold."""
    ids = setup_branch() | {"day": DAY, "week": WEEK, "month": f"{DAY:%Y-%m}"}
    mgr1 = user("mgr1")
    ids["mgr2"] = user("mgr2").id
    own = db.session.get(Client, ids["own"])
    ids["assessment"] = risk.record_assessment(own, HIGHEST, user("counter1")).id
    ids["own_plan"] = contacts.log_contact(
        own, {"kind": "home", "status": "planned", "at": datetime(2030, 1, 2, 10)}, mgr1
    ).id
    worklogs.save_log(mgr1, DAY, {"insights": "心得"}, [])
    weekly.save_summary(mgr1, WEEK, {"summary": "总结"}, submit=True)
    data = {"category": "个股", "product_code": "stock", "question": "要不要卖？"}
    ids["advice"] = advice.record_advice(own, data | {"advice": "继续持有。"}, mgr1).id
    month = review.due_month(china_today())
    advice.save_review(own.branch_id, month, {"held_on": china_today(), "attendees": "全体"})
    head = user("head1")
    # head1's own inquiry (a non-client's): the one of the branch every writing role reaches.
    ids["inquiry"] = inquiry_data.log("head1").id
    ids["proposal"] = classification.propose_threshold(
        DAY.year + 1, Decimal("2.5"), head.branch_id, head, "营业部申请"
    ).id
    return ids


POSTED = {"/archive/exports": {"manager": "0"}}
"""What a POST sends besides the CSRF token (no manager 0: no export job is queued)."""


def _send(client, method: str, url: str):
    return client.get(url) if method == "GET" else client.post_form(url, POSTED.get(url, {}))


def _split(request: str) -> tuple[str, str]:
    """``"POST /path"`` → ("POST", "/path"); a bare path is a GET."""
    method, _, path = request.rpartition(" ")
    return method or "GET", path


def test_the_table_names_known_roles_and_each_action_guards_a_view(app):
    assert all(roles <= ROLES.keys() for roles in PERMISSIONS.values())
    guarding = {getattr(view, "required_action", None) for view in app.view_functions.values()}
    assert guarding - {None} == set(PERMISSIONS)


def test_every_guarded_route_is_listed_under_the_action_it_requires(app):
    """ROUTES covers every guarded endpoint, each under the action its view requires."""
    adapter = app.url_map.bind("localhost")
    listed = set()
    for action, requests in ROUTES.items():
        for request in requests:
            method, template = _split(request)
            path = template.split("?")[0].format_map(_Placeholders())
            try:
                endpoint, _ = adapter.match(path, method=method)
            except RequestRedirect:  # pragma: no cover - a listing error
                pytest.fail(f"{method} {template} redirects")
            required = getattr(app.view_functions[endpoint], "required_action", None)
            if request not in IN_VIEW:
                assert required == action, f"{method} {template} requires {required}"
            listed.add(endpoint)
    guarded = {e for e, v in app.view_functions.items() if hasattr(v, "required_action")}
    assert guarded - listed == set()


class _Placeholders(dict):
    """Any id in a URL template, to find which endpoint it is."""

    def __missing__(self, key):
        return "2024-10-14" if key in ("day", "week") else "1"


@pytest.mark.parametrize("role", ["anonymous", *ROLE_NAMES])
def test_guarded_routes_answer_403_exactly_to_the_roles_the_table_leaves_out(org, login_as, role):
    with org.app_context():
        ids = _records()
    client = org.test_client() if role == "anonymous" else login_as(role)
    wrong = []
    for action, requests in ROUTES.items():
        for request in requests:
            method, template = _split(request)
            response = _send(client, method, template.format(**ids))
            status = response.status_code
            if role == "anonymous":
                to_login = status == 302 and "/login" in response.headers["Location"]
                if not to_login:
                    wrong.append(f"{method} {template}: {status}, expected the login page")
            elif (status == 403) == (role in PERMISSIONS[action]):
                wrong.append(f"{method} {template} ({action}): {status}")
    assert wrong == [], f"{role}: {wrong}"


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_a_button_shows_exactly_when_its_view_lets_the_user_in(org, login_as, role):
    """On each page of BUTTONS the role may open, a button is there if and only if the table
    permits its action, and if and only if the request it makes is not refused (403)."""
    with org.app_context():
        ids = _records()
    client = login_as(role)
    wrong, requests = [], set()
    for page, buttons in BUTTONS.items():
        response = client.get(page.format(**ids))
        if response.status_code != 200:
            continue
        html = response.get_data(as_text=True)
        for marker, (method, url), action in buttons:
            shown, permitted = marker.format(**ids) in html, role in PERMISSIONS[action]
            if shown != permitted:
                wrong.append(f"{page}: {marker} shown={shown}, the table permits={permitted}")
            requests.add((method, url.format(**ids), shown))
    assert requests, "the role opens at least one of the pages"
    # The requests the buttons make, after every page is read (they may change data).
    for method, url, shown in sorted(requests):
        refused = _send(client, method, url).status_code == 403
        if refused == shown:
            wrong.append(f"{method} {url}: refused={refused}, button shown={shown}")
    assert wrong == [], f"{role}: {wrong}"


@pytest.mark.parametrize(("role", "status"), [("hq", "approved"), ("branch_head", "proposed")])
def test_the_threshold_form_says_what_the_view_will_do(org, login_as, role, status):
    """thresholds.set decides both the form's wording and whether a value is set directly or
    proposed to HQ."""
    client = login_as(role)
    html = client.get("/classification/thresholds").get_data(as_text=True)
    sets = role in PERMISSIONS["thresholds.set"]
    assert ("设定并重新分类" in html) is sets
    assert ("提交申请" in html) is not sets
    response = client.post_form(
        "/classification/thresholds", {"year": "2031", "value": "2.50", "note": "测试"}
    )
    assert response.status_code == 302
    with org.app_context():
        record = db.session.query(TurnoverThreshold).filter_by(year=2031).one()
        assert record.status == status


def test_the_navigation_names_the_action_its_page_requires(app):
    for item in NAVIGATION:
        required = getattr(app.view_functions[item.endpoint], "required_action", None)
        assert item.action == required, item
        assert item.only is None or item.only <= PERMISSIONS.get(item.action, ROLES.keys())


def test_the_contact_panel_keeps_its_form_to_the_clients_own_manager(org, login_as):
    """The panel's form (contacts.write) is the client's manager's, as the view requires."""
    with org.app_context():
        ids = _records()
        assert db.session.get(Contact, ids["colleague_visit"]).manager_id == ids["mgr2"]
    html = login_as("mgr2").get(f"/clients/{ids['colleague']}").get_data(as_text=True)
    assert f'action="/work/clients/{ids["colleague"]}/contacts"' in html
    html = login_as("head1").get(f"/clients/{ids['colleague']}").get_data(as_text=True)
    assert f'action="/work/clients/{ids["colleague"]}/contacts"' not in html
