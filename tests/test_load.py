"""The load runner's own parts (``python -m load``): reading locust's CSV files into the table
of p50/p95/p99 per page, counting failures, and refusing a database that is not the bench's.
The load itself is measured, not asserted."""

import sqlite3

from load import check_database, read_failures, read_stats, table

HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
    "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)


def write_run(tmp_path, rows, failures=(), exceptions=()):
    """Locust's CSV files of a run, as ``--csv load`` writes them; the stats file's path."""
    stats = tmp_path / "load_stats.csv"
    stats.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    (tmp_path / "load_failures.csv").write_text(
        "\n".join(["Method,Name,Error,Occurrences,First Seen,Last Seen", *failures]) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "load_exceptions.csv").write_text(
        "\n".join(["Count,Message,Traceback,Nodes", *exceptions]) + "\n", encoding="utf-8"
    )
    return stats


ROWS = [
    "GET,/clients/,120,0,24,31.5,9.1,410.2,27488.5,2.0,0.0,24,27,30,33,41,88,150,210,410,410,410",
    "GET,/clients/[id]/annex3.pdf,8,1,160,180.2,120.0,390.0,80000,0.1,0.01,"
    "160,170,180,190,300,390,390,390,390,390,390",
    "POST,/login,0,0,0,0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A",
    ",Aggregated,128,1,25,40.0,9.1,410.2,30000,2.1,0.01,25,28,31,35,60,120,300,390,410,410,410",
]


def test_the_table_shows_each_page_with_its_percentiles_and_the_total_last(tmp_path):
    stats = read_stats(write_run(tmp_path, ROWS))

    pdf = stats[1]
    assert (pdf.method, pdf.name, pdf.requests, pdf.failures) == (
        "GET",
        "/clients/[id]/annex3.pdf",
        8,
        1,
    )
    assert (pdf.p50, pdf.p95, pdf.p99) == (160, 390, 390)
    assert (stats[2].p50, stats[2].p95, stats[2].p99) == (None, None, None)

    lines = table(stats).splitlines()
    assert lines[0].split() == ["page", "requests", "failures", "p50", "p95", "p99"]
    assert lines[2].split() == ["GET", "/clients/", "120", "0", "24", "88", "210"]
    assert lines[3].split() == ["GET", "/clients/[id]/annex3.pdf", "8", "1", "160", "390", "390"]
    assert lines[4].split() == ["POST", "/login", "0", "0", "–", "–", "–"]
    assert lines[-1].split() == ["all", "requests", "128", "1", "25", "120", "390"]


def test_failures_and_exceptions_of_the_locustfile_are_both_counted(tmp_path):
    stats = write_run(
        tmp_path,
        ROWS,
        failures=['GET,/clients/[id]/annex3.pdf,"HTTP 500, not a PDF",1,,'],
        exceptions=["2,\"AttributeError: 'NoneType' object has no attribute 'group'\",tb,local"],
    )

    assert read_failures(stats) == [
        ("GET /clients/[id]/annex3.pdf", "HTTP 500, not a PDF", 1),
        ("locustfile", "AttributeError: 'NoneType' object has no attribute 'group'", 2),
    ]
    assert read_failures(write_run(tmp_path, ROWS)) == []


def test_the_load_runs_only_on_a_database_named_bench_holding_the_bench(tmp_path):
    refused = check_database(f"sqlite:///{tmp_path / 'portal.db'}")
    assert refused is not None and "bench" in refused

    small = tmp_path / "bench_small.db"
    with sqlite3.connect(small) as conn:
        conn.execute("CREATE TABLE clients (id INTEGER PRIMARY KEY)")
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT)")
        conn.executemany("INSERT INTO users (username) VALUES (?)", [("hq",), ("head1",)])
        conn.executemany("INSERT INTO clients (id) VALUES (?)", [(n,) for n in range(1, 301)])
    assert "300 clients" in check_database(f"sqlite:///{small}")

    with sqlite3.connect(small) as conn:
        conn.execute("INSERT INTO users (username) VALUES ('counter1')")
        conn.execute(
            "WITH RECURSIVE n(k) AS (SELECT 301 UNION ALL SELECT k + 1 FROM n WHERE k < 100000) "
            "INSERT INTO clients (id) SELECT k FROM n"
        )
    assert check_database(f"sqlite:///{small}") is None
