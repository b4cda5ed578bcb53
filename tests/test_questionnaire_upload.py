"""HQ loads a new version of the risk questionnaire (附件1) from the web: the definition file
is previewed as the form will show it, then published; a bad file changes nothing and says
what is wrong; only HQ may."""

import json
import re
from io import BytesIO

from sqlalchemy import func, select

from portal.domain.questionnaire import V1_PATH
from portal.extensions import db
from portal.models import QuestionnaireVersion


def version_2(**changes) -> bytes:
    definition = json.loads(V1_PATH.read_text("utf-8")) | {"version": 2, "title": "第二版问卷"}
    definition["questions"][0]["text"] = "您的年龄是？（ ）（2026年修订）"
    return json.dumps(definition | changes, ensure_ascii=False).encode()


def upload(client, data: bytes, name: str = "v2.json"):
    return client.post_form(
        "/risk/questionnaires",
        {"file": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def count() -> int:
    return db.session.scalar(select(func.count(QuestionnaireVersion.id)))


def test_hq_previews_then_publishes_a_new_version(book, login_as):
    hq = login_as("hq")
    response = upload(hq, version_2())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "第2版 · 第二版问卷" in html and "（2026年修订）" in html and "发布第2版" in html
    with book.app_context():
        assert (
            db.session.scalar(
                select(QuestionnaireVersion.id).where(QuestionnaireVersion.version == 2)
            )
            is None
        )
    definition = re.search(r'name="definition" type="hidden" value="([^"]*)"', html)[1]
    import html as entities

    done = hq.post_form(
        "/risk/questionnaires/publish", {"definition": entities.unescape(definition)}
    )
    assert done.status_code == 302
    page = hq.get("/risk/questionnaires").get_data(as_text=True)
    assert "问卷第2版已发布" in page and "第2版（现行）" in page
    with book.app_context():
        assert (
            db.session.scalar(
                select(QuestionnaireVersion.title).where(QuestionnaireVersion.version == 2)
            )
            == "第二版问卷"
        )


def test_a_bad_file_is_refused_with_its_fault_and_nothing_loaded(book, login_as):
    hq = login_as("hq")
    with book.app_context():
        before = count()
    for data, message in [
        (b"{not json", "不是有效的 JSON"),
        (b"[1, 2]", "文件内容必须是 JSON 对象"),
        (version_2(questions=[]), "问卷定义无效：缺少 questions"),
        ("中文".encode("gbk"), "UTF-8"),
    ]:
        response = upload(hq, data)
        assert response.status_code == 422, message
        assert message in response.get_data(as_text=True)
    response = upload(hq, b"{}", name="v2.txt")
    assert response.status_code == 422 and "须为 .json 文件" in response.get_data(as_text=True)
    with book.app_context():
        assert count() == before


def test_only_hq_loads_questionnaires(book, login_as):
    for role in ("branch_head", "manager", "counter"):
        client = login_as(role)
        assert client.get("/risk/questionnaires").status_code == 403
        assert upload(client, version_2()).status_code == 403
