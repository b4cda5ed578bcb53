from flask import Blueprint

from portal.domain import suitability
from portal.models.advice import CATEGORIES

bp = Blueprint("advice", __name__, url_prefix="/advice")


@bp.record_once
def _template_globals(state):
    state.app.jinja_env.globals.update({"CATEGORIES": CATEGORIES, "PRODUCTS": suitability.PRODUCTS})


from portal.blueprints.advice import todos, views  # noqa: E402, F401
