"""The background-job queue: huey, on SQLite by default (no server to run), on Redis when
``HUEY_URL`` (or ``REDIS_URL``) says so.

One huey instance per app (``app.extensions["huey"]``). The queue knows no task of its own:
each module that owns background work declares it as :class:`Task` values (``TASKS``) and
``create_app`` hands them all to :func:`init_app` — today the batch export
(``services.exports``), queued by a user, and one daily job (``services.classification``), run
by the worker's clock at 00:05 Beijing time, that gives the new year's threshold effect on
1 January. A new kind of job is one more ``Task`` in its module and one more name in
``create_app``. The tasks are made on first use (:func:`_queue_of`). Each task runs inside the
app that registered it, in a request context of its own (templates and ``url_for`` work as in
a view; no user is logged in: a task acts for the user id it was given, through
``services.scope``).

``flask worker`` runs the consumer (``make run`` starts one beside the web server). Jobs keep
their state in huey's own key-value storage (:func:`put`, :func:`peek`), so the queue needs no
table of the portal's database. See the README, "Background jobs", for several workers.

Faults: SIGTERM (a deploy, ``make run`` ending) stops the worker gracefully — a running job may
finish within ``--shutdown-timeout`` seconds, after which it is interrupted; SIGINT (Ctrl-C)
interrupts at once. An interrupted task's ``on_interrupted`` is called (the export re-queues
its job). A worker killed outright calls nothing: a task that can be lost that way keeps a
:func:`heartbeat` and declares a task run ``at_start`` of every worker (and on a schedule) that
takes up what a dead worker left.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import click
from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.signals import SIGNAL_INTERRUPTED

from portal.domain.beijing import to_utc, utcnow

log = logging.getLogger("portal.queue")

NAME = "portal"


def make_huey(url: str, name: str = NAME) -> Huey:
    """A huey instance for ``url``: ``sqlite:///path``, ``redis://…`` / ``rediss://…``, or
    ``memory://`` (one process only; for experiments)."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=str(path))
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url)
    if url == "memory://":
        return MemoryHuey(name)
    raise ValueError(f"HUEY_URL not understood: {url!r} (sqlite:///…, redis://… or memory://)")


@dataclass(frozen=True)
class Task:
    """A background task: ``function(*args)`` run by a worker inside the app, queued by
    :func:`enqueue` under ``name``, or, with a ``schedule`` (see :func:`daily_at`), by the
    worker's clock. ``at_start``: also run (without arguments) whenever a worker starts.
    ``on_interrupted(*args)`` is called, inside the app, when a run is interrupted by the
    worker's shutdown."""

    name: str
    function: Callable
    schedule: crontab | None = None
    at_start: bool = False
    on_interrupted: Callable | None = None


_lock = threading.Lock()


def init_app(app: Flask, tasks: Iterable[Task]) -> None:
    """Give the app its queue's tasks (made into huey tasks on first use) and ``flask worker``."""
    registry: dict[str, Task] = {}
    for task in tasks:
        if task.name in registry:
            raise ValueError(f"two background tasks named {task.name!r}")
        registry[task.name] = task
    app.extensions["task_registry"] = registry
    app.cli.add_command(worker)


def _queue_of(app: Flask) -> Huey:
    """The app's huey instance with its tasks, made on first use (an app that never queues a
    job never opens the queue's storage)."""
    with _lock:
        if "huey" not in app.extensions:
            queue = make_huey(app.config["HUEY_URL"])
            _fresh_connections_when_forked(app, queue)
            app.extensions["tasks"] = {
                task.name: _in_app(app, queue, task)
                for task in app.extensions["task_registry"].values()
            }
            app.extensions["huey"] = queue
    return app.extensions["huey"]


def _fresh_connections_when_forked(app: Flask, queue: Huey) -> None:
    """A worker process forked by the consumer must not reuse its parent's database
    connections (registered first: huey runs startup hooks in order, the tasks' own after)."""
    parent = os.getpid()

    @queue.on_startup("fresh_connections")
    def fresh_connections():
        if os.getpid() != parent:
            from portal.extensions import db

            with app.app_context():
                db.engine.dispose(close=False)


def daily_at(moment: time) -> crontab:
    """A huey schedule: every day at ``moment``, Beijing time (huey's clock is UTC)."""
    utc = to_utc(datetime.combine(date(2000, 1, 2), moment))
    return crontab(minute=str(utc.minute), hour=str(utc.hour))


