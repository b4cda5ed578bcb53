"""Batch export for the archive: every 附件3 of a book (a manager's or a branch's clients) as
one PDF/A file, made in the background by the queue's worker (``portal.queue``).

A job's state lives in the queue's own key-value storage under ``export:<id>`` (a plain dict:
status, done / total, failures, file), and each user's recent jobs under
``exports-of:<user id>``; no table of the portal's database is involved. The finished file is
``EXPORT_DIR/<id>.pdf`` (outside ``static/``), downloaded through a view. A job is visible to
its creator only, and only while the book it covered (branch, manager) is still in their
scope: a head moved to another branch no longer sees the old branch's archive.

Faults: a running job keeps a heartbeat (``export-beat:<id>``, every :data:`BEAT` seconds). A
job whose worker is gone (its process no longer exists on this machine, or no heartbeat for
:data:`LOST`) is *interrupted*: the progress page says so and offers 重试, and every worker
that starts (and, every minute, the worker with the clock) puts such jobs back on the queue.
A worker's shutdown re-queues the job it could not finish. Each run of a job is an
*attempt*; putting a job back claims the next attempt atomically (``export-run:<id>:<n>``), so
of several workers (or a worker and a user's 重试) only one re-queues it, and a run that finds
its attempt superseded stops. After :data:`RESUMES` automatic re-queues a job is failed.

A client whose form cannot be rendered does not stop the job and is not skipped silently:
it is listed in the job's failures (shown on the progress page) and on a last page of the
PDF itself, so the archive copy says what is missing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from huey import crontab
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from portal import queue
from portal.domain.beijing import local_date, to_local, utcnow
from portal.extensions import db
from portal.models import User
from portal.pdf import ARCHIVE, render_document, write_pdf
from portal.services import archive, pii
from portal.services.selection import Selection, selection_for

log = logging.getLogger("portal.exports")

TASK = "archive.export_annex3"
RECOVER = "archive.recover_exports"
KEEP = 20
"""Jobs kept per user; older ones are forgotten and their files deleted."""
STALE = timedelta(minutes=15)
"""A queued or running job without progress for this long is shown as probably interrupted."""
BEAT = 5
"""Seconds between heartbeats of a running export."""
LOST = timedelta(seconds=30)
"""A running export without a heartbeat for this long has lost its worker."""
RESUMES = 3
"""Automatic re-queues after faults; then the job is failed (and can be retried by hand)."""
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")

STATUS_LABELS = {
    "queued": "排队等待",
    "running": "正在生成",
    "done": "已完成",
    "failed": "失败",
}
INTERRUPTED = "已中断"

Job = dict[str, Any]


# --------------------------------------------------------------------------- state


def _key(job_id: str) -> str:
    return f"export:{job_id}"


def _list_key(user_id: int) -> str:
    return f"exports-of:{user_id}"


def _beat_key(job_id: str) -> str:
    return f"export-beat:{job_id}"


def _claim_key(job_id: str, attempt: int) -> str:
    return f"export-run:{job_id}:{attempt}"


class Superseded(Exception):
    """The job was put back on the queue (or failed) while this run went on: it stops."""


def _save(job: Job) -> None:
    job["updated_at"] = utcnow()
    queue.put(_key(job["id"]), job)


def _progress(job: Job) -> None:
    """Save a running job's state, unless another attempt has taken it over."""
    stored = load(job["id"])
    if stored is None or stored["attempt"] != job["attempt"]:
        raise Superseded(job["id"])
    _save(job)


def load(job_id: str) -> Job | None:
    if not _JOB_ID.match(job_id or ""):
        return None
    job = queue.peek(_key(job_id))
    if job is not None:  # a job stored before attempts were counted ran once
        job.setdefault("attempt", 1)
        job.setdefault("resumes", 0)
    return job


def covered(user: User, job: Job) -> Selection | None:
    """The book the job covered, if ``user`` may still choose it (``services.scope``, through
    the book picker's own rule); None when any part of it is now outside their scope — a head
    moved to another branch, a head who became a manager."""
    try:
        selection = selection_for(user, job["branch_id"], job["manager_id"])
    except NotFound:
        return None
    manager_id = selection.manager.id if selection.manager else None
    return selection if manager_id == job["manager_id"] else None


def job_for(user: User, job_id: str) -> Job | None:
    """The job if ``user`` created it and still sees what it covered; None otherwise (the view
    answers 404)."""
    job = load(job_id)
    if job is None or job.get("user_id") != user.id or covered(user, job) is None:
        return None
    return job


