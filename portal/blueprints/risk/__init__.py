from flask import Blueprint

bp = Blueprint("risk", __name__)

from portal.blueprints.risk import todos, views  # noqa: E402, F401
