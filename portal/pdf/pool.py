"""A pool of rendering processes, one per CPU core, for batches of PDFs (the batch export of
附件3, 附件4 of a whole branch).

WeasyPrint holds Python's GIL while it lays out a page, so one process renders on one core
only. A batch is cut into chunks and each chunk runs in a process of the pool; each process
creates the app once (``create_app`` with the caller's configuration) and runs every chunk it
is given inside a request context of its own, with a database session that is removed after
each chunk (its memory does not grow with the batch). Processes are started by a fork server
that has imported the portal and WeasyPrint already, so that a new process starts in a
fraction of a second; each process is replaced after :data:`RECYCLE` chunks, which bounds the
memory that WeasyPrint's caches could otherwise gather over a 25,000-client branch.

The functions run in the pool must be module-level (they are pickled by name) and return
small, picklable values: a chunk writes its PDFs to files and returns what it did.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

from flask import Flask

RECYCLE = 40
"""Chunks a pool process runs before it is replaced by a fresh one."""

PRELOAD = ["portal", "portal.models", "weasyprint", "portal.services.archive"]
"""Imported once by the fork server, shared by every process it forks."""

_app: Flask | None = None


def size(app: Flask) -> int:
    """Processes of the pool: ``RENDER_PROCESSES`` when set (1: render in the calling process,
    no pool), else the CPU cores this process may run on."""
    configured = int(app.config.get("RENDER_PROCESSES") or 0)
    return configured if configured > 0 else len(os.sched_getaffinity(0))


def _picklable(config: dict) -> dict:
    settings = {}
    for key, value in config.items():
        try:
            pickle.dumps(value)
        except Exception:  # a value a process cannot be given is left out
            continue
        settings[key] = value
    return settings


def _start(config: dict) -> None:
    """A pool process's start: its own app (and so its own database connections)."""
    global _app
    from portal import create_app

    _app = create_app(config)


def _call(function: Callable, args: tuple) -> Any:
    from portal.extensions import db

    assert _app is not None
    with _app.test_request_context():
        try:
            return function(*args)
        finally:
            db.session.remove()


class Pool:
    """``pool.map_unordered(function, chunks)`` yields ``(chunk, result)`` as each chunk is
    done, ``function(*chunk_args)`` having run in a pool process (or, with one process, here,
    in the caller's app). At most two chunks per process are queued at a time."""

    def __init__(self, executor: ProcessPoolExecutor | None, processes: int):
        self.executor, self.processes = executor, processes

    def map_unordered(self, function: Callable, chunks: Iterable[tuple]) -> Iterator[tuple]:
        if self.executor is None:
            for args in chunks:
                yield args, function(*args)
            return
        pending: dict[Future, tuple] = {}
        todo = iter(chunks)
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < 2 * self.processes:
                try:
                    args = next(todo)
                except StopIteration:
                    exhausted = True
                    break
                pending[self.executor.submit(_call, function, args)] = args
            if not pending:
                break
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield pending.pop(future), future.result()


@contextmanager
def pool(app: Flask, processes: int | None = None) -> Iterator[Pool]:
    """A pool of ``processes`` (default :func:`size`) rendering processes on ``app``'s
    configuration, shut down (queued chunks cancelled) when the block ends."""
    processes = processes or size(app)
    if processes <= 1:
        yield Pool(None, 1)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    # huey's process workers are daemonic, and multiprocessing refuses children to a daemon
    # (they would be left behind when it exits). The pool's processes end by themselves when
    # their parent goes (their task queue closes), and the pool is shut down below: the
    # flag is lifted for the pool's lifetime.
    current = multiprocessing.current_process()
    daemon = current._config.get("daemon")
    current._config["daemon"] = False
    executor = ProcessPoolExecutor(
        processes,
        mp_context=context,
        initializer=_start,
        initargs=(_picklable(dict(app.config)),),
        max_tasks_per_child=RECYCLE,
    )
    try:
        yield Pool(executor, processes)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        if daemon is not None:
            current._config["daemon"] = daemon
