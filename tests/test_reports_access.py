"""Access matrix of the printing, export and overview pages: every GET route × every role."""

import pytest
from access import first_client_id, uncovered_routes, wrong_statuses
from sqlalchemy import select

from portal import queue
from portal.extensions import db
from portal.models import User
from portal.services import exports, selection

# {own}: a client of mgr1; {colleague}: of mgr2 (same branch); {elsewhere}: of mgr3.
# {job}: a finished export of mgr1 (the manager role); only its creator sees it.
MATRIX = {
    "/clients/{own}/annex3.pdf": [302, 200, 200, 200, 200],
    "/clients/{colleague}/annex3.pdf": [302, 404, 200, 200, 200],
    "/clients/{elsewhere}/annex3.pdf": [302, 404, 404, 404, 200],
    "/archive/annex4": [302, 200, 403, 200, 200],
    "/archive/annex4?manager={mgr2}": [302, 404, 403, 200, 200],
    "/archive/annex4?manager={mgr3}": [302, 404, 403, 404, 200],
    "/archive/annex4?branch={branch2}": [302, 404, 403, 404, 200],
    "/archive/annex4.pdf?manager={mgr1}": [302, 200, 403, 200, 200],
    "/archive/annex4.xlsx": [302, 200, 403, 200, 200],
    "/archive/annex4.xlsx?manager={mgr3}": [302, 404, 403, 404, 200],
    "/archive/exports": [302, 200, 403, 200, 200],
    "/archive/exports?manager={mgr3}": [302, 404, 403, 404, 200],
    "/archive/exports/{job}": [302, 200, 403, 404, 404],
    "/archive/exports/{job}/download": [302, 200, 403, 404, 404],
    "/classification/overview": [302, 200, 403, 200, 200],
    "/classification/overview?manager={mgr3}": [302, 404, 403, 404, 200],
}


def _finished_job(app) -> str:
    """An export of mgr1's book, marked finished with a file, without rendering it."""
    with app.test_request_context():
        queue.huey().flush()
        mgr1 = db.session.scalar(select(User).where(User.username == "mgr1"))
        job = exports.start(mgr1, selection.selection_for(mgr1))
        queue.huey().storage.flush_queue()
        target = exports.path(job["id"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"%PDF-1.7\n%%EOF\n")
        job.update(status="done", done=job["total"], size=target.stat().st_size)
        exports._save(job)
        return job["id"]


@pytest.mark.parametrize("path", list(MATRIX))
def test_access_matrix(book, login_as, path):
    with book.app_context():
        users = dict(db.session.execute(select(User.username, User.id)).all())
        branch2 = db.session.scalar(select(User.branch_id).where(User.username == "mgr3"))
        ids = {
            "own": first_client_id("mgr1"),
            "colleague": first_client_id("mgr2"),
            "elsewhere": first_client_id("mgr3"),
            "mgr1": users["mgr1"],
            "mgr2": users["mgr2"],
            "mgr3": users["mgr3"],
            "branch2": branch2,
        }
    if "{job}" in path:
        ids["job"] = _finished_job(book)
    assert wrong_statuses(book, login_as, {path: MATRIX[path]}, ids) == []


def test_every_get_route_is_in_the_matrix(app):
    assert uncovered_routes(app, MATRIX, {"reports"}) == []


def test_starting_an_export_needs_a_book_reader(book, login_as, user_id):
    counter = login_as("counter")
    assert counter.post_form("/archive/exports", {}).status_code == 403
    head = login_as("branch_head")
    assert head.post_form("/archive/exports", {"manager": user_id("mgr3")}).status_code == 404
    anonymous = book.test_client()
    assert anonymous.post_form("/archive/exports", {}).status_code in (302, 400)
