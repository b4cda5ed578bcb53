"""附件4 of a whole branch as one PDF, made in the background with its progress (the export
jobs of the batch archive): every client's row under its letter, the form's title and header,
phones masked, a rare character of a name kept (the full Noto CJK behind the cut font)."""

import re
import subprocess

import factories
import pytest
from sqlalchemy import select

from portal import queue
from portal.extensions import db
from portal.models import Client
from portal.models.audit import acting_as
from portal.services import exports


@pytest.fixture(autouse=True)
def empty_queue(app):
    with app.app_context():
        queue.huey().flush()


@pytest.fixture
def branch_book(book):
    """第一营业部 with a client whose name has a character outside GB 2312 (𠮷)."""
    with book.app_context(), acting_as("seed"):
        factories.client("mgr2", "𠮷田龘")
        db.session.commit()
    return book


def text_of(data: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it (a viewer's copy and search)."""
    done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return done.stdout.decode()


def test_a_head_makes_the_branchs_annex4_in_the_background(branch_book, login_as):
    head = login_as("branch_head")
    response = head.post_form("/archive/exports", {"kind": "annex4", "branch": "1"})
    assert response.status_code == 302
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    page = head.get(f"/archive/exports/{job_id}").get_data(as_text=True)
    assert "客户分类汇总表（附件4）" in page and "排队等待" in page
    with branch_book.test_request_context():
        queue.huey().storage.flush_queue()
        exports.run_export(job_id)
        job = exports.load(job_id)
        names = db.session.scalars(
            select(Client.name).where(Client.branch_id == 1).order_by(Client.id)
        ).all()
        phones = db.session.scalars(select(Client.mobile).where(Client.branch_id == 1)).all()
    assert (job["kind"], job["status"], job["done"], job["total"]) == (
        "annex4",
        "done",
        len(names),
        len(names),
    )
    assert "下载 PDF" in head.get(f"/archive/exports/{job_id}").get_data(as_text=True)
    download = head.get(f"/archive/exports/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert (
        "附件4客户分类汇总表" in download.headers["Content-Disposition"]
        or "filename*" in (download.headers["Content-Disposition"])
    )
    text = text_of(download.data)
    assert "客户分类汇总表" in text and "客户姓氏\n首个字母" in text and "填表说明" in text
    assert all(name.replace(" ", "") in text.replace(" ", "") for name in names)
    assert "𠮷田龘" in text  # the rare character set in the full font, not dropped
    assert not any(phone and phone in text for phone in phones)  # masked
    assert re.search(r"1\d\d\*\*\*\*\d{4}", text)
    assert re.search(r"第 1 页 / 共 \d+ 页", text)
    # Another user sees neither the job nor its file.
    assert login_as("hq").get(f"/archive/exports/{job_id}/download").status_code == 404


def test_a_manager_cannot_start_another_branchs_annex4(branch_book, login_as):
    response = login_as("manager").post_form("/archive/exports", {"kind": "annex4", "branch": "2"})
    assert response.status_code == 404
