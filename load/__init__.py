"""Load test: 50 sessions of the four roles against gunicorn on the bench's 100,000 clients.

``python -m load`` (or ``make load``):

1. checks that the database (``--database``, default the bench's PostgreSQL database) holds the
   bench's data — build it once with ``python -m bench --postgres URL``; the sessions write
   contacts and work logs into it, so its name must contain ``bench``;
2. starts gunicorn with the repository's ``gunicorn.conf.py`` on a free loopback port and waits
   for ``/healthz``;
3. runs ``load/locustfile.py`` with locust, headless, for ``--run-time`` (default 60 s);
4. stops gunicorn and prints, per page, the requests, failures and p50/p95/p99 in ms, then the
   failures; exit status 1 when any request failed.

Locust's CSV files and log, gunicorn's access and error logs are kept in ``--out`` (a temporary
directory unless given).
"""

import csv
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
HEALTH_TIMEOUT = 60.0  # seconds for gunicorn to answer /healthz


@dataclass(frozen=True)
class PageStats:
    """One row of locust's ``*_stats.csv``: times in ms (locust rounds them above 100 ms)."""

    method: str
    name: str
    requests: int
    failures: int
    p50: int | None
    p95: int | None
    p99: int | None


def read_stats(path: Path) -> list[PageStats]:
    """The rows of locust's ``*_stats.csv``, the ``Aggregated`` total last."""
    with path.open(newline="", encoding="utf-8") as file:
        return [
            PageStats(
                method=row["Type"],
                name=row["Name"],
                requests=int(row["Request Count"]),
                failures=int(row["Failure Count"]),
                p50=_ms(row["50%"]),
                p95=_ms(row["95%"]),
                p99=_ms(row["99%"]),
            )
            for row in csv.DictReader(file)
        ]


def _ms(value: str) -> int | None:
    return None if value in ("", "N/A") else int(float(value))


def read_failures(path: Path) -> list[tuple[str, str, int]]:
    """(request, error, occurrences) of locust's ``*_failures.csv`` and ``*_exceptions.csv``
    (an exception in the locustfile is a failure of the run too)."""
    rows: list[tuple[str, str, int]] = []
    failures = path.with_name(path.name.replace("_stats.csv", "_failures.csv"))
    if failures.exists():
        with failures.open(newline="", encoding="utf-8") as file:
            rows += [
                (f"{r['Method']} {r['Name']}", r["Error"], int(r["Occurrences"]))
                for r in csv.DictReader(file)
            ]
    exceptions = path.with_name(path.name.replace("_stats.csv", "_exceptions.csv"))
    if exceptions.exists():
        with exceptions.open(newline="", encoding="utf-8") as file:
            rows += [("locustfile", r["Message"], int(r["Count"])) for r in csv.DictReader(file)]
    return rows


def table(stats: list[PageStats]) -> str:
    """The per-page table: name, requests, failures, p50/p95/p99 (ms)."""
    width = max([len(_label(s)) for s in stats] + [len("page")])
    lines = [
        f"{'page':<{width}}  {'requests':>8}  {'failures':>8}  {'p50':>6}  {'p95':>6}  {'p99':>6}",
        "-" * (width + 46),
    ]
    for s in stats:
        if s.name == "Aggregated":
            lines.append("-" * (width + 46))
        lines.append(
            f"{_label(s):<{width}}  {s.requests:>8}  {s.failures:>8}  "
            f"{_shown(s.p50)}  {_shown(s.p95)}  {_shown(s.p99)}"
        )
    return "\n".join(lines)


def _label(stats: PageStats) -> str:
    return "all requests" if stats.name == "Aggregated" else f"{stats.method} {stats.name}"


def _shown(ms: int | None) -> str:
    return f"{'–' if ms is None else ms:>6}"


