"""A client's mobile and e-mail change only with evidence (Art. 35, 36): the edit form asks for
it, the old value, the new one and the evidence are kept (sealed like the client's own) and
shown on the file and in its history, masked as the file masks numbers."""

import pytest
from sqlalchemy import select, text
from test_clients import first_client_of, new_client_form

from portal.domain.idcard import mask_mobile
from portal.extensions import db
from portal.models import Client, ContactChange, User
from portal.services import clients, contact_changes, scope

NEW_MOBILE = "13655554444"
NEW_EMAIL = "liming.new@example.com"
EVIDENCE = {"evidence_kind": "recording", "evidence_ref": "LY20261204-0031"}


def edit_data(c: Client, **overrides) -> dict:
    """The edit form as the browser sends it back: the file's values, then ``overrides``."""
    data = new_client_form(
        client_no=c.client_no,
        name=c.name,
        fund_account=c.fund_account,
        id_type=c.id_type,
        id_number=c.id_number,
        birthday=str(c.birthday) if c.birthday else "",
        gender=c.gender,
        opened_on=str(c.opened_on),
        mobile=c.mobile,
        email=c.email,
    )
    data.update(overrides)
    return data


def changes_of(app, client_id: int) -> list[ContactChange]:
    with app.app_context():
        query = select(ContactChange).where(ContactChange.client_id == client_id)
        rows = db.session.scalars(query.order_by(ContactChange.id)).all()
        for row in rows:
            _ = row.changed_by.username
        db.session.expunge_all()
        return rows