def jobs_of(user: User) -> list[Job]:
    """The user's recent jobs that are still in their scope, newest first."""
    ids = queue.peek(_list_key(user.id)) or []
    jobs = (load(job_id) for job_id in ids)
    return [job for job in jobs if job is not None and covered(user, job) is not None]


def _remember(user_id: int, job_id: str) -> None:
    ids = [job_id, *(queue.peek(_list_key(user_id)) or [])]
    for old in ids[KEEP:]:
        _forget(old)
    queue.put(_list_key(user_id), ids[:KEEP])


def _forget(job_id: str) -> None:
    job = load(job_id)
    for attempt in range(2, (job["attempt"] if job else 1) + 1):
        queue.delete(_claim_key(job_id, attempt))
    path(job_id).unlink(missing_ok=True)
    queue.delete(_beat_key(job_id))
    queue.delete(_key(job_id))


def path(job_id: str) -> Path:
    return Path(current_app.config["EXPORT_DIR"]) / f"{job_id}.pdf"


def status_label(job: Job) -> str:
    if is_interrupted(job):
        return f"{INTERRUPTED}（后台进程在 {job['done']} / {job['total']} 户时停止，可重试）"
    label = STATUS_LABELS[job["status"]]
    if job["status"] == "done" and job["failures"]:
        label += f"（{len(job['failures'])} 位客户未能生成）"
    if job["status"] == "queued" and job["resumes"]:
        label += "（后台进程中断后已重新排队，将从头生成）"
    if is_stale(job):
        label += "（长时间无进展，后台进程可能未运行）"
    return label


def is_stale(job: Job) -> bool:
    """Queued for long: no worker takes jobs (a running job is :func:`is_interrupted`)."""
    return job["status"] == "queued" and utcnow() - job["updated_at"] > STALE


def is_interrupted(job: Job) -> bool:
    """Running, but its worker is gone: its process no longer exists (on this machine), or
    no heartbeat for :data:`LOST`."""
    if job["status"] != "running":
        return False
    beat = queue.peek(_beat_key(job["id"]))
    if beat is None or beat.get("attempt") != job["attempt"]:
        return utcnow() - job["updated_at"] > LOST
    return queue.is_dead(beat) or utcnow() - beat["at"] > LOST


def can_retry(job: Job) -> bool:
    return job["status"] == "failed" or is_interrupted(job)


def is_finished(job: Job) -> bool:
    return job["status"] in ("done", "failed")


def download_name(job: Job) -> str:
    made = to_local(job["created_at"]).strftime("%Y%m%d-%H%M")
    return f"附件3客户服务档案表-{job['label'].replace(' · ', '-')}-{made}.pdf"


# --------------------------------------------------------------------------- start


def start(user: User, selection: Selection) -> Job:
    """Queue the export of the selection's 附件3; ValueError when it has no clients."""
    total = len(archive.client_ids(selection, user))
    if total == 0:
        raise ValueError("所选范围内没有客户，无需导出。")
    now = utcnow()
    job: Job = {
        "id": uuid.uuid4().hex,
        "user_id": user.id,
        "filled_by": user.display_name,
        "branch_id": selection.branch.id,
        "manager_id": selection.manager.id if selection.manager else None,
        "label": selection.label,
        "status": "queued",
        "total": total,
        "done": 0,
        "failures": [],
        "size": None,
        "error": "",
        "created_at": now,
        "finished_at": None,
        "attempt": 1,
        "resumes": 0,
    }
    _save(job)
    _remember(user.id, job["id"])
    queue.enqueue(TASK, job["id"], job["attempt"])
    return job


def retry(job: Job) -> None:
    """The user's 重试 of a failed or interrupted job: queued again, from the start."""
    if can_retry(job):
        _requeue(job, resume=False)


def _requeue(job: Job, resume: bool) -> bool:
    """Put the job back on the queue as its next attempt — unless another process has already
    claimed that attempt (then False). ``resume``: after a fault, counted against
    :data:`RESUMES`; a user's retry starts the count again."""
    attempt = job["attempt"] + 1
    if not queue.put_if_empty(_claim_key(job["id"], attempt), utcnow()):
        return False
    job["attempt"] = attempt
    if resume and job["resumes"] >= RESUMES:
        error = f"后台进程 {RESUMES + 1} 次中断，导出未能完成"
        job.update(status="failed", error=error, finished_at=utcnow())
        _save(job)
        return True
    job.update(
        status="queued",
        done=0,
        failures=[],
        error="",
        finished_at=None,
        resumes=job["resumes"] + 1 if resume else 0,
    )
    _save(job)
    queue.enqueue(TASK, job["id"], attempt)
    return True


