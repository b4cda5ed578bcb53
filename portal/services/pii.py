"""Identity and phone numbers (SPEC §8): masked in lists, printouts and for everyone but the
client's own manager and branch head, who may see a number in full — and every such view
leaves a trace in the audit log.

The rule lives here alone. Whatever shows a number in full — the file page's 显示完整 button,
the edit form (on GET and when it comes back with errors), a printout, the batch archive
export — asks :func:`full`, which decides and notes the view; the notes become audit rows
(one per client and occasion, naming the numbers shown) when the request ends
(:func:`write_views`, called after each request by :func:`init_app`, and by a background job
itself).
"""

from __future__ import annotations

from contextlib import contextmanager

from flask import Flask, g, has_request_context
from flask_login import current_user

from portal.domain.idcard import mask_id, mask_mobile
from portal.extensions import db
from portal.models import AuditLog, Client, RelatedPerson, User

MASKED_FIELDS = {
    "id_number": mask_id,
    "mobile": mask_mobile,
    "home_phone": mask_mobile,
    "work_phone": mask_mobile,
    "agent_id_number": mask_id,
    "agent_phone": mask_mobile,
}

EDIT_FORM = "edit_form"
"""``field`` of the trail row an edit form showing the client's numbers leaves."""
PRINT = "print"
"""``field`` of the trail row a printout carrying the client's numbers leaves."""


def masked(record: Client | RelatedPerson, field: str) -> str:
    """A number of a client (or a related person's phone) masked."""
    value = getattr(record, field) or ""
    return MASKED_FIELDS.get(field, mask_mobile)(value) if value else ""


def may_reveal(user: User, client: Client) -> bool:
    if user.role == "manager":
        return client.manager_id == user.id
    if user.role == "branch_head":
        return client.branch_id == user.branch_id
    return False


def full(record: Client | RelatedPerson, field: str, on: str | None = None) -> str | None:
    """The number ``field`` of a client (or of one of its related persons) in full, if the
    viewer may see it — noted as seen, once per request — else None. ``on`` names where it is
    shown with others (:data:`EDIT_FORM`, :data:`PRINT`); without it the trail row names the
    single column."""
    client = record.client if isinstance(record, RelatedPerson) else record
    if not may_see(client):
        return None
    value = getattr(record, field) or ""
    if value:
        _note(client.id, on or field, _label(record, field))
    return value


def may_see(client: Client) -> bool:
    """Whether the viewer (the user of the request, or of the job) may see the client's
    numbers in full."""
    user = viewer()
    return user is not None and user.is_authenticated and may_reveal(user, client)


def shown(record: Client | RelatedPerson, field: str) -> str:
    """A number as a printout carries it: in full for whom :func:`full` allows, else masked."""
    value = full(record, field, on=PRINT)
    return masked(record, field) if value is None else value


def shown_in_form(client: Client, form) -> None:
    """Note the client's stored numbers that the edit ``form`` shows in full: on GET all of
    them; after a refused submit those it gives back as stored (a number the user typed anew
    is theirs, not the record's)."""
    stored = {number: (client, name) for name in MASKED_FIELDS if (number := getattr(client, name))}
    for person in client.related_persons:
        if person.phone:
            stored.setdefault(person.phone, (person, "phone"))
    rendered = [getattr(form, name)._value() for name in MASKED_FIELDS]
    rendered += [entry.form.phone._value() for entry in form.related_persons]
    for number in rendered:
        if number in stored:
            full(*stored[number], on=EDIT_FORM)


@contextmanager
def viewing_as(user: User):
    """Show numbers as ``user`` would see them, outside their own request (a background job)."""
    g.pii_viewer = user
    try:
        yield
    finally:
        g.pop("pii_viewer", None)


def viewer() -> User | None:
    if not has_request_context():
        return None
    return g.get("pii_viewer") or current_user


def _views() -> dict[tuple[int, str], list[str]]:
    """The full views of this request: per (client, occasion), the numbers shown."""
    if "pii_views" not in g:
        g.pii_views = {}
    return g.pii_views


def _note(client_id: int, on: str, label: str) -> None:
    labels = _views().setdefault((client_id, on), [])
    if label not in labels:
        labels.append(label)


def noted() -> dict[tuple[int, str], list[str]]:
    """A copy of the full views noted so far in this request."""
    return {key: list(labels) for key, labels in _views().items()}


def note_again(views: list) -> None:
    """Note views ``[[client_id, on, [label, …]], …]`` shown again (a kept printout)."""
    for client_id, on, labels in views:
        for label in labels:
            _note(client_id, on, label)


def write_views() -> None:
    """Write the views noted so far to the audit log, one row per client and occasion, in one
    statement, and commit."""
    views = g.pop("pii_views", None)
    if not views:
        return
    user = viewer()
    db.session.execute(
        AuditLog.__table__.insert(),
        [
            {
                "user_id": user.id,
                "actor": user.username,
                "record_type": Client.__tablename__,
                "record_id": client_id,
                "action": "view",
                "field": on,
                # A single column names itself; an occasion lists the numbers it showed.
                "new_value": None if on in MASKED_FIELDS else "、".join(labels),
                "request_id": g.get("request_id"),
            }
            for (client_id, on), labels in views.items()
        ],
    )
    db.session.commit()


def init_app(app: Flask) -> None:
    @app.after_request
    def write_full_views(response):
        if response.status_code >= 500:  # nothing was shown
            g.pop("pii_views", None)
        else:
            write_views()
        return response


def _label(record: Client | RelatedPerson, field: str) -> str:
    label = type(record).__table__.columns[field].info["label"]
    if isinstance(record, RelatedPerson):
        return f"{RelatedPerson.__audit_label__} {record.name} {label}"
    return label
