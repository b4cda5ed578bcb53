from flask import Blueprint

from portal.domain.prospects import FOLLOW_UP_WORKDAYS, OUTCOMES, SOURCES

bp = Blueprint("prospects", __name__, url_prefix="/prospects")


@bp.context_processor
def _names():
    """Names the prospect pages use."""
    return {"SOURCES": SOURCES, "OUTCOMES": OUTCOMES, "FOLLOW_UP_WORKDAYS": FOLLOW_UP_WORKDAYS}


from portal.blueprints.prospects import todos, views  # noqa: E402, F401
