"""Batch exports under faults: a worker killed (kill -9) or stopped (SIGTERM) during a job,
a job whose worker is gone shown as 已中断 with a working 重试, and a download checked
against the scope the job covered, not only its creator.

The fault tests run the real ``flask worker`` in a process of its own, on the test's
database and queue, and wait on the job's stored state (with a deadline), never on time."""

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import factories
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal import queue
from portal.domain.beijing import utcnow
from portal.extensions import db
from portal.models import Branch, User
from portal.models.audit import acting_as
from portal.services import exports, selection

ROOT = Path(__file__).resolve().parents[1]
BOOK = 30
"""mgr3's new clients in the fault tests: a job long enough to be caught running."""
TOTAL = BOOK + 2
"""With the small book's two."""


@pytest.fixture(autouse=True)
def empty_queue(app):
    """The queue's storage outlives each test's database: start every test with it empty."""
    with app.app_context():
        queue.huey().flush()


@pytest.fixture
def long_book(book):
    with book.app_context(), acting_as("seed"):
        mgr3 = db.session.scalar(select(User).where(User.username == "mgr3"))
        for n in range(BOOK):
            factories.client(mgr3, "钱孙李周吴郑王冯陈褚卫蒋沈韩杨"[n % 15] + "甲乙丙"[n % 3])
        db.session.commit()
    return book


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def load(app, job_id: str) -> dict:
    with app.app_context():
        return exports.load(job_id)


def wait_for(app, job_id: str, ready: Callable[[dict], bool], log: Path, seconds=240) -> dict:
    """The job once ``ready(job)``; fails after ``seconds`` with the job and the worker's log."""
    deadline = time.monotonic() + seconds
    while True:
        job = load(app, job_id)
        if ready(job):
            return job
        assert time.monotonic() < deadline, (job, log.read_text())
        time.sleep(0.1)


