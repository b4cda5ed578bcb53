"""A branch or a manager named in the query string outside the user's scope is a 404 on every
page and form that takes one — never a silent fallback to the user's own branch or book."""

import pytest

# (role, path template, expected) — {mgr1} {mgr2} {mgr3} are the demo managers' ids (mgr3 is
# of the second branch), {month} this month.
CASES = [
    ("branch_head", "/clients/?manager={mgr3}", 404),
    ("branch_head", "/clients/?manager={mgr1}", 200),
    ("branch_head", "/work/contacts?manager={mgr3}", 404),
    ("branch_head", "/work/logs?manager={mgr3}", 404),
    ("branch_head", "/work/weeks/branch?branch=2", 404),
    ("branch_head", "/advice/daily?manager={mgr3}", 404),
    ("branch_head", "/advice/weekly?manager={mgr3}", 404),
    ("branch_head", "/advice/review?branch=2", 404),
    ("branch_head", "/advice/review?branch=1", 200),
    ("branch_head", "/risk/daily?branch=2", 404),
    ("branch_head", "/archive/annex4?branch=2", 404),
    ("branch_head", "/archive/annex4?manager={mgr3}", 404),
    ("branch_head", "/archive/exports?branch=2", 404),
    ("branch_head", "/classification/overview?manager={mgr3}", 404),
    ("manager", "/clients/?manager={mgr2}", 404),
    ("manager", "/clients/?manager={mgr1}", 200),
    ("manager", "/work/contacts?manager={mgr2}", 404),
    ("manager", "/work/logs?manager={mgr2}", 404),
    ("manager", "/advice/daily?manager={mgr2}", 404),
    ("manager", "/advice/weekly?manager={mgr2}", 404),
    ("manager", "/archive/annex4?manager={mgr2}", 404),
    ("manager", "/archive/exports?manager={mgr2}", 404),
    ("manager", "/classification/overview?manager={mgr2}", 404),
    ("counter", "/clients/?manager={mgr3}", 404),
    ("counter", "/clients/?manager={mgr1}", 200),
    ("counter", "/risk/daily?branch=2", 404),
    ("hq", "/advice/review?branch=99", 404),
    ("hq", "/work/weeks/branch?branch=99", 404),
]


@pytest.mark.parametrize(("role", "path", "expected"), CASES)
def test_an_argument_outside_the_scope_is_a_404(org, login_as, user_id, role, path, expected):
    url = path.format(**{name: user_id(name) for name in ("mgr1", "mgr2", "mgr3")})
    assert login_as(role).get(url).status_code == expected


def test_the_meeting_form_of_another_branch_is_refused_not_saved_for_ones_own(org, login_as):
    head = login_as("branch_head")
    meeting = {"held_on": "2026-11-30", "attendees": "王建国", "minutes": "逐条回顾。"}
    response = head.post_form("/advice/review?branch=2&month=2026-11", meeting)
    assert response.status_code == 404
    page = head.get("/advice/review?month=2026-11").get_data(as_text=True)
    assert "逐条回顾。" not in page
