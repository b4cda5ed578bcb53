"""Client use cases (services.clients), the Client scope rule, the list query and demo data."""

import itertools
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal import demo
from portal.domain.classification import CLASSES
from portal.domain.idcard import build_resident_id, parse_resident_id
from portal.domain.surname import initial
from portal.extensions import db
from portal.models import AuditLog, ClassChange, Client, MonthlyFigure, RiskAssessment, User
from portal.services import classification, client_queries, clients, scope
from portal.services.client_queries import ClientQuery

_numbers = itertools.count(1)


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def client_data(**overrides) -> dict:
    n = next(_numbers)
    return {
        "name": "张三丰",
        "fund_account": f"8{n:09d}",
        "id_type": "resident",
        "id_number": build_resident_id("310115", date(1975, 3, 8), 101),
        "mobile": "13912345678",
        "opened_on": date(2019, 6, 1),
        "commission_rate": Decimal("0.000250"),
        "annual_income": Decimal("500000"),
        "product_preferences": ["J", "V", "C"],
        "habit": "b",
        "fin_savings": True,
        "meeting_place": "公司",
    } | overrides


def audit_rows(record: Client, action: str | None = None) -> list[AuditLog]:
    query = select(AuditLog).where(
        AuditLog.record_type == "clients", AuditLog.record_id == record.id
    )
    if action:
        query = query.where(AuditLog.action == action)
    return db.session.scalars(query).all()


# --------------------------------------------------------------------------- create / update


def test_create_client_derives_fields_and_is_audited(org):
    with org.app_context():
        mgr1 = user("mgr1")
        client = clients.create_client(client_data(name="单田芳"), mgr1)
        assert client.manager_id == mgr1.id and client.branch_id == mgr1.branch_id
        assert client.client_no == f"{mgr1.branch_id:04d}000001"
        assert (client.surname_initial, client.name_initials) == ("S", "STF")
        assert client.mobile_last4 == "5678"
        assert (client.birthday, client.gender) == (date(1975, 3, 8), "男")
        assert client.product_preferences == "VCJ"
        assert client.preference_codes == ["V", "C", "J"]
        assert client.habit == "B"
        assert client.class_code is None and client.total_assets is None
        fields = {row.field: row.new_value for row in audit_rows(client, "insert")}
        assert fields["name"] == "单田芳"
        assert fields["fund_account"] == client.fund_account
        assert "name_initials" not in fields  # derived, not worth a trace
        second = clients.create_client(client_data(), mgr1)
        assert second.client_no == f"{mgr1.branch_id:04d}000002"


def test_create_client_with_figures_is_classified(org):
    with org.app_context():
        figures = [
            {
                "month": date(2024, m, 15),
                "avg_assets": Decimal("2000000"),
                "end_assets": Decimal("2100000"),
                "traded_amount": Decimal("600000"),
            }
            for m in range(1, 13)
        ]
        client = clients.create_client(client_data(figures=figures), user("mgr1"))
        assert client.total_assets == Decimal("2100000.00")
        assert client.turnover == Decimal("3.6000")
        assert client.class_code == "B"
        change = db.session.scalar(select(ClassChange).where(ClassChange.client_id == client.id))
        assert (change.from_class, change.to_class, change.cause) == (None, "B", "新建客户")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"birthday": date(1975, 3, 9)}, "生日与身份证号码"),
        ({"gender": "女"}, "性别与身份证号码不符"),
        ({"id_number": "310115197503081010"}, "校验位"),
        ({"mobile": "2391234567"}, "手机号码"),
        ({"product_preferences": "VZ"}, "投资产品偏好"),
        ({"value_class": "X"}, "未知的代码"),
        ({"meeting_place": "咖啡馆"}, "面谈地点"),
        ({"name": "  "}, "姓名"),
    ],
)
def test_create_client_refuses_what_breaks_an_invariant(org, overrides, message):
    with org.app_context():
        with pytest.raises(ValueError, match=message):
            clients.create_client(client_data(**overrides), user("mgr1"))
        assert db.session.scalar(select(func.count()).select_from(Client)) == 0


