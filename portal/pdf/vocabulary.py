"""The words the paper forms print beside their codes: the names the print templates use,
handed to every one of them by :func:`portal.pdf.render_document` (a screen gets its names
from its own blueprint or from the view)."""

from portal.domain import archive, classification, identity, suitability, supplementary, visits
from portal.models.advice import CATEGORIES
from portal.models.client import FIN_FIELDS, MEETING_PLACES
from portal.models.risk import RISK_LEVELS
from portal.services.pii import masked, may_see, shown

NAMES = {
    "ANNEX3_LABELS": archive.ANNEX3_LABELS,
    "ANNEX4_NOTES": archive.ANNEX4_NOTES,
    "CATEGORIES": CATEGORIES,
    "DECISION_STYLES": supplementary.DECISION_STYLES,
    "FIN_FIELDS": FIN_FIELDS,
    "HABITS": supplementary.HABITS,
    "ID_TYPE_LABELS": identity.ALL_ID_TYPES,
    "MEETING_PLACES": MEETING_PLACES,
    "PRODUCT_PREFERENCES": supplementary.PRODUCT_PREFERENCES,
    "PRODUCTS": suitability.PRODUCTS,
    "RATINGS": visits.RATINGS,
    "RISK_LEVELS": RISK_LEVELS,
    "VISIT_POINTS": visits.POINTS,
    "VISIT_UNITS": visits.UNITS,
    "WEEKLY_TYPES": visits.WEEKLY_TYPES,
    "describe_class": classification.describe,
    "masked": masked,
    "may_see": may_see,
    "shown": shown,
}
