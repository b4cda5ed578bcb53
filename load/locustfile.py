"""Sessions of the portal's four roles for locust, against the bench's 100,000 clients.

Run by ``python -m load`` (which starts gunicorn on the bench database and prints the table);
by hand: ``locust -f load/locustfile.py --headless -u 50 -r 5 -t 60s --host http://127.0.0.1:PORT``.

Each simulated user logs in once as its own account (the CSRF token read from the page's
``<meta name="csrf-token">``, as ``static/app.js`` reads it), then works as the role does: the
client list with searches and filters, a client's file, 附件3 now and then, the work logs,
contacts, weekly summaries, advice, the home to-do list, the overview; managers also log a
contact and write their work log. Of 50 users: 36 managers (each a bench account of its own, so
no two sessions write the same log), 6 branch heads, 6 counter staff and 2 HQ. The bench has one
head (head1), one counter clerk (counter1) and one HQ user (hq): their sessions share the account,
as a person with two browser tabs does. No session logs out (logging out may end every session
of the user).

A request counts as failed when it answers anything but the expected status; a page that
redirects (to the log-in page, say) is a failure, not a success after the redirect.
"""

import itertools
import os
import random
import re
from datetime import datetime, timedelta, timezone

from locust import FastHttpUser, between, task

BEIJING = timezone(timedelta(hours=8))

