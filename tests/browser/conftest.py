"""Browser tests: Playwright for Python driving Debian's Chromium against a live server."""

import functools
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).exists(), "Chromium is installed by `make test` (Debian package)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(org):
    """The app served on a free loopback port for the length of one test."""
    server = make_server("127.0.0.1", 0, org, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


class ConsoleWatch:
    """Collects console errors, page errors and CSP violations of a page.

    A form with a bad field answers 422 by design (htmx swaps it in); Chromium reports every
    non-2xx response as "Failed to load resource", so exactly that one message is expected.
    """

    EXPECTED = "the server responded with a status of 422"

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _console(self, message):
        if message.type == "error" and self.EXPECTED not in message.text:
            self.errors.append(message.text)


# Classes htmx puts on elements while a request, swap or settle is under way.
HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"


def settled(page):
    """Wait until htmx has finished every request, swap and settle on the page.

    Swapped-in content gets its triggers only when it settles; typing or clicking in it
    before then would go unheard, as it never does for a person, who is not that quick.
    """
    page.wait_for_function(f"() => !document.querySelector({HTMX_BUSY!r})")


def arrive(page, url):
    """Wait until the page is at `url` and settled: a boosted navigation pushes the new URL
    *before* htmx swaps the content in."""
    page.wait_for_url(url)
    settled(page)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)  # as long as any other wait: the machine may be loaded
    page.console = ConsoleWatch(page)
    page.arrive = functools.partial(arrive, page)
    page.settled = functools.partial(settled, page)
    yield page
    context.close()


@pytest.fixture
def login(page, live_server):
    def login(username: str, password: str = "demo1234"):
        page.goto(f"{live_server}/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.arrive(f"{live_server}/")
        return page

    return login
