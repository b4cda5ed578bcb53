import io
import logging
import re

from pypdf import PdfReader
from sqlalchemy import select

from portal.domain.beijing import china_today
from portal.extensions import db
from portal.models import Client
from portal.services import pii


def embedded_fonts(reader: PdfReader) -> set[str]:
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()
            for desc in [descriptor, *descriptor.get("/DescendantFonts", [])]:
                fd = desc.get_object().get("/FontDescriptor")
                if fd and any(
                    k in fd.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
                ):
                    fonts.add(str(desc.get_object()["/BaseFont"]))
    return fonts


def test_user_card_pdf_has_cjk_font_and_chinese_text(login_as, user_id, caplog):
    head = login_as("branch_head")
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        response = head.get(f"/users/{user_id('mgr1')}/card.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    fonts = {f.replace("-", "") for f in embedded_fonts(reader)}
    assert any("NotoSansCJK" in f or "NotoSerifCJK" in f for f in fonts), fonts
    text = "".join(page.extract_text() for page in reader.pages)
    for expected in (
        "用户账户卡",
        "李明",
        "客户经理",
        "第一营业部",
        "领取人签字",
        "填表人",
        "王建国",
    ):
        assert expected in text, expected
    assert ".notdef" not in caplog.text


def font_families(pdf: bytes) -> set[str]:
    """The families of the fonts a PDF embeds: subset prefix and weight left out."""
    names = embedded_fonts(PdfReader(io.BytesIO(pdf)))
    return {re.sub(r"^[A-Z]{6}\+|-(Bold|Regular)$", "", name.lstrip("/")) for name in names}


def todays_new_accounts() -> list[Client]:
    """The demo's new accounts of today, in the first branch (the demo's counter and head)."""
    return db.session.scalars(select(Client).where(Client.opened_on == china_today())).all()


def test_printed_forms_share_one_type_family(demo_risk, login_as):
    """附件3 uses the faces of the other forms: serif text, sans labels and headings."""
    head = login_as("branch_head")
    with demo_risk.app_context():
        client_id = todays_new_accounts()[0].id
    annex3 = head.get(f"/clients/{client_id}/annex3.pdf")
    daily = head.get(f"/risk/daily.pdf?day={china_today()}")
    assert annex3.mimetype == daily.mimetype == "application/pdf"
    assert font_families(annex3.data) == font_families(daily.data)
    # Noto Serif CJK SC, cut down to the forms' characters (portal.pdf.fonts) or in full.
    assert {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Cut"} & font_families(annex3.data)


def test_an_id_number_is_never_broken_over_two_lines(demo_risk, login_as):
    with demo_risk.app_context():
        ids = {pii.masked(client, "id_number") for client in todays_new_accounts()}
    assert ids and all(len(shown) == 18 for shown in ids)
    pdf = login_as("counter").get(f"/risk/daily.pdf?day={china_today()}")
    lines = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().splitlines()
    for shown in ids:
        assert any(shown in line for line in lines), shown
