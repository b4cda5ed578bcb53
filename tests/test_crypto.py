"""Identity data encrypted at rest (SPEC §8; issue 14 item 1): ID numbers, phones and e-mail
are sealed in the database and in the audit trail, found by keyed hash and by the mobile's last
four digits, shown masked, re-sealed by the key rotation, sealed by migration 0010 when they
were plain, and never written in plain text to the database or the log."""

import importlib.util
import logging
from datetime import date
from pathlib import Path

import factories
import pytest
import sqlalchemy as sa
from conftest import TEST_PII_KEY
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from test_clients import first_client_of, new_client_form

from portal.domain.crypto import Keyring, PiiKeyError, generate_key, is_sealed, parse_key
from portal.domain.idcard import build_resident_id
from portal.extensions import db
from portal.models import AuditLog, Client, RelatedPerson
from portal.models.encrypted import EXTENSION, init_app, keyring

ID_NUMBER = build_resident_id("330106", date(1968, 11, 2), 457)
MIGRATION = Path(__file__).parent.parent / "migrations/versions/0010_identity_encrypted.py"


def raw(table: str, column: str, row_id: int) -> str:
    """A column as stored, without the model's decryption."""
    t = sa.table(table, sa.column("id"), sa.column(column))
    return db.session.scalar(select(t.c[column]).where(t.c.id == row_id))


def stored_values(table: str, *columns: str) -> list[str]:
    t = sa.table(table, *(sa.column(c) for c in columns))
    return [v for row in db.session.execute(select(*t.c)) for v in row if v]


# --- the primitives --------------------------------------------------------------------------


def test_a_value_round_trips_and_each_sealing_differs():
    ring = Keyring(parse_key(generate_key()))
    first, second = ring.seal("13812345678"), ring.seal("13812345678")
    assert first != second and "13812345678" not in first + second
    assert is_sealed(first) and ring.open(first) == ring.open(second) == "13812345678"
    assert ring.search_hash("X1") == ring.search_hash("X1") != ring.search_hash("X2")


def test_another_key_cannot_open_a_value_and_says_nothing_of_it():
    sealed = Keyring(parse_key(generate_key())).seal("11010519491231002X")
    with pytest.raises(PiiKeyError) as error:
        Keyring(parse_key(generate_key())).open(sealed)
    assert "002X" not in str(error.value)
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(PiiKeyError):
        Keyring(parse_key(TEST_PII_KEY)).open(tampered)


@pytest.mark.parametrize("key", ["", "c2hvcnQ=", "not base64 at all!"])
def test_a_malformed_key_is_refused(key):
    with pytest.raises(PiiKeyError):
        parse_key(key)


# --- records, search, trail ------------------------------------------------------------------


def test_identity_data_is_stored_sealed_and_read_plain(book):
    with book.app_context():
        person = {"name": "甲", "phone": "13911112222", "relation": "友"}
        c = factories.client(
            "mgr1", "钱塘", id_number=ID_NUMBER, email="qt@example.com", related=[person]
        )
        c.home_phone = "0571-87654321"
        db.session.commit()
        for column, plain in (
            ("id_number", ID_NUMBER),
            ("mobile", c.mobile),
            ("home_phone", "0571-87654321"),
            ("email", "qt@example.com"),
        ):
            stored = raw("clients", column, c.id)
            assert is_sealed(stored) and plain not in stored
        assert is_sealed(raw("client_related_persons", "phone", c.related_persons[0].id))
        assert raw("clients", "work_phone", c.id) == ""  # nothing to hide
        db.session.expunge_all()
        again = db.session.get(Client, c.id)
        assert (again.id_number, again.email) == (ID_NUMBER, "qt@example.com")
        assert again.related_persons[0].phone == "13911112222"


def test_search_by_whole_id_number_and_by_last_four_mobile_digits(book, login_as):
    with book.app_context():
        c = factories.client("mgr1", "钱塘", id_number=ID_NUMBER, mobile="13955550001")
        client_id = c.id
    manager = login_as("manager")
    for q in (ID_NUMBER, ID_NUMBER.lower(), "0001"):
        html = manager.get("/clients/", query_string={"q": q}).get_data(as_text=True)
        assert f'/clients/{client_id}"' in html, q
    other = build_resident_id("330106", date(1968, 11, 2), 459)
    html = manager.get("/clients/", query_string={"q": other}).get_data(as_text=True)
    assert f'/clients/{client_id}"' not in html
    # Out of scope stays out of scope, whatever the key.
    other_branch = login_as("mgr3").get("/clients/", query_string={"q": ID_NUMBER})
    assert f'/clients/{client_id}"' not in other_branch.get_data(as_text=True)


