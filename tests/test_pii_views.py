"""Every full view of an identity or phone number leaves a trail row, whatever shows it — the
file page's button, the edit form on GET or coming back with errors, a printout, the batch
archive export — and the rule who may see a number in full lives in ``services.pii`` alone
(SPEC §8; Step 11 item 3)."""

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import factories
import pytest
from pypdf import PdfReader
from sqlalchemy import event, func, select

from portal import queue
from portal.domain.beijing import china_today
from portal.domain.idcard import build_resident_id, mask_id, mask_mobile
from portal.extensions import db
from portal.models import AuditLog, Client, User
from portal.models.audit import acting_as
from portal.services import exports, selection

ID_NUMBER = build_resident_id("110105", date(1968, 9, 23), 207)
NUMBERS = {
    "id_number": ID_NUMBER,
    "mobile": "13911112222",
    "home_phone": "01088886666",
    "work_phone": "02166667777",
}
PERSON_PHONE = "13733334444"


@pytest.fixture
def filed(org):
    """A client of mgr1 (branch of head1) with every number filled and a related person."""
    with org.app_context(), acting_as("seed"):
        client = factories.client(
            "mgr1",
            "柳如烟",
            related=[{"name": "柳小眉", "phone": PERSON_PHONE, "relation": "女儿"}],
            **NUMBERS,
        )
        return client.id


def views_of(app, client_id: int) -> list[AuditLog]:
    with app.app_context():
        return db.session.scalars(
            select(AuditLog)
            .where(
                AuditLog.record_type == "clients",
                AuditLog.record_id == client_id,
                AuditLog.action == "view",
            )
            .order_by(AuditLog.id)
        ).all()


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages).replace(" ", "")


def every_number_shown(row: AuditLog) -> None:
    for label in ("证件号码", "手机号码", "住宅电话", "公司电话", "相关人物 柳小眉 联系电话"):
        assert label in row.new_value, label


# --------------------------------------------------------------------------- the edit form


def test_opening_the_edit_form_writes_a_view_row(org, filed, login_as):
    html = login_as("manager").get(f"/clients/{filed}/edit").get_data(as_text=True)
    assert ID_NUMBER in html and PERSON_PHONE in html
    (row,) = views_of(org, filed)
    assert (row.field, row.actor) == ("edit_form", "mgr1")
    every_number_shown(row)


