from flask import Blueprint

from portal.domain.inquiries import CHANNELS
from portal.domain.screening import COURTEOUS_PHRASES

bp = Blueprint("inquiries", __name__, url_prefix="/inquiries")


@bp.context_processor
def names():
    return {"CHANNELS": CHANNELS, "COURTEOUS_PHRASES": COURTEOUS_PHRASES}


from portal.blueprints.inquiries import quarterly, todos, views  # noqa: E402, F401
