import re
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.domain.beijing import china_today
from portal.domain.idcard import build_resident_id
from portal.extensions import db
from portal.models import AuditLog, Client, User
from portal.services import classification


def first_client_of(app, username: str) -> Client:
    with app.app_context():
        return db.session.scalar(
            select(Client)
            .join(User, Client.manager_id == User.id)
            .where(User.username == username)
            .order_by(Client.id)
            .limit(1)
        )


def client_count(app, **where) -> int:
    with app.app_context():
        query = select(func.count()).select_from(Client).join(User, Client.manager_id == User.id)
        for key, value in where.items():
            query = query.where(getattr(User, key) == value)
        return db.session.scalar(query)


def total_shown(html: str) -> int:
    return int(re.search(r"共 (\d+) 位客户", html).group(1))


VALID_ID = build_resident_id("110105", date(1980, 5, 17), 123)  # 123 is odd: 男


def new_client_form(**overrides) -> dict:
    data = {
        "client_no": "9000000001",
        "name": "欧阳明远",
        "gender": "男",
        "fund_account": "880012345",
        "id_type": "resident",
        "id_number": VALID_ID,
        "birthday": "1980-05-17",
        "occupation": "企业主",
        "commission_rate": "2.5",
        "opened_on": "2024-03-01",
        "mobile": "13912345678",
        "email": "oy@example.com",
        "home_postcode": "100000",
        "meeting_place": "公司",
        "fin_savings": "y",
        "fin_funds": "y",
        "annual_income": "800000",
        "target_return": "12",
        "value_class": "G",
        "habit": "B",
        "decision_style": "L",
        "preference_codes": ["V", "J"],
        "remarks": "2007年入市，偏好蓝筹。",
        "related_persons-0-name": "欧阳丽",
        "related_persons-0-phone": "13700001111",
        "related_persons-0-relation": "配偶",
        "related_persons-0-influence": "高",
        "related_persons-0-style": "稳健",
    }
    data.update(overrides)
    return data


def test_manager_lists_only_their_own_clients(book, login_as):
    html = login_as("manager").get("/clients/").get_data(as_text=True)
    assert total_shown(html) == client_count(book, username="mgr1") > 0
    assert "陈静" not in html  # another manager's name never appears as a client's manager


def test_branch_head_and_counter_see_the_branch_hq_sees_all(book, login_as):
    branch = client_count(book, branch_id=1)
    for role in ("branch_head", "counter"):
        assert total_shown(login_as(role).get("/clients/").get_data(as_text=True)) == branch
    everyone = client_count(book)
    assert total_shown(login_as("hq").get("/clients/").get_data(as_text=True)) == everyone


def test_lists_mask_mobile_numbers_for_everyone(book, login_as):
    mine = first_client_of(book, "mgr1")
    html = login_as("manager").get(f"/clients/?q={mine.fund_account}").get_data(as_text=True)
    assert mine.mobile not in html
    assert f"{mine.mobile[:3]}****{mine.mobile[-4:]}" in html


@pytest.mark.parametrize("term", ["name", "initials", "fund_account", "client_no", "last4"])
def test_search_finds_a_client_by_each_key(book, login_as, term):
    c = first_client_of(book, "mgr1")
    q = {
        "name": c.name[:2],
        "initials": c.name_initials.lower(),
        "fund_account": c.fund_account,
        "client_no": c.client_no,
        "last4": c.mobile[-4:],
    }[term]
    html = login_as("manager").get("/clients/", query_string={"q": q}).get_data(as_text=True)
    assert f'/clients/{c.id}"' in html


