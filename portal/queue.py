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
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import click
from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

from portal.domain.beijing import to_utc

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
    worker's clock."""

    name: str
    function: Callable
    schedule: crontab | None = None


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
            app.extensions["tasks"] = {
                task.name: _in_app(app, queue, task)
                for task in app.extensions["task_registry"].values()
            }
            app.extensions["huey"] = queue
    return app.extensions["huey"]


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


def delete(key: str) -> None:
    huey().delete(key)


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
def worker(workers: int, worker_type: str, periodic: bool) -> None:
    """Run the background-job consumer (batch exports, daily jobs) until Ctrl-C."""
    app = current_app._get_current_object()
    queue = _queue_of(app)

    @queue.on_startup()
    def fresh_connections():
        # A forked worker must not reuse the parent's database connections.
        from portal.extensions import db

        with app.app_context():
            db.engine.dispose(close=False)

    click.echo(f"worker: {workers} {worker_type}(s) on {app.config['HUEY_URL']}")
    queue.create_consumer(workers=workers, worker_type=worker_type, periodic=periodic).run()
