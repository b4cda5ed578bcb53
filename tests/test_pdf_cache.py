"""A printed 附件3 is kept by the record's version (portal.pdf.cache): printing an unchanged
file again serves the same bytes without laying the page out again; any change to the file or
one of its parts (the client, a related person, a risk assessment, a contact counted as a visit)
prints it anew. Each serve still leaves its view row in the trail."""

from datetime import datetime
from pathlib import Path

import answers
import factories
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditLog, Client
from portal.models.audit import acting_as
from portal.services import archive, clients


def pdf_text(data: bytes) -> str:
    import io

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def renders(monkeypatch):
    """How many times 附件3 was laid out."""
    calls = []
    real = archive.annex3_document

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(archive, "annex3_document", counted)
    return calls


@pytest.fixture
def filed(org):
    with org.app_context(), acting_as("seed"):
        client = factories.client(
            "mgr1", "柳如烟", related=[{"name": "柳永", "phone": "13733334444", "relation": "父亲"}]
        )
        db.session.commit()
        return client.id


def print_annex3(manager, client_id) -> bytes:
    response = manager.get(f"/clients/{client_id}/annex3.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return response.data


def test_an_unchanged_file_is_served_from_the_cache_byte_for_byte(org, filed, login_as, renders):
    manager = login_as("manager")
    first = print_annex3(manager, filed)
    again = print_annex3(manager, filed)
    assert again == first
    assert len(renders) == 1
    assert list(Path(org.config["PDF_CACHE_DIR"]).glob(f"annex3-{filed}-*.pdf"))
    # Each print of the full numbers, cached or not, still leaves its view row.
    with org.app_context():
        views = db.session.scalars(
            select(AuditLog).where(
                AuditLog.record_id == filed, AuditLog.action == "view", AuditLog.field == "print"
            )
        ).all()
    assert len(views) == 2
    assert views[0].new_value == views[1].new_value


def change_client(org, client_id):
    with org.app_context(), acting_as("mgr1"):
        clients.update_client(db.session.get(Client, client_id), {"hobbies": "围棋与昆曲"})
        db.session.commit()


def change_related(org, client_id):
    with org.app_context(), acting_as("mgr1"):
        clients.replace_related_persons(
            db.session.get(Client, client_id),
            [{"name": "柳三变", "phone": "13733334444", "relation": "父亲"}],
        )
        db.session.commit()


def change_assessment(org, client_id):
    with org.app_context(), acting_as("mgr1"):
        factories.assessment(db.session.get(Client, client_id), answers.HIGHEST)
        db.session.commit()


def change_contact(org, client_id):
    with org.app_context(), acting_as("mgr1"):
        factories.contact(db.session.get(Client, client_id), datetime(2026, 3, 2, 10, 0))
        db.session.commit()


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (change_client, "围棋与昆曲"),
        (change_related, "柳三变"),
        (change_assessment, None),
        (change_contact, "累计拜访次数：1 次"),
    ],
)
def test_a_change_to_the_file_or_a_part_prints_anew(org, filed, login_as, renders, change, shown):
    manager = login_as("manager")
    first = print_annex3(manager, filed)
    assert print_annex3(manager, filed) == first and len(renders) == 1
    change(org, filed)
    again = print_annex3(manager, filed)
    assert len(renders) == 2
    if shown:
        assert shown in pdf_text(again).replace("\n", "")
        assert shown not in pdf_text(first).replace("\n", "")
    assert print_annex3(manager, filed) == again and len(renders) == 2


def test_another_person_gets_their_own_print(org, filed, login_as, renders):
    mine = print_annex3(login_as("manager"), filed)
    masked = print_annex3(login_as("hq"), filed)
    assert len(renders) == 2
    assert "13733334444" in pdf_text(mine) and "13733334444" not in pdf_text(masked)
