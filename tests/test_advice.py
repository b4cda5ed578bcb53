import io
import logging
import re
from datetime import date, datetime, timedelta

import pytest
from answers import HIGHEST, LOWEST
from pypdf import PdfReader
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from portal.domain.beijing import (
    china_today,
    month_end,
    month_start,
    to_local,
    utc_start,
    utcnow,
)
from portal.extensions import db
from portal.models import Client, User
from portal.models.advice import Advice, AdviceFollowUp, DailyAdviceSummary
from portal.services import advice as service
from portal.services import risk


@pytest.fixture
def assessed(book):
    """Two clients of mgr1: one assessed 高 (no disclosures), one assessed 极低."""
    with book.app_context():
        counter = db.session.scalar(select(User).where(User.username == "counter1"))
        rows = db.session.scalars(
            select(Client)
            .join(User, Client.manager_id == User.id)
            .where(User.username == "mgr1")
            .order_by(Client.id)
            .limit(2)
        ).all()
        risk.record_assessment(rows[0], HIGHEST, counter)
        risk.record_assessment(rows[1], LOWEST, counter)
        return rows[0].id, rows[1].id


def local(minutes_ago: int = 5) -> str:
    """A Beijing time a few minutes ago, as the browser's datetime-local input sends it."""
    moment = to_local(utcnow()) - timedelta(minutes=minutes_ago)
    return moment.strftime("%Y-%m-%dT%H:%M")


def advice_form(client_id, **overrides):
    return {
        "client_id": str(client_id),
        "given_at": local(),
        "category": "个股",
        "product_code": "stock",
        "question": "手里的股票要不要卖？",
        "advice": "建议继续持有，跌破二十日均线减仓。",
        "remarks": "",
    } | overrides


def last_month() -> date:
    """The month before this one: its meeting may be signed today (its month end has come)."""
    return month_start(month_start(china_today()) - timedelta(days=1))


def in_last_month() -> str:
    """A time on the last day of last month, as the browser's datetime-local input sends it."""
    return f"{month_end(last_month())}T10:00"


def record_id(response) -> int:
    return int(re.search(r"/advice/(\d+)$", response.headers["Location"]).group(1))


def test_record_advice_keeps_the_clients_class_as_it_was(book, login_as, assessed):
    manager = login_as("manager")
    response = manager.post_form("/advice/new", advice_form(assessed[0]))
    assert response.status_code == 302
    with book.app_context():
        record = db.session.get(Advice, record_id(response))
        client = db.session.get(Client, assessed[0])
        assert record.client_class == client.class_code and record.client_risk_level == "高"
        assert record.review_state == "clear" and record.manager.username == "mgr1"
        client.class_code = "G" if client.class_code != "G" else "F"
        db.session.commit()
        assert db.session.get(Advice, record.id).client_class != client.class_code


def test_unsuitable_advice_is_refused_with_the_reason(book, login_as, assessed):
    manager = login_as("manager")
    low = manager.post_form("/advice/new", advice_form(assessed[1]))
    html = low.get_data(as_text=True)
    assert low.status_code == 422
    assert "不适合推荐「股票」" in html
    warrant = manager.post_form("/advice/new", advice_form(assessed[0], product_code="warrant"))
    assert "尚未签署「权证」风险揭示书" in warrant.get_data(as_text=True)
    assert 'value="手里的股票要不要卖？"' in warrant.get_data(
        as_text=True
    ) or "手里的股票要不要卖？" in warrant.get_data(as_text=True)


def test_a_client_without_a_current_assessment_must_be_assessed_first(book, login_as):
    with book.app_context():
        unassessed = db.session.scalar(
            select(Client.id)
            .join(User, Client.manager_id == User.id)
            .where(User.username == "mgr1", Client.risk_level.is_(None))
            .limit(1)
        )
    html = (
        login_as("manager").post_form("/advice/new", advice_form(unassessed)).get_data(as_text=True)
    )
    assert "请先评估" in html and f"/clients/{unassessed}/assessments/new" in html


