from flask import Blueprint

from portal.domain.imports import FIGURE_HEADERS
from portal.models.imports import IMPORT_KINDS

bp = Blueprint("imports", __name__, url_prefix="/imports")


@bp.context_processor
def _names():
    """Names the import pages use."""
    return {
        "FIGURE_HEADERS": FIGURE_HEADERS,
        "IMPORT_KINDS": IMPORT_KINDS,
    }


from portal.blueprints.imports import views  # noqa: E402, F401