def test_other_id_types_keep_what_was_entered(org):
    with org.app_context():
        data = client_data(
            name="David Chen",
            id_type="passport",
            id_number="e12345678",
            gender="男",
            birthday=date(1980, 1, 2),
        )
        client = clients.create_client(data, user("mgr1"))
        assert (client.id_number, client.birthday, client.gender) == (
            "E12345678",
            date(1980, 1, 2),
            "男",
        )
        assert (client.surname_initial, client.name_initials) == ("D", "DC")


def test_create_client_scope_and_uniqueness(org):
    with org.app_context():
        mgr1, mgr3, head1 = user("mgr1"), user("mgr3"), user("head1")
        first = clients.create_client(client_data(), mgr1)
        with pytest.raises(ValueError, match="资金帐号已存在"):
            clients.create_client(client_data(fund_account=first.fund_account), mgr1)
        with pytest.raises(ValueError, match="客户编号已存在"):
            clients.create_client(client_data(client_no=first.client_no), mgr1)
        # A branch head files a client for a manager of the branch, not of another one.
        assert clients.create_client(client_data(manager_id=mgr1.id), head1).manager_id == mgr1.id
        with pytest.raises(PermissionError):
            clients.create_client(client_data(manager_id=mgr3.id), head1)
        # A manager files only their own clients.
        with pytest.raises(PermissionError):
            clients.create_client(client_data(manager_id=user("mgr2").id), mgr1)
        with pytest.raises(TypeError):
            clients.create_client(client_data(annual_income=1.5), mgr1)


def test_update_client_writes_audit_rows_and_refusals_leave_nothing(org):
    with org.app_context():
        client = clients.create_client(client_data(), user("mgr1"))
        before = len(audit_rows(client))
        evidence = {"kind": "recording", "ref": "LY-0001"}
        clients.update_client(
            client,
            {"name": "欧阳修", "mobile": "13800001111", "habit": ""},
            evidence=evidence,
            user=user("mgr1"),
        )
        assert (client.name_initials, client.surname_initial, client.mobile_last4) == (
            "OYX",
            "O",
            "1111",
        )
        updates = {row.field: row for row in audit_rows(client, "update")}
        assert set(updates) == {"name", "mobile", "habit"}
        assert (updates["name"].old_value, updates["name"].new_value) == ("张三丰", "欧阳修")
        assert updates["habit"].new_value is None
        assert len(audit_rows(client)) == before + 3

        with pytest.raises(ValueError):
            clients.update_client(client, {"name": "诸葛亮", "mobile": "123"})
        db.session.expire_all()
        assert client.name == "欧阳修"
        assert len(audit_rows(client)) == before + 3
        # Unchanged values leave no trace.
        clients.update_client(client, {"name": "欧阳修", "commission_rate": Decimal("0.00025")})
        assert len(audit_rows(client)) == before + 3


def test_list_orders_by_pinyin_and_the_key_follows_a_rename(org):
    with org.app_context():
        mgr1 = user("mgr1")
        made = {
            name: clients.create_client(client_data(name=name), mgr1)
            for name in ("丁伟", "杜伟", "段伟", "董伟", "邓伟", "单田芳", "邵华", "欧阳修")
        }

        def listed() -> list[str]:
            db.session.expire_all()
            return [c.name for c in client_queries.search(ClientQuery(), mgr1).items]

        assert listed() == ["邓伟", "丁伟", "董伟", "杜伟", "段伟", "欧阳修", "单田芳", "邵华"]
        clients.update_client(made["段伟"], {"name": "戴伟"})
        clients.update_client(made["邵华"], {"name": "沙华"})
        assert listed() == ["戴伟", "邓伟", "丁伟", "董伟", "杜伟", "欧阳修", "沙华", "单田芳"]
        stored = db.session.scalar(select(Client.name_sort_key).where(Client.name == "戴伟"))
        assert stored == "dai4wei3 戴伟"
        # The key is no field of the trail: the rename shows as a change of name only.
        assert {row.field for row in audit_rows(made["段伟"], "update")} == {"name"}


