"""A client manager's working day (Art. 50–54): contacts and visits, the home-visit
self-evaluation (附件6), the daily work log (附件2), the weekly summary (附件5) and the visit
record (附件7)."""

from flask import Blueprint

from portal.domain import visits, workdays

bp = Blueprint("activities", __name__, url_prefix="/work")


@bp.record_once
def _template_globals(state):
    """Names the activity pages use, and the panels other pages include: the contacts panel
    of a client's file, 累计拜访次数, and the manager's day on the home page."""
    from portal.blueprints.activities import panels

    state.app.jinja_env.globals.update(
        {
            "CONTACT_KINDS": visits.KINDS,
            "VISIT_KINDS": visits.VISIT_KINDS,
            "WEEKLY_TYPES": visits.WEEKLY_TYPES,
            "VISIT_POINTS": visits.POINTS,
            "VISIT_UNITS": visits.UNITS,
            "ASPECTS": visits.ASPECTS,
            "RATINGS": visits.RATINGS,
            "READINESS": visits.READINESS,
            "week_label": workdays.week_label,
            "contacts_panel": panels.contacts_panel,
            "visit_count": panels.visit_count,
            "manager_day": panels.manager_day,
        }
    )


from portal.blueprints.activities import contacts, logs, todos, weeks  # noqa: E402, F401