def test_a_new_mobile_without_evidence_is_refused_with_everything_typed_kept(book, login_as):
    c = first_client_of(book, "mgr1")
    manager = login_as("manager")
    data = edit_data(c, mobile=NEW_MOBILE, hobbies="围棋和书法")
    response = manager.post_form(f"/clients/{c.id}/edit", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "修改了手机号码或电子邮箱，请选择证据类型。" in html
    assert "请填写证据编号或说明" in html
    assert f'value="{NEW_MOBILE}"' in html and "围棋和书法" in html
    with book.app_context():
        assert db.session.get(Client, c.id).mobile == c.mobile
    assert changes_of(book, c.id) == []


def test_one_bad_field_keeps_the_evidence_typed(book, login_as):
    c = first_client_of(book, "mgr1")
    data = edit_data(c, mobile=NEW_MOBILE, email="not-an-email", **EVIDENCE)
    response = login_as("manager").post_form(f"/clients/{c.id}/edit", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "电子邮箱格式不正确" in html
    assert 'value="LY20261204-0031"' in html and '<option selected value="recording">' in html
    assert "请选择证据类型。" not in html


def test_the_change_and_its_evidence_are_kept_sealed(book, login_as):
    c = first_client_of(book, "mgr1")
    data = edit_data(c, mobile=NEW_MOBILE, email=NEW_EMAIL, **EVIDENCE)
    response = login_as("manager").post_form(f"/clients/{c.id}/edit", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    [change] = changes_of(book, c.id)
    assert (change.old_mobile, change.new_mobile) == (c.mobile, NEW_MOBILE)
    assert (change.old_email, change.new_email) == (c.email or "", NEW_EMAIL)
    assert (change.evidence_kind, change.evidence_ref) == ("recording", "LY20261204-0031")
    assert change.changed_by.username == "mgr1"
    with book.app_context():
        assert db.session.get(Client, c.id).mobile == NEW_MOBILE
        raw = db.session.execute(
            text("SELECT old_mobile, new_mobile, new_email FROM client_contact_changes")
        ).one()
        assert NEW_MOBILE not in raw.new_mobile and c.mobile not in raw.old_mobile
        assert NEW_EMAIL not in raw.new_email


def test_only_the_email_changed_keeps_the_mobile_out_of_it(book, login_as):
    c = first_client_of(book, "mgr1")
    data = edit_data(c, email=NEW_EMAIL, evidence_kind="letter", evidence_ref="申请书 2026-118")
    assert login_as("branch_head").post_form(f"/clients/{c.id}/edit", data).status_code == 302
    [change] = changes_of(book, c.id)
    assert change.old_mobile is None and change.new_mobile is None and not change.mobile_changed
    assert change.new_email == NEW_EMAIL and change.changed_by.username == "head1"


def test_evidence_is_ignored_when_neither_changes(book, login_as):
    c = first_client_of(book, "mgr1")
    data = edit_data(c, hobbies="钓鱼", **EVIDENCE)
    assert login_as("manager").post_form(f"/clients/{c.id}/edit", data).status_code == 302
    assert changes_of(book, c.id) == []


def test_a_new_file_asks_for_no_evidence(login_as, org):
    html = login_as("manager").get("/clients/new").get_data(as_text=True)
    assert "evidence_kind" not in html
    c_html = login_as("manager").post_form("/clients/new", new_client_form())
    assert c_html.status_code == 302


def test_the_service_refuses_a_change_without_evidence_and_keeps_nothing(book):
    with book.app_context():
        c = db.session.scalar(select(Client).where(Client.name == "李明"))
        mgr1 = db.session.scalar(select(User).where(User.username == "mgr1"))
        old = c.mobile
        with pytest.raises(ValueError, match="证据类型"):
            clients.update_client(c, {"mobile": NEW_MOBILE}, user=mgr1)
        with pytest.raises(ValueError, match="证据编号"):
            clients.update_client(c, {"mobile": NEW_MOBILE}, evidence={"kind": "other"}, user=mgr1)
        db.session.expire_all()
        assert c.mobile == old
        assert db.session.scalar(select(ContactChange.id)) is None
        clients.update_client(
            c, {"mobile": NEW_MOBILE}, evidence={"kind": "other", "ref": "客户来柜台"}, user=mgr1
        )
        assert db.session.scalar(select(ContactChange.evidence_ref)) == "客户来柜台"


@pytest.fixture
def changed(book, login_as):
    """李明's file (mgr1's) after a change of mobile and e-mail with evidence."""
    c = first_client_of(book, "mgr1")
    data = edit_data(c, mobile=NEW_MOBILE, email=NEW_EMAIL, **EVIDENCE)
    assert login_as("manager").post_form(f"/clients/{c.id}/edit", data).status_code == 302
    return c


@pytest.mark.parametrize("role", ["manager", "branch_head", "counter", "hq"])
def test_the_file_and_its_history_show_the_change_masked_for_every_role(changed, login_as, role):
    c, who = changed, login_as(role)
    page = who.get(f"/clients/{c.id}").get_data(as_text=True)
    assert "联系方式变更记录（1）" in page and "电话录音编号：LY20261204-0031" in page
    assert f"{mask_mobile(c.mobile)} → {mask_mobile(NEW_MOBILE)}" in page
    assert NEW_EMAIL in page  # e-mail is shown as the file shows it
    history = who.get(f"/history/clients/{c.id}").get_data(as_text=True)
    assert "联系方式变更" in history and "LY20261204-0031" in history and "电话录音编号" in history
    assert mask_mobile(NEW_MOBILE) in history
    for html in (page, history):
        assert NEW_MOBILE not in html and c.mobile not in html


def test_the_changes_are_scoped_like_the_client(changed, login_as, org):
    c = changed
    assert login_as("mgr2").get(f"/clients/{c.id}").status_code == 404
    assert login_as("mgr3").get(f"/history/clients/{c.id}").status_code == 404
    with org.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        seen = {
            name: db.session.scalars(scope.scoped(ContactChange, users[name])).all()
            for name in ("mgr1", "mgr2", "mgr3", "head1", "counter1", "hq")
        }
        assert {name for name, rows in seen.items() if rows} == {"mgr1", "head1", "counter1", "hq"}
        client = db.session.get(Client, c.id)
        assert len(contact_changes.for_client(client)) == 0  # no user: nothing