def test_replace_related_persons(org):
    with org.app_context():
        client = clients.create_client(client_data(), user("mgr1"))
        rows = [
            {"name": "李娜", "phone": "13900000001", "relation": "配偶", "influence": "高"},
            {"name": "", "phone": "", "relation": ""},
            {"name": "王强", "relation": "朋友", "style": "稳健"},
        ]
        people = clients.replace_related_persons(client, rows)
        assert [(p.position, p.name) for p in people] == [(1, "李娜"), (2, "王强")]
        first_id = people[0].id
        people = clients.replace_related_persons(client, [{"name": "李娜", "relation": "妻子"}])
        assert [(p.id, p.name, p.relation, p.phone) for p in people] == [
            (first_id, "李娜", "妻子", "")
        ]
        with pytest.raises(ValueError, match="姓名"):
            clients.replace_related_persons(client, [{"phone": "1390000"}])
        assert len(client.related_persons) == 1


# --------------------------------------------------------------------------- reassign


def test_reassign_within_the_branch(org):
    with org.app_context():
        client = clients.create_client(client_data(), user("mgr1"))
        clients.reassign(client, user("mgr2"), user("head1"))
        assert client.manager_id == user("mgr2").id
        row = next(r for r in audit_rows(client, "update") if r.field == "manager_id")
        assert (row.old_value, row.new_value) == (str(user("mgr1").id), str(user("mgr2").id))


def test_reassign_refuses_other_branches_and_roles(org):
    with org.app_context():
        client = clients.create_client(client_data(), user("mgr1"))
        with pytest.raises(ValueError, match="本营业部"):
            clients.reassign(client, user("mgr3"), user("head1"))
        with pytest.raises(ValueError, match="本营业部"):
            clients.reassign(client, user("counter1"), user("hq"))
        mgr2 = user("mgr2")
        mgr2.active = False
        db.session.commit()
        with pytest.raises(ValueError):
            clients.reassign(client, mgr2, user("head1"))
        with pytest.raises(PermissionError):
            clients.reassign(client, user("mgr1"), user("mgr1"))
        db.session.refresh(client)
        assert client.manager_id == user("mgr1").id


# --------------------------------------------------------------------------- figures


def test_save_monthly_figure_upserts_and_reclassifies(org):
    with org.app_context():
        client = clients.create_client(client_data(), user("mgr1"))
        figure = {
            "month": date(2025, 3, 17),
            "avg_assets": Decimal("80000"),
            "end_assets": Decimal("90000"),
            "end_stock_value": Decimal("50000"),
            "traded_amount": Decimal("100000"),
        }
        clients.save_monthly_figure(client, figure)
        assert (client.figures_month, client.total_assets, client.class_code) == (
            date(2025, 3, 1),
            Decimal("90000.00"),
            "E",  # 1万–10万, 1.25 < 3
        )
        # The same month again replaces it (one row), and the class follows.
        clients.save_monthly_figure(
            client, figure | {"end_assets": Decimal("600000"), "avg_assets": Decimal("500000")}
        )
        assert (
            db.session.scalar(select(func.count()).where(MonthlyFigure.client_id == client.id)) == 1
        )
        assert (client.total_assets, client.stock_value, client.class_code) == (
            Decimal("600000.00"),
            Decimal("50000.00"),
            "D",  # 50万–100万, 0.2 < 3
        )
        # A later month becomes the latest; trading over 12 months makes it high turnover.
        clients.save_monthly_figure(
            client,
            {
                "month": date(2025, 4, 1),
                "avg_assets": Decimal("700000"),
                "end_assets": Decimal("700000"),
                "traded_amount": Decimal("1700000"),
            },
        )
        assert client.figures_month == date(2025, 4, 1)
        assert client.traded_12m == Decimal("1800000.00")
        assert client.avg_assets_12m == Decimal("600000.00")
        assert client.turnover == Decimal("3.0000")
        assert client.class_code == "C"
        history = db.session.scalars(
            select(ClassChange).where(ClassChange.client_id == client.id).order_by(ClassChange.id)
        ).all()
        assert [(h.from_class, h.to_class, h.cause) for h in history] == [
            (None, "E", "月度数据变更"),
            ("E", "D", "月度数据变更"),
            ("D", "C", "月度数据变更"),
        ]
        # The figures themselves are audited.
        assert db.session.scalar(
            select(func.count()).where(AuditLog.record_type == "client_monthly_figures")
        )
        with pytest.raises(ValueError):
            clients.save_monthly_figure(client, {"month": date(2025, 5, 1)})
        with pytest.raises(ValueError):
            clients.save_monthly_figure(client, figure | {"traded_amount": Decimal("-1")})
        assert client.figures_month == date(2025, 4, 1)


