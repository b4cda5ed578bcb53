from flask import Blueprint

bp = Blueprint("advice", __name__, url_prefix="/advice")

from portal.blueprints.advice import quarterly, todos, views  # noqa: E402, F401
