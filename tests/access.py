"""What the access-matrix tests share: the roles, the records they are about, the check."""

import re

from sqlalchemy import select
from werkzeug.routing import Rule

from portal.extensions import db
from portal.models import Client, User

ROLES = ["anonymous", "manager", "counter", "branch_head", "hq"]


def first_client_id(username: str) -> int | None:
    """The first client of a demo manager (inside an app context)."""
    return db.session.scalar(
        select(Client.id)
        .join(User, Client.manager_id == User.id)
        .where(User.username == username)
        .order_by(Client.id)
        .limit(1)
    )


def wrong_statuses(app, login_as, matrix: dict, ids: dict) -> list[str]:
    """Every (role, url) whose GET status differs from the matrix's expectation."""
    clients = {role: app.test_client() if role == "anonymous" else login_as(role) for role in ROLES}
    wrong = []
    for path, statuses in matrix.items():
        url = path.format(**ids)
        for role, expected in zip(ROLES, statuses, strict=True):
            status = clients[role].get(url).status_code
            if status != expected:
                wrong.append(f"{role} GET {url}: {status}, expected {expected}")
    return wrong


def route_key(rule: Rule) -> tuple[str, frozenset[str]]:
    """A route as the matrices name it: its rule string and its methods."""
    return rule.rule, frozenset(rule.methods - {"HEAD", "OPTIONS"})


SAMPLES = {"day": "2030-01-02", "week": "2030-01-07", "month": "2030-01"}
"""What a matrix's date placeholders stand for when a row is routed; any other stands for an id."""


def route_of(app, request: str) -> tuple[str, frozenset[str]]:
    """The route a matrix row requests: ``"/path"`` (GET) or ``"POST /path"``, its query string
    aside."""
    method, _, path = request.rpartition(" ")
    path = re.sub(r"\{(\w+)\}", lambda m: SAMPLES.get(m[1], "1"), path.split("?")[0])
    rule, _ = app.url_map.bind("localhost").match(path, method or "GET", return_rule=True)
    return route_key(rule)


def uncovered_routes(app, matrix, blueprints: set[str], skip: set[str] = frozenset()):
    """GET routes of these blueprints that no row of the matrix requests (the very route: a row
    for ``/clients/{id}`` covers ``/clients/<int:client_id>`` and nothing under it)."""
    covered = {route_of(app, request) for request in matrix}
    return [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and rule.endpoint.split(".")[0] in blueprints
        and rule.endpoint not in skip
        and route_key(rule) not in covered
    ]
