"""The classification in the database (services.classification) against the domain rules."""

import itertools
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select, update

from portal import queue
from portal.domain.classification import BANDS, CLASSES, classify, turnover_rate
from portal.domain.idcard import build_resident_id
from portal.extensions import db
from portal.models import Branch, ClassChange, Client, MonthlyFigure, TurnoverThreshold, User
from portal.services import classification, clients

YEAR = date.today().year
_numbers = itertools.count(1)


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def new_client(manager: User, **data) -> Client:
    n = next(_numbers)
    values = {
        "name": f"测试{n}",
        "fund_account": f"9{n:09d}",
        "id_number": build_resident_id("110105", date(1980, 5, 17), 2 * n % 1000),
        "opened_on": date(2020, 1, 2),
    }
    return clients.create_client(values | data, manager)


def set_figures(client: Client, assets: Decimal, turnover: Decimal | None) -> None:
    """Give a client refreshed figures directly (as refresh_client_figures would)."""
    db.session.execute(
        update(Client)
        .where(Client.id == client.id)
        .values(total_assets=assets, turnover=turnover, figures_month=date(YEAR, 1, 1))
    )


def figure_rows(client_id: int, months: list[date], **values) -> list[dict]:
    base = {
        "avg_assets": Decimal("100000"),
        "end_assets": Decimal("100000"),
        "end_stock_value": Decimal("0"),
        "traded_amount": Decimal("0"),
        "net_commission": Decimal("0"),
    }
    return [{"client_id": client_id, "month": m, **(base | values)} for m in months]


def month(year: int, m: int) -> date:
    return date(year, m, 1)


def edge_assets() -> list[Decimal]:
    values = [Decimal("-1"), Decimal("0")]
    for band in BANDS:
        if band.floor:
            values += [band.floor - Decimal("0.01"), band.floor, band.floor + Decimal("0.01")]
    return values


def test_sql_class_agrees_with_the_domain_on_every_band_and_threshold_edge(org):
    with org.app_context():
        hq, head2 = user("hq"), user("mgr3")
        branch2 = head2.branch_id
        classification.set_threshold(YEAR, Decimal("3"), hq)
        # Branch 2's own threshold, approved by HQ.
        db.session.add(
            User(
                username="head2",
                display_name="孙总",
                role="branch_head",
                branch_id=branch2,
                password_hash="x",
            )
        )
        db.session.commit()
        proposal = classification.propose_threshold(YEAR, Decimal("2.75"), branch2, user("head2"))
        classification.decide_threshold(proposal, True, hq)
        assert classification.threshold_for(YEAR, branch2) == Decimal("2.75")
        assert classification.threshold_for(YEAR, user("mgr1").branch_id) == Decimal("3")

        turnovers = [
            None,
            Decimal("0"),
            Decimal("2.7499"),
            Decimal("2.75"),
            Decimal("2.7501"),
            Decimal("2.9999"),
            Decimal("3"),
            Decimal("3.0001"),
            Decimal("57.5"),
        ]
        cases = []
        for manager in (user("mgr1"), user("mgr3")):
            for assets, turnover in itertools.product(edge_assets(), turnovers):
                client = new_client(manager)
                set_figures(client, assets, turnover)
                cases.append((client.id, manager.branch_id, assets, turnover))
        unclassified = new_client(user("mgr1"))  # no figures: no class
        db.session.commit()

        changed = classification.reclassify(cause="测试")
        db.session.commit()

        assert changed == len(cases)
        got = dict(db.session.execute(select(Client.id, Client.class_code)).all())
        for client_id, branch_id, assets, turnover in cases:
            expected = classify(
                assets, turnover or 0, classification.threshold_for(YEAR, branch_id)
            )
            assert got[client_id] == expected, (assets, turnover, branch_id)
        assert got[unclassified.id] is None
        assert set(got.values()) - {None} == set(CLASSES)
        # Nothing changes the second time, and no history is written for it.
        history = db.session.scalar(select(func.count()).select_from(ClassChange))
        assert classification.reclassify(cause="测试") == 0
        assert db.session.scalar(select(func.count()).select_from(ClassChange)) == history


