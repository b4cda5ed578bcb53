"""The print fonts are cut down to the forms' characters (portal.pdf.fonts), with the full
Noto CJK after them: a name with a rare character (𠮷, 龘) still prints every glyph."""

import io
import shutil
import subprocess

import factories
import pytest
from pypdf import PdfReader

from portal.extensions import db
from portal.models.audit import acting_as
from portal.pdf import fonts

RARE = "吉𠮷龘"


def embedded_fonts(data: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


@pytest.fixture
def rare(org):
    with org.app_context(), acting_as("seed"):
        client = factories.client(
            "mgr1", f"欧{RARE}", related=[{"name": "龘𠮷", "phone": "13733334444"}]
        )
        db.session.commit()
        return client.id


def test_the_cut_font_holds_the_forms_characters():
    chars = fonts.characters()
    assert {ord(c) for c in "客户服务档案表附件姓名累计拜访次数□：（）０"} <= chars
    assert ord("𠮷") not in chars and ord("龘") not in chars  # left to the full font


def test_a_rare_character_of_a_name_falls_back_to_the_full_font(org, rare, login_as, tmp_path):
    data = login_as("manager").get(f"/clients/{rare}/annex3.pdf").data
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert f"欧{RARE}" in text.replace("\n", "") and "龘𠮷" in text
    used = embedded_fonts(data)
    assert {"Noto-Serif-CJK-SC-Cut", "Noto-Sans-CJK-SC-Cut"} & used  # the cut fonts print the form
    assert {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC"} & used  # the full font prints 𠮷 and 龘
    if shutil.which("pdffonts"):
        (tmp_path / "a.pdf").write_bytes(data)
        listing = subprocess.run(
            ["pdffonts", str(tmp_path / "a.pdf")], capture_output=True, text=True, check=True
        ).stdout
        for line in listing.splitlines()[2:]:
            assert line.split()[-5:-2] == ["yes", "yes", "yes"], line  # embedded, subset, uni
