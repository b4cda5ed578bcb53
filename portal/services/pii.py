"""Identity and phone numbers (SPEC §8): masked in lists, printouts and for everyone but the
client's own manager and branch head, who may show a number in full — and every such view
leaves a trace in the audit log."""

from portal.domain.idcard import mask_id, mask_mobile
from portal.models import Client, User
from portal.models.audit import record_view
from portal.services.records import use_case

MASKED_FIELDS = {
    "id_number": mask_id,
    "mobile": mask_mobile,
    "home_phone": mask_mobile,
    "work_phone": mask_mobile,
}


def masked(client: Client, field: str) -> str:
    value = getattr(client, field) or ""
    return MASKED_FIELDS[field](value) if value else ""


def may_reveal(user: User, client: Client) -> bool:
    if user.role == "manager":
        return client.manager_id == user.id
    if user.role == "branch_head":
        return client.branch_id == user.branch_id
    return False


@use_case
def reveal(client: Client, field: str) -> str:
    """The full value, after writing who saw it to the audit log."""
    record_view(client, field)
    return getattr(client, field) or ""


@use_case
def record_edit_view(client: Client) -> None:
    """The edit form shows every number in full: log each one it shows."""
    for field in MASKED_FIELDS:
        if getattr(client, field):
            record_view(client, field)
    for person in client.related_persons:
        if person.phone:
            record_view(person, "phone")