def check_database(url: str) -> str | None:
    """Why the load cannot run on ``url`` (None when it can): a PostgreSQL or SQLite database
    named *bench* holding the bench's clients and accounts."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    parsed = make_url(url)
    if "bench" not in (parsed.database or ""):
        return f"{url}: the load writes into the database; use one named *bench*"
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            clients = conn.execute(text("SELECT count(*) FROM clients")).scalar_one()
            accounts = conn.execute(
                text("SELECT count(*) FROM users WHERE username IN ('hq', 'head1', 'counter1')")
            ).scalar_one()
    except SQLAlchemyError as error:
        return f"{url}: {type(error).__name__}: {str(error).splitlines()[0]}"
    finally:
        engine.dispose()
    if clients < 100_000 or accounts < 3:
        return f"{url}: {clients:,} clients, not the bench's 100,000"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen, timeout: float = HEALTH_TIMEOUT) -> bool:
    """Whether ``url`` answered 200 before ``timeout`` seconds (False as soon as the server
    process has exited)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    return False


def start_gunicorn(database: str, port: int, out: Path) -> subprocess.Popen:
    """gunicorn with the repository's ``gunicorn.conf.py`` on 127.0.0.1:``port``; its logs in
    ``out``. The GUNICORN_* settings of the environment apply (workers, threads, …)."""
    from bench import BENCH_PII_KEY

    env = os.environ | {
        "DATABASE_URL": database,
        "SECRET_KEY": secrets.token_hex(32),  # sessions of this run only
        "PII_KEY": BENCH_PII_KEY,  # the bench's identity data are sealed with it
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": str(out / "access.log"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        "HUEY_URL": f"sqlite:///{out / 'huey.db'}",
        "EXPORT_DIR": str(out / "exports"),
        "UPLOAD_DIR": str(out / "uploads"),
    }
    log = (out / "gunicorn.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop(server: subprocess.Popen) -> None:
    """SIGTERM (gunicorn lets running requests finish), then SIGKILL after 40 s."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run_locust(host: str, users: int, spawn_rate: float, run_time: str, prefix: Path) -> int:
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        host,
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        run_time,
        "--stop-timeout",
        "10",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    from portal.demo import DEMO_PASSWORD

    env = os.environ | {"LOAD_PASSWORD": DEMO_PASSWORD}
    with (prefix.parent / "locust.log").open("ab") as log:
        return subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=log).returncode


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m load", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database",
        default=os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE),
        help=f"the bench's database (default: $LOAD_DATABASE_URL or {DEFAULT_DATABASE})",
    )
    parser.add_argument("--users", type=int, default=50, help="concurrent sessions (50)")
    parser.add_argument("--spawn-rate", type=float, default=5, help="sessions started a second")
    parser.add_argument("--run-time", default="60s", help="how long, e.g. 60s, 5m (60s)")
    parser.add_argument("--out", type=Path, help="keep locust's CSVs and gunicorn's logs here")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)

    problem = check_database(args.database)
    if problem:
        print(problem, file=sys.stderr)
        print(
            "Build the bench's data first: python -m bench --postgres "
            "postgresql+psycopg://postgres@127.0.0.1:5432/bench",
            file=sys.stderr,
        )
        return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="portal-load-"))
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    server = start_gunicorn(args.database, port, out)
    try:
        if not wait_healthy(f"{host}/healthz", server):
            print(f"gunicorn did not answer /healthz; see {out / 'gunicorn.log'}", file=sys.stderr)
            return 2
        load_before = os.getloadavg()[0]
        print(
            f"{args.users} sessions for {args.run_time} against {host} "
            f"(load average {load_before:.2f})",
            flush=True,
        )
        run_locust(host, args.users, args.spawn_rate, args.run_time, out / "load")
        load_after = os.getloadavg()[0]
    finally:
        stop(server)
    stats_file = out / "load_stats.csv"
    if not stats_file.exists():
        print(f"locust wrote no statistics; see {out}", file=sys.stderr)
        return 2
    stats = read_stats(stats_file)
    failures = read_failures(stats_file)
    print()
    print(table(stats))
    print()
    print(f"load average before {load_before:.2f}, after {load_after:.2f}; files in {out}")
    if failures:
        print()
        print("failures:")
        for request, error, count in failures:
            print(f"  {count:>5} × {request}: {error}")
        return 1
    print("no failures")
    return 0
