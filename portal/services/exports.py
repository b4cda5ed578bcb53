"""Batch export for the archive: every 附件3 of a book (a manager's or a branch's clients) as
one PDF/A file, made in the background by the queue's worker (``portal.queue``).

A job's state lives in the queue's own key-value storage under ``export:<id>`` (a plain dict:
status, done / total, failures, file), and each user's recent jobs under
``exports-of:<user id>``; no table of the portal's database is involved. The finished file is
``EXPORT_DIR/<id>.pdf`` (outside ``static/``), downloaded through a view that checks the job
is the user's own. A job is visible to its creator only.

A client whose form cannot be rendered does not stop the job and is not skipped silently:
it is listed in the job's failures (shown on the progress page) and on a last page of the
PDF itself, so the archive copy says what is missing.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import current_app

from portal import queue
from portal.domain.beijing import local_date, to_local, utcnow
from portal.extensions import db
from portal.models import Branch, User
from portal.pdf import ARCHIVE, render_document, write_pdf
from portal.services import archive, pii

log = logging.getLogger("portal.exports")

TASK = "archive.export_annex3"
KEEP = 20
"""Jobs kept per user; older ones are forgotten and their files deleted."""
STALE = timedelta(minutes=15)
"""A queued or running job without progress for this long is shown as probably interrupted."""
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")

STATUS_LABELS = {
    "queued": "排队等待",
    "running": "正在生成",
    "done": "已完成",
    "failed": "失败",
}

Job = dict[str, Any]


# --------------------------------------------------------------------------- state


def _key(job_id: str) -> str:
    return f"export:{job_id}"


def _list_key(user_id: int) -> str:
    return f"exports-of:{user_id}"


def _save(job: Job) -> None:
    job["updated_at"] = utcnow()
    queue.put(_key(job["id"]), job)


def load(job_id: str) -> Job | None:
    if not _JOB_ID.match(job_id or ""):
        return None
    return queue.peek(_key(job_id))


def job_for(user: User, job_id: str) -> Job | None:
    """The job if ``user`` created it; None otherwise (the view answers 404)."""
    job = load(job_id)
    if job is None or job.get("user_id") != user.id:
        return None
    return job


def jobs_of(user: User) -> list[Job]:
    """The user's recent jobs, newest first."""
    ids = queue.peek(_list_key(user.id)) or []
    return [job for job in (load(job_id) for job_id in ids) if job is not None]


def _remember(user_id: int, job_id: str) -> None:
    ids = [job_id, *(queue.peek(_list_key(user_id)) or [])]
    for old in ids[KEEP:]:
        path(old).unlink(missing_ok=True)
        queue.delete(_key(old))
    queue.put(_list_key(user_id), ids[:KEEP])


def path(job_id: str) -> Path:
    return Path(current_app.config["EXPORT_DIR"]) / f"{job_id}.pdf"


def status_label(job: Job) -> str:
    label = STATUS_LABELS[job["status"]]
    if job["status"] == "done" and job["failures"]:
        label += f"（{len(job['failures'])} 位客户未能生成）"
    if is_stale(job):
        label += "（长时间无进展，后台进程可能未运行或已中断）"
    return label


def is_stale(job: Job) -> bool:
    return job["status"] in ("queued", "running") and utcnow() - job["updated_at"] > STALE


def is_finished(job: Job) -> bool:
    return job["status"] in ("done", "failed")


def download_name(job: Job) -> str:
    made = to_local(job["created_at"]).strftime("%Y%m%d-%H%M")
    return f"附件3客户服务档案表-{job['label'].replace(' · ', '-')}-{made}.pdf"


# --------------------------------------------------------------------------- start


def start(user: User, selection: archive.Selection) -> Job:
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
    }
    _save(job)
    _remember(user.id, job["id"])
    queue.enqueue(TASK, job["id"])
    return job


# --------------------------------------------------------------------------- the task


def run_export(job_id: str) -> None:
    """The queued task: render every client's 附件3, reporting progress as it goes, then write
    the merged PDF/A. Runs in the worker with the creator's scope."""
    job = load(job_id)
    if job is None or is_finished(job):
        return
    try:
        _run(job)
    except Exception as error:  # the job must end in a state the user can see
        log.exception("export %s failed", job_id)
        job.update(status="failed", error=f"{type(error).__name__}: {error}", finished_at=utcnow())
        _save(job)


TASKS = (queue.Task(TASK, run_export),)
"""The background tasks of this module, given to the queue by ``create_app``."""


def _run(job: Job) -> None:
    user = db.session.get(User, job["user_id"])
    if user is None or not user.active:
        raise PermissionError("导出人的账户已停用")
    branch = db.session.get(Branch, job["branch_id"])
    manager = db.session.get(User, job["manager_id"]) if job["manager_id"] else None
    ids = archive.client_ids(archive.Selection(branch=branch, manager=manager), user)
    filled_on = local_date(job["created_at"])
    job.update(status="running", total=len(ids), done=0, failures=[])
    _save(job)

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
                _save(job)
            pii.write_views()
        db.session.expunge_all()

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
    _save(job)


def _failure(client_id: int, form: archive.Annex3 | None, error: Exception) -> dict:
    client = form.client if form is not None else None
    return {
        "client_id": client_id,
        "name": client.name if client else "",
        "client_no": client.client_no if client else "",
        "error": f"{type(error).__name__}: {error}",
    }