def test_refresh_computes_trailing_twelve_months_and_rounds_like_the_domain(org):
    with org.app_context():
        a, b, c = (new_client(user("mgr1")) for _ in range(3))
        rows = []
        # a: 15 months; the three oldest fall outside the window, one month missing inside it.
        months = [month(YEAR - 2, m) for m in range(10, 13)] + [
            month(YEAR - 1, m) for m in range(1, 13)
        ]
        months.remove(month(YEAR - 1, 5))
        for i, m in enumerate(months):
            rows += figure_rows(
                a.id,
                [m],
                avg_assets=Decimal(100000 + i),
                end_assets=Decimal(200000 + i),
                end_stock_value=Decimal(i),
                traded_amount=Decimal(1000 * (i + 1)),
            )
        # b: a rounding tie on the mean: (100000.01 + 100000.00) / 2 = 100000.005 → 100000.01.
        rows += figure_rows(b.id, [month(YEAR - 1, 11)], avg_assets=Decimal("100000.01"))
        rows += figure_rows(
            b.id,
            [month(YEAR - 1, 12)],
            avg_assets=Decimal("100000.00"),
            traded_amount=Decimal("300000.03"),
        )
        db.session.execute(insert(MonthlyFigure), rows)
        # c has no figures at all.
        classification.refresh_client_figures(None)
        classification.reclassify(cause="测试")
        db.session.commit()

        for client in (a, b):
            db.session.refresh(client)
            figs = db.session.scalars(
                select(MonthlyFigure)
                .where(MonthlyFigure.client_id == client.id)
                .order_by(MonthlyFigure.month)
            ).all()
            last = figs[-1]
            window = [f for f in figs if f.month > date(last.month.year - 1, last.month.month, 1)]
            traded = sum((f.traded_amount for f in window), Decimal(0))
            average = (sum((f.avg_assets for f in window), Decimal(0)) / len(window)).quantize(
                Decimal("0.01"), "ROUND_HALF_UP"
            )
            assert client.figures_month == last.month
            assert client.total_assets == last.end_assets
            assert client.stock_value == last.end_stock_value
            assert client.traded_12m == traded
            assert client.avg_assets_12m == average
            assert client.turnover == turnover_rate(traded, average)
            assert client.class_code == classify(client.total_assets, client.turnover)
        assert len([f for f in months if f > month(YEAR - 2, 12)]) == 11
        db.session.refresh(a)
        assert a.traded_12m == sum(Decimal(1000 * (i + 1)) for i in range(3, 14))
        db.session.refresh(b)
        assert b.avg_assets_12m == Decimal("100000.01")
        assert b.turnover == Decimal("3.0000")  # 2.99999980…
        assert b.class_code == "C-"
        db.session.refresh(c)
        assert (c.figures_month, c.total_assets, c.turnover, c.class_code) == (
            None,
            None,
            None,
            None,
        )


def test_turnover_rounding_tie_is_half_up(org):
    with org.app_context():
        client = new_client(user("mgr1"))
        # 299995 / 100000 = 2.99995 → 3.0000: exactly at the threshold, so high turnover.
        db.session.execute(
            insert(MonthlyFigure),
            figure_rows(
                client.id,
                [month(YEAR - 1, 6)],
                avg_assets=Decimal("100000"),
                end_assets=Decimal("100000"),
                traded_amount=Decimal("299995"),
            ),
        )
        classification.refresh_client_figures([client.id])
        classification.reclassify([client.id], cause="测试")
        db.session.commit()
        db.session.refresh(client)
        assert client.turnover == Decimal("3.0000")
        assert client.class_code == "C-" == classify(Decimal("100000"), Decimal("3.0000"))


