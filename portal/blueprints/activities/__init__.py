"""A client manager's working day (Art. 50–54): contacts and visits, the home-visit
self-evaluation (附件6), the daily work log (附件2), the weekly summary (附件5) and the visit
record (附件7)."""

from flask import Blueprint

from portal.domain import visits, workdays
from portal.services import pii, worklogs

bp = Blueprint("activities", __name__, url_prefix="/work")

NAMES = {
    "CONTACT_KINDS": visits.KINDS,
    "WEEKLY_TYPES": visits.WEEKLY_TYPES,
    "VISIT_POINTS": visits.POINTS,
    "VISIT_UNITS": visits.UNITS,
    "READINESS": visits.READINESS,
    "week_label": workdays.week_label,
    "masked": pii.masked,
    "MAX_CONSULTATIONS": worklogs.MAX_CONSULTATIONS,
}
"""Names the activity pages use (their macros are imported ``with context`` to see them)."""


@bp.context_processor
def _names():
    return NAMES


from portal.blueprints.activities import contacts, logs, quarterly, todos, weeks  # noqa: E402, F401
