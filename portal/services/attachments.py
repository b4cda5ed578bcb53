"""Scans of signed paper forms in a client's archive (一户一档). Files are checked by their
content, stored outside ``static/`` under a random name, and read back only through a
record the user may see."""

import hashlib
import secrets
from pathlib import Path

from flask import current_app

from portal.domain.files import EXTENSIONS, check_scan
from portal.extensions import db
from portal.models import Attachment, Client, User
from portal.models.audit import record_view
from portal.services.records import use_case


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def store(data: bytes, original_name: str, client: Client, kind: str, user: User) -> Attachment:
    """Keep an uploaded scan; ValueError (in Chinese) if it is not an acceptable scan.

    The caller commits, together with the record the scan belongs to."""
    content_type = check_scan(data)
    stored_name = secrets.token_hex(16) + EXTENSIONS[content_type]
    path = upload_dir() / stored_name[:2] / stored_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    attachment = Attachment(
        client_id=client.id,
        kind=kind,
        original_name=Path(original_name or "scan").name[:200],
        stored_name=stored_name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=user.id,
    )
    db.session.add(attachment)
    return attachment


def download_name(attachment: Attachment) -> str:
    """The name a scan is downloaded under: made by the portal (the uploaded name may be
    ``x.html`` or carry a right-to-left override), with the extension of its checked content."""
    return f"{attachment.kind}-{attachment.id}{EXTENSIONS[attachment.content_type]}"


def path_of(attachment: Attachment) -> Path:
    return upload_dir() / attachment.stored_name[:2] / attachment.stored_name


@use_case
def record_opened(attachment: Attachment) -> None:
    """A scan of a signed form shows the client's ID number: every opening is logged."""
    record_view(attachment, "file")