def test_threshold_in_force(org):
    with org.app_context():
        hq, head = user("hq"), user("head1")
        branch = head.branch_id
        other = db.session.scalar(select(Branch.id).where(Branch.id != branch))
        assert classification.threshold_for(YEAR) == Decimal("3")  # Art. 6's default
        classification.set_threshold(YEAR - 1, Decimal("2.80"), hq)
        assert classification.threshold_for(YEAR, branch) == Decimal("2.80")
        # A proposal is not in force; a rejected one never is.
        proposal = classification.propose_threshold(YEAR - 1, Decimal("3.50"), branch, head)
        assert classification.threshold_for(YEAR, branch) == Decimal("2.80")
        classification.decide_threshold(proposal, True, hq)
        assert classification.threshold_for(YEAR, branch) == Decimal("3.50")
        assert classification.threshold_for(YEAR, other) == Decimal("2.80")
        rejected = classification.propose_threshold(YEAR - 1, Decimal("9"), branch, head)
        classification.decide_threshold(rejected, False, hq)
        assert rejected.status == "rejected"
        assert classification.threshold_for(YEAR, branch) == Decimal("3.50")
        # HQ's reset for a later year supersedes the branch's adjustment of an earlier year.
        classification.set_threshold(YEAR, Decimal("3.10"), hq)
        assert classification.threshold_for(YEAR, branch) == Decimal("3.10")
        assert classification.threshold_for(YEAR - 1, branch) == Decimal("3.50")
        # A value for next year is not in force yet.
        classification.set_threshold(YEAR + 1, Decimal("4"), hq)
        assert classification.threshold_for(YEAR) == Decimal("3.10")
        # Only HQ decides, only once; only the branch's own head proposes.
        with pytest.raises(PermissionError):
            classification.set_threshold(YEAR, Decimal("3"), head)
        with pytest.raises(PermissionError):
            classification.propose_threshold(YEAR, Decimal("3"), other, head)
        with pytest.raises(ValueError):
            classification.decide_threshold(proposal, False, hq)
        with pytest.raises(TypeError):
            classification.set_threshold(YEAR, 3.0, hq)


def test_threshold_change_reclassifies_and_writes_history(book):
    with book.app_context():
        hq, head = user("hq"), user("head1")
        before = dict(db.session.execute(select(Client.id, Client.class_code)).all())
        turnover = dict(db.session.execute(select(Client.id, Client.turnover)).all())
        history = db.session.scalar(select(func.count()).select_from(ClassChange))

        classification.set_threshold(YEAR, Decimal("1.50"), hq, note="测试")

        after = dict(db.session.execute(select(Client.id, Client.class_code)).all())
        moved = {cid for cid in before if before[cid] != after[cid]}
        assert moved == {
            cid
            for cid, t in turnover.items()
            if Decimal("1.50") <= t < Decimal("3") and before[cid] != "G"
        }
        rows = db.session.scalars(select(ClassChange).where(ClassChange.id > history)).all()
        assert {r.client_id for r in rows} == moved
        for row in rows:
            assert (row.from_class, row.to_class) == (before[row.client_id], after[row.client_id])
            assert row.cause == classification.CAUSE_THRESHOLD
            assert row.user_id == hq.id

        # A branch's proposal changes nothing until HQ approves it, then only that branch.
        proposal = classification.propose_threshold(YEAR, Decimal("20"), head.branch_id, head)
        assert dict(db.session.execute(select(Client.id, Client.class_code)).all()) == after
        changed = classification.decide_threshold(proposal, True, hq)
        branch_of = dict(db.session.execute(select(Client.id, Client.branch_id)).all())
        final = dict(db.session.execute(select(Client.id, Client.class_code)).all())
        moved = {cid for cid in after if after[cid] != final[cid]}
        assert changed == len(moved) > 0
        assert {branch_of[cid] for cid in moved} == {head.branch_id}


