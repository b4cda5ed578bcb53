from flask import Blueprint

from portal.domain.screening import COURTEOUS_PHRASES
from portal.domain.sms import KIND_LABELS, PLACEHOLDERS

bp = Blueprint("sms", __name__, url_prefix="/sms")


@bp.context_processor
def _names():
    """Names the SMS pages use."""
    return {
        "KIND_LABELS": KIND_LABELS,
        "PLACEHOLDERS": PLACEHOLDERS,
        "COURTEOUS_PHRASES": COURTEOUS_PHRASES,
    }


from portal.blueprints.sms import quarterly, todos, views  # noqa: E402, F401
