"""A client's mobile and e-mail change only with evidence (Art. 35, 36; issue 12 item 6).

``services.clients.update_client`` takes a :func:`snapshot` before it applies an edit and hands
it to :func:`record` after: when the mobile or the e-mail changed, the evidence (证据类型 and
its reference) is required and a ``ContactChange`` keeps the old value, the new one and the
evidence, in the same transaction as the change.
"""

from portal.extensions import db
from portal.models import Client, ContactChange, User
from portal.models.contact_change import EVIDENCE_KINDS
from portal.services import scope
from portal.services.records import clean_text

FIELDS = ("mobile", "email")


def snapshot(client: Client) -> dict[str, str]:
    return {field: getattr(client, field) or "" for field in FIELDS}


def changed(client: Client, values: dict) -> bool:
    """Whether ``values`` (typed) would change the client's mobile or e-mail."""
    return any(
        field in values and clean_text(values[field]) != (getattr(client, field) or "")
        for field in FIELDS
    )


def evidence_problem(evidence: dict | None) -> str | None:
    """What is wrong with the evidence given for a change (None: it will do)."""
    if not evidence or evidence.get("kind") not in EVIDENCE_KINDS:
        return "修改手机号码或电子邮箱须注明证据类型（电话录音编号、书面申请或其他）"
    if not clean_text(evidence.get("ref")):
        return "修改手机号码或电子邮箱须填写证据编号或说明"
    if len(clean_text(evidence.get("ref"))) > 200:
        return "证据说明不能超过200个字符"
    return None


def record(client: Client, before: dict[str, str], evidence: dict | None, user: User | None):
    """Keep the change of mobile/e-mail from ``before`` to the client's values now, with its
    evidence; nothing when neither changed. Raises ValueError without evidence (the caller's
    use case then rolls the whole edit back)."""
    after = snapshot(client)
    if after == before:
        return None
    problem = evidence_problem(evidence) or (None if user else "变更人未知")
    if problem:
        raise ValueError(problem)
    change = ContactChange(
        client=client,
        evidence_kind=evidence["kind"],
        evidence_ref=clean_text(evidence["ref"]),
        changed_by_id=user.id,
    )
    for field in FIELDS:
        if after[field] != before[field]:
            setattr(change, f"old_{field}", before[field])
            setattr(change, f"new_{field}", after[field])
    db.session.add(change)
    return change


def for_client(client: Client) -> list[ContactChange]:
    """The client's contact changes, newest first, as far as the user sees the client."""
    query = scope.scoped(ContactChange).where(ContactChange.client_id == client.id)
    return list(db.session.scalars(query.order_by(ContactChange.id.desc())))