def test_a_refused_edit_refilled_from_the_record_writes_a_view_row(org, filed, login_as):
    """The probe's case: a submit without the numbers answers 422 with the stored ones."""
    manager = login_as("manager")
    response = manager.post_form(f"/clients/{filed}/edit", {"name": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert ID_NUMBER in html and NUMBERS["mobile"] in html
    (row,) = views_of(org, filed)
    assert (row.field, row.actor) == ("edit_form", "mgr1")
    assert "证件号码" in row.new_value and "手机号码" in row.new_value
    assert row.request_id == response.headers["X-Request-ID"]


def test_a_refused_edit_showing_only_what_was_typed_writes_no_row(org, filed, login_as):
    typed = {
        "name": "",
        "id_number": build_resident_id("110105", date(1970, 1, 2), 301),
        "mobile": "13600001234",
        "home_phone": "",
        "work_phone": "",
    }
    response = login_as("manager").post_form(f"/clients/{filed}/edit", typed)
    assert response.status_code == 422
    assert ID_NUMBER not in response.get_data(as_text=True)
    assert views_of(org, filed) == []


def test_the_reveal_button_writes_one_row_naming_the_column(org, filed, login_as):
    response = login_as("branch_head").post_form(f"/clients/{filed}/reveal/mobile")
    assert NUMBERS["mobile"] in response.get_data(as_text=True)
    (row,) = views_of(org, filed)
    assert (row.field, row.new_value, row.actor) == ("mobile", None, "head1")


# --------------------------------------------------------------------------- 附件3


@pytest.mark.parametrize("role", ["manager", "branch_head"])
def test_annex3_by_the_clients_manager_or_head_carries_full_numbers_and_is_logged(
    org, filed, login_as, role
):
    response = login_as(role).get(f"/clients/{filed}/annex3.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    for number in (*NUMBERS.values(), PERSON_PHONE):
        assert number in text, number
    assert "按规定遮蔽" not in text
    (row,) = views_of(org, filed)  # one row per print, naming every number on it
    assert row.field == "print"
    every_number_shown(row)
    history = login_as(role).get(f"/history/clients/{filed}").get_data(as_text=True)
    assert "打印件上的号码" in history


@pytest.mark.parametrize("role", ["hq", "counter"])
def test_annex3_by_anyone_else_is_masked_and_writes_no_row(org, filed, login_as, role):
    response = login_as(role).get(f"/clients/{filed}/annex3.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    for number in (*NUMBERS.values(), PERSON_PHONE):
        assert number not in text, number
    assert mask_id(ID_NUMBER) in text and mask_mobile(PERSON_PHONE) in text
    assert "身份证号、电话号码按规定遮蔽" in text
    assert views_of(org, filed) == []


# --------------------------------------------------------------------------- the other prints


@pytest.fixture
def opened_today(org):
    """Two accounts of mgr1 opened today: the branch's daily risk report lists them."""
    with org.app_context(), acting_as("seed"):
        made = [
            factories.client("mgr1", name, opened_on=china_today(), id_number=number)
            for name, number in (
                ("顾长风", build_resident_id("320102", date(1981, 4, 5), 113)),
                ("顾长庚", build_resident_id("320102", date(1983, 6, 7), 124)),
            )
        ]
        return made[0].branch_id, {c.id: c.id_number for c in made}


def test_the_daily_risk_report_by_the_head_carries_full_ids_and_logs_each(
    org, opened_today, login_as
):
    branch_id, numbers = opened_today
    url = f"/risk/daily.pdf?day={china_today()}&branch={branch_id}"
    response = login_as("branch_head").get(url)
    text = pdf_text(response.data)
    assert all(number in text for number in numbers.values())
    for client_id in numbers:
        assert [row.field for row in views_of(org, client_id)] == ["print"]


@pytest.mark.parametrize("role", ["counter", "hq"])
def test_the_daily_risk_report_by_anyone_else_is_masked(org, opened_today, login_as, role):
    branch_id, numbers = opened_today
    response = login_as(role).get(f"/risk/daily.pdf?day={china_today()}&branch={branch_id}")
    text = pdf_text(response.data)
    for client_id, number in numbers.items():
        assert number not in text and mask_id(number) in text
        assert views_of(org, client_id) == []


# --------------------------------------------------------------------------- batch export


@pytest.fixture(autouse=True)
def empty_queue(app):
    with app.app_context():
        queue.huey().flush()


def export_as(app, username: str, manager: str) -> tuple[dict, list[str]]:
    """Run an export of ``manager``'s clients by ``username``; the audit inserts it made."""
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.username == username))
        mgr = db.session.scalar(select(User.id).where(User.username == manager))
        job = exports.start(user, selection.selection_for(user, manager_id=mgr))
        queue.huey().storage.flush_queue()
        inserts: list[str] = []

        def count(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("INSERT INTO AUDIT_LOG"):
                inserts.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            exports.run_export(job["id"])
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return exports.load(job["id"]), inserts


def test_the_heads_batch_archive_writes_one_row_per_client_in_one_statement(org, filed, login_as):
    with org.app_context(), acting_as("seed"):
        for name in ("江枫", "江雪", "江月"):
            factories.client("mgr1", name)
        ids = db.session.scalars(
            select(Client.id)
            .join(User, Client.manager_id == User.id)
            .where(User.username == "mgr1")
        ).all()
    job, inserts = export_as(org, "head1", "mgr1")
    assert job["status"] == "done" and job["done"] == len(ids) == 4
    with zipfile.ZipFile(_file(org, job)) as archive_file:
        volumes = len(archive_file.namelist())
    assert len(inserts) == volumes < len(ids)  # a volume's rows in one statement
    with org.app_context():
        rows = db.session.execute(
            select(AuditLog.record_id, AuditLog.field, AuditLog.actor).where(
                AuditLog.action == "view"
            )
        ).all()
    assert sorted(rows) == sorted((i, "print", "head1") for i in ids)
    text = archive_text(_file(org, job))
    assert ID_NUMBER in text and PERSON_PHONE in text


def archive_text(path: Path) -> str:
    """The text of every PDF in an export's ZIP."""
    with zipfile.ZipFile(path) as archive_file:
        return "".join(pdf_text(archive_file.read(name)) for name in archive_file.namelist())


def _file(app, job) -> Path:
    with app.app_context():
        return exports.path(job["id"])


def test_hqs_batch_archive_is_masked_and_writes_no_row(org, filed):
    job, inserts = export_as(org, "hq", "mgr1")
    assert job["status"] == "done"
    text = archive_text(_file(org, job))
    assert ID_NUMBER not in text and mask_id(ID_NUMBER) in text
    assert inserts == []
    with org.app_context():
        assert db.session.scalar(select(func.count()).where(AuditLog.action == "view")) == 0


# --------------------------------------------------------------------------- one place

PORTAL = Path(__file__).parent.parent / "portal"
NUMBER_ATTRIBUTE = re.compile(r"(\w+)\.(id_number|mobile|home_phone|work_phone|phone)\b")
NOT_A_CLIENTS = {"form", "row", "user", "u"}
"""What holds a number that is no client's: a form's field (the user's input, its stored
values logged by ``pii.shown_in_form``) or a staff member's own phone."""
MASKED_BY_THE_SERVICE = {"r.phone"}
"""附件4's phone column (page, PDF, Excel): a list of a whole book, masked for everyone by
``archive.annex4`` with the rule's masks."""


def test_no_template_renders_a_clients_number_but_through_the_rule():
    """A template shows a client's number through ``shown``/``masked``/``pii`` (the rule),
    never as the bare attribute."""
    bare = []
    for path in (PORTAL / "templates").rglob("*.html"):
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            for expression in re.findall(r"{{(.*?)}}", line):
                owners = {owner for owner, _ in NUMBER_ATTRIBUTE.findall(expression)}
                if owners - NOT_A_CLIENTS and expression.strip() not in MASKED_BY_THE_SERVICE:
                    bare.append(f"{path.relative_to(PORTAL)}:{n}: {expression.strip()}")
    assert bare == []


def test_only_the_rule_decides_who_sees_a_number_in_full():
    """No view or template asks a role about numbers, nor writes a view row of a client."""
    offenders = []
    for path in [*PORTAL.rglob("*.py"), *(PORTAL / "templates").rglob("*.html")]:
        if path.name == "pii.py" or "models" in path.parts:
            continue
        text = path.read_text()
        if "record_view(" in text and "Attachment" not in text:
            offenders.append(f"{path.relative_to(PORTAL)}: record_view")
        if "may_reveal(" in text:
            offenders.append(f"{path.relative_to(PORTAL)}: may_reveal")
    assert offenders == []