def test_a_fourth_followup_is_refused(book, login_as, assessed):
    manager = login_as("manager")
    advice_id = record_id(manager.post_form("/advice/new", advice_form(assessed[0])))
    for n in range(3):
        response = manager.post_form(
            f"/advice/{advice_id}/followups",
            {
                "at": local(4 - n),
                "allocation": "五成仓位",
                "cumulative_gain": "3.5",
                "content": f"第{n + 1}次跟踪：继续持有",
                "feedback": "认可",
            },
        )
        assert response.status_code == 302
    fourth = manager.post_form(
        f"/advice/{advice_id}/followups", {"at": local(1), "content": "第四次跟踪"}
    )
    assert fourth.status_code == 422
    assert "最多记录三次跟踪服务" in fourth.get_data(as_text=True)
    with book.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(AdviceFollowUp)) == 3


def test_screening_flags_but_saves_and_the_head_reviews(book, login_as, assessed):
    manager = login_as("manager")
    response = manager.post_form(
        "/advice/new", advice_form(assessed[0], advice="这只股票是大黑马，跟着买稳 赚。")
    )
    assert response.status_code == 302
    advice_id = record_id(response)
    page = manager.get(f"/advice/{advice_id}").get_data(as_text=True)
    assert "<mark" in page and ">大黑马</mark>" in page and ">稳 赚</mark>" in page
    head = login_as("branch_head")
    assert "待审核" in head.get("/advice/?state=flagged").get_data(as_text=True)
    refused = head.post_form(f"/advice/{advice_id}/review", {"action": "return", "comment": ""})
    assert refused.status_code == 422 and "退回时请写明意见" in refused.get_data(as_text=True)
    head.post_form(
        f"/advice/{advice_id}/review", {"action": "return", "comment": "删除收益保证的表述"}
    )
    with book.app_context():
        record = db.session.get(Advice, advice_id)
        assert record.review_state == "returned" and record.reviewed_by.username == "head1"
    manager.post_form(
        f"/advice/{advice_id}/edit",
        {
            "category": "个股",
            "question": "手里的股票要不要卖？",
            "advice": "基本面向好，但股市有风险，不能保证收益，建议控制仓位。",
            "remarks": "",
        },
    )
    with book.app_context():
        record = db.session.get(Advice, advice_id)
        assert record.screening_hits == [] and record.review_state == "flagged"
    head.post_form(f"/advice/{advice_id}/review", {"action": "clear", "comment": "已更正"})
    history = manager.get(f"/history/advice_records/{advice_id}").get_data(as_text=True)
    assert "大黑马" in history  # the earlier text stays in the trail


CORRECTION = {"category": "个股", "question": "手里的股票要不要卖？", "remarks": ""}


def test_a_corrected_advice_is_screened_again(book, login_as, assessed):
    manager = login_as("manager")
    advice_id = record_id(
        manager.post_form("/advice/new", advice_form(assessed[0], advice="跟着买，稳赚。"))
    )
    # still forbidden, in other words: stays flagged, with the new text highlighted
    manager.post_form(
        f"/advice/{advice_id}/edit", CORRECTION | {"advice": "赚了我们五五分成，亏了我给你补。"}
    )
    with book.app_context():
        record = db.session.get(Advice, advice_id)
        assert record.review_state == "flagged"
        assert [h["matched"] for h in record.screening_hits] == [
            "赚了我们五五分成",
            "亏了我给你补",
        ]
    page = manager.get(f"/advice/{advice_id}").get_data(as_text=True)
    assert ">赚了我们五五分成</mark>" in page and "稳赚" not in page
    # corrected before the head looked at it: back to clear, nothing left to review
    ok = manager.post_form(
        f"/advice/{advice_id}/edit", CORRECTION | {"advice": "建议分批买入，注意控制仓位。"}
    )
    assert ok.status_code == 302
    with book.app_context():
        record = db.session.get(Advice, advice_id)
        assert record.review_state == "clear" and record.screening_hits == []
    page = manager.get(f"/advice/{advice_id}").get_data(as_text=True)
    assert "<mark" not in page and "待审核" not in page
    assert "/advice/" + str(advice_id) not in login_as("branch_head").get(
        "/advice/?state=flagged"
    ).get_data(as_text=True)
    history = manager.get(f"/history/advice_records/{advice_id}").get_data(as_text=True)
    assert "稳赚" in history and "五五分成" in history  # the earlier texts stay in the trail
    # a clean advice corrected into a forbidden claim is flagged
    manager.post_form(
        f"/advice/{advice_id}/edit", CORRECTION | {"advice": "这只票保证翻倍，绝对没有风险。"}
    )
    with book.app_context():
        assert db.session.get(Advice, advice_id).review_state == "flagged"


