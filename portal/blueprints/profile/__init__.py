from flask import Blueprint

bp = Blueprint("profile", __name__, url_prefix="/branch-profile")

from portal.blueprints.profile import views  # noqa: E402, F401
