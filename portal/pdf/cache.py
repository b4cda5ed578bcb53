"""Printed 附件3 kept by the record's version, outside the database.

A client's 附件3 shows the client, its parts (相关人物, 月度数据, 风险测评 …: audit rows whose
parent is the client) and the number of its visits (客户联系, audited as records of their
own). Every change to any of them leaves an audit row, so the latest such row — its id and its
time, ``view`` rows excepted (a printout carrying the numbers leaves one itself) — together
with the contacts' latest row and count, the person printing (填表人, and which numbers they may
see) and the version of the templates, stylesheet and fonts names one printed page. The PDF
printed first for that key is kept under ``PDF_CACHE_DIR`` (written to a temporary file, then
renamed: a reader never sees half a file) and served again byte for byte, with the date and
time of that first print on it; a changed record gets a new key and prints anew. Older copies
of the same client and person are removed when a new one is written.

The numbers a copy shows in full are noted beside it (``.json``) and noted again on every
serve, so that each printout still leaves its ``view`` row in the trail (services.pii).
"""

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

import weasyprint
from flask import current_app
from sqlalchemy import case, func, select

from portal.extensions import db
from portal.models import AuditLog, Client, Contact, User
from portal.services import pii

PDF = Path(__file__).resolve().parent
PORTAL = PDF.parent
TEMPLATES = ("print/_base.html", "print/annex03.html", "print/_annex03_form.html")


@cache
def template_version() -> str:
    """A digest of what shapes the page besides the data: templates, print CSS, the code that
    renders them, the WeasyPrint version and the fonts it embeds."""
    from portal.pdf import fonts, stylesheet_text

    digest = hashlib.sha256(weasyprint.__version__.encode())
    digest.update(stylesheet_text().encode())
    files = [PORTAL / "templates" / name for name in TEMPLATES]
    files += [PORTAL / "static" / "print.css", PDF / "__init__.py", PDF / "vocabulary.py"]
    for path in files:
        digest.update(path.read_bytes())
    digest.update(fonts.version().encode())
    return digest.hexdigest()[:16]


def _latest(*conditions):
    """The id of the latest audit row meeting ``conditions``, ``view`` rows excepted (each
    condition a scan of one of the trail's indexes, backwards)."""
    return (
        select(func.max(AuditLog.id))
        .where(*conditions, AuditLog.action != "view")
        .scalar_subquery()
    )


def annex3_key(client: Client, user: User) -> str:
    """The version of a client's 附件3 as ``user`` prints it — one query."""
    table = Client.__tablename__
    own = _latest(AuditLog.record_type == table, AuditLog.record_id == client.id)
    parts = _latest(AuditLog.parent_type == table, AuditLog.parent_id == client.id)
    contact_ids = select(Contact.id).where(Contact.client_id == client.id)
    contacts = _latest(
        AuditLog.record_type == Contact.__tablename__, AuditLog.record_id.in_(contact_ids)
    )
    count = (
        select(func.count())
        .select_from(Contact)
        .where(Contact.client_id == client.id)
        .scalar_subquery()
    )
    latest = func.coalesce(own, 0), func.coalesce(parts, 0)
    row = db.session.execute(
        select(
            own,
            parts,
            contacts,
            count,
            # The time of the latest row too: ids alone could repeat in a restored database.
            select(AuditLog.at)
            .where(AuditLog.id == case((latest[0] > latest[1], latest[0]), else_=latest[1]))
            .scalar_subquery(),
        )
    ).one()
    version = [template_version(), client.id, *row, user.id, user.display_name]
    return hashlib.sha256(repr([*version, pii.may_see(client)]).encode()).hexdigest()[:32]


def directory() -> Path:
    return Path(current_app.config["PDF_CACHE_DIR"])


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def annex3(client: Client, user: User, render: Callable[[], bytes]) -> bytes:
    """The 附件3 of ``client`` printed by ``user``: the kept copy of this version, else
    ``render()`` — kept for next time."""
    key = annex3_key(client, user)
    stem = f"annex3-{client.id}-{user.id}"
    path = directory() / f"{stem}-{key}.pdf"
    views = path.with_suffix(".json")
    try:
        pdf = path.read_bytes()
        noted = json.loads(views.read_text()) if views.exists() else []
    except FileNotFoundError:
        pass
    else:
        pii.note_again(noted)
        return pdf
    before = pii.noted()
    pdf = render()
    after = pii.noted()
    noted = [
        [client_id, on, [label for label in labels if label not in before.get((client_id, on), [])]]
        for (client_id, on), labels in after.items()
    ]
    for old in path.parent.glob(f"{stem}-*"):
        old.unlink(missing_ok=True)
    _write(views, json.dumps(noted, ensure_ascii=False).encode())
    _write(path, pdf)
    return pdf