def test_a_returned_advice_once_corrected_waits_for_the_head(book, login_as, assessed):
    manager = login_as("manager")
    advice_id = record_id(
        manager.post_form("/advice/new", advice_form(assessed[0], advice="免费送股，快来开户。"))
    )
    head = login_as("branch_head")
    head.post_form(f"/advice/{advice_id}/review", {"action": "return", "comment": "删除营销表述"})
    manager.post_form(f"/advice/{advice_id}/edit", CORRECTION | {"advice": "建议观望。"})
    with book.app_context():
        record = db.session.get(Advice, advice_id)
        assert record.review_state == "flagged" and record.screening_hits == []
    page = head.get(f"/advice/{advice_id}").get_data(as_text=True)
    assert "已按审核意见更正，请营业部总经理复核" in page and "<mark" not in page


def test_the_month_is_not_signed_off_over_flagged_advice(book, login_as, assessed):
    manager = login_as("manager")
    given = {"given_at": in_last_month()}
    flagged = record_id(
        manager.post_form("/advice/new", advice_form(assessed[0], advice="收益我们平分。", **given))
    )
    record_id(manager.post_form("/advice/new", advice_form(assessed[0], **given)))
    head = login_as("branch_head")
    month = last_month().strftime("%Y-%m")
    meeting = {
        "held_on": str(china_today()),
        "attendees": "王建国、李明",
        "minutes": "逐条回顾本月投资建议。",
        "decisions": "继续跟踪。",
    }
    head.post_form(f"/advice/review?month={month}", meeting)
    refused = head.post_form(f"/advice/review/sign?month={month}")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "本月还有1条待审核的投资建议，请先审核后再签署。" in html
    assert "逐条回顾本月投资建议。" in html  # the saved record is shown, nothing lost
    with book.app_context():
        review_record = service.get_review(1, last_month())
        assert review_record.signed_off_at is None
        assert review_record.minutes == "逐条回顾本月投资建议。"
    head.post_form(f"/advice/{flagged}/review", {"action": "return", "comment": "删除分成表述"})
    assert head.post_form(f"/advice/review/sign?month={month}").status_code == 302
    with book.app_context():
        assert service.get_review(1, last_month()).signed_off_at is not None


def test_a_followup_cannot_be_dated_before_its_advice(book, login_as, assessed):
    manager = login_as("manager")
    advice_id = record_id(
        manager.post_form("/advice/new", advice_form(assessed[0], given_at=local(60)))
    )
    followup = {
        "at": local(24 * 60),
        "allocation": "五成仓位",
        "cumulative_gain": "1.20",
        "content": "提前一天的跟踪",
        "feedback": "认可",
    }
    refused = manager.post_form(f"/advice/{advice_id}/followups", followup)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="at-error">跟踪服务的时间不能早于投资建议的时间' in html
    assert f'value="{followup["at"]}"' in html and "提前一天的跟踪" in html
    with book.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(AdviceFollowUp)) == 0
    same_time = manager.post_form(f"/advice/{advice_id}/followups", followup | {"at": local(60)})
    assert same_time.status_code == 302


def test_ordinary_advice_is_not_flagged(book, login_as, assessed):
    response = login_as("manager").post_form("/advice/new", advice_form(assessed[0]))
    with book.app_context():
        assert db.session.get(Advice, record_id(response)).review_state == "clear"


def test_deletion_is_refused_within_two_years(book, login_as, assessed):
    manager = login_as("manager")
    advice_id = record_id(manager.post_form("/advice/new", advice_form(assessed[0])))
    head = login_as("branch_head")
    head.post_form(f"/advice/{advice_id}/delete")
    page = head.get(f"/advice/{advice_id}")
    assert page.status_code == 200 and "前不能删除" in page.get_data(as_text=True)
    with book.app_context():
        record = db.session.get(Advice, advice_id)
        with pytest.raises(service.AdviceRefused):
            service.delete_advice(record, utcnow() + timedelta(days=700))
        db.session.rollback()