def test_the_trail_keeps_changed_numbers_sealed_and_shows_them_masked(book, login_as):
    c = first_client_of(book, "mgr1")
    manager = login_as("manager")
    data = new_client_form(
        client_no=c.client_no,
        name=c.name,
        fund_account=c.fund_account,
        id_type=c.id_type,
        id_number=c.id_number,
        birthday=str(c.birthday),
        gender=c.gender,
        opened_on=str(c.opened_on),
        mobile="13766668888",
        evidence_kind="recording",  # a new mobile needs its evidence (Art. 35)
        evidence_ref="REC-20261204-01",
    )
    assert manager.post_form(f"/clients/{c.id}/edit", data).status_code == 302
    with book.app_context():
        (row,) = db.session.scalars(
            select(AuditLog).where(
                AuditLog.record_id == c.id, AuditLog.field == "mobile", AuditLog.action == "update"
            )
        )
        assert is_sealed(row.old_value) and is_sealed(row.new_value)
        assert keyring().open(row.old_value) == c.mobile
        assert keyring().open(row.new_value) == "13766668888"
    history = manager.get(f"/history/clients/{c.id}").get_data(as_text=True)
    assert "137****8888" in history and f"{c.mobile[:3]}****{c.mobile[-4:]}" in history
    assert "13766668888" not in history and c.mobile not in history and "pii1:" not in history


# --- key rotation ----------------------------------------------------------------------------


@pytest.fixture
def use_keys(app):
    """``use_keys(current, old)``: run the app with these keys, as ``PII_KEY`` and
    ``PII_OLD_KEYS`` would set them; the suite's key is back afterwards."""
    saved = dict(app.config), app.extensions[EXTENSION]

    def use(current: str, old: str = "") -> None:
        app.config.update(PII_KEY=current, PII_OLD_KEYS=old)
        init_app(app, instance_secret=None)

    yield use
    app.config.clear()
    app.config.update(saved[0])
    app.extensions[EXTENSION] = saved[1]


def test_rotation_reseals_records_and_trail_and_the_old_key_is_no_longer_needed(
    book, login_as, use_keys
):
    with book.app_context():
        person = {"name": "甲", "phone": "13911112222", "relation": "友"}
        c = factories.client("mgr1", "钱塘", id_number=ID_NUMBER, related=[person])
        c.mobile = "13955550001"
        db.session.commit()
        client_id, mobile = c.id, c.mobile
    new_key = generate_key()
    use_keys(new_key, old=f" {TEST_PII_KEY} ")
    result = book.test_cli_runner().invoke(args=["pii", "rotate-key"])
    assert result.exit_code == 0, result.output
    assert "已用新密钥重新加密" in result.output

    use_keys(new_key)  # the old key is gone
    old_only = Keyring(parse_key(TEST_PII_KEY))
    with book.app_context():
        sealed = stored_values("clients", "id_number", "mobile")
        sealed += stored_values("client_related_persons", "phone")
        sealed += [v for v in stored_values("audit_log", "old_value", "new_value") if is_sealed(v)]
        assert len(sealed) > 10
        for value in sealed:
            assert keyring().is_current(value)
            with pytest.raises(PiiKeyError):
                old_only.open(value)
        db.session.expunge_all()
        again = db.session.get(Client, client_id)
        assert (again.id_number, again.mobile) == (ID_NUMBER, mobile)
        phone = select(RelatedPerson.phone).where(RelatedPerson.client_id == client_id)
        assert db.session.scalar(phone) == "13911112222"
    manager = login_as("manager")
    html = manager.get("/clients/", query_string={"q": ID_NUMBER}).get_data(as_text=True)
    assert f'/clients/{client_id}"' in html  # the search hash follows the new key
    history = manager.get(f"/history/clients/{client_id}").get_data(as_text=True)
    assert "139****0001" in history
    # A second run finds nothing left to do.
    again = book.test_cli_runner().invoke(args=["pii", "rotate-key"])
    assert "clients 0 行" in again.output and "audit_log 0 行" in again.output


def test_rotation_without_the_old_key_changes_nothing_and_says_why(book, use_keys):
    with book.app_context():
        client_id = factories.client("mgr1", "钱塘", id_number=ID_NUMBER).id
        before = raw("clients", "id_number", client_id)
    use_keys(generate_key())
    result = book.test_cli_runner().invoke(args=["pii", "rotate-key"])
    assert result.exit_code != 0 and "数据未改动" in result.output
    assert ID_NUMBER not in result.output
    with book.app_context():
        assert raw("clients", "id_number", client_id) == before


