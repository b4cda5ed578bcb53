from flask import Blueprint

from portal.domain import classification, idcard, suitability, supplementary
from portal.models.client import FIN_FIELDS
from portal.models.risk import RISK_LEVELS
from portal.services import pii

bp = Blueprint("clients", __name__, url_prefix="/clients")


@bp.record_once
def _template_globals(state):
    """Names the client pages and their macros use (globals, so imported macros see them)."""
    state.app.jinja_env.globals.update(
        {
            "CLASSES": classification.CLASSES,
            "describe_class": classification.describe,
            "VALUE_CLASSES": supplementary.VALUE_CLASSES,
            "DIMENSIONS": supplementary.DIMENSIONS,
            "FIN_FIELDS": FIN_FIELDS,
            "ID_TYPE_LABELS": dict(idcard.ID_TYPES),
            "RISK_LEVELS": RISK_LEVELS,
            "DISCLOSURE_TYPES": suitability.DISCLOSURE_TYPES,
            "masked": pii.masked,
            "may_reveal": pii.may_reveal,
            "page_window": page_window,
        }
    )


def page_window(page, around: int = 2) -> list[int | None]:
    """Page numbers to link: the first, the last, and those around the current (None = gap)."""
    shown = {1, page.pages, *range(page.page - around, page.page + around + 1)}
    numbers = sorted(n for n in shown if 1 <= n <= page.pages)
    window: list[int | None] = []
    for n in numbers:
        if window and n - window[-1] > 1:
            window.append(None)
        window.append(n)
    return window


from portal.blueprints.clients import views  # noqa: E402, F401