@pytest.mark.parametrize("table", ["advice_records", "advice_followups", "advice_daily_summaries"])
def test_the_database_refuses_to_delete_within_two_years(book, login_as, assessed, table):
    manager = login_as("manager")
    advice_id = record_id(manager.post_form("/advice/new", advice_form(assessed[0])))
    manager.post_form(f"/advice/{advice_id}/followups", {"at": local(3), "content": "继续持有"})
    manager.post_form(f"/advice/daily?day={china_today()}", {"market_broad": "震荡"})
    with book.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(DailyAdviceSummary)) == 1
        with pytest.raises(DatabaseError, match="retained"):
            db.session.execute(text(f"DELETE FROM {table}"))
        db.session.rollback()


def test_old_advice_may_be_deleted_after_two_years(book, assessed):
    with book.app_context():
        client = db.session.get(Client, assessed[0])
        manager = client.manager
        old = service.record_advice(
            client,
            {
                "given_at": datetime(2020, 3, 2, 2),
                "category": "大盘",
                "product_code": "stock",
                "question": "大盘怎么看",
                "advice": "控制仓位",
            },
            manager,
        )
        service.add_followup(
            old, {"at": datetime(2020, 3, 9, 2), "content": "继续控制仓位"}, manager
        )
        service.delete_advice(old)
        assert db.session.get(Advice, old.id) is None


def test_weekly_summary_counts_a_known_week(book, login_as, assessed):
    monday = date(2026, 11, 16)
    with book.app_context():
        client = db.session.get(Client, assessed[0])
        manager = client.manager
        manager_id = manager.id

        def at(day, hour=10):
            return utc_start(day) + timedelta(hours=hour)

        for day_offset, category in (
            (0, "大盘"),
            (0, "个股"),
            (2, "个股"),
            (4, "行业"),
            (7, "大盘"),
        ):
            service.record_advice(
                client,
                {
                    "given_at": at(monday + timedelta(days=day_offset)),
                    "category": category,
                    "product_code": "stock",
                    "question": "问",
                    "advice": "答",
                },
                manager,
            )
        first = db.session.scalar(select(Advice).order_by(Advice.id).limit(1))
        service.add_followup(
            first, {"at": at(monday + timedelta(days=1)), "content": "跟踪"}, manager
        )
        service.add_followup(
            first, {"at": at(monday + timedelta(days=1), 15), "content": "再跟踪"}, manager
        )
    html = login_as("manager").get("/advice/weekly?week=2026-11-18").get_data(as_text=True)
    with book.app_context():
        table = service.weekly_table(manager_id, monday)
    assert table.new_advice.cells[0] == [1, 0, 1, 0]
    assert table.new_advice.row_totals == [2, 0, 1, 0, 1]
    assert table.new_advice.total == 4  # the next Monday's advice is not this week's
    assert table.followups.cells[1] == [2, 0, 0, 0] and table.followups.total == 2
    assert "2026-11-16" in html and "新增投资建议" in html and "后续跟踪服务" in html


