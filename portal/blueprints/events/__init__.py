from flask import Blueprint

from portal.models.event import EVENT_KINDS

bp = Blueprint("events", __name__, url_prefix="/events")


@bp.context_processor
def _names():
    return {"EVENT_KINDS": EVENT_KINDS}


from portal.blueprints.events import quarterly, views  # noqa: E402, F401