# --------------------------------------------------------------------------- scope


def scoped_ids(username: str) -> set[int]:
    return set(
        db.session.scalars(scope.scoped(Client, user(username)).with_only_columns(Client.id))
    )


def test_client_scope_by_role(book):
    with book.app_context():
        rows = db.session.execute(select(Client.id, Client.manager_id, Client.branch_id)).all()
        mgr1, head1 = user("mgr1"), user("head1")
        assert scoped_ids("mgr1") == {r.id for r in rows if r.manager_id == mgr1.id}
        assert scoped_ids("mgr3") == {r.id for r in rows if r.manager_id == user("mgr3").id}
        assert scoped_ids("head1") == {r.id for r in rows if r.branch_id == head1.branch_id}
        assert scoped_ids("counter1") == scoped_ids("head1")
        assert scoped_ids("hq") == {r.id for r in rows}
        assert scoped_ids("mgr1") and scoped_ids("mgr1") < scoped_ids("head1")
        other = next(r.id for r in rows if r.branch_id != head1.branch_id)
        with book.test_request_context(), pytest.raises(Exception) as error:
            scope.get_or_404(Client, other, mgr1)
        assert getattr(error.value, "code", None) == 404


# --------------------------------------------------------------------------- demo data


def test_demo_clients_cover_every_class_and_are_consistent(demo_clients):
    with demo_clients.app_context():
        counts = classification.class_counts()
        assert set(counts) == set(CLASSES)
        assert sum(counts.values()) == sum(demo.CLIENTS_PER_MANAGER.values())
        figures = db.session.scalar(select(func.count()).select_from(MonthlyFigure))
        assert figures == 24 * sum(demo.CLIENTS_PER_MANAGER.values())
        names = set(db.session.scalars(select(Client.name)))
        for surname in demo.SPECIAL_SURNAMES:
            assert any(name.startswith(surname) for name in names), surname
        assert {"David Chen", "Emily Wong"} <= names
        by_name = {c.name: c for c in db.session.scalars(select(Client))}
        assert next(c for n, c in by_name.items() if n.startswith("单")).surname_initial == "S"
        assert next(c for n, c in by_name.items() if n.startswith("曾")).surname_initial == "Z"
        for client in by_name.values():
            assert client.surname_initial == initial(client.name)
            if client.id_type == "resident":
                parsed = parse_resident_id(client.id_number)
                assert (parsed.birthday, parsed.gender) == (client.birthday, client.gender)
        assert len({c.mobile for c in by_name.values()}) == len(by_name)
        assert any(c.related_persons for c in by_name.values())
        for field in ("habit", "value_class", "decision_style"):
            assert len({getattr(c, field) for c in by_name.values()}) > 3


def test_seed_demo_twice_changes_nothing(demo_clients):
    with demo_clients.app_context():

        def counts():
            return [
                db.session.scalar(select(func.count()).select_from(model))
                for model in (Client, MonthlyFigure, ClassChange, AuditLog, User, RiskAssessment)
            ]

        demo.seed_demo()
        before = counts()
        assert demo.seed_demo() == []
        assert counts() == before