def test_sign_off_then_changes_need_a_reason_and_are_marked(book, login_as, assessed):
    manager = login_as("manager")
    advice_id = record_id(
        manager.post_form("/advice/new", advice_form(assessed[0], given_at=in_last_month()))
    )
    head = login_as("branch_head")
    month = last_month().strftime("%Y-%m")
    refused = head.post_form(f"/advice/review/sign?month={month}")
    assert refused.status_code == 302  # nothing to sign yet: said in a flash message
    meeting = {
        "held_on": str(china_today() + timedelta(days=1)),
        "attendees": "王建国、李明、陈静",
        "minutes": "逐条回顾本月投资建议。",
        "decisions": "继续跟踪。",
    }
    head.post_form(f"/advice/review?month={month}", meeting)  # planned for tomorrow
    early = head.post_form(f"/advice/review/sign?month={month}", follow_redirects=True)
    assert "会议召开后才能签署" in early.get_data(as_text=True)
    head.post_form(f"/advice/review?month={month}", meeting | {"held_on": str(china_today())})
    head.post_form(f"/advice/review/sign?month={month}")
    page = head.get(f"/advice/review?month={month}").get_data(as_text=True)
    assert "已由 王建国" in page and "签署" in page
    edit = {
        "category": "个股",
        "question": "手里的股票要不要卖？",
        "advice": "减仓一半。",
        "remarks": "",
    }
    no_reason = manager.post_form(f"/advice/{advice_id}/edit", edit)
    assert no_reason.status_code == 422
    assert "须填写修改原因" in no_reason.get_data(as_text=True)
    ok = manager.post_form(f"/advice/{advice_id}/edit", edit | {"reason": "客户补充了持仓信息"})
    assert ok.status_code == 302
    with book.app_context():
        record = db.session.get(Advice, advice_id)
        assert record.changed_after_signoff and record.change_reason == "客户补充了持仓信息"
    assert "签署后修改" in head.get(f"/advice/review?month={month}").get_data(as_text=True)
    minutes_locked = head.post_form(f"/advice/review?month={month}", {"minutes": "改写"})
    assert minutes_locked.status_code == 302
    with book.app_context():
        assert service.get_review(1, last_month()).minutes == "逐条回顾本月投资建议。"


def test_managers_never_see_each_others_advice(book, login_as, assessed):
    advice_id = record_id(login_as("manager").post_form("/advice/new", advice_form(assessed[0])))
    assert login_as("mgr2").get(f"/advice/{advice_id}").status_code == 404
    assert login_as("mgr3").get(f"/advice/{advice_id}.pdf").status_code == 404
    assert login_as("branch_head").get(f"/advice/{advice_id}").status_code == 200
    assert login_as("hq").get(f"/advice/{advice_id}").status_code == 200


def test_the_pdfs_have_the_forms_text_and_a_cjk_font(book, login_as, assessed, caplog):
    manager = login_as("manager")
    advice_id = record_id(manager.post_form("/advice/new", advice_form(assessed[0])))
    manager.post_form(
        f"/advice/{advice_id}/followups",
        {
            "at": local(3),
            "allocation": "五成仓位",
            "cumulative_gain": "6.80",
            "content": "继续持有",
            "feedback": "认可",
        },
    )
    manager.post_form(
        f"/advice/daily?day={china_today()}",
        {"market_broad": "券商普遍看好跨年行情", "personal": "控制仓位，均衡配置"},
    )
    head = login_as("branch_head")
    month = china_today().strftime("%Y-%m")
    expected = {
        f"/advice/{advice_id}.pdf": ["客户投资建议跟踪表", "跟踪服务一", "6.80%", "客户反馈信息"],
        f"/advice/daily.pdf?day={china_today()}": [
            "每日投资建议汇总表",
            "市场观点汇总",
            "券商普遍看好跨年行情",
            "个人观点总结",
        ],
        f"/advice/weekly.pdf?week={china_today()}": [
            "每周投资咨询服务总结表",
            "新增投资建议",
            "后续跟踪服务",
            "第五天",
        ],
        f"/advice/review.pdf?month={month}": ["月度投资咨询服务例会记录", "会议纪要", "李明"],
    }
    for url, words in expected.items():
        client = head if "review" in url else manager
        with caplog.at_level(logging.WARNING, logger="weasyprint"):
            response = client.get(url)
        assert response.mimetype == "application/pdf", url
        reader = PdfReader(io.BytesIO(response.data))
        content = "".join(p.extract_text() for p in reader.pages)
        for word in words:
            assert word in content, (url, word)
        fonts = {
            str(f.get_object()["/BaseFont"])
            for p in reader.pages
            for f in p["/Resources"]["/Font"].values()
        }
        assert any("CJK" in f for f in fonts), url
    assert ".notdef" not in caplog.text