@contextmanager
def worker(app, log: Path, *options: str):
    """``flask worker`` (one worker process) on the test app's database, queue and export
    directory; killed with its children at the end if still running."""
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "HUEY_URL": app.config["HUEY_URL"],
        "EXPORT_DIR": app.config["EXPORT_DIR"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "PII_KEY": app.config["PII_KEY"],
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--no-periodic"]
    with log.open("a") as out:
        process = subprocess.Popen(
            [*command, "-w", "1", "-k", "process", *options],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the cleanup reaches its children
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def start_export(login_as) -> str:
    response = login_as("mgr3").post_form("/archive/exports", {})
    assert response.status_code == 302
    return response.headers["Location"].rstrip("/").split("/")[-1]


def running(job: dict) -> bool:
    return job["status"] == "running" and job["done"] >= 1


def test_a_job_whose_worker_is_killed_is_taken_up_again_and_finishes(long_book, login_as, tmp_path):
    log = tmp_path / "worker.log"
    with worker(long_book, log) as consumer:
        job_id = start_export(login_as)
        wait_for(long_book, job_id, running, log)
        with long_book.app_context():
            beat = queue.peek(f"export-beat:{job_id}")
        assert beat["pid"] != consumer.pid  # the worker process the consumer forked
        os.kill(beat["pid"], signal.SIGKILL)
        # The consumer starts a new worker process, which takes the job up again.
        job = wait_for(long_book, job_id, lambda job: job["status"] == "done", log)
        assert consumer.poll() is None
    assert (job["done"], job["total"], job["attempt"], job["resumes"]) == (TOTAL, TOTAL, 2, 1)
    mgr3 = login_as("mgr3")
    assert "已完成" in mgr3.get(f"/archive/exports/{job_id}").get_data(as_text=True)
    download = mgr3.get(f"/archive/exports/{job_id}/download")
    assert download.status_code == 200
    # Every client exactly once, though the killed attempt had written part of the archive.
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive_file:
        names = archive_file.namelist()
        text = "".join(pdf_text(archive_file.read(name)) for name in names)
    assert len(names) == len(set(names))
    assert text.count("客户服务档案表") == TOTAL


def test_sigterm_requeues_a_job_it_cannot_wait_for_and_lets_one_finish(
    long_book, login_as, tmp_path
):
    log = tmp_path / "worker.log"
    with worker(long_book, log, "--shutdown-timeout", "0") as consumer:
        job_id = start_export(login_as)
        wait_for(long_book, job_id, running, log)
        consumer.send_signal(signal.SIGTERM)
        assert consumer.wait(timeout=120) == 0, log.read_text()
    job = load(long_book, job_id)
    assert (job["status"], job["attempt"], job["resumes"]) == ("queued", 2, 1), log.read_text()
    page = login_as("mgr3").get(f"/archive/exports/{job_id}").get_data(as_text=True)
    assert "后台进程中断后已重新排队" in page
    # The next worker runs it; a SIGTERM while it runs waits for it to finish.
    with worker(long_book, log, "--shutdown-timeout", "600") as consumer:
        wait_for(long_book, job_id, lambda job: running(job) and job["attempt"] == 2, log)
        consumer.send_signal(signal.SIGTERM)
        assert consumer.wait(timeout=600) == 0, log.read_text()
    job = load(long_book, job_id)
    assert (job["status"], job["done"], job["attempt"]) == ("done", TOTAL, 2), log.read_text()


# --------------------------------------------------------------------------- in process


@pytest.fixture
def running_job(book):
    """An export of mgr3's book, caught at 1 / 2 by a worker whose heartbeat is given by the
    test: ``running_job(beat)`` → the job's id."""

    def make(beat: dict) -> str:
        with book.test_request_context():
            user = db.session.scalar(select(User).where(User.username == "mgr3"))
            job = exports.start(user, selection.selection_for(user))
            queue.huey().storage.flush_queue()
            job.update(status="running", done=1)
            exports._save(job)
            queue.put(f"export-beat:{job['id']}", beat | {"attempt": 1})
            return job["id"]

    return make


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_job_without_heartbeat_shows_interrupted_and_retry_runs_it(book, running_job, login_as):
    silent = queue.beat_now() | {"at": utcnow() - exports.LOST * 2}
    job_id = running_job(silent)
    mgr3 = login_as("mgr3")
    page = mgr3.get(f"/archive/exports/{job_id}", headers={"HX-Request": "true"})
    html = page.get_data(as_text=True)
    assert "已中断" in html and "1 / 2" in html and ">重试</button>" in html
    assert "已中断" in mgr3.get("/archive/exports").get_data(as_text=True)
    # A job that beats is running, not interrupted.
    with book.app_context():
        queue.put(f"export-beat:{job_id}", queue.beat_now(attempt=1))
    html = mgr3.get(f"/archive/exports/{job_id}").get_data(as_text=True)
    assert "正在生成" in html and "重试" not in html
    with book.app_context():
        queue.put(f"export-beat:{job_id}", silent | {"attempt": 1})

    response = mgr3.post_form(f"/archive/exports/{job_id}/retry")
    assert response.status_code == 302 and response.headers["Location"].endswith(job_id)
    with book.test_request_context():
        job = exports.load(job_id)
        assert (job["status"], job["attempt"], job["done"]) == ("queued", 2, 0)
        huey = queue.huey()
        assert huey.pending_count() == 1
        huey.execute(huey.dequeue())
        assert exports.load(job_id)["status"] == "done"
    html = mgr3.get(f"/archive/exports/{job_id}").get_data(as_text=True)
    assert "已完成" in html and "重试" not in html
    # Somebody else's job cannot be retried.
    assert login_as("mgr2").post_form(f"/archive/exports/{job_id}/retry").status_code == 404


def test_a_worker_starting_requeues_a_dead_workers_job_once(book, running_job):
    beat = queue.beat_now() | {"pid": dead_pid()}  # this machine, a process that is gone
    job_id = running_job(beat)
    with book.test_request_context():
        assert exports.is_interrupted(exports.load(job_id))
        # Two workers starting at once: the job is put back on the queue once.
        assert (exports.recover(), exports.recover()) == (1, 0)
        job = exports.load(job_id)
        assert (job["status"], job["attempt"], job["resumes"]) == ("queued", 2, 1)
        huey = queue.huey()
        assert huey.pending_count() == 1
        # The dead worker's attempt, were it to run on, stops at its next step.
        stale = job | {"attempt": 1, "status": "running"}
        with pytest.raises(exports.Superseded):
            exports._progress(stale)
        huey.execute(huey.dequeue())
        job = exports.load(job_id)
        assert (job["status"], job["done"], job["total"]) == ("done", 2, 2)


def test_a_job_interrupted_again_and_again_fails_with_a_retry(book, running_job, login_as):
    job_id = running_job(queue.beat_now())
    with book.test_request_context():
        for attempt in range(1, exports.RESUMES + 1):
            exports.interrupted(job_id, attempt)  # the worker's shutdown, each time
            job = exports.load(job_id)
            job.update(status="running")  # taken up by the next worker
            exports._save(job)
        job = exports.load(job_id)
    assert job["status"] == "running" and job["attempt"] == exports.RESUMES + 1
    with book.test_request_context():
        exports.interrupted(job_id, job["attempt"])
        job = exports.load(job_id)
    assert job["status"] == "failed" and "中断" in job["error"]
    html = login_as("mgr3").get(f"/archive/exports/{job_id}").get_data(as_text=True)
    assert "导出失败" in html and ">重试</button>" in html


# --------------------------------------------------------------------------- scope


def finished_export(app, username: str, manager_id: int | None = None) -> str:
    """An export by ``username`` of their book (or a manager's), marked finished."""
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.username == username))
        job = exports.start(user, selection.selection_for(user, manager_id=manager_id))
        queue.huey().storage.flush_queue()
        target = exports.path(job["id"])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"%PDF-1.7\n%%EOF\n")
        job.update(status="done", done=job["total"], size=target.stat().st_size)
        exports._save(job)
        return job["id"]


