from flask import render_template
from flask_login import current_user, login_required

from portal.blueprints.activities import panels
from portal.blueprints.main import bp
from portal.domain.beijing import china_today
from portal.services import todos
from portal.services.permissions import MANAGER


@bp.get("/")
@login_required
def home():
    """The user's to-do list (what each capability registered for the role), and a manager's
    day: today's contacts, today's log and the week's points."""
    user = current_user._get_current_object()
    return render_template(
        "main/home.html",
        todos=todos.for_user(user, china_today()),
        day=panels.manager_day(user) if user.role == MANAGER else None,
    )
