"""Batch export for the archive: every 附件3 of a book (a manager's clients or a whole branch)
as a ZIP of PDF/A files, one per client, in folders by manager and surname initial
(``客户经理/A/姓名-客户编号.pdf``), made in the background by the queue's worker
(``portal.queue``).

A job's state lives in the queue's own key-value storage under ``export:<id>`` (a plain dict:
status, done / total, failures, file), and each user's recent jobs under
``exports-of:<user id>``; no table of the portal's database is involved. The finished file is
``EXPORT_DIR/<id>.zip`` (outside ``static/``), downloaded through a view. A job is visible to
its creator only, and only while the book it covered (branch, manager) is still in their
scope: a head moved to another branch no longer sees the old branch's archive.

Speed and memory: the clients are rendered in chunks by a pool of processes, one per core
(``portal.pdf.pool``); each chunk writes each client's PDF/A to ``EXPORT_DIR/<id>.parts/``
as soon as it is rendered, and nothing of it stays in memory. When every client is done the
files are put into the ZIP one at a time, read from disk, and the parts are removed. A
branch of 25,000 clients is archived with the memory of one chunk per process.

Faults: a running job keeps a heartbeat (``export-beat:<id>``, every :data:`BEAT` seconds). A
job whose worker is gone (its process no longer exists on this machine, or no heartbeat for
:data:`LOST`) is *interrupted*: the progress page says so and offers 重试, and every worker
that starts (and, every minute, the worker with the clock) puts such jobs back on the queue.
A worker's shutdown re-queues the job it could not finish. Each run of a job is an
*attempt*; putting a job back claims the next attempt atomically (``export-run:<id>:<n>``), so
of several workers (or a worker and a user's 重试) only one re-queues it, and a run that finds
its attempt superseded stops. After :data:`RESUMES` automatic re-queues a job is failed. An
attempt continues where the last one stopped: the clients whose file is already in the
parts directory (each written whole, then renamed into place) are not rendered again, and
the ZIP names each client once.

A client whose form cannot be rendered does not stop the job and is not skipped silently:
it is listed in the job's failures (shown on the progress page) and in a
``批量导出说明.pdf`` at the top of the ZIP, so the archive copy says what is missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import uuid
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from huey import crontab
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from portal import queue
from portal.domain import archive as rules
from portal.domain.beijing import local_date, to_local, utcnow
from portal.extensions import db
from portal.models import Client, User
from portal.pdf import ARCHIVE, render_document, write_pdf
from portal.pdf import annex4 as annex4_pdf
from portal.pdf import pool as render_pool
from portal.services import archive, pii, scope
from portal.services.selection import Selection, selection_for

log = logging.getLogger("portal.exports")

ANNEX3, ANNEX4 = "annex3", "annex4"
"""Kinds of job: every 附件3 of a book as a ZIP (a job without a kind is one), or its 附件4."""
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
VOLUME = 30
"""Clients per PDF/A file of the archive at most (a volume is rendered at once by one process
of the pool, ``portal.pdf.pool``: its pages are in memory until it is written)."""
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
    annex4_path(job_id).unlink(missing_ok=True)
    shutil.rmtree(parts_dir(job_id), ignore_errors=True)
    queue.delete(_beat_key(job_id))
    queue.delete(_key(job_id))


def path(job_id: str) -> Path:
    """The finished archive: a ZIP of one PDF/A file per client."""
    return Path(current_app.config["EXPORT_DIR"]) / f"{job_id}.zip"


def annex4_path(job_id: str) -> Path:
    """The finished 附件4 of a whole book (a job of kind ``annex4``)."""
    return Path(current_app.config["EXPORT_DIR"]) / f"{job_id}.pdf"


def output(job: Job) -> Path:
    """The file a finished job made."""
    return annex4_path(job["id"]) if job.get("kind") == ANNEX4 else path(job["id"])


def parts_dir(job_id: str) -> Path:
    """Where a running job writes each client's PDF/A as it is rendered (kept across an
    interruption, so that the next attempt continues; removed once the ZIP is written)."""
    return Path(current_app.config["EXPORT_DIR"]) / f"{job_id}.parts"


def status_label(job: Job) -> str:
    if is_interrupted(job):
        return f"{INTERRUPTED}（后台进程在 {job['done']} / {job['total']} 户时停止，可重试）"
    label = STATUS_LABELS[job["status"]]
    if job["status"] == "done" and job["failures"]:
        label += f"（{len(job['failures'])} 位客户未能生成）"
    if job["status"] == "queued" and job["resumes"]:
        label += "（后台进程中断后已重新排队，已生成的档案表保留，将接着生成）"
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
    label = job["label"].replace(" · ", "-")
    if job.get("kind") == ANNEX4:
        return f"附件4客户分类汇总表-{label}-{made}.pdf"
    return f"附件3客户服务档案表-{label}-{made}.zip"


# --------------------------------------------------------------------------- start


def start(user: User, selection: Selection, kind: str = ANNEX3) -> Job:
    """Queue the export of the selection's 附件3 (a ZIP) or, ``kind`` :data:`ANNEX4`, its
    附件4 (one PDF); ValueError when it has no clients."""
    total = len(archive.client_ids(selection, user))
    if total == 0:
        raise ValueError("所选范围内没有客户，无需导出。")
    now = utcnow()
    job: Job = {
        "id": uuid.uuid4().hex,
        "kind": kind,
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
    """The user's 重试 of a failed or interrupted job: queued again; it keeps the clients'
    files already written and renders the others."""
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
    the ZIP. Runs in the worker with the creator's scope, beating its heart."""
    job = load(job_id)
    if job is None or job["status"] != "queued" or job["attempt"] != attempt:
        return  # finished, or superseded by a later attempt
    try:
        with queue.heartbeat(_beat_key(job_id), BEAT, attempt=attempt):
            (_run_annex4 if job.get("kind") == ANNEX4 else _run)(job)
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


