"""附件3 and 附件4 printouts, the Excel file, the batch export (synchronously and through the
real queue and a consumer) and the classification overview."""

import io
import logging
import os
import signal
import time
import zipfile
from datetime import timedelta
from decimal import Decimal

import factories
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from portal import queue
from portal.domain.beijing import china_today, utc_start, utcnow
from portal.domain.classification import CLASSES
from portal.domain.idcard import mask_mobile
from portal.domain.surname import sort_key
from portal.extensions import db
from portal.models import Client, User
from portal.models.activity import Contact
from portal.models.audit import acting_as
from portal.models.client import ClassChange, MonthlyFigure, RelatedPerson
from portal.services import archive, exports, overview, selection

ANNEX3_LABELS = [
    "客户服务档案表",
    "填写日期",
    "客户编号",
    "姓名",
    "性别",
    "资金帐号",
    "股票市值",
    "生日",
    "职业地位",
    "佣金率",
    "客户总资产",
    "身份证号",
    "客户基本分类",
    "综合理财情况",
    "开放式基金",
    "家庭地址",
    "单位地址",
    "住宅电话",
    "住宅邮编",
    "公司电话",
    "手机号码",
    "客户深入分类",
    "客户价值分类",
    "黄金客户（G类）",
    "最佳面谈地点",
    "电子邮箱",
    "明日之星（S类）",
    "年收入",
    "目标回报率",
    "累计拜访次数",
    "个人爱好",
    "人生中重要的财务规划",
    "操作习惯分类",
    "波段投资（B类）",
    "投资决策风格",
    "高度自主型（Z类）",
    "相关人物信息情况",
    "投资偏好分类",
    "新股认购（X类）",
    "备注",
    "联系电话",
    "关系",
    "影响力",
    "风格",
    "填表人",
]


# --------------------------------------------------------------------------- helpers


@pytest.fixture(autouse=True)
def empty_queue(app):
    """The queue's storage outlives each test's database: start every test with it empty."""
    with app.app_context():
        queue.huey().flush()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")


