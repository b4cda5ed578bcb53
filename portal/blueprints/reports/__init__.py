"""Printing for the archive and the book at a glance: 附件3 PDF of a client, 附件4 客户分类汇总表
(page, PDF, Excel), the batch export of a book's 附件3 in the background, and the
classification overview chart (SPEC §2, §6, §9)."""

from flask import Blueprint

from portal.domain import archive, chart, supplementary
from portal.models.client import MEETING_PLACES
from portal.services import exports

# No url prefix: the routes live under /clients/…, /archive/… and /classification/….
bp = Blueprint("reports", __name__)


@bp.record_once
def _template_globals(state):
    state.app.jinja_env.globals.update(
        {
            "HABITS": supplementary.HABITS,
            "DECISION_STYLES": supplementary.DECISION_STYLES,
            "PRODUCT_PREFERENCES": supplementary.PRODUCT_PREFERENCES,
            "MEETING_PLACES": MEETING_PLACES,
            "ANNEX3_LABELS": archive.ANNEX3_LABELS,
            "ANNEX4_NOTES": archive.ANNEX4_NOTES,
            "CLASS_COLOURS": chart.CLASS_COLOURS,
            "export_status": exports.status_label,
            "export_finished": exports.is_finished,
        }
    )


from portal.blueprints.reports import views  # noqa: E402, F401