# bench/__init__.py: b{branch}m{k} for 4 branches × 25 managers (b1m01, b1m02, b2m01 are the
# demo's mgr1, mgr2 and mgr3); interleaved so that the sessions spread over the branches.
MANAGER_ACCOUNTS = [f"b{b}m{k:02d}" for k in range(3, 26) for b in range(1, 5)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
CLASSES = ("A+", "B+", "A", "B", "C", "D")
SORTS = ("-assets", "-opened", "client_no")

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
CLIENT_LINK = re.compile(r'href="/clients/(\d+)"')
MANAGER_SELECT = re.compile(r'<select name="manager"[^>]*>(.*?)</select>', re.S)
OPTION_VALUE = re.compile(r'<option value="(\d+)"')
LOG_EDIT_LINK = re.compile(r'href="/work/logs/(\d{4}-\d{2}-\d{2})/edit"')
HTMX_RESULTS = {"HX-Request": "true", "HX-Target": "results"}


def password() -> str:
    """The bench accounts' password: ``LOAD_PASSWORD`` (set by ``python -m load``), else the
    demo's."""
    if os.environ.get("LOAD_PASSWORD"):
        return os.environ["LOAD_PASSWORD"]
    from portal.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


class PortalUser(FastHttpUser):
    """A logged-in session: pages are read without following redirects, so a lost session
    shows as a failure."""

    abstract = True
    wait_time = between(1, 5)  # a busy morning: quicker than people, so 50 stand for more
    account = ""

    def on_start(self) -> None:
        self.csrf = ""
        self.client_ids: list[int] = []
        self.login()

    def login(self) -> None:
        self.page("/login", name="/login")
        with self.client.post(
            "/login",
            data={"username": self.account, "password": password(), "csrf_token": self.csrf},
            allow_redirects=False,
            catch_response=True,
            name="/login",
        ) as response:
            location = response.headers.get("Location") or ""
            if response.status_code != 302 or "/login" in location:
                response.failure(f"log-in as {self.account}: HTTP {response.status_code}")
        self.page("/", name="/")

    def page(self, path: str, name: str, headers: dict | None = None) -> str:
        """GET a page; 200 expected. Keeps the page's CSRF token and the clients it links to."""
        with self.client.get(
            path, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return ""
            text = response.text or ""
        token = CSRF.search(text)
        if token:
            self.csrf = token.group(1)
        ids = [int(n) for n in CLIENT_LINK.findall(text)]
        if ids:
            self.client_ids = ids
        return text

    def pdf(self, path: str, name: str) -> None:
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200 or not (response.content or b"").startswith(b"%PDF"):
                response.failure(f"HTTP {response.status_code}, not a PDF")

    def a_client(self) -> int | None:
        """A client from the last list shown (the list is read first when none was)."""
        if not self.client_ids:
            self.page("/clients/", name="/clients/")
        return random.choice(self.client_ids) if self.client_ids else None

    # Pages every role uses.

    def client_list(self) -> None:
        self.page("/clients/", name="/clients/")

    def search_name(self) -> None:
        """Typing a surname into the search box: htmx asks for the results fragment."""
        q = random.choice(SURNAMES)
        self.page(f"/clients/?q={q}", name="/clients/?q=[surname] (htmx)", headers=HTMX_RESULTS)

    def search_digits(self) -> None:
        q = f"{random.randrange(10000):04d}"
        self.page(
            f"/clients/?q={q}", name="/clients/?q=[last 4 digits] (htmx)", headers=HTMX_RESULTS
        )

    def filter_list(self) -> None:
        klass, sort = random.choice(CLASSES), random.choice(SORTS)
        self.page(
            f"/clients/?class={klass.replace('+', '%2B')}&sort={sort}&page={random.randint(1, 3)}",
            name="/clients/?class=[c]&sort=[s]&page=[n]",
        )

    def client_file(self) -> None:
        client_id = self.a_client()
        if client_id:
            self.page(f"/clients/{client_id}", name="/clients/[id]")

    def annex3(self) -> None:
        client_id = self.a_client()
        if client_id:
            self.pdf(f"/clients/{client_id}/annex3.pdf", name="/clients/[id]/annex3.pdf")


class Manager(PortalUser):
    """客户经理: their own ~1,000 clients, their contacts, work log and week."""

    weight = 36
    accounts = itertools.cycle(MANAGER_ACCOUNTS)

    def on_start(self) -> None:
        self.account = next(Manager.accounts)
        super().on_start()

    @task(3)
    def home(self) -> None:
        self.page("/", name="/")

    @task(3)
    def clients(self) -> None:
        self.client_list()

    @task(3)
    def search(self) -> None:
        self.search_name()

    @task(1)
    def search_mobile(self) -> None:
        self.search_digits()

    @task(2)
    def filters(self) -> None:
        self.filter_list()

    @task(4)
    def file(self) -> None:
        self.client_file()

    @task(1)
    def print_annex3(self) -> None:
        self.annex3()

    @task(1)
    def log_contact(self) -> None:
        """The short contact form of the client's file, posted by htmx (422 or the panel)."""
        client_id = self.a_client()
        if not client_id:
            return
        self.page(f"/clients/{client_id}", name="/clients/[id]")
        at = datetime.now(BEIJING) - timedelta(minutes=random.randint(5, 120))
        with self.client.post(
            f"/work/clients/{client_id}/contacts",
            data={
                "contact-csrf_token": self.csrf,
                "contact-kind": random.choice(("phone", "home", "onsite")),
                "contact-status": "done",
                "contact-at": at.strftime("%Y-%m-%dT%H:%M"),
                "contact-place": "营业部",
                "contact-content": "介绍近期市场情况，了解客户资金安排。",
                "contact-improvements": "",
            },
            headers={"HX-Request": "true", "X-CSRFToken": self.csrf},
            name="/work/clients/[id]/contacts",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task(2)
    def logs(self) -> None:
        self.page("/work/logs", name="/work/logs")

    @task(1)
    def write_log(self) -> None:
        """附件2: the newest day the logs page offers to fill in, written and saved."""
        days = LOG_EDIT_LINK.findall(self.page("/work/logs", name="/work/logs"))
        if not days:
            return
        day = days[0]
        self.page(f"/work/logs/{day}/edit", name="/work/logs/[day]/edit")
        with self.client.post(
            f"/work/logs/{day}/edit",
            data={
                "csrf_token": self.csrf,
                "morning_notes": "晨会：关注本周新股申购安排。",
                "product_sales": f"{random.randint(0, 50)}.00",
                "plan_review": "完成",
                "insights": "客户关注分红政策。",
                "tomorrow_plan": "回访两位核心客户。",
            },
            name="/work/logs/[day]/edit",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code}")

    @task(1)
    def contacts(self) -> None:
        self.page("/work/contacts", name="/work/contacts")

    @task(1)
    def weeks(self) -> None:
        self.page("/work/weeks", name="/work/weeks")

    @task(1)
    def advice(self) -> None:
        self.page("/advice/", name="/advice/")


class BranchHead(PortalUser):
    """营业部总经理: the branch's 25,000 clients, its managers' weeks, the advice meeting."""

    weight = 6
    account = "head1"

    @task(2)
    def home(self) -> None:
        self.page("/", name="/")

    @task(2)
    def clients(self) -> None:
        self.client_list()

    @task(2)
    def search(self) -> None:
        self.search_name()

    @task(2)
    def by_manager(self) -> None:
        """The list of one manager's clients, chosen from the page's select."""
        select = MANAGER_SELECT.search(self.page("/clients/", name="/clients/"))
        managers = OPTION_VALUE.findall(select.group(1)) if select else []
        if managers:
            self.page(
                f"/clients/?manager={random.choice(managers)}&sort=-assets",
                name="/clients/?manager=[id]&sort=-assets",
            )

    @task(1)
    def filters(self) -> None:
        self.filter_list()

    @task(3)
    def file(self) -> None:
        self.client_file()

    @task(1)
    def print_annex3(self) -> None:
        self.annex3()

    @task(2)
    def branch_week(self) -> None:
        self.page("/work/weeks/branch", name="/work/weeks/branch")

    @task(1)
    def logs(self) -> None:
        self.page("/work/logs", name="/work/logs")

    @task(1)
    def contacts(self) -> None:
        self.page("/work/contacts", name="/work/contacts")

    @task(1)
    def advice(self) -> None:
        self.page("/advice/", name="/advice/")

    @task(1)
    def advice_meeting(self) -> None:
        self.page("/advice/review", name="/advice/review")

    @task(1)
    def overview(self) -> None:
        self.page("/classification/overview", name="/classification/overview")


class Counter(PortalUser):
    """柜面人员: finds a client at the counter, opens the file, prints 附件3."""

    weight = 6
    account = "counter1"

    @task(2)
    def home(self) -> None:
        self.page("/", name="/")

    @task(3)
    def search(self) -> None:
        self.search_name()

    @task(3)
    def search_mobile(self) -> None:
        self.search_digits()

    @task(1)
    def clients(self) -> None:
        self.client_list()

    @task(4)
    def file(self) -> None:
        self.client_file()

    @task(1)
    def print_annex3(self) -> None:
        self.annex3()

    @task(1)
    def pending(self) -> None:
        self.page("/risk/pending", name="/risk/pending")

    @task(1)
    def daily(self) -> None:
        self.page("/risk/daily", name="/risk/daily")


class Headquarters(PortalUser):
    """经纪业务管理总部: the whole company's classes, branches' weeks and advice."""

    weight = 2
    account = "hq"

    @task(2)
    def home(self) -> None:
        self.page("/", name="/")

    @task(2)
    def overview(self) -> None:
        self.page("/classification/overview", name="/classification/overview")

    @task(2)
    def clients(self) -> None:
        self.client_list()

    @task(2)
    def search(self) -> None:
        self.search_name()

    @task(1)
    def filters(self) -> None:
        self.filter_list()

    @task(2)
    def file(self) -> None:
        self.client_file()

    @task(1)
    def branch_week(self) -> None:
        self.page("/work/weeks/branch", name="/work/weeks/branch")

    @task(1)
    def advice(self) -> None:
        self.page("/advice/", name="/advice/")

    @task(1)
    def daily(self) -> None:
        self.page("/risk/daily", name="/risk/daily")