def test_search_fragment_for_htmx(book, login_as):
    c = first_client_of(book, "mgr1")
    response = login_as("manager").get(
        "/clients/",
        query_string={"q": c.name},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    html = response.get_data(as_text=True)
    assert "<html" not in html and f'/clients/{c.id}"' in html
    assert "HX-Request" in response.headers["Vary"]
    assert response.headers["HX-Push-Url"].startswith("/clients/?q=")
    full = login_as("manager").get("/clients/", query_string={"q": c.name})
    assert "<html" in full.get_data(as_text=True)
    assert "HX-Request" in full.headers["Vary"]


def test_class_filter(book, login_as):
    html = login_as("hq").get("/clients/?class=B%2B").get_data(as_text=True)
    with book.app_context():
        expected = db.session.scalar(select(func.count()).where(Client.class_code == "B+"))
    assert expected > 0 and total_shown(html) == expected


def test_another_managers_client_is_404_on_view_edit_and_reveal(book, login_as):
    other = first_client_of(book, "mgr2")
    elsewhere = first_client_of(book, "mgr3")
    manager = login_as("manager")
    assert manager.get(f"/clients/{other.id}").status_code == 404
    assert manager.get(f"/clients/{other.id}/edit").status_code == 404
    assert manager.post_form(f"/clients/{other.id}/reveal/mobile").status_code == 404
    head = login_as("branch_head")
    assert head.get(f"/clients/{other.id}").status_code == 200
    assert head.get(f"/clients/{elsewhere.id}").status_code == 404


@pytest.mark.parametrize(
    ("role", "may_reveal"),
    [("manager", True), ("branch_head", True), ("counter", False), ("hq", False)],
)
def test_masking_on_the_file_by_role(book, login_as, role, may_reveal):
    c = first_client_of(book, "mgr1")
    client = login_as(role)
    html = client.get(f"/clients/{c.id}").get_data(as_text=True)
    assert c.id_number not in html and c.mobile not in html
    assert ("显示完整" in html) is may_reveal
    response = client.post_form(f"/clients/{c.id}/reveal/id_number")
    if may_reveal:
        assert response.status_code == 200
        assert c.id_number in response.get_data(as_text=True)
        with book.app_context():
            seen = db.session.scalar(
                select(AuditLog).where(
                    AuditLog.record_type == "clients",
                    AuditLog.record_id == c.id,
                    AuditLog.action == "view",
                )
            )
            assert seen.field == "id_number" and seen.user.role == role
    else:
        assert response.status_code == 403


def test_create_client_with_a_bad_id_keeps_everything_typed(book, login_as):
    manager = login_as("manager")
    bad = VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1")
    response = manager.post_form("/clients/new", new_client_form(id_number=bad))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "身份证号码校验位错误" in html
    for kept in (
        'value="欧阳明远"',
        'value="880012345"',
        'value="13912345678"',
        "欧阳丽",
        "2007年入市，偏好蓝筹。",
        'value="2.5"',
    ):
        assert kept in html, kept


def test_birthday_and_gender_must_agree_with_the_id(book, login_as):
    html = (
        login_as("manager")
        .post_form("/clients/new", new_client_form(birthday="1980-05-18", gender="女"))
        .get_data(as_text=True)
    )
    assert "生日与身份证号码不符" in html and "性别与身份证号码不符" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("mobile", "2391234567", "手机号码应为以1开头的11位数字"),
        ("email", "not-an-email", "电子邮箱格式不正确"),
        ("home_postcode", "10000", "邮编应为6位数字"),
        ("commission_rate", "abc", "不是有效的小数"),
        ("fund_account", "", "请填写资金帐号"),
        ("gender", "", "请填写性别"),
        ("meeting_place", "火星", "不是有效的选择"),  # a tampered choice: said at the field
    ],
)
def test_each_bad_field_says_what_is_wrong(book, login_as, field, value, message):
    response = login_as("manager").post_form("/clients/new", new_client_form(**{field: value}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    errors = re.findall(r'<p class="error"[^>]*>([^<]*)</p>', html)
    assert len(errors) == 1 and message in errors[0]  # one field, one message


def test_counter_staff_open_an_account_for_a_manager_of_their_branch(book, login_as, user_id):
    counter = login_as("counter")
    form = counter.get("/clients/new").get_data(as_text=True)
    assert 'name="manager_id"' in form and "赵磊" not in form  # mgr3 is in the other branch
    elsewhere = counter.post_form("/clients/new", new_client_form(manager_id=user_id("mgr3")))
    assert elsewhere.status_code == 422
    response = counter.post_form("/clients/new", new_client_form(manager_id=user_id("mgr2")))
    assert response.status_code == 302
    with book.app_context():
        c = db.session.scalar(select(Client).where(Client.client_no == "9000000001"))
        assert (c.manager_id, c.branch_id) == (user_id("mgr2"), 1)
        actors = set(
            db.session.scalars(
                select(AuditLog.actor).where(
                    AuditLog.record_type == "clients", AuditLog.record_id == c.id
                )
            )
        )
    assert actors == {"counter1"}
    shown = counter.get(response.headers["Location"]).get_data(as_text=True)
    assert VALID_ID not in shown  # the counter reads the file masked, as any other
    assert "欧阳明远" in login_as("mgr2").get("/clients/?q=欧阳明远").get_data(as_text=True)


def test_create_client_then_it_is_found_and_audited(book, login_as):
    manager = login_as("manager")
    response = manager.post_form("/clients/new", new_client_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    with book.app_context():
        c = db.session.scalar(select(Client).where(Client.client_no == "9000000001"))
        assert c.manager.username == "mgr1" and c.branch_id == 1
        assert c.commission_rate == __import__("decimal").Decimal("0.000250")
        assert c.preference_codes == ["V", "J"] and c.surname_initial == "O"
        assert c.name_initials == "OYMY"
        assert [p.name for p in c.related_persons] == ["欧阳丽"]
        fields = set(
            db.session.scalars(
                select(AuditLog.field).where(
                    AuditLog.record_type == "clients", AuditLog.record_id == c.id
                )
            )
        )
        assert {"name", "id_number", "fund_account"} <= fields
    html = manager.get("/clients/?q=oymy").get_data(as_text=True)
    assert f'/clients/{c.id}"' in html


def test_edit_leaves_old_and_new_in_the_trail(book, login_as):
    c = first_client_of(book, "mgr1")
    manager = login_as("manager")
    form_html = manager.get(f"/clients/{c.id}/edit").get_data(as_text=True)
    assert f'value="{c.name}"' in form_html
    data = new_client_form(
        client_no=c.client_no,
        name=c.name,
        fund_account=c.fund_account,
        id_type=c.id_type,
        id_number=c.id_number,
        birthday=str(c.birthday) if c.birthday else "",
        gender=c.gender,
        opened_on=str(c.opened_on),
        mobile=c.mobile,  # unchanged: a new mobile or e-mail needs evidence
        email=c.email,
        hobbies="围棋",
    )
    response = manager.post_form(f"/clients/{c.id}/edit", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    history = manager.get(f"/history/clients/{c.id}").get_data(as_text=True)
    assert "个人爱好" in history and "围棋" in history


def test_related_row_fragment(login_as):
    html = login_as("manager").get("/clients/related-row?index=3").get_data(as_text=True)
    assert 'name="related_persons-3-name"' in html
    assert "related-row?index=4" in html and 'hx-swap-oob="true"' in html


def test_branch_head_reassigns_within_the_branch(book, login_as, user_id):
    c = first_client_of(book, "mgr1")
    head = login_as("branch_head")
    head.post_form(f"/clients/{c.id}/reassign", {"manager_id": user_id("mgr2")})
    with book.app_context():
        assert db.session.get(Client, c.id).manager.username == "mgr2"
    # A manager of another branch is not offered, and is refused if posted.
    response = head.post_form(f"/clients/{c.id}/reassign", {"manager_id": user_id("mgr3")})
    assert response.status_code == 302
    with book.app_context():
        assert db.session.get(Client, c.id).manager.username == "mgr2"
    assert (
        login_as("mgr2")
        .post_form(f"/clients/{c.id}/reassign", {"manager_id": user_id("mgr1")})
        .status_code
        == 403
    )


def test_monthly_figures_recompute_assets_and_class(book, login_as):
    c = first_client_of(book, "mgr1")
    manager = login_as("manager")
    month = date.today().replace(day=1).strftime("%Y-%m")
    response = manager.post_form(
        f"/clients/{c.id}/figures",
        {
            "month": month,
            "avg_assets": "6000000",
            "end_assets": "6000000",
            "end_stock_value": "3000000",
            "traded_amount": "0",
            "net_commission": "0",
        },
    )
    assert response.status_code == 302
    with book.app_context():
        fresh = db.session.get(Client, c.id)
        assert fresh.total_assets == 6000000 and fresh.class_code in ("A+", "B+")
    bad = manager.post_form(f"/clients/{c.id}/figures", {"month": "2026-13", "avg_assets": "x"})
    assert bad.status_code == 422
    assert "月份格式应为" in bad.get_data(as_text=True)


def test_hq_sets_threshold_and_clients_are_reclassified(book, login_as):
    hq = login_as("hq")
    page = hq.get("/classification/thresholds").get_data(as_text=True)
    assert "资产周转率阈值" in page
    year = date.today().year
    response = hq.post_form(
        "/classification/thresholds", {"year": str(year), "value": "0.5", "note": "测试"}
    )
    assert response.status_code == 302
    with book.app_context():
        low = db.session.scalar(
            select(func.count()).where(
                Client.class_code.in_(["A+", "A", "D", "D-", "E"]), Client.turnover < 0.5
            )
        )
        high_wrongly_low = db.session.scalar(
            select(func.count()).where(
                Client.class_code.in_(["A+", "A", "D", "D-", "E"]), Client.turnover >= 0.5
            )
        )
    assert low >= 0 and high_wrongly_low == 0


def test_the_page_prepares_next_years_threshold_with_its_suggestion(book, login_as):
    next_year = china_today().year + 1
    with book.app_context():
        suggested = classification.suggested_threshold(next_year)
    html = login_as("hq").get("/classification/thresholds").get_data(as_text=True)
    year_input = re.search(r'<input[^>]*name="year"[^>]*>', html).group(0)
    assert f'value="{next_year}"' in year_input
    assert suggested is not None  # the demo has figures in each of the three years before
    assert f"{next_year - 3}–{next_year - 1}年公司平均客户资产周转率" in html
    assert f"<b>{suggested}</b>" in html


def test_branch_head_proposes_and_hq_approves(book, login_as):
    head = login_as("branch_head")
    year = date.today().year
    assert (
        head.post_form(
            "/classification/thresholds",
            {"year": str(year), "value": "4", "note": "本部客户交易活跃"},
        ).status_code
        == 302
    )
    hq = login_as("hq")
    html = hq.get("/classification/thresholds").get_data(as_text=True)
    assert "待审批" in html
    record_id = re.search(r"/classification/thresholds/(\d+)/decision", html).group(1)
    hq.post_form(f"/classification/thresholds/{record_id}/decision", {"decision": "approve"})
    html = head.get("/classification/thresholds").get_data(as_text=True)
    assert "已批准" in html


def test_threshold_value_errors_are_422(book, login_as):
    response = login_as("hq").post_form(
        "/classification/thresholds", {"year": "2026", "value": "-1"}
    )
    assert response.status_code == 422
    assert "阈值应为0.01到999之间的数" in response.get_data(as_text=True)


def test_opening_the_edit_form_logs_the_full_numbers_it_shows(book, login_as):
    c = first_client_of(book, "mgr1")
    with book.app_context():
        before = db.session.scalar(select(func.max(AuditLog.id))) or 0

    def views() -> list[AuditLog]:
        with book.app_context():
            return db.session.scalars(
                select(AuditLog).where(AuditLog.action == "view", AuditLog.id > before)
            ).all()

    manager = login_as("manager")
    html = manager.get(f"/clients/{c.id}/edit").get_data(as_text=True)
    assert c.id_number in html
    # One row per opening, on the client, naming every number the form showed.
    (row,) = views()
    assert (row.record_type, row.record_id, row.field) == ("clients", c.id, "edit_form")
    assert "证件号码" in row.new_value and "手机号码" in row.new_value
    manager.get(f"/clients/{c.id}/edit")
    assert len(views()) == 2
    history = manager.get(f"/history/clients/{c.id}").get_data(as_text=True)
    assert history.count("编辑页显示的号码") == 2
