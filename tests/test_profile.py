"""The branch profile (Art. 33): kept by the branch head (audited), read by the branch's staff,
gathered by HQ on one page and downloaded as CSV (UTF-8 with BOM) and Excel for the web site."""

import csv
import io

import factories
from openpyxl import load_workbook
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditLog, Branch

PROFILE = {
    "address": "上海市浦东新区世纪大道100号",
    "hotline": "021-95500",
    "services": "一对一客户经理服务\n老年客户上门培训",
    "offers": '=HYPERLINK("http://evil")',
    "latest_events": "-本周六 理财大讲堂",
}


def _first_branch() -> Branch:
    return factories.branch("第一营业部")


def test_the_head_edits_the_profile_and_the_change_is_audited(org, login_as):
    head = login_as("branch_head")
    assert head.post_form("/branch-profile/edit", PROFILE).status_code == 302
    with org.app_context():
        branch = _first_branch()
        assert branch.services == PROFILE["services"] and branch.profile_updated_at
        trail = db.session.scalar(
            select(AuditLog).where(
                AuditLog.record_type == "branches",
                AuditLog.record_id == branch.id,
                AuditLog.field == "services",
                AuditLog.action == "update",
            )
        )
        assert (trail.old_value, trail.new_value) == ("", PROFILE["services"])
        assert trail.user_id == factories.user("head1").id
    for who in ("manager", "counter", "branch_head"):
        html = login_as(who).get("/branch-profile/").get_data(as_text=True)
        assert "老年客户上门培训" in html and "021-95500" in html


def test_bad_input_is_refused_with_the_typed_values_kept(org, login_as):
    response = login_as("branch_head").post_form(
        "/branch-profile/edit", PROFILE | {"address": "", "offers": "满一年佣金八折"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请填写地址" in html and "满一年佣金八折" in html and "老年客户上门培训" in html
    with org.app_context():
        assert _first_branch().offers == ""


def test_hq_sees_every_branch_and_downloads_them_formulas_kept_as_text(org, login_as):
    login_as("branch_head").post_form("/branch-profile/edit", PROFILE)
    hq = login_as("hq")
    html = hq.get("/branch-profile/all").get_data(as_text=True)
    assert "第一营业部" in html and "第二营业部" in html and "老年客户上门培训" in html

    response = hq.get("/branch-profile/all.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    header = ["营业部名称", "地址", "咨询电话", "特色服务", "优惠政策", "最新活动"]
    assert rows[0] == [*header, "信息更新时间"]
    first = next(r for r in rows if r[0] == "第一营业部")
    assert first[1:4] == [PROFILE["address"], "021-95500", PROFILE["services"]]
    assert first[4] == "'" + PROFILE["offers"] and first[5] == "'" + PROFILE["latest_events"]
    assert any(r[0] == "第二营业部" for r in rows)

    response = hq.get("/branch-profile/all.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]][:3] == ["营业部名称", "地址", "咨询电话"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "第一营业部")
    assert row[3].value == PROFILE["services"]
    assert row[4].value == PROFILE["offers"] and row[4].data_type == "s"
    assert row[5].value == PROFILE["latest_events"] and row[5].data_type == "s"


def test_each_branch_reads_its_own_profile_only(org, login_as):
    login_as("branch_head").post_form("/branch-profile/edit", PROFILE)
    with org.app_context():
        other = factories.branch("第二营业部")
        other.services = "融资融券业务专席"
        db.session.commit()
    for who, shown, hidden in (
        ("mgr1", "老年客户上门培训", "融资融券业务专席"),
        ("mgr3", "第二营业部", "老年客户上门培训"),
    ):
        html = login_as(who).get("/branch-profile/").get_data(as_text=True)
        assert shown in html and hidden not in html
