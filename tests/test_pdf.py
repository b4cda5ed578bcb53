import io
import logging

from pypdf import PdfReader


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