def test_suggested_threshold_from_three_years_of_figures(org):
    with org.app_context():
        a, b = new_client(user("mgr1")), new_client(user("mgr3"))
        rows = []
        # Company assets per month: 50,000 + 150,000 = 200,000.
        for year, traded_per_month, months in (
            (YEAR - 3, Decimal("25000"), range(1, 13)),  # 600,000 / 200,000 = 3.0
            (YEAR - 2, Decimal("20833.33"), range(1, 13)),  # 499,999.92 / 200,000 → 2.5000
            (YEAR - 1, Decimal("66666.67"), range(7, 13)),  # 6 months: 800,000.04 / 200,000
        ):
            ms = [month(year, m) for m in months]
            rows += figure_rows(
                a.id, ms, avg_assets=Decimal("50000"), traded_amount=traded_per_month
            )
            rows += figure_rows(
                b.id, ms, avg_assets=Decimal("150000"), traded_amount=traded_per_month
            )
        # This year's figures do not count.
        rows += figure_rows(
            a.id, [month(YEAR, 1)], avg_assets=Decimal("1"), traded_amount=Decimal("999999")
        )
        db.session.execute(insert(MonthlyFigure), rows)
        db.session.commit()
        # Yearly turnover 3.0000, 2.5000 and 4.0000; their mean 3.1666… → 3.17.
        assert classification.suggested_threshold(YEAR) == Decimal("3.17")
        # Only two years with figures before YEAR - 1.
        assert classification.suggested_threshold(YEAR - 1) is None


def test_company_wide_rows_are_always_approved(org):
    with org.app_context():
        hq = user("hq")
        db.session.add(
            TurnoverThreshold(year=YEAR, value=Decimal("3"), status="proposed", set_by_id=hq.id)
        )
        with pytest.raises(Exception, match="company_wide_approved"):
            db.session.commit()
        db.session.rollback()


def test_a_threshold_set_for_next_year_takes_effect_on_its_first_day(org, monkeypatch):
    with org.app_context():
        hq, mgr = user("hq"), user("mgr1")
        classification.set_threshold(YEAR, Decimal("3"), hq)
        client = new_client(mgr)
        set_figures(client, Decimal("200000"), Decimal("2"))
        low, high = (classify(Decimal("200000"), Decimal("2"), t) for t in (Decimal(3), Decimal(1)))
        assert low != high  # turnover 2: low against 3, high against 1.5
        classification.reclassify([client.id])
        db.session.commit()
        assert db.session.get(Client, client.id).class_code == low
        classification.set_threshold(YEAR + 1, Decimal("1.5"), hq, note="明年")
        assert db.session.get(Client, client.id).class_code == low  # not this year
        assert classification.apply_thresholds_in_force() == 0  # nothing to do today

        # The worker's daily job, as the queue registered it, on 1 January.
        monkeypatch.setattr(classification, "china_today", lambda: date(YEAR + 1, 1, 1))
        queue.huey()  # registers the app's tasks
        org.extensions["tasks"][classification.NEW_YEAR_TASK].call_local()
        db.session.expire_all()
        assert db.session.get(Client, client.id).class_code == high
        change = db.session.scalars(
            select(ClassChange).where(ClassChange.client_id == client.id).order_by(ClassChange.id)
        ).all()[-1]
        assert (change.from_class, change.to_class, change.cause) == (low, high, "新年度阈值生效")
        assert classification.apply_thresholds_in_force() == 0  # the next day: nothing left


def test_the_daily_job_runs_just_after_midnight_beijing_time(org):
    from datetime import datetime

    def due(utc: datetime) -> set[str]:
        return {task.name for task in huey.read_periodic(utc)}

    with org.app_context():
        huey = queue.huey()
    # Beijing 00:05 on 1 January is 16:05 UTC on 31 December (huey's clock is UTC).
    assert classification.NEW_YEAR_TASK in due(datetime(YEAR, 12, 31, 16, 5))
    assert classification.NEW_YEAR_TASK not in due(datetime(YEAR + 1, 1, 1, 0, 5))