# --- migration 0010 on plain data ------------------------------------------------------------


def test_migration_seals_plain_records_and_trail_and_keeps_the_trail_append_only(book):
    spec = importlib.util.spec_from_file_location("migration_0010", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    clients = sa.table("clients", sa.column("id"), sa.column("id_number"), sa.column("mobile"))
    clients.append_column(sa.column("id_number_hash"))
    with book.app_context():
        c = factories.client("mgr1", "钱塘", id_number=ID_NUMBER, mobile="13955550001")
        client_id = c.id
        # As stored before 0010: plain values, no hash, a plain trail row.
        db.session.execute(
            sa.update(clients)
            .where(clients.c.id == client_id)
            .values(id_number=ID_NUMBER, mobile="13955550001", id_number_hash=None)
        )
        db.session.execute(
            sa.insert(AuditLog.__table__).values(
                actor="old",
                record_type="clients",
                record_id=client_id,
                action="update",
                field="mobile",
                old_value="13900000000",
                new_value="13955550001",
            )
        )
        db.session.commit()
        with db.engine.begin() as connection:
            migration.seal_existing(connection)
        assert is_sealed(raw("clients", "id_number", client_id))
        assert keyring().open(raw("clients", "mobile", client_id)) == "13955550001"
        assert raw("clients", "id_number_hash", client_id) == keyring().search_hash(ID_NUMBER)
        values = stored_values("audit_log", "old_value", "new_value")
        assert "13900000000" not in values and "13955550001" not in values
        with pytest.raises(DBAPIError), db.engine.begin() as connection:
            connection.execute(text("UPDATE audit_log SET actor = 'x'"))


# --- nothing plain in the database or the log --------------------------------------------------


def _database_bytes() -> bytes:
    """Everything the database holds: the SQLite file(s), or every PostgreSQL row as text."""
    if db.engine.dialect.name == "sqlite":
        db.session.remove()
        db.engine.dispose()
        path = Path(db.engine.url.database)
        files = [path, *path.parent.glob(path.name + "-*")]  # a journal or WAL, if any
        return b"".join(f.read_bytes() for f in files)
    dump = []
    for table in db.metadata.sorted_tables:
        dump += db.session.scalars(text(f"SELECT t::text FROM {table.name} t")).all()
    return "\n".join(dump).encode()


def test_no_plain_number_in_the_database_or_the_log(demo_clients, login_as, caplog):
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # statements logged, values too
    caplog.set_level(logging.DEBUG, logger="portal")
    manager = login_as("manager")
    assert manager.post_form("/clients/new", new_client_form()).status_code == 302
    with demo_clients.app_context():
        new = db.session.scalar(select(Client).where(Client.client_no == "9000000001"))
        mine = db.session.scalars(
            select(Client).where(Client.manager_id == new.manager_id).limit(3)
        ).all()
    for c in mine:
        manager.get(f"/clients/{c.id}")
        manager.post_form(f"/clients/{c.id}/reveal/id_number")
        manager.get(f"/clients/{c.id}/edit")
        manager.get("/clients/", query_string={"q": c.mobile[-4:]})
        manager.get("/clients/", query_string={"q": c.id_number})
        manager.get(f"/history/clients/{c.id}")
    edit = new_client_form(
        mobile="13766668888",
        home_phone="010-66668888",
        evidence_kind="letter",
        evidence_ref="书面申请 2026-12-04",
    )
    assert manager.post_form(f"/clients/{new.id}/edit", edit).status_code == 302
    # A failing statement's error names no value (hide_parameters).
    with demo_clients.app_context(), pytest.raises(DBAPIError) as error:
        db.session.execute(text("SELECT :v FROM no_such_table"), {"v": "13766668888"})
    assert "13766668888" not in str(error.value)
    logged = caplog.text
    assert "SQL parameters hidden" in logged  # the statements were logged, without values

    with demo_clients.app_context():
        clients = db.session.scalars(select(Client)).all()
        persons = db.session.scalars(select(RelatedPerson)).all()
        plain = {c.id_number for c in clients} | {c.mobile for c in clients if c.mobile}
        plain |= {c.home_phone for c in clients if c.home_phone} | {"13766668888"}
        plain |= {c.email for c in clients if c.email} | {p.phone for p in persons if p.phone}
        plain |= {"13912345678", "13700001111"}  # the new client's first mobile, its relative's
        assert len(clients) > 300 and len(plain) > 600
        stored = _database_bytes()
    assert len(stored) > 100_000
    found = sorted(value for value in plain if value.encode() in stored or value in logged)
    assert found == []