def _in_app(app: Flask, queue: Huey, task: Task):
    """``task`` as a huey task of ``queue`` that runs inside ``app``."""

    def run_in_app(*args):
        # A request context of its own: the templates' context processors (navigation,
        # current_user) and url_for work as they do in a view.
        with app.test_request_context():
            return task.function(*args)

    run_in_app.__name__ = task.name
    if task.at_start:
        queue.on_startup(task.name)(run_in_app)
    if task.on_interrupted is not None:

        @queue.signal(SIGNAL_INTERRUPTED)
        def interrupted(signal, huey_task):
            if huey_task.name == task.name:
                with app.test_request_context():
                    task.on_interrupted(*huey_task.args)

    if task.schedule is None:
        return queue.task(name=task.name)(run_in_app)
    return queue.periodic_task(task.schedule, name=task.name)(run_in_app)


def huey() -> Huey:
    return _queue_of(current_app._get_current_object())


def enqueue(name: str, *args) -> None:
    """Queue the task ``name`` with ``args`` for a worker."""
    huey()
    current_app.extensions["tasks"][name](*args)


def put(key: str, value) -> None:
    huey().put(key, value)


def peek(key: str):
    """The value stored under ``key`` (left in place), or None."""
    return huey().get(key, peek=True)


def put_if_empty(key: str, value) -> bool:
    """Store ``value`` under ``key`` unless the key is taken; True when stored (atomic: of
    several workers asking at once, one gets True)."""
    return huey().put_if_empty(key, value)


def delete(key: str) -> None:
    huey().delete(key)


# ----------------------------------------------------------------------- liveness

_NAMESPACE = Path("/proc/self/ns/pid")


def machine() -> str:
    """This machine (and PID namespace: a container is a machine of its own), as a heartbeat
    names it; a pid is only meaningful on the same machine."""
    try:
        namespace = os.readlink(_NAMESPACE)
    except OSError:
        namespace = ""
    return f"{socket.gethostname()}/{namespace}"


def beat_now(**extra) -> dict:
    """A heartbeat: when, and which process on which machine."""
    return {"at": utcnow(), "machine": machine(), "pid": os.getpid(), **extra}


def is_dead(beat: dict) -> bool:
    """True when the process of ``beat`` runs on this machine and no longer exists; False when
    it is alive or elsewhere (only the heartbeat's age tells then)."""
    if beat.get("machine") != machine():
        return False
    try:
        os.kill(beat["pid"], 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


class heartbeat:
    """``with heartbeat(key, every, **extra):`` stores :func:`beat_now` under ``key`` now and
    every ``every`` seconds from a thread until the block ends; a process that is killed
    stops beating, which is how another process tells it died."""

    def __init__(self, key: str, every: float, **extra):
        self.key, self.every, self.extra = key, every, extra
        self._queue = huey()  # the thread has no app context
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat {key}", daemon=True)

    def _beat(self) -> None:
        self._queue.put(self.key, beat_now(**self.extra))

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self._beat()
            except Exception:  # a missed beat is only a later one; the job goes on
                log.exception("heartbeat %s", self.key)

    def __enter__(self):
        self._beat()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


@click.command("worker")
@click.option("-w", "--workers", default=1, show_default=True, help="Jobs run at the same time.")
@click.option(
    "-k",
    "--worker-type",
    type=click.Choice(["thread", "process"]),
    default="process",
    show_default=True,
    help="process: each job on its own CPU core (PDF rendering holds Python's GIL).",
)
@click.option(
    "--periodic/--no-periodic",
    default=True,
    show_default=True,
    help="Run the daily jobs (the new year's threshold); with several workers, on one only.",
)
@click.option(
    "--shutdown-timeout",
    type=click.FloatRange(min=0),
    default=20,
    show_default=True,
    help="On SIGTERM, seconds a running job may take to finish before it is re-queued.",
)
def worker(workers: int, worker_type: str, periodic: bool, shutdown_timeout: float) -> None:
    """Run the background-job consumer (batch exports, daily jobs) until SIGTERM (graceful:
    a running job finishes or is re-queued) or Ctrl-C (running jobs are re-queued at once)."""
    app = current_app._get_current_object()
    queue = _queue_of(app)
    click.echo(f"worker: {workers} {worker_type}(s) on {app.config['HUEY_URL']}")
    queue.create_consumer(
        workers=workers,
        worker_type=worker_type,
        periodic=periodic,
        graceful_signal="TERM",
        shutdown_timeout=shutdown_timeout,
    ).run()
