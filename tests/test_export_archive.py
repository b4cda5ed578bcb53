"""The archive of a whole book: a job killed part-way continues where it stopped and its ZIP
names every client exactly once; the volumes are rendered by a pool of processes."""

import io
import zipfile

import factories
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal import queue
from portal.extensions import db
from portal.models import Client, User
from portal.models.audit import acting_as
from portal.services import exports, selection

BOOK = 12


@pytest.fixture(autouse=True)
def empty_queue(app):
    with app.app_context():
        queue.huey().flush()


@pytest.fixture
def big_book(book):
    """mgr3 with a dozen more clients, on several initials."""
    with book.app_context(), acting_as("seed"):
        mgr3 = db.session.scalar(select(User).where(User.username == "mgr3"))
        for n in range(BOOK):
            factories.client(mgr3, "钱孙李周吴郑"[n % 6] + "甲乙丙丁"[n % 4])
        db.session.commit()
    return book


def queued_job(app) -> str:
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.username == "mgr3"))
        job = exports.start(user, selection.selection_for(user))
        queue.huey().storage.flush_queue()
        return job["id"]


def clients_of_mgr3(app) -> dict[str, int]:
    with app.app_context():
        names = db.session.scalars(
            select(Client.name)
            .join(User, Client.manager_id == User.id)
            .where(User.username == "mgr3")
        ).all()
    return {name.replace(" ", ""): 0 for name in names}


def printed_names(app, job_id: str) -> dict[str, int]:
    """How often each of mgr3's clients is printed in the job's ZIP (as the 姓名 of a form)."""
    counts = clients_of_mgr3(app)
    with app.app_context(), zipfile.ZipFile(exports.path(job_id)) as archive_file:
        names = archive_file.namelist()
        assert len(names) == len(set(names))
        for name in names:
            for page in PdfReader(io.BytesIO(archive_file.read(name))).pages:
                text = page.extract_text().replace(" ", "")
                if "客户服务档案表" not in text:
                    continue
                for client in counts:
                    if client in text:
                        counts[client] += 1
    return counts


class Killed(BaseException):
    """The worker's process ends here (as under kill -9: nothing of the job runs after)."""


def test_a_killed_archive_continues_where_it_stopped_with_every_client_once(big_book, monkeypatch):
    monkeypatch.setattr(exports, "VOLUME", 2)
    job_id = queued_job(big_book)
    real = exports.render_volume
    rendered: list[tuple[int, ...]] = []

    def dies_after_three(spec, volume):
        if len(rendered) == 3:
            raise Killed
        rendered.append(volume.client_ids)
        return real(spec, volume)

    monkeypatch.setattr(exports, "render_volume", dies_after_three)
    with big_book.test_request_context(), pytest.raises(Killed):
        exports.run_export(job_id, 1)
    with big_book.test_request_context():
        job = exports.load(job_id)
        assert job["status"] == "running" and job["done"] == 6
        assert len(list(exports.parts_dir(job_id).glob("*.pdf"))) == 3
        assert not exports.path(job_id).exists()
        # The worker's heartbeat stops: its process is gone.
        queue.put(f"export-beat:{job_id}", queue.beat_now(attempt=1) | {"pid": 2**22 + 1})
        assert exports.recover() == 1

    first = list(rendered)
    rendered.clear()
    monkeypatch.setattr(
        exports, "render_volume", lambda spec, v: rendered.append(v.client_ids) or real(spec, v)
    )
    with big_book.test_request_context():
        huey = queue.huey()
        huey.execute(huey.dequeue())
        job = exports.load(job_id)
    total = job["total"]
    assert (job["status"], job["done"], job["attempt"], job["failures"]) == (
        "done",
        total,
        2,
        [],
    )
    # The second attempt rendered only what the first had not written.
    assert not set(first) & set(rendered)
    assert sum(map(len, first + rendered)) == total
    counts = printed_names(big_book, job_id)
    assert sorted(counts.values()) == [1] * len(counts), counts
    with big_book.app_context():
        assert not exports.parts_dir(job_id).exists()  # removed once the ZIP is whole


def test_a_volume_whose_clients_changed_is_rendered_again(big_book, monkeypatch):
    """A volume written by an earlier attempt counts only for the very clients it holds."""
    monkeypatch.setattr(exports, "VOLUME", 2)
    job_id = queued_job(big_book)
    with big_book.test_request_context():
        user = db.session.scalar(select(User).where(User.username == "mgr3"))
        volumes = exports.archive_volumes(selection.selection_for(user), user)
        parts = exports.parts_dir(job_id)
        parts.mkdir(parents=True)
        stale = exports.Volume(volumes[0].name, volumes[0].client_ids[:1])
        (parts / f"{stale.key}.pdf").write_bytes(b"%PDF-1.7 stale\n")
        exports.run_export(job_id)
        assert exports.load(job_id)["status"] == "done"
    counts = printed_names(big_book, job_id)
    assert sorted(counts.values()) == [1] * len(counts), counts


def test_the_pool_of_processes_renders_the_archive(big_book, monkeypatch):
    monkeypatch.setitem(big_book.config, "RENDER_PROCESSES", 2)
    monkeypatch.setattr(exports, "VOLUME", 3)
    job_id = queued_job(big_book)
    with big_book.test_request_context():
        exports.run_export(job_id)
        job = exports.load(job_id)
    assert (job["status"], job["done"], job["failures"]) == ("done", job["total"], [])
    counts = printed_names(big_book, job_id)
    assert sorted(counts.values()) == [1] * len(counts), counts