def test_daily_summary_is_the_managers_own(book, login_as):
    manager = login_as("manager")
    manager.post_form("/advice/daily", {"market_broad": "震荡", "personal": "观望"})
    head = login_as("branch_head")
    html = head.get(f"/advice/daily?manager={_user(book, 'mgr1')}").get_data(as_text=True)
    assert "震荡" in html
    assert (
        head.post_form(
            f"/advice/daily?manager={_user(book, 'mgr1')}", {"market_broad": "改写"}
        ).status_code
        == 403
    )
    assert login_as("mgr3").get(f"/advice/daily?manager={_user(book, 'mgr1')}").status_code == 404


def _user(app, username):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def test_advice_cannot_be_dated_in_the_future(book, login_as, assessed):
    tomorrow = (
        datetime.combine(china_today() + timedelta(days=1), datetime.min.time())
        + timedelta(hours=10)
    ).strftime("%Y-%m-%dT%H:%M")
    response = login_as("manager").post_form(
        "/advice/new", advice_form(assessed[0], given_at=tomorrow)
    )
    assert response.status_code == 422
    assert "时间不能晚于现在" in response.get_data(as_text=True)


def test_the_clients_file_lists_its_advice(book, login_as, assessed):
    manager = login_as("manager")
    advice_id = record_id(manager.post_form("/advice/new", advice_form(assessed[0])))
    page = manager.get(f"/clients/{assessed[0]}").get_data(as_text=True)
    assert f"/advice/{advice_id}" in page and f"/advice/new?client={assessed[0]}" in page
    assert f"/advice/{advice_id}" not in login_as("counter").get(
        f"/clients/{assessed[0]}"
    ).get_data(as_text=True)


# ------------------------------------------------------------- the month-end meeting


def hold_meeting(head, month: str, **values):
    meeting = {
        "held_on": str(china_today()),
        "attendees": "王建国、李明",
        "minutes": "逐条回顾该月投资建议。",
        "decisions": "",
    }
    return head.post_form(f"/advice/review?month={month}", meeting | values)


def sign_last_month(login_as) -> str:
    head = login_as("branch_head")
    month = last_month().strftime("%Y-%m")
    hold_meeting(head, month)
    assert head.post_form(f"/advice/review/sign?month={month}").status_code == 302
    return month


def test_the_meeting_is_signed_at_month_end_once_held(book, login_as):
    head = login_as("branch_head")
    early = month_start(month_end(china_today()) + timedelta(days=1)).strftime("%Y-%m")
    hold_meeting(head, early)
    page = head.get(f"/advice/review?month={early}").get_data(as_text=True)
    assert "会议召开并填写纪要后可以签署" in page and 'action="/advice/review/sign' not in page
    refused = head.post_form(f"/advice/review/sign?month={early}")
    assert refused.status_code == 422
    assert "例会在月末召开" in refused.get_data(as_text=True)
    month = last_month().strftime("%Y-%m")
    hold_meeting(head, month, minutes="")  # the date but no minutes: not held yet
    page = head.get(f"/advice/review?month={month}").get_data(as_text=True)
    assert "签署将锁定" in page and "此后修改该月的投资建议须填写修改原因" in page
    refused = head.post_form(f"/advice/review/sign?month={month}")
    assert refused.status_code == 422
    assert "请先填写会议日期和会议纪要，再签署" in refused.get_data(as_text=True)
    hold_meeting(head, month)
    assert head.post_form(f"/advice/review/sign?month={month}").status_code == 302
    with book.app_context():
        signed_at = service.get_review(1, last_month()).signed_off_at
        assert signed_at is not None
    again = head.post_form(f"/advice/review/sign?month={month}")  # e.g. a second click
    assert again.status_code == 422 and "会议记录已签署" in again.get_data(as_text=True)
    with book.app_context():
        assert service.get_review(1, last_month()).signed_off_at == signed_at
        assert service.get_review(1, month_start(month_end(china_today()) + timedelta(days=1)))
        state = service.meeting_state(1)
        assert state.month <= month_start(china_today())
        assert state.signed == (state.month == last_month())