# --------------------------------------------------------------------------- faults


def interrupted(job_id: str, attempt: int) -> None:
    """The worker stopped during this run (SIGTERM after the shutdown timeout, Ctrl-C): put
    the job back on the queue for the next worker."""
    job = load(job_id)
    ours = job is not None and job["attempt"] == attempt and not is_finished(job)
    if ours and _requeue(job, resume=True):
        log.warning("export %s interrupted by the worker's shutdown: re-queued", job_id)


def recover() -> int:
    """Put back on the queue every job whose worker died (:func:`is_interrupted`); run when
    a worker starts and every minute. Returns how many."""
    taken = 0
    for user_id in db.session.scalars(select(User.id)):
        for job_id in queue.peek(_list_key(user_id)) or []:
            job = load(job_id)
            if job is not None and is_interrupted(job) and _requeue(job, resume=True):
                log.warning("export %s lost its worker: re-queued", job_id)
                taken += 1
    return taken


# --------------------------------------------------------------------------- the task


def run_export(job_id: str, attempt: int = 1) -> None:
    """The queued task: render every client's 附件3, reporting progress as it goes, then write
    the merged PDF/A. Runs in the worker with the creator's scope, beating its heart."""
    job = load(job_id)
    if job is None or job["status"] != "queued" or job["attempt"] != attempt:
        return  # finished, or superseded by a later attempt
    try:
        with queue.heartbeat(_beat_key(job_id), BEAT, attempt=attempt):
            _run(job)
    except Superseded:
        log.warning("export %s: attempt %s superseded, stopped", job_id, attempt)
    except Exception as error:  # the job must end in a state the user can see
        log.exception("export %s failed", job_id)
        job.update(status="failed", error=f"{type(error).__name__}: {error}", finished_at=utcnow())
        with contextlib.suppress(Superseded):  # a later attempt tells its own story
            _progress(job)


TASKS = (
    queue.Task(TASK, run_export, on_interrupted=interrupted),
    queue.Task(RECOVER, recover, schedule=crontab(), at_start=True),
)
"""The background tasks of this module, given to the queue by ``create_app``."""


def _run(job: Job) -> None:
    user = db.session.get(User, job["user_id"])
    if user is None or not user.active:
        raise PermissionError("导出人的账户已停用")
    selection = covered(user, job)
    if selection is None:
        raise PermissionError("所选范围已不在导出人的权限之内")
    ids = archive.client_ids(selection, user)
    filled_on = local_date(job["created_at"])
    job.update(status="running", total=len(ids), done=0, failures=[])
    _progress(job)

    documents = []
    for chunk in archive.chunks(ids):
        forms = {form.client.id: form for form in archive.annex3_forms(chunk, user)}
        with pii.viewing_as(user):  # numbers in full as the creator may see them, logged
            for client_id in chunk:
                form = forms.get(client_id)
                try:
                    if form is None:
                        raise LookupError("客户已不在导出人的范围内")
                    documents.append(archive.annex3_document([form], job["filled_by"], filled_on))
                except Exception as error:
                    log.warning("export %s: client %s failed: %s", job["id"], client_id, error)
                    job["failures"].append(_failure(client_id, form, error))
                job["done"] += 1
                _progress(job)
            pii.write_views()
        db.session.expunge_all()  # memory stays flat: the next chunk reads its own records
        user = db.session.get(User, job["user_id"])

    if not documents:
        raise RuntimeError("没有一位客户的档案表生成成功")
    if job["failures"]:
        documents.append(
            render_document("print/export_failures.html", ARCHIVE, job=job, filled_on=filled_on)
        )
    target = path(job["id"])
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(write_pdf(documents, ARCHIVE))
    os.replace(partial, target)
    job.update(status="done", size=target.stat().st_size, finished_at=utcnow())
    _progress(job)


def _failure(client_id: int, form: archive.Annex3 | None, error: Exception) -> dict:
    client = form.client if form is not None else None
    return {
        "client_id": client_id,
        "name": client.name if client else "",
        "client_no": client.client_no if client else "",
        "error": f"{type(error).__name__}: {error}",
    }
