from flask import Blueprint

from portal.services import pii

bp = Blueprint("risk", __name__)


@bp.context_processor
def _names():
    """Names the risk pages use."""
    return {"masked": pii.masked}


from portal.blueprints.risk import todos, views  # noqa: E402, F401