def _owner(job: Job) -> tuple[User, Selection]:
    """The job's creator and the book it covers, as long as both still hold."""
    user = db.session.get(User, job["user_id"])
    if user is None or not user.active:
        raise PermissionError("导出人的账户已停用")
    selection = covered(user, job)
    if selection is None:
        raise PermissionError("所选范围已不在导出人的权限之内")
    return user, selection


def _run_annex4(job: Job) -> None:
    """附件4 of the book as one PDF (:mod:`portal.pdf.annex4`), progress every 1,000 rows; an
    interrupted job starts again (it takes seconds)."""
    user, selection = _owner(job)
    summary = archive.annex4(selection, user)
    job.update(status="running", total=summary.total, done=0, failures=[])
    _progress(job)

    def progress(done: int) -> None:
        job["done"] = done
        _progress(job)

    target = annex4_path(job["id"])
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    annex4_pdf.write(summary, partial, progress)
    os.replace(partial, target)
    job.update(status="done", size=target.stat().st_size, finished_at=utcnow())
    _progress(job)


def _run(job: Job) -> None:
    user, selection = _owner(job)
    volumes = archive_volumes(selection, user)
    total = sum(len(volume.client_ids) for volume in volumes)
    parts = parts_dir(job["id"])
    parts.mkdir(parents=True, exist_ok=True)
    # A run after an interruption keeps the volumes an earlier attempt of the job wrote: each
    # is written whole (renamed into place) or not at all, under a name made of its clients.
    todo, failures = [], []
    for volume in volumes:
        done = _stored_failures(parts, volume)
        if done is None:
            todo.append(volume)
        else:
            failures += done
    job.update(
        status="running",
        total=total,
        done=total - sum(len(volume.client_ids) for volume in todo),
        failures=failures,
    )
    _progress(job)

    spec = {
        "user_id": job["user_id"],
        "filled_by": job["filled_by"],
        "filled_on": local_date(job["created_at"]),
        "parts": str(parts),
    }
    todo.sort(key=lambda volume: -len(volume.client_ids))  # the longest first: cores kept busy
    app = current_app._get_current_object()
    processes = max(1, min(render_pool.size(app), len(todo)))
    with render_pool.pool(app, processes) as workers:
        chunks = ((spec, volume) for volume in todo)
        for (_, volume), failures in workers.map_unordered(render_volume, chunks):
            job["failures"] += failures
            job["done"] += len(volume.client_ids)
            _progress(job)  # stops (Superseded) when another attempt took the job over

    if len(job["failures"]) == total:
        raise RuntimeError("没有一位客户的档案表生成成功")
    target = path(job["id"])
    partial = target.with_suffix(".part")
    _write_zip(partial, volumes, parts, job)
    os.replace(partial, target)
    shutil.rmtree(parts, ignore_errors=True)
    job.update(status="done", size=target.stat().st_size, finished_at=utcnow())
    _progress(job)


@dataclass(frozen=True)
class Volume:
    """One PDF/A file of the archive: the 附件3 of a manager's clients of one surname initial
    (at most :data:`VOLUME` of them; more make several volumes), named in the ZIP ``name``."""

    name: str
    client_ids: tuple[int, ...]

    @property
    def key(self) -> str:
        """The file of the volume in the parts directory: its clients decide it, so that a
        later attempt recognises a volume already written (and ignores one whose clients have
        changed since)."""
        ids = ",".join(map(str, self.client_ids)).encode()
        return hashlib.sha256(ids).hexdigest()[:32]


