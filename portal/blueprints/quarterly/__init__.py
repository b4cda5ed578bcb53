"""The quarterly report to HQ (Art. 55): the branch's figures of a quarter and their
submission, HQ's side-by-side view and downloads, the branch head's spot checks (抽查)."""

from flask import Blueprint

from portal.models.quarterly import CHECKED_KINDS

bp = Blueprint("quarterly", __name__, url_prefix="/quarterly")


@bp.context_processor
def _names():
    return {"CHECKED_KINDS": CHECKED_KINDS}


from portal.blueprints.quarterly import todos, views  # noqa: E402, F401