def user_id_branch(username: str) -> int:
    return db.session.scalar(select(User.branch_id).where(User.username == username))


def test_a_head_moved_to_another_branch_no_longer_downloads_the_old_branchs_export(
    book, login_as, user_id
):
    job_id = finished_export(book, "head1")
    head = login_as("branch_head")
    assert head.get(f"/archive/exports/{job_id}/download").status_code == 200
    assert job_id in head.get("/archive/exports").get_data(as_text=True)
    # HQ moves the head to the other branch.
    with book.app_context():
        other = db.session.scalar(select(Branch.id).where(Branch.id != user_id_branch("head1")))
    hq = login_as("hq")
    moved = hq.post_form(
        f"/users/{user_id('head1')}/edit",
        {"display_name": "营业部负责人", "role": "branch_head", "branch_id": other},
    )
    assert moved.status_code == 302, moved.get_data(as_text=True)
    with book.app_context():
        assert db.session.get(User, user_id("head1")).branch_id == other
    head = login_as("branch_head")
    assert head.get(f"/archive/exports/{job_id}/download").status_code == 404
    assert head.get(f"/archive/exports/{job_id}").status_code == 404
    assert head.post_form(f"/archive/exports/{job_id}/retry").status_code == 404
    assert job_id not in head.get("/archive/exports").get_data(as_text=True)


def test_a_manager_exported_by_their_head_then_moved_away_is_out_of_the_heads_scope(
    book, login_as, user_id
):
    job_id = finished_export(book, "head1", user_id("mgr2"))
    head = login_as("branch_head")
    assert head.get(f"/archive/exports/{job_id}/download").status_code == 200
    with book.app_context():
        mgr2 = db.session.get(User, user_id("mgr2"))
        mgr2.branch_id = user_id_branch("mgr3")
        db.session.commit()
    assert head.get(f"/archive/exports/{job_id}/download").status_code == 404