def archive_volumes(selection: Selection, user: User) -> list[Volume]:
    """The volumes of the archive of the book the user sees, in the archive's order: folders
    by manager (by name), in each the clients by surname initial (A–Z, then 其他) and in the
    order of 附件4 (the pinyin of the name): ``客户经理/A.pdf``, or ``客户经理/A-1.pdf``,
    ``客户经理/A-2.pdf`` … when one initial has more than :data:`VOLUME` clients."""
    order = archive.client_ids(selection, user)
    rows = db.session.execute(
        select(Client.id, Client.surname_initial, User.id, User.display_name)
        .join(User, Client.manager_id == User.id)
        .where(scope.clause(Client, user), selection.condition())
    ).all()
    clients = {row[0]: row for row in rows}
    folders: dict[int, str] = {}
    managers = sorted({(row[2], row[3]) for row in rows}, key=lambda m: (m[1], m[0]))
    for manager_id, display_name in managers:
        folder = _safe(display_name) or "客户经理"
        if folder in folders.values():  # two managers of one name: told apart by id
            folder = f"{folder}-{manager_id}"
        folders[manager_id] = folder
    groups: dict[tuple[str, str], list[int]] = {}
    for client_id in order:
        row = clients.get(client_id)
        if row is not None:
            groups.setdefault((folders[row[2]], _initial(row[1])), []).append(client_id)
    volumes = []
    for (folder, initial), ids in sorted(groups.items(), key=lambda g: (g[0][0], _rank(g[0][1]))):
        pieces = list(archive.chunks(ids, VOLUME))
        for n, piece in enumerate(pieces, start=1):
            suffix = f"-{n}" if len(pieces) > 1 else ""
            volumes.append(Volume(f"{folder}/{initial}{suffix}.pdf", tuple(piece)))
    return volumes


OTHER_FOLDER = "其他"


def _initial(initial: str) -> str:
    return initial if initial in rules.INITIALS[:-1] else OTHER_FOLDER


def _rank(initial: str) -> int:
    return rules.initial_rank(rules.OTHER_INITIAL if initial == OTHER_FOLDER else initial)


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _safe(text: str) -> str:
    """A name usable as a file or folder name on every system that unpacks the ZIP."""
    return _UNSAFE.sub("_", text).strip(" .")[:60]


def _stored_failures(parts: Path, volume: Volume) -> list[dict] | None:
    """The failures of a volume already written by an attempt of the job; None if not."""
    pdf = parts / f"{volume.key}.pdf"
    if not pdf.exists():
        return None
    notes = parts / f"{volume.key}.json"
    return json.loads(notes.read_text()) if notes.exists() else []


def render_volume(spec: dict, volume: Volume) -> list[dict]:
    """Render the volume's 附件3, each client on new pages, as one PDF/A file
    ``<parts>/<key>.pdf`` (run in a pool process, or here with one process); returns (and
    notes beside the file) the clients that failed. The numbers are shown as the job's creator
    may see them, each view logged."""
    user = db.session.get(User, spec["user_id"])
    if user is None:
        raise PermissionError("导出人的账户已不存在")
    parts = Path(spec["parts"])
    failures, documents = [], []
    forms = {form.client.id: form for form in archive.annex3_forms(volume.client_ids, user)}
    with pii.viewing_as(user):
        for client_id in volume.client_ids:
            form = forms.get(client_id)
            try:
                if form is None:
                    raise LookupError("客户已不在导出人的范围内")
                documents.append(
                    archive.annex3_document([form], spec["filled_by"], spec["filled_on"])
                )
            except Exception as error:
                log.warning("export: client %s failed: %s", client_id, error)
                failures.append(_failure(client_id, form, error))
        if documents:
            pdf = write_pdf(documents, ARCHIVE)
            documents.clear()
            if failures:
                (parts / f"{volume.key}.json").write_text(json.dumps(failures))
            part = parts / f"{volume.key}.pdf"
            temporary = part.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(pdf)
            os.replace(temporary, part)
        pii.write_views()
    db.session.expunge_all()  # memory stays flat: the next volume reads its own records
    return failures


def _write_zip(target: Path, volumes: list[Volume], parts: Path, job: Job) -> None:
    """The archive: each volume's PDF/A in its manager's folder, stored as it is (PDFs are
    compressed already), copied from disk one at a time; with failures, a
    批量导出说明.pdf first that lists them."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive_file:
        if job["failures"]:
            notice = render_document(
                "print/export_failures.html",
                ARCHIVE,
                job=job,
                filled_on=local_date(job["created_at"]),
            )
            archive_file.writestr("批量导出说明.pdf", write_pdf([notice], ARCHIVE))
        for volume in volumes:
            part = parts / f"{volume.key}.pdf"
            if part.exists():  # not when every client of the volume failed
                archive_file.write(part, volume.name)


def _failure(client_id: int, form: archive.Annex3 | None, error: Exception) -> dict:
    client = form.client if form is not None else None
    return {
        "client_id": client_id,
        "name": client.name if client else "",
        "client_no": client.client_no if client else "",
        "error": f"{type(error).__name__}: {error}",
    }
