"""Printing for the archive and the book at a glance: 附件3 PDF of a client, 附件4 客户分类汇总表
(page, PDF, Excel), the batch export of a book's 附件3 in the background, and the
classification overview chart (SPEC §2, §6, §9)."""

from flask import Blueprint

from portal.domain import archive, chart, classification
from portal.services import exports

# No url prefix: the routes live under /clients/…, /archive/… and /classification/….
bp = Blueprint("reports", __name__)

NAMES = {
    "ANNEX4_NOTES": archive.ANNEX4_NOTES,
    "CLASS_COLOURS": chart.CLASS_COLOURS,
    "describe_class": classification.describe,
    "export_status": exports.status_label,
    "export_finished": exports.is_finished,
    "export_can_retry": exports.can_retry,
}
"""Names the report pages use."""


@bp.context_processor
def _names():
    return NAMES


from portal.blueprints.reports import views  # noqa: E402, F401
