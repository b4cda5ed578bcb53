"""The paper forms of a manager's activity as PDFs: 附件2 (a day's work log), 附件5 (a week's
summary), 附件6 (a home visit's self-evaluation) and 附件7 (a manager's visit record, one
section per surname letter) — their text, the embedded CJK font, and no missing glyph."""

import io
import logging
from datetime import datetime

import pytest
from activity_data import DAY, WEEK, new_client, setup_branch, user, visit
from pypdf import PdfReader
from sqlalchemy import select
from test_pdf import embedded_fonts

from portal.extensions import db
from portal.models import AuditLog, Client, Contact
from portal.services import contacts, weekly, worklogs


@pytest.fixture
def ids(org):
    with org.app_context():
        ids = setup_branch()
        mgr1 = user("mgr1")
        own = db.session.get(Client, ids["own"])
        visit(own, datetime(2024, 10, 16, 9, 30), kind="phone", content="电话告知晨会要点")
        visit(new_client("mgr1", "David Chen"), datetime(2024, 10, 17, 9), kind="onsite")
        aspects = {
            aspect: {
                "rating": rating,
                "went_well": f"{aspect}好",
                "to_improve": "",
                "next_time": "",
            }
            for aspect, rating in zip(
                ("preparation", "etiquette", "communication", "knowledge", "technique"),
                ("优", "良", "合格", "差", "良"),
                strict=True,
            )
        }
        contacts.save_evaluation(
            db.session.get(Contact, ids["own_visit"]), {"evaluated_on": DAY, **aspects}, mgr1
        )
        worklogs.save_log(
            mgr1,
            DAY,
            {
                "morning_notes": "晨会：关注消费板块",
                "product_sales": "12.5",
                "tomorrow_plan": "整理周报",
            },
            [{"client_id": ids["own"], "summary": "咨询新股申购"}],
        )
        weekly.save_summary(
            mgr1, WEEK, {"work_news": "协助举办投资研讨会", "plan_home": 3}, submit=True
        )
        return ids


def pdf_text(client, url: str, caplog) -> str:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    fonts = {f.replace("-", "") for f in embedded_fonts(reader)}
    assert any("NotoSansCJK" in f or "NotoSerifCJK" in f for f in fonts), fonts
    assert ".notdef" not in caplog.text
    return "".join(page.extract_text() for page in reader.pages)


def squeeze(text: str) -> str:
    return "".join(text.split())


def assert_all_in(text: str, expected: tuple[str, ...]) -> None:
    missing = [item for item in expected if item not in text]
    assert missing == [], missing


def test_annex2_work_log(org, ids, login_as, caplog):
    text = squeeze(
        pdf_text(login_as("mgr1"), f"/work/logs/{ids['mgr1']}/{DAY}/annex02.pdf", caplog)
    )
    assert_all_in(
        text,
        (
            "附件2",
            "工作日志记录表",
            "（2024年10月15日）",
            "晨会纪要",
            "晨会：关注消费板块",
            "客户服务（次/天）",
            "产品销售（万元/天）",
            "理财咨询（次/天）",
            "12.50",
            "咨询新股申购",
            "昨日计划完成情况",
            "今日心得",
            "明日计划",
            "整理周报",
            "填表人：李明",
        ),
    )
    # The manager's own print carries the client's phone in full, and is logged (SPEC §8);
    # HQ's is masked and leaves no trace.
    with org.app_context():
        mobile = db.session.get(Client, ids["own"]).mobile
    assert mobile in text
    assert views_of(org, ids["own"]) == ["print"]
    url = f"/work/logs/{ids['mgr1']}/{DAY}/annex02.pdf"
    text = squeeze(pdf_text(login_as("hq"), url, caplog))
    assert "139****" in text and mobile not in text
    assert views_of(org, ids["own"]) == ["print"]


def views_of(app, client_id: int) -> list[str]:
    with app.app_context():
        return db.session.scalars(
            select(AuditLog.field).where(
                AuditLog.record_type == "clients",
                AuditLog.record_id == client_id,
                AuditLog.action == "view",
            )
        ).all()


def test_annex5_weekly_summary(org, ids, login_as, caplog):
    url = f"/work/weeks/{ids['mgr1']}/{WEEK}/annex05.pdf"
    text = squeeze(pdf_text(login_as("branch_head"), url, caplog))
    assert_all_in(
        text,
        (
            "附件5",
            "周工作总结表",
            "（10月14日—10月20日）",
            "填表人：李明",
            "核心客户拜访情况数量分值主要内容",
            "1、上门拜访（4分/次）28",  # two home visits: 8 points
            "2、电话拜访（1分/次）11",
            "3、现场拜访（1分/次）11",
            "4、新增客户（2分/个）00",
            "电话告知晨会要点",
            "工作动态",
            "协助举办投资研讨会",
            "客户反馈意见和建议",
            "个人意见和建议",
            "本周总结",
            "下周计划",
            "本周计划本周达成计划差距下周计划",
        ),
    )


def test_annex6_self_evaluation(org, ids, login_as, caplog):
    url = f"/work/contacts/{ids['own_visit']}/annex06.pdf"
    text = squeeze(pdf_text(login_as("mgr1"), url, caplog))
    assert_all_in(
        text,
        (
            "附件6",
            "登门拜访客户自我评估表",
            "拜访客户的时间：2024-10-1510:00",
            "客户姓名：李四",
            "资金账号",
            "评估内容效果评估这次做的好的地方可以改进的地方下次接触该做什么",
            "优良合格差",
            "准备工作",
            "商务礼仪",
            "人际沟通",
            "专业知识",
            "技巧运用",
            "preparation好",
            "填表人：李明",
            "日期：2024年10月15日",
        ),
    )
    assert text.count("✓") == 5


def test_annex7_visit_record_by_surname_letter(org, ids, login_as, caplog):
    response_text = pdf_text(login_as("mgr1"), f"/work/visits/{ids['mgr1']}/annex07.pdf", caplog)
    text = squeeze(response_text)
    assert text.count("客户经理客户拜访记录表") == 3  # D (David Chen), L (李四), O (欧阳明)
    sections = [
        text.index(f"（客户姓氏首个字母为{letter}的客户拜访记录）") for letter in ("D", "L", "O")
    ]
    assert sections == sorted(sections)
    assert "客户姓名拜访次序拜访时间拜访地点拜访主要内容拜访后改进事项" in text
    assert "填表人：李明" in text
    # 李四: the home visit then the phone call, numbered in order.
    assert "李四12024-10-1510:00" in text and "李四22024-10-1609:30" in text
    assert "电话告知晨会要点" in text and "赵六" not in text and "王五" not in text
