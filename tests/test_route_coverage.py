"""Every route of the app has a row in an access matrix: the GET matrices of the
``test_*_access`` modules (each role's status) or the permission table's routes
(``test_permissions.ROUTES``: 403 to the roles an action leaves out). A new route without a
row fails here, so no page or form reaches users untested for who may use it."""

import test_access
import test_activities_access
import test_advice_access
import test_care_access
import test_clients_access
import test_events_access
import test_inquiries_access
import test_permissions
import test_quarterly_access
import test_reports_access
import test_risk_access
from access import route_key, route_of

MATRICES = [
    test_access.MATRIX,
    test_activities_access.MATRIX,
    test_advice_access.MATRIX,
    test_care_access.MATRIX,
    test_clients_access.MATRIX,
    test_inquiries_access.MATRIX,
    test_events_access.MATRIX,
    test_quarterly_access.MATRIX,
    test_reports_access.MATRIX,
    test_risk_access.MATRIX,
    [request for requests in test_permissions.ROUTES.values() for request in requests],
]

OPEN = {
    "static": "the stylesheets, scripts and fonts: no data",
    "auth.login": "open to everyone by nature (tests/test_auth.py)",
    "auth.logout": "ends the caller's own session (tests/test_auth.py)",
    "clients.reveal": "logged view of a full number, scoped per client (tests/test_clients.py)",
    "risk.attachment": "a scan, scoped through its assessment (tests/test_risk.py)",
}
"""Routes left out of the matrices, each with why and where its access is tested."""


def test_every_route_of_the_app_is_in_an_access_matrix(app):
    covered = {route_of(app, request) for matrix in MATRICES for request in matrix}
    missing = [
        f"{' '.join(sorted(route_key(rule)[1]))} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in OPEN and route_key(rule) not in covered
    ]
    assert missing == []
