"""Care of clients (Art. 50.9 关注客户生日, 50.10 客户转销户): birthdays of the coming week, the
clients at risk of leaving, and the retention and 转销户 records on a client's file."""

from flask import Blueprint

from portal.domain import care

bp = Blueprint("care", __name__, url_prefix="/care")

NAMES = {"CARE_REASONS": care.REASONS, "RETENTION_OUTCOMES": care.OUTCOMES}
"""Names the care pages use."""


@bp.context_processor
def _names():
    return NAMES


from portal.blueprints.care import todos, views  # noqa: E402, F401
