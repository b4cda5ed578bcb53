"""Log-in gives nothing away and cannot be outguessed: an unknown or disabled username takes as
long as a known one with a wrong password (its time does not tell which names exist), and
parallel tries meet the lock-out after five failures, as one after the other would. On
PostgreSQL when ``TEST_DATABASE_URL`` is set, else on SQLite."""

import threading
import time
from collections import Counter
from statistics import median

from sqlalchemy import select

from portal.extensions import db
from portal.models import LoginAttempt, User
from portal.services import accounts

TRIES = 7


def timed_login(client, token: str, username: str) -> float:
    data = {"username": username, "password": "wrong-password", "csrf_token": token}
    start = time.perf_counter()
    response = client.post("/login", data=data)
    elapsed = time.perf_counter() - start
    assert response.status_code == 422
    assert "用户名或密码错误" in response.get_data(as_text=True)
    return elapsed


def test_an_unknown_or_disabled_username_takes_as_long_as_a_known_one(org, monkeypatch):
    monkeypatch.setitem(org.config, "LOGIN_MAX_FAILURES", 1000)  # time the check, not the lock
    with org.app_context():
        accounts.set_active(db.session.scalar(select(User).where(User.username == "mgr2")), False)
    client = org.test_client()
    token = client.csrf_token()
    names = {"known": "mgr1", "unknown": "nobody", "disabled": "mgr2"}
    for name in names.values():  # warm up
        timed_login(client, token, name)
    times = {kind: [] for kind in names}
    for _ in range(TRIES):  # interleaved, so that the machine's load weighs on each alike
        for kind, name in names.items():
            times[kind].append(timed_login(client, token, name))

    known = median(times["known"])
    for kind in ("unknown", "disabled"):
        ratio = median(times[kind]) / known
        assert 0.5 < ratio < 2, f"{kind}: {ratio:.2f} × the time of a known username"


def test_parallel_tries_cannot_pass_the_lock_out(org):
    tries = 12
    clients = [org.test_client() for _ in range(tries)]
    tokens = [client.csrf_token() for client in clients]
    start = threading.Barrier(tries)
    answers, errors = [], []

    def guess(client, token):
        try:
            start.wait()
            data = {"username": "mgr1", "password": "wrong-password", "csrf_token": token}
            response = client.post("/login", data=data)
            answers.append((response.status_code, response.get_data(as_text=True)))
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)

    pairs = zip(clients, tokens, strict=True)
    threads = [threading.Thread(target=guess, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert len(answers) == tries
    for status, html in answers:
        assert status == 422
        assert "用户名或密码错误" in html or "已暂时锁定" in html
    with org.app_context():
        outcomes = Counter(
            db.session.scalars(select(LoginAttempt.outcome).where(LoginAttempt.username == "mgr1"))
        )
    assert outcomes == {"failed": 5, "locked": tries - 5}
    locked = org.test_client().login("mgr1")  # even the right password, now
    assert locked.status_code == 422
    assert "已暂时锁定" in locked.get_data(as_text=True)
