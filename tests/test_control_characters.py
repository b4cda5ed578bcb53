"""Control characters (a NUL byte, a right-to-left override) in any form field, query argument
or file name are removed before a view sees them: never a 500 (PostgreSQL refuses NUL in
text), never stored."""

import io
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from sqlalchemy import select, text
from werkzeug.datastructures import MultiDict

from portal import demo
from portal.domain.text import clean_filename, clean_text
from portal.extensions import db
from portal.models import Attachment, Client
from portal.models.encrypted import Encrypted

NUL = "\x00"
TEXT_INPUTS = {"text", "search", "email", "tel", "textarea"}
SKIP = re.compile(r"logout|password|\.pdf|\.xlsx|/download|/static/")


def test_control_characters_are_removed_and_line_breaks_kept():
    assert clean_text("张\x00三\x07") == "张三"
    assert clean_text("第一行\r\n第二行\t完") == "第一行\r\n第二行\t完"
    assert clean_text("a\u202eb") == "ab"
    assert clean_text("普通文字 ，全角　空格") == "普通文字 ，全角　空格"
    assert clean_filename("scan\u202efdp.html\x00\n") == "scanfdp.html"


@pytest.fixture
def full_demo(org):
    with org.app_context():
        demo.seed_demo()
    return org


class Forms(HTMLParser):
    """The POST forms of a page (their action and fields) and its links."""

    def __init__(self):
        super().__init__()
        self.forms, self.links, self._form, self._select = [], [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": []}
            self.forms.append(self._form)
        elif self._form is None or "name" not in a or "disabled" in a:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "reset"):
                self._form["fields"].append((a["name"], a.get("value") or "", kind))
        elif tag == "textarea":
            self._form["fields"].append((a["name"], "", "textarea"))
        elif tag == "select":
            self._select = [a["name"], None, "select"]
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select and (self._select[1] is None or "selected" in a):
            self._select[1] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _pages(client, start="/", depth=2, limit=80):
    seen, queue = set(), [(start, 0)]
    while queue and len(seen) < limit:
        url, level = queue.pop(0)
        shape = re.sub(r"\d+", "N", urlparse(url).path)
        if shape in seen or SKIP.search(url):
            continue
        seen.add(shape)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = Forms()
        parser.feed(response.get_data(as_text=True))
        yield url, parser.forms
        if level < depth:
            queue += [(urljoin(url, href), level + 1) for href in parser.links if href[0] == "/"]


@pytest.mark.parametrize("role", ["manager", "branch_head", "counter", "hq"])
def test_nul_in_every_field_of_every_form_is_never_a_500(full_demo, login_as, role):
    failures, statuses = [], []
    for url, forms in list(_pages(login_as(role))):
        browser = login_as(role)  # a session of its own: a form may change what follows
        for index in range(len(forms)):
            page = Forms()  # the page as this session has it, with its CSRF token
            page.feed(browser.get(url).get_data(as_text=True))
            if index >= len(page.forms):
                break
            form = page.forms[index]
            action = urljoin(url, form["action"] or url)
            if SKIP.search(action):
                continue
            data = [
                (name, f"{value}{NUL}" if kind in TEXT_INPUTS else value)
                for name, value, kind in form["fields"]
                if value is not None
            ]
            response = browser.post(action, data=MultiDict(data))
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{action} {response.status_code}")
    assert failures == []
    assert len([s for s in statuses if s in (200, 302, 303, 422)]) >= 2, statuses
    with full_demo.app_context():
        if db.engine.dialect.name == "postgresql":
            return  # PostgreSQL would have refused a NUL: the 500s above say it all
        tables = [t.name for t in db.metadata.sorted_tables if t.name != "audit_log"]
        for table in tables:
            columns = [
                c.name for c in db.metadata.tables[table].columns if c.type.python_type is str
            ]
            for column in columns:
                if isinstance(db.metadata.tables[table].c[column].type, Encrypted):
                    # Stored sealed: the NUL would be inside the ciphertext; read it opened.
                    values = db.session.scalars(select(db.metadata.tables[table].c[column]))
                    assert not any(v and "\x00" in v for v in values), f"{table}.{column}"
                    continue
                has_nul = f"instr(CAST({column} AS BLOB), x'00') > 0"
                count = db.session.scalar(text(f"SELECT count(*) FROM {table} WHERE {has_nul}"))
                assert count == 0, f"{table}.{column}"


def test_nul_in_the_search_box_finds_as_without_it(full_demo, login_as):
    head = login_as("branch_head")
    plain = head.get("/clients/", query_string={"q": "张"})
    with_nul = head.get("/clients/", query_string={"q": "张\x00"})
    assert with_nul.status_code == 200
    count = re.compile(r"共 (\d+) 位客户")
    assert count.search(with_nul.get_data(as_text=True)).group(1) == count.search(
        plain.get_data(as_text=True)
    ).group(1)


def test_an_uploaded_scan_keeps_no_control_character_in_its_name(full_demo, login_as):
    with full_demo.app_context():
        client_id = db.session.scalar(select(Client.id).where(Client.branch_id == 1).limit(1))
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = login_as("branch_head").post_form(
        f"/clients/{client_id}/disclosures",
        {
            "kind": "margin",
            "signed_on": "2026-01-05",
            "scan": (io.BytesIO(pdf), "签字\u202efdp.exe\x00.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with full_demo.app_context():
        names = db.session.scalars(
            select(Attachment.original_name).where(Attachment.client_id == client_id)
        ).all()
    assert "签字fdp.exe.pdf" in names
