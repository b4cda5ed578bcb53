"""The care panel of a client's file: its retention records and 转销户 requests, and for the
client's manager and the branch head the two short forms to add them."""

from flask_login import current_user

from portal.blueprints.care.forms import CloseRequestForm, RetentionForm
from portal.domain.beijing import china_today
from portal.models import Client
from portal.services import care
from portal.services.permissions import permits

RETENTION_PREFIX = "retention"
CLOSE_PREFIX = "close"


def care_panel(client: Client, retention_form=None, close_form=None, saved: str = "") -> dict:
    """What ``care/_client_care.html`` shows (None for a user who may not see care records)."""
    writable = permits(current_user, "care.write")
    if writable and retention_form is None:
        retention_form = RetentionForm(formdata=None, prefix=RETENTION_PREFIX, on=china_today())
    if writable and close_form is None:
        close_form = CloseRequestForm(
            formdata=None, prefix=CLOSE_PREFIX, requested_on=china_today()
        )
    return {
        "client": client,
        **care.client_records(client),
        "retention_form": retention_form if writable else None,
        "close_form": close_form if writable else None,
        "saved": saved,
    }


def file_panel(client: Client) -> dict | None:
    """The panel for the client file page, for the users who read care records."""
    return care_panel(client) if permits(current_user, "care.read") else None
