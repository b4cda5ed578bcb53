"""HQ's holiday table (节假日安排): the year's 调休 and corrections (services.calendar)."""

from flask import Blueprint

bp = Blueprint("holidays", __name__, url_prefix="/holidays")

from portal.blueprints.holidays import views  # noqa: E402, F401
