from flask import Blueprint

bp = Blueprint("classification", __name__, url_prefix="/classification")

from portal.blueprints.classification import quarterly, todos, views  # noqa: E402, F401
