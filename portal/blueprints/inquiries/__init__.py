from flask import Blueprint

from portal.domain.inquiries import CHANNELS

bp = Blueprint("inquiries", __name__, url_prefix="/inquiries")


@bp.context_processor
def names():
    return {"CHANNELS": CHANNELS}


from portal.blueprints.inquiries import todos, views  # noqa: E402, F401
