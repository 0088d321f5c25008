"""Pytest fixtures for the browser tests (R25): Playwright driving Debian's Chromium.

Playwright's own browser download cannot run here (no network but the package registries),
so the tests launch the system Chromium. Browser tests use `live_server` and therefore the
`transactional_db`: the server thread must see what the test wrote.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.urls import reverse

from navolging.lib.testing import PASSWORD, Cast, make_cast

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path(os.environ.get("NAVOLGING_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # runs as root in containers, where the sandbox cannot start
    "--disable-gpu",
    # Chromium phones home (updates, sync, safe browsing) unless told not to; the tests assert
    # that the page itself asks no other host, so the browser must stay quiet too.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Test-only copy, refreshed by scripts/update-frontend-assets.sh; never served to users.
AXE_JS = next((Path(__file__).parent / "tests" / "assets").glob("axe-core-*/axe.min.js"), None)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must not pass R25 by skipping it
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # While Playwright's sync API is alive its asyncio loop counts as running in this thread,
    # so Django would refuse every ORM call, in these tests and in any later test of this
    # worker ("SynchronousOnlyOperation"). The calls really are synchronous; the app has no
    # async views for the check to protect.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Visit:
    """A browser tab on the live server, with every URL it requested."""

    page: Page
    base_url: str
    requests: list[str] = field(default_factory=list)

    def url(self, name: str, *args) -> str:
        return self.base_url + reverse(name, args=args)

    def open(self, name: str, *args, query: str = ""):
        return self.page.goto(self.url(name, *args) + query)

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(self.base_url + "/")]


@pytest.fixture
def browser_cast(transactional_db) -> Cast:
    """The shared cast, committed so the live server sees it; employee and office can log in."""
    cast = make_cast()
    for user in (cast.employee.user, cast.office):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return cast


def new_visit(browser, live_server, **context_options) -> Visit:
    options = {"locale": "nl-NL", "viewport": {"width": 1280, "height": 900}, **context_options}
    context = browser.new_context(**options)
    page = context.new_page()
    visit = Visit(page=page, base_url=live_server.url)
    page.on("request", lambda request: visit.requests.append(request.url))
    return visit


@pytest.fixture
def tab(browser, live_server):
    """`tab()` opens one more fresh browser context (another person, own cookies) on the live
    server; all are closed at the end of the test."""
    opened: list[Visit] = []

    def open_tab() -> Visit:
        visit = new_visit(browser, live_server, accept_downloads=True)
        opened.append(visit)
        return visit

    yield open_tab
    for visit in opened:
        visit.page.context.close()


def dutch(text: str) -> str:
    """What the page shows for msgid `text`: the Dutch catalogue's text once it exists, the
    English msgid until then."""
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("nl"):
        return gettext(text)


def click_and_wait(page: Page, target) -> None:
    """Click a selector or a locator and wait for the page it leads to."""
    with page.expect_navigation():
        if isinstance(target, str):
            page.click(target)
        else:
            target.click()


@pytest.fixture
def visit(browser, live_server, browser_cast):
    """A fresh browser context (no cookies) on the live server."""
    visit = new_visit(browser, live_server)
    yield visit
    visit.page.context.close()


@pytest.fixture
def page(visit):
    return visit.page


def log_in(visit: Visit, email: str, password: str = PASSWORD) -> None:
    """Log in through the real form, as a person would."""
    page = visit.page
    visit.open("accounts:login")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form.utrecht-form button[type=submit]")


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is now.

    Playwright's evaluate goes through the DevTools protocol, which the page's CSP does not
    govern, so axe runs against the real page with its real CSP (no bypass_csp needed).
    """
    if AXE_JS is None:
        raise RuntimeError("axe-core missing: run scripts/update-frontend-assets.sh")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return result["violations"]


def assert_no_axe_violations(page: Page) -> None:
    violations = axe_violations(page)
    report = [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [(n["target"], n.get("failureSummary", "")) for n in v["nodes"][:5]],
        }
        for v in violations
    ]
    assert violations == [], f"axe on {page.url}:\n" + json.dumps(report, indent=2)


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