def test_followups_after_sign_off_need_no_reason(book, login_as, assessed):
    manager = login_as("manager")
    advice_id = record_id(
        manager.post_form("/advice/new", advice_form(assessed[0], given_at=in_last_month()))
    )
    sign_last_month(login_as)
    page = manager.get(f"/advice/{advice_id}").get_data(as_text=True)
    assert "修改原因" not in page
    response = manager.post_form(
        f"/advice/{advice_id}/followups", {"at": local(1), "content": "继续持有"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with book.app_context():
        record = db.session.get(Advice, advice_id)
        assert [f.content for f in record.followups] == ["继续持有"]
        assert not record.changed_after_signoff


def test_advice_into_a_signed_month_asks_for_a_reason_not_suitability(book, login_as, assessed):
    sign_last_month(login_as)
    manager = login_as("manager")
    today = manager.post_form("/advice/new", advice_form(assessed[0]))
    assert today.status_code == 302  # dated today: the open month, no reason asked
    late = advice_form(assessed[0], given_at=in_last_month())
    refused = manager.post_form("/advice/new", late)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "的投资咨询例会已签署，补记该月的投资建议须填写修改原因" in html
    assert "适当性" not in html and "第八条" not in html
    assert "手里的股票要不要卖？" in html  # nothing typed is lost
    unsuitable = manager.post_form("/advice/new", advice_form(assessed[1], given_at=local()))
    html = unsuitable.get_data(as_text=True)
    assert unsuitable.status_code == 422 and "适当性" in html and "修改原因须" not in html
    ok = manager.post_form("/advice/new", late | {"reason": "月末拜访后补记"})
    assert ok.status_code == 302
    with book.app_context():
        record = db.session.get(Advice, record_id(ok))
        assert record.changed_after_signoff and record.change_reason == "月末拜访后补记"
        assert not db.session.get(Advice, record_id(today)).changed_after_signoff


def test_a_change_after_sign_off_says_the_month_is_signed(book, login_as, assessed):
    manager = login_as("manager")
    advice_id = record_id(
        manager.post_form("/advice/new", advice_form(assessed[0], given_at=in_last_month()))
    )
    form = manager.get(f"/advice/{advice_id}/edit").get_data(as_text=True)
    assert "修改原因" not in form  # not signed yet: nothing to give
    sign_last_month(login_as)
    form = manager.get(f"/advice/{advice_id}/edit").get_data(as_text=True)
    assert "投资咨询例会已于" in form and "修改原因" in form
    refused = manager.post_form(f"/advice/{advice_id}/edit", CORRECTION | {"advice": "减仓。"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f"{last_month():%Y年%m月}的投资咨询例会已签署，修改该月的投资建议须填写修改原因" in html
    assert "适当性" not in html


def test_the_heads_review_has_no_preselected_decision(book, login_as, assessed):
    manager = login_as("manager")
    advice_id = record_id(
        manager.post_form("/advice/new", advice_form(assessed[0], advice="收益我们平分。"))
    )
    head = login_as("branch_head")
    page = head.get(f"/advice/{advice_id}").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="action".*?</select>', page, re.S).group(0)
    assert re.findall(r"<option[^>]*selected[^>]*>([^<]*)<", select_html) == ["请选择审核结果"]
    refused = head.post_form(f"/advice/{advice_id}/review", {"action": "", "comment": "看过"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "请选择审核结果：审核通过或退回修改。" in html and "看过" in html
    with book.app_context():
        assert db.session.get(Advice, advice_id).review_state == "flagged"


def test_annex9_prints_a_review_not_yet_through(book, login_as, assessed):
    manager = login_as("manager")
    flagged = record_id(
        manager.post_form("/advice/new", advice_form(assessed[0], advice="收益我们平分。"))
    )
    clean = record_id(manager.post_form("/advice/new", advice_form(assessed[0])))

    def printed(advice_id: int) -> str:
        response = manager.get(f"/advice/{advice_id}.pdf")
        assert response.mimetype == "application/pdf"
        return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)

    assert "审核状态：待审核" in printed(flagged)
    assert "审核状态" not in printed(clean)
    head = login_as("branch_head")
    head.post_form(f"/advice/{flagged}/review", {"action": "return", "comment": "删除分成表述"})
    assert "审核状态：已退回（删除分成表述）" in printed(flagged)
    head.post_form(f"/advice/{flagged}/review", {"action": "clear", "comment": "已核实"})
    assert "审核状态" not in printed(flagged)