def cjk_fonts(data: bytes) -> set[str]:
    """Names of the embedded fonts whose name says CJK."""
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for desc in [font, *font.get("/DescendantFonts", [])]:
                desc = desc.get_object()
                fd = desc.get("/FontDescriptor")
                embedded = fd and any(
                    k in fd.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                if embedded and "CJK" in str(desc["/BaseFont"]):
                    fonts.add(str(desc["/BaseFont"]))
    return fonts


def pdfa_id(data: bytes) -> tuple[str, str]:
    """(part, conformance) of the PDF/A identification in the XMP metadata."""
    metadata = PdfReader(io.BytesIO(data)).xmp_metadata
    assert metadata is not None, "no XMP metadata"
    xml = metadata.stream.get_data().decode()
    import re

    part = re.search(r"pdfaid:part[=>\"']+(\d)", xml)
    conformance = re.search(r"pdfaid:conformance[=>\"']+([ABU])", xml)
    assert part and conformance, xml[:500]
    return part.group(1), conformance.group(1)


def first_client(username: str, *where) -> Client:
    return db.session.scalar(
        select(Client)
        .join(User, Client.manager_id == User.id)
        .where(User.username == username, *where)
        .order_by(Client.id)
        .limit(1)
    )


def add_visits(client: Client, n: int, kind: str = "home") -> None:
    for k in range(n):
        db.session.add(
            Contact(
                client_id=client.id,
                manager_id=client.manager_id,
                branch_id=client.branch_id,
                kind=kind,
                status="done",
                occurred_at=utcnow() - timedelta(days=k + 1),
                content="回访",
            )
        )
    db.session.commit()


# --------------------------------------------------------------------------- 附件3


def test_annex3_pdf_is_the_paper_form_with_the_clients_values(book, login_as, caplog):
    with book.app_context():
        client = first_client("mgr1", Client.id.in_(select(RelatedPerson.client_id)))
        add_visits(client, 3)
        add_visits(client, 2, kind="email")  # not a visit
        person = db.session.scalars(
            select(RelatedPerson).where(RelatedPerson.client_id == client.id)
        ).first()
        values = {
            "name": client.name,
            "client_no": client.client_no,
            "fund_account": client.fund_account,
            "id": client.id_number,
            "mobile": client.mobile,
            "person": person.name,
            "person_phone": person.phone,
            "class": client.class_code,
            "address": client.home_address,
        }
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        response = login_as("manager").get(f"/clients/{client.id}/annex3.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for label in ANNEX3_LABELS:
        assert label in text, label
    for key in ("name", "client_no", "fund_account", "person", "class", "address"):
        assert values[key].replace(" ", "") in text, key
    assert "累计拜访次数：3次" in text
    assert "填表人：李明" in text
    # The client's own manager prints the archive copy with the numbers in full (SPEC §8;
    # tests/test_pii_views.py: the view is logged, anyone else's print is masked).
    assert values["id"] in text
    assert values["mobile"] in text
    assert values["person_phone"] in text
    assert cjk_fonts(response.data)
    assert ".notdef" not in caplog.text
    assert pdfa_id(response.data) == ("3", "U")


def test_annex3_pdf_is_linked_from_the_file_and_scoped(book, login_as):
    with book.app_context():
        own, other = first_client("mgr1").id, first_client("mgr3").id
    manager = login_as("manager")
    page = manager.get(f"/clients/{own}").get_data(as_text=True)
    assert f'href="/clients/{own}/annex3.pdf" hx-boost="false"' in page
    assert manager.get(f"/clients/{other}/annex3.pdf").status_code == 404


# --------------------------------------------------------------------------- 附件4


@pytest.fixture
def odd_names(book):
    """Two clients of mgr1 whose names group under '#' and a second 'A' to sort within."""
    with book.app_context():
        template = first_client("mgr1")
        for n, name in enumerate(("123号客户", "（未知）", "安然", "艾青")):
            db.session.add(
                Client(
                    client_no=f"99{n:08d}",
                    fund_account=f"88{n:08d}",
                    name=name,
                    gender="男",
                    id_number="",
                    mobile=f"1390000{n:04d}",
                    branch_id=template.branch_id,
                    manager_id=template.manager_id,
                    opened_on=template.opened_on,
                )
            )
        db.session.commit()
    return book


def test_annex4_groups_by_surname_initial_with_hash_last(odd_names, login_as):
    with odd_names.app_context():
        user = db.session.scalar(select(User).where(User.username == "mgr1"))
        summary = archive.annex4(selection.selection_for(user), user)
        total = db.session.scalar(
            select(func.count()).select_from(Client).where(Client.manager_id == user.id)
        )
    letters = [letter for letter, _ in summary.groups]
    assert letters[-1] == "#" and letters[:-1] == sorted(letters[:-1])
    assert {r.name for r in dict(summary.groups)["#"]} == {"123号客户", "（未知）"}
    a_names = [r.name for r in dict(summary.groups)["A"]]
    # By pinyin within the letter (SPEC §7): 艾青 ai4qing1 before 安然 an1ran2, although 安
    # comes before 艾 by code point.
    assert a_names == sorted(a_names, key=sort_key)
    assert a_names.index("艾青") < a_names.index("安然")
    assert summary.total == total
    html = login_as("manager").get("/archive/annex4").get_data(as_text=True)
    assert html.index(">A <small>") < html.index("># <small>")
    assert "123号客户" in html and "客户资产（万元）" in html


def test_annex4_amounts_are_this_years_commission_and_assets_in_wan(book):
    with book.app_context():
        user = db.session.scalar(select(User).where(User.username == "mgr2"))
        summary = archive.annex4(selection.selection_for(user), user)
        row = max(summary.rows, key=lambda r: r.commission_wan)
        client = db.session.get(Client, row.client_id)
        this_year = db.session.scalars(
            select(MonthlyFigure.net_commission).where(
                MonthlyFigure.client_id == client.id,
                MonthlyFigure.month >= china_today().replace(month=1, day=1),
            )
        ).all()
        expected = (sum(this_year, Decimal(0)) / 10000).quantize(Decimal("0.01"))
        assert row.commission_wan == expected and isinstance(row.commission_wan, Decimal)
        assert row.assets_wan == (client.total_assets / 10000).quantize(Decimal("0.01"))
        assert row.phone == mask_mobile(client.mobile)
        assert row.risk_level in ("", "极低", "低", "中", "高")


def test_annex4_pdf_has_a_heading_per_letter_and_the_header_on_every_page(
    odd_names, login_as, caplog
):
    with odd_names.app_context(), acting_as("seed"):  # enough rows to fill a second page
        for n in range(40):
            factories.client("mgr1", f"王{'甲乙丙丁戊己庚辛壬癸'[n % 10]}{'一二三四'[n // 10]}")
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        response = login_as("manager").get("/archive/annex4.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    pages = [page.extract_text().replace(" ", "") for page in reader.pages]
    assert len(pages) > 1
    for text in pages:
        assert "客户姓名" in text and "当年净佣金收入" in text  # the header repeats
    text = "".join(pages)
    assert "客户分类汇总表" in text and "填表人：李明" in text and "填表说明" in text
    assert "#（2户）" in text and "A（" in text
    assert cjk_fonts(response.data)
    assert ".notdef" not in caplog.text


def test_annex4_excel_reads_back_with_numbers_in_number_cells(odd_names, login_as):
    response = login_as("manager").get("/archive/annex4.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "客户分类汇总表"
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(tuple(title for title, _ in archive.ANNEX4_COLUMNS))
    data = []
    for row in rows[header + 1 :]:
        if not row or row[0] is None:
            break
        data.append(row)
    with odd_names.app_context():
        user = db.session.scalar(select(User).where(User.username == "mgr1"))
        summary = archive.annex4(selection.selection_for(user), user)
    assert len(data) == summary.total
    for row, expected in zip(data, summary.rows, strict=True):
        assert row[1] == expected.name and row[2] == expected.fund_account
        if expected.assets_wan is None:
            assert row[3] is None
        else:
            assert isinstance(row[3], int | float) and Decimal(str(row[3])) == expected.assets_wan
        assert isinstance(row[4], int | float) and Decimal(str(row[4])) == expected.commission_wan
        assert row[10] == expected.visits and isinstance(row[10], int)
        assert "****" in row[11]
    assert [r[0] for r in data][-2:] == ["#", "#"]
    assert any(str(r[0]).startswith("填表人：") for r in rows[header:])


def test_branch_head_picks_a_manager_or_the_branch_and_nothing_outside(book, login_as):
    with book.app_context():
        mgr2 = db.session.scalar(select(User.id).where(User.username == "mgr2"))
        mgr3 = db.session.scalar(select(User.id).where(User.username == "mgr3"))
    head = login_as("branch_head")
    whole = head.get("/archive/annex4").get_data(as_text=True)
    one = head.get(f"/archive/annex4?manager={mgr2}").get_data(as_text=True)
    assert "全部客户经理" in whole and "陈静" in one
    assert whole.count("<tr><td>") > one.count("<tr><td>") > 0
    assert head.get(f"/archive/annex4?manager={mgr3}").status_code == 404
    assert head.get("/archive/annex4?branch=999").status_code == 404
    assert login_as("manager").get(f"/archive/annex4?manager={mgr2}").status_code == 404
    hq = login_as("hq")
    assert "赵磊" in hq.get(f"/archive/annex4?manager={mgr3}").get_data(as_text=True)


# --------------------------------------------------------------------------- batch export


SMALL_BOOK = 5


@pytest.fixture
def small_book(book):
    """mgr3 keeps 5 clients (the others go to a new colleague, mgr4): batches stay quick."""
    with book.app_context():
        mgr3 = db.session.scalar(select(User).where(User.username == "mgr3"))
        mgr4 = User(
            username="mgr4",
            display_name="孙悦",
            role="manager",
            branch_id=mgr3.branch_id,
            password_hash=mgr3.password_hash,
        )
        db.session.add(mgr4)
        db.session.flush()
        with acting_as("seed"):
            for n in range(SMALL_BOOK):
                factories.client(mgr3, f"赵{'一二三四五'[n]}")
        keep = select(Client.id).where(Client.manager_id == mgr3.id).order_by(Client.id)
        keep = db.session.scalars(keep.limit(SMALL_BOOK)).all()
        db.session.execute(
            Client.__table__.update()
            .where(Client.manager_id == mgr3.id, Client.id.not_in(keep))
            .values(manager_id=mgr4.id)
        )
        db.session.commit()
    return book


@pytest.fixture
def mgr3_job(small_book):
    """A queued (not yet run) export of mgr3's clients, by mgr3."""
    with small_book.test_request_context():
        user = db.session.scalar(select(User).where(User.username == "mgr3"))
        job = exports.start(user, selection.selection_for(user))
        queue.huey().storage.flush_queue()  # these tests run the task themselves
        return job


def run_now(app, job_id: str) -> dict:
    with app.test_request_context():
        exports.run_export(job_id)
        return exports.load(job_id)


def archive_files(data: bytes) -> dict[str, bytes]:
    """The files of an export's ZIP, by name, in the archive's order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive_file:
        return {name: archive_file.read(name) for name in archive_file.namelist()}


def test_batch_export_runs_to_a_zip_of_pdfa_files_by_manager_and_initial(book, mgr3_job, login_as):
    job = run_now(book, mgr3_job["id"])
    expected = ("done", SMALL_BOOK, SMALL_BOOK, [])
    assert (job["status"], job["done"], job["total"], job["failures"]) == expected
    mgr3 = login_as("mgr3")
    response = mgr3.get(f"/archive/exports/{job['id']}/download")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert ".zip" in response.headers["Content-Disposition"]
    files = archive_files(response.data)
    with book.app_context():
        mgr3_user = db.session.scalar(select(User).where(User.username == "mgr3"))
        clients = db.session.scalars(select(Client).where(Client.manager_id == mgr3_user.id)).all()
        folder = mgr3_user.display_name
        initials = sorted({c.surname_initial for c in clients})
        names = {c.surname_initial: [] for c in clients}
        for c in clients:
            names[c.surname_initial].append(c.name.replace(" ", ""))
    # One PDF/A per initial of the manager's clients, in the manager's folder, A–Z.
    assert list(files) == [f"{folder}/{initial}.pdf" for initial in initials]
    total = 0
    for name, data in files.items():
        assert pdfa_id(data) == ("3", "U")
        assert cjk_fonts(data)
        text = pdf_text(data)
        initial = name.split("/")[1].removesuffix(".pdf")
        assert all(client in text for client in names[initial])
        total += text.count("客户服务档案表")
    assert total == SMALL_BOOK
    # Another user sees neither the job nor its file.
    assert login_as("manager").get(f"/archive/exports/{job['id']}").status_code == 404
    assert login_as("hq").get(f"/archive/exports/{job['id']}/download").status_code == 404


def test_an_initial_with_more_clients_than_a_volume_makes_several_files(
    book, mgr3_job, monkeypatch
):
    monkeypatch.setattr(exports, "VOLUME", 2)
    job = run_now(book, mgr3_job["id"])
    assert (job["status"], job["done"], job["failures"]) == ("done", SMALL_BOOK, [])
    with book.app_context():
        files = archive_files(exports.path(job["id"]).read_bytes())
        mgr3 = db.session.scalar(select(User).where(User.username == "mgr3"))
        initials = db.session.scalars(
            select(Client.surname_initial).where(Client.manager_id == mgr3.id)
        ).all()
    expected = []
    for initial in sorted(set(initials)):
        count = initials.count(initial)
        volumes = (count + 1) // 2
        for n in range(1, volumes + 1):
            expected.append(f"{mgr3.display_name}/{initial}{f'-{n}' if volumes > 1 else ''}.pdf")
    assert list(files) == expected and len(files) > len(set(initials))  # some split
    counts = [pdf_text(data).count("客户服务档案表") for data in files.values()]
    assert max(counts) == 2 and sum(counts) == SMALL_BOOK


def test_a_failing_client_is_reported_not_skipped(book, mgr3_job, login_as, monkeypatch):
    with book.app_context():
        victim = first_client("mgr3")
        victim_id, victim_name = victim.id, victim.name
    real = archive.annex3_document

    def failing(forms, *args, **kwargs):
        if forms[0].client.id == victim_id:
            raise ValueError("模板数据异常")
        return real(forms, *args, **kwargs)

    monkeypatch.setattr(archive, "annex3_document", failing)
    job = run_now(book, mgr3_job["id"])
    assert job["status"] == "done" and job["done"] == SMALL_BOOK
    assert [(f["client_id"], f["name"]) for f in job["failures"]] == [(victim_id, victim_name)]
    assert "模板数据异常" in job["failures"][0]["error"]
    mgr3 = login_as("mgr3")
    page = mgr3.get(f"/archive/exports/{job['id']}").get_data(as_text=True)
    assert "1 位客户未能生成" in page and victim_name in page and "模板数据异常" in page
    files = archive_files(mgr3.get(f"/archive/exports/{job['id']}/download").data)
    assert next(iter(files)) == "批量导出说明.pdf"
    text = pdf_text(files["批量导出说明.pdf"])
    assert "批量导出说明" in text and victim_name.replace(" ", "") in text
    printed = "".join(pdf_text(data) for name, data in files.items() if name != "批量导出说明.pdf")
    assert printed.count("客户服务档案表") == SMALL_BOOK - 1


def test_an_export_of_nobody_is_refused(book, login_as, user_id):
    with book.app_context():
        db.session.execute(
            Client.__table__.update()
            .where(Client.manager_id == user_id("mgr2"))
            .values(manager_id=user_id("mgr1"))
        )
        db.session.commit()
    head = login_as("branch_head")
    response = head.post_form("/archive/exports", {"manager": user_id("mgr2")})
    assert response.status_code == 302
    assert "没有客户" in head.get(response.headers["Location"]).get_data(as_text=True)


# The embedded default, and Redis (several workers on several machines) when the machine has
# one: `.ci/run` sets TEST_REDIS_URL, as it sets TEST_DATABASE_URL for PostgreSQL.
QUEUES = ["sqlite"] + (["redis"] if os.environ.get("TEST_REDIS_URL") else [])


@pytest.fixture(params=QUEUES)
def consumer(request, book):
    """A real huey consumer (one worker thread) on the test app's queue: its SQLite file, or
    Redis (emptied before and after)."""
    app = book
    saved = {key: app.extensions.pop(key) for key in ("huey", "tasks") if key in app.extensions}
    saved_url = app.config["HUEY_URL"]
    if request.param == "redis":
        app.config["HUEY_URL"] = os.environ["TEST_REDIS_URL"]
    with app.app_context():
        huey = queue.huey()
        assert type(huey).__name__ == {"sqlite": "SqliteHuey", "redis": "RedisHuey"}[request.param]
        huey.flush()
    signals = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    worker = huey.create_consumer(
        workers=1, worker_type="thread", periodic=False, initial_delay=0.05, max_delay=0.2
    )
    worker.start()
    yield worker
    worker.stop(graceful=True)
    for sig, handler in signals.items():
        signal.signal(sig, handler)
    huey.flush()
    app.config["HUEY_URL"] = saved_url
    app.extensions.update(saved)


def test_export_through_the_queue_and_a_consumer_with_htmx_progress(small_book, login_as, consumer):
    mgr3 = login_as("mgr3")
    assert "开始导出" in mgr3.get("/archive/exports").get_data(as_text=True)
    started = mgr3.post_form("/archive/exports", {})
    assert started.status_code == 302
    progress_url = started.headers["Location"]
    full = mgr3.get(progress_url).get_data(as_text=True)
    assert "<progress" in full and "<html" in full
    deadline = time.monotonic() + 60
    while True:
        fragment = mgr3.get(progress_url, headers={"HX-Request": "true"})
        html = fragment.get_data(as_text=True)
        assert "<html" not in html and "HX-Request" in fragment.headers["Vary"]
        if 'hx-trigger="every 1s"' not in html:  # finished: the fragment stops polling
            break
        assert time.monotonic() < deadline, html
        time.sleep(0.2)
    assert "已完成" in html and "下载 ZIP" in html and f"{SMALL_BOOK} / {SMALL_BOOK}" in html
    job_id = progress_url.rstrip("/").split("/")[-1]
    download = mgr3.get(f"/archive/exports/{job_id}/download")
    assert download.status_code == 200
    assert all(pdfa_id(data) == ("3", "U") for data in archive_files(download.data).values())
    listing = mgr3.get("/archive/exports").get_data(as_text=True)
    assert job_id in listing and "已完成" in listing
    # Nobody else sees the job or its file: not a colleague, not HQ.
    assert login_as("mgr4").get(progress_url).status_code == 404
    assert login_as("hq").get(f"/archive/exports/{job_id}/download").status_code == 404


def test_job_ids_are_checked_and_old_jobs_are_forgotten(book, login_as, monkeypatch):
    manager = login_as("manager")
    assert manager.get("/archive/exports/..%2F..%2Fsecret").status_code == 404
    assert manager.get("/archive/exports/" + "0" * 32).status_code == 404
    monkeypatch.setattr(exports, "KEEP", 2)
    with book.test_request_context():
        user = db.session.scalar(select(User).where(User.username == "mgr1"))
        ids = [exports.start(user, selection.selection_for(user))["id"] for _ in range(3)]
        queue.huey().storage.flush_queue()
        assert [job["id"] for job in exports.jobs_of(user)] == ids[::-1][:2]
        assert exports.load(ids[0]) is None


# --------------------------------------------------------------------------- overview


def test_overview_counts_match_the_database_and_link_to_the_list(book, login_as):
    html = login_as("branch_head").get("/classification/overview").get_data(as_text=True)
    with book.app_context():
        head = db.session.scalar(select(User).where(User.username == "head1"))
        counts = dict(
            db.session.execute(
                select(Client.class_code, func.count())
                .where(Client.branch_id == head.branch_id)
                .group_by(Client.class_code)
            ).all()
        )
    for code in CLASSES:
        assert f"{code} 类（" in html
        link = f'href="/clients/?class={code.replace("+", "%2B")}"'
        assert link in html, code
        assert f">{counts.get(code, 0)}</a></td>" in html, code
        assert f"{code} 类（" in html and f"{counts.get(code, 0)} 户</text>" in html
    assert "<svg" in html and "<circle" in html and "周转率阈值" in html
    assert "<script" not in html.split("</head>")[1]


def test_overview_change_from_last_month_comes_from_class_history(book):
    with book.test_request_context():
        mgr1 = db.session.scalar(select(User).where(User.username == "mgr1"))
        before = utc_start(china_today().replace(day=1)) - timedelta(days=3)
        clients = db.session.scalars(
            select(Client).where(Client.manager_id == mgr1.id).order_by(Client.id).limit(3)
        ).all()
        # At the end of last month: two were B, one was G; the third had no class yet... and
        # the first changed again this month (that change must not count for last month).
        # Only these rows make mgr1's history (the demo's history dates from last month).
        db.session.execute(
            ClassChange.__table__.delete().where(
                ClassChange.client_id.in_(select(Client.id).where(Client.manager_id == mgr1.id))
            )
        )
        rows = [
            (clients[0].id, before - timedelta(days=20), None, "G"),
            (clients[0].id, before, "G", "B"),
            (clients[1].id, before, None, "B"),
            (clients[0].id, utcnow(), "B", clients[0].class_code),
        ]
        for client_id, at, old, new in rows:
            db.session.add(
                ClassChange(client_id=client_id, at=at, from_class=old, to_class=new, cause="t")
            )
        db.session.commit()
        data = overview.overview(mgr1)
        by_code = {c.code: c for c in data.counts}
        history_now = db.session.scalar(
            select(func.count())
            .select_from(ClassChange)
            .where(ClassChange.at < before + timedelta(seconds=1))
        )
        assert history_now >= 3
        assert by_code["B"].last_month == 2
        assert sum(c.last_month for c in data.counts) == 2
        total = db.session.scalar(
            select(func.count()).select_from(Client).where(Client.manager_id == mgr1.id)
        )
        assert data.unclassified_last_month == total - 2
        assert sum(c.now for c in data.counts) + data.unclassified == total
        assert by_code["B"].change == by_code["B"].now - 2


def test_overview_for_a_manager_chosen_by_hq_and_scope(book, login_as, user_id):
    hq = login_as("hq")
    html = hq.get(f"/classification/overview?manager={user_id('mgr3')}").get_data(as_text=True)
    assert "赵磊" in html and f"manager={user_id('mgr3')}" in html
    head = login_as("branch_head")
    assert head.get(f"/classification/overview?manager={user_id('mgr3')}").status_code == 404
    assert (
        login_as("manager").get(f"/classification/overview?manager={user_id('mgr2')}").status_code
        == 404
    )


def test_the_queue_backend_follows_huey_url(tmp_path):
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    sqlite = queue.make_huey(f"sqlite:///{tmp_path / 'q' / 'huey.db'}")
    assert isinstance(sqlite, SqliteHuey) and (tmp_path / "q").is_dir()
    assert isinstance(queue.make_huey("redis://queue.internal:6379/0"), RedisHuey)
    assert isinstance(queue.make_huey("memory://"), MemoryHuey)
    with pytest.raises(ValueError):
        queue.make_huey("ftp://nowhere")


def test_excel_never_turns_typed_text_into_a_formula(book, login_as):
    import io as _io

    from openpyxl import load_workbook

    with book.app_context():
        mine = db.session.scalar(
            select(Client)
            .join(User, Client.manager_id == User.id)
            .where(User.username == "mgr1")
            .order_by(Client.id)
            .limit(1)
        )
        remark = mine.remarks = '=HYPERLINK("http://evil.example/","点此")'
        db.session.commit()
    response = login_as("manager").get("/archive/annex4.xlsx")
    sheet = load_workbook(_io.BytesIO(response.data)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value == remark]
    assert cells and all(c.data_type == "s" for c in cells)
