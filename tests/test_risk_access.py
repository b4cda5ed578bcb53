"""Access matrix of the risk-tolerance pages: every GET route × every role."""

import pytest
from access import first_client_id, uncovered_routes, wrong_statuses
from sqlalchemy import select

from portal.extensions import db
from portal.models import Client, RiskAssessment, User

MATRIX = {
    "/risk/levels": [302, 200, 403, 200, 200],
    "/risk/levels.pdf": [302, 200, 403, 200, 200],
    "/risk/levels.xlsx": [302, 200, 403, 200, 200],
    "/risk/fund-platform.csv": [302, 403, 403, 200, 200],
    "/risk/questionnaires": [302, 403, 403, 403, 200],
    "/risk/levels?branch=2": [302, 404, 403, 404, 200],
    "/clients/{own}/assessments/new": [302, 200, 200, 200, 403],
    "/clients/{colleague}/assessments/new": [302, 404, 200, 200, 403],
    "/clients/{elsewhere}/assessments/new": [302, 404, 404, 404, 403],
    "/assessments/{own_a}": [302, 200, 200, 200, 200],
    "/assessments/{elsewhere_a}": [302, 404, 404, 404, 200],
    "/assessments/{own_a}.pdf": [302, 200, 200, 200, 200],
    "/assessments/{elsewhere_a}.pdf": [302, 404, 404, 404, 200],
    "/risk/daily": [302, 403, 200, 200, 200],
    "/risk/daily.pdf": [302, 403, 200, 200, 200],
    "/risk/pending": [302, 200, 200, 200, 403],  # counter staff enter assessments (Art. 8.4)
}


def _first_assessment(username: str) -> int:
    return db.session.scalar(
        select(RiskAssessment.id)
        .join(Client)
        .join(User, Client.manager_id == User.id)
        .where(User.username == username)
        .order_by(RiskAssessment.id)
        .limit(1)
    )


@pytest.mark.parametrize("path", list(MATRIX))
def test_access_matrix(assessed_book, login_as, path):
    with assessed_book.app_context():
        ids = {
            "own": first_client_id("mgr1"),
            "colleague": first_client_id("mgr2"),
            "elsewhere": first_client_id("mgr3"),
            "own_a": _first_assessment("mgr1"),
            "elsewhere_a": _first_assessment("mgr3"),
        }
    assert wrong_statuses(assessed_book, login_as, {path: MATRIX[path]}, ids) == []


def test_every_get_route_is_in_the_matrix(app):
    # /attachments/<id> is exercised with a real upload in test_risk.
    assert uncovered_routes(app, MATRIX, {"risk"}, skip={"risk.attachment"}) == []
