"""Institutional clients (机构客户, Art. 8.1) on the file and in print: opened from the form
with their 统一社会信用代码 and 经办人, the 经办人's numbers masked for whoever may not see them in
full, 附件3 and 附件4 printed for them; the 证券交易风险提示书 (Art. 48) recorded at opening."""

import re
from datetime import date
from io import BytesIO

from pypdf import PdfReader
from sqlalchemy import select

from portal.domain.idcard import build_resident_id
from portal.extensions import db
from portal.models import Client, RiskDisclosure

AGENT_ID = build_resident_id("310104", date(1982, 3, 9), 21)
FIRM = {
    "client_type": "institution",
    "client_no": "9000000077",
    "name": "上海远景投资有限公司",
    "fund_account": "880077001",
    "id_type": "uscc",
    "id_number": "91350100M000100Y43",
    "opened_on": "2026-11-02",
    "opening_disclosure_on": "2026-11-02",
    "agent_name": "陈经办",
    "agent_id_type": "resident",
    "agent_id_number": AGENT_ID,
    "agent_phone": "13811112222",
    "meeting_place": "公司",
}


def pdf_text(response) -> str:
    assert response.status_code == 200, response.status_code
    pages = PdfReader(BytesIO(response.data)).pages
    return "".join(page.extract_text() for page in pages).replace("\n", "")


def test_a_manager_opens_an_institutions_file_with_its_agent(book, login_as):
    manager = login_as("manager")
    response = manager.post_form("/clients/new", FIRM)
    assert response.status_code == 302, re.findall(
        r'class="error"[^>]*>([^<]*)<', response.get_data(as_text=True)
    )
    with book.app_context():
        firm = db.session.scalar(select(Client).where(Client.client_no == "9000000077"))
        assert (firm.client_type, firm.gender, firm.birthday) == ("institution", "", None)
        assert (firm.agent_name, firm.agent_id_number, firm.agent_phone) == (
            "陈经办",
            AGENT_ID,
            "13811112222",
        )
        kinds = db.session.scalars(
            select(RiskDisclosure.kind).where(RiskDisclosure.client_id == firm.id)
        ).all()
        assert kinds == ["trading"]
        firm_id = firm.id
    page = manager.get(f"/clients/{firm_id}").get_data(as_text=True)
    assert "<dt>机构名称</dt><dd>上海远景投资有限公司</dd>" in page
    assert "<dt>经办人</dt><dd>陈经办</dd>" in page
    assert "<dt>性别</dt>" not in page
    assert "证券交易风险提示书" in page and "尚未登记开户时签署" not in page
    # HQ sees the file with the 经办人's numbers masked and no way to reveal them.
    hq_page = login_as("hq").get(f"/clients/{firm_id}").get_data(as_text=True)
    assert AGENT_ID not in hq_page and "13811112222" not in hq_page
    assert f"{AGENT_ID[:3]}***********{AGENT_ID[-4:]}" in hq_page
    assert "138****2222" in hq_page


def test_an_institution_without_its_agent_or_with_a_bad_code_is_refused_field_by_field(
    book, login_as
):
    bad = FIRM | {"id_number": "91350100M000100Y44", "agent_name": "", "agent_phone": "123"}
    response = login_as("manager").post_form("/clients/new", bad)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    errors = re.findall(r'<p class="error"[^>]*>([^<]*)</p>', html)
    assert errors == [
        "统一社会信用代码校验位错误。",
        "机构客户须填写经办人姓名。",
        "手机号码应为以1开头的11位数字。",
    ]
    assert 'value="上海远景投资有限公司"' in html  # what was typed is kept
    with book.app_context():
        assert db.session.scalar(select(Client).where(Client.client_no == "9000000077")) is None


def test_an_institution_prints_on_annex3_and_annex4(book, login_as):
    manager = login_as("manager")
    manager.post_form("/clients/new", FIRM | {"mobile": ""})
    with book.app_context():
        firm_id = db.session.scalar(select(Client.id).where(Client.client_no == "9000000077"))
    text = pdf_text(manager.get(f"/clients/{firm_id}/annex3.pdf"))
    assert "机构名称" in text and "上海远景投资有限公司" in text
    assert "经办人" in text and "陈经办" in text and "统一社会信用代码" in text
    assert "91350100M000100Y43" in text  # the manager's own client: in full
    annex4 = pdf_text(manager.get("/archive/annex4.pdf"))
    assert "机构客户，经办人陈经办" in annex4
    assert "138****2222" in annex4  # no mobile of its own: the 经办人's, masked


def test_a_file_opened_without_the_trading_notice_says_it_is_missing(book, login_as):
    manager = login_as("manager")
    manager.post_form("/clients/new", FIRM | {"opening_disclosure_on": ""})
    with book.app_context():
        firm_id = db.session.scalar(select(Client.id).where(Client.client_no == "9000000077"))
    page = manager.get(f"/clients/{firm_id}").get_data(as_text=True)
    assert "尚未登记开户时签署的证券交易风险提示书" in page
    response = manager.post_form(
        f"/clients/{firm_id}/disclosures", {"kind": "trading", "signed_on": "2026-11-03"}
    )
    assert response.status_code == 302
    assert "尚未登记开户时签署" not in manager.get(f"/clients/{firm_id}").get_data(as_text=True)
