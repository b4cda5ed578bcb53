"""Panels of the activity pages that other pages include: the contacts panel of a client's
file (with the short form to log a contact), 累计拜访次数, and a manager's day on the home
page. Each returns what its partial shows."""

from flask_login import current_user

from portal.blueprints.activities.forms import ContactForm
from portal.domain import visits, workdays
from portal.domain.beijing import china_today
from portal.models import Client, User
from portal.services import calendar, client_queries, contacts, weekly, worklogs
from portal.services.permissions import permits

PANEL_PREFIX = "contact"
"""The log form's field names on the client file (whose other forms have a ``kind`` too)."""


def may_log(client: Client) -> bool:
    """Contacts are logged by the client's own manager."""
    return permits(current_user, "contacts.write", client)


def contacts_panel(client: Client, form: ContactForm | None = None, saved=None) -> dict:
    """The client's contacts (with 拜访次序), 累计拜访次数 and, for its manager, the log
    form."""
    if form is None and may_log(client):
        form = ContactForm(
            formdata=None, prefix=PANEL_PREFIX, core_client=contacts.default_core(client)
        )
    return {
        "client": client,
        "rows": contacts.client_contacts(client, current_user),
        "form": form,
        "saved": saved,
        "visits": visit_count(client),
    }


def visit_count(client: Client) -> int:
    """累计拜访次数 of the client file (counted from its done visits)."""
    return client_queries.visit_counts([client.id]).get(client.id, 0)


def manager_day(user: User) -> dict:
    """Today's planned and done contacts, whether today's log is written, and the week's
    points so far against the plan."""
    today = china_today()
    return {
        "today": today,
        "workday": calendar.is_workday(today),
        "contacts": contacts.today_for(user, today),
        "log_written": worklogs.written_today(user),
        "log_writable": worklogs.log_writable(user, today),
        "week": weekly.week_of(user, workdays.week_start(today), with_contents=False),
        "weekly_types": visits.WEEKLY_TYPES,
    }
