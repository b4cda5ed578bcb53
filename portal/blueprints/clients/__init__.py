from flask import Blueprint

from portal.domain import classification, identity, suitability, supplementary
from portal.models.client import FIN_FIELDS
from portal.models.risk import RISK_LEVELS
from portal.services import pii

bp = Blueprint("clients", __name__, url_prefix="/clients")

NAMES = {
    "CLASSES": classification.CLASSES,
    "describe_class": classification.describe,
    "VALUE_CLASSES": supplementary.VALUE_CLASSES,
    "DIMENSIONS": supplementary.DIMENSIONS,
    "FIN_FIELDS": FIN_FIELDS,
    "ID_TYPE_LABELS": identity.ALL_ID_TYPES,
    "RISK_LEVELS": RISK_LEVELS,
    "DISCLOSURE_TYPES": suitability.DISCLOSURE_TYPES,
    "masked": pii.masked,
}
"""Names the client pages use (their macros are imported ``with context`` to see them)."""


@bp.context_processor
def _names():
    return NAMES


from portal.blueprints.clients import views  # noqa: E402, F401
