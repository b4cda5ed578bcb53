"""Responses with client data are never kept by a browser or proxy cache, https asks for https
from then on, and a scan is downloaded under a name the portal made."""

import io

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Attachment, Client

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def client_id(book):
    with book.app_context():
        return db.session.scalar(select(Client.id).where(Client.branch_id == 1).limit(1))


def upload_scan(head, client_id, name):
    response = head.post_form(
        f"/clients/{client_id}/disclosures",
        {"kind": "margin", "signed_on": "2026-01-05", "scan": (io.BytesIO(PDF), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    return db.session.scalar(
        select(Attachment.id)
        .where(Attachment.client_id == client_id)
        .order_by(Attachment.id.desc())
    )


def test_pages_pdfs_spreadsheets_and_scans_are_not_stored(book, login_as, client_id):
    head = login_as("branch_head")
    with book.app_context():
        scan_id = upload_scan(head, client_id, "x.pdf")
    for url in (
        f"/clients/{client_id}",
        f"/clients/{client_id}/annex3.pdf",
        "/archive/annex4.xlsx",
        f"/attachments/{scan_id}",
    ):
        response = head.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
    assert "no-store" not in head.get("/static/app.css").headers.get("Cache-Control", "")


def test_https_asks_for_https_from_then_on(client):
    secure = client.get("/login", base_url="https://portal.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_a_scan_is_downloaded_under_a_name_the_portal_made(book, login_as, client_id):
    head = login_as("branch_head")
    with book.app_context():
        scan_id = upload_scan(head, client_id, "报告.html")
    response = head.get(f"/attachments/{scan_id}")
    disposition = response.headers["Content-Disposition"]
    assert response.mimetype == "application/pdf"
    assert disposition == f"inline; filename=disclosure-{scan_id}.pdf"
