"""Key flows in a real browser (R25): log in, keyboard, own pages only, language, own host."""

from __future__ import annotations

import pytest

from navolging.lib.browser import dutch, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_employee_logs_in_and_lands_on_my_page_in_dutch(visit, browser_cast):
    log_in(visit, browser_cast.employee.email)

    page = visit.page
    assert page.url == visit.url("home")
    assert page.get_attribute("html", "lang") == "nl"
    assert page.inner_text("h1") == dutch("My page")
    assert "Fatima Amrani" in page.inner_text("main")  # the employee's manager
    screenshot(page, "my-page")


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(visit, browser_cast):
    log_in(visit, browser_cast.employee.email)
    page = visit.page

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "utrecht-skip-link" in focused
    assert page.evaluate("document.activeElement.getBoundingClientRect().top >= 0"), (
        "the skip link must become visible when focused"
    )

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(
    "url_name",
    ["organisation:tree", "organisation:person_search", "accounts:trainer_list", "audit:list"],
)
def test_employee_reaches_only_their_own_pages(visit, browser_cast, url_name):
    log_in(visit, browser_cast.employee.email)

    response = visit.open(url_name)

    assert response.status in (403, 404)
    assert visit.page.inner_text("h1") in (dutch("No access"), dutch("Page not found"))
    main = visit.page.inner_text("main")
    for secret in ("Gemeente Voorbeeld", "Kees Jansen", "Jansen, Kees", "Tamara Trainer"):
        assert secret not in main
    nav = visit.page.locator("nav.nv-nav").inner_text()
    assert dutch("Organisation") not in nav  # the menu offers only what they may open


def test_language_button_switches_to_english_and_back(visit, browser_cast):
    log_in(visit, browser_cast.employee.email)
    page = visit.page

    with page.expect_navigation():
        page.click("button[name=language][value=en]")

    assert page.url == visit.url("home")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "My page"
    dutch_button = page.locator("button[name=language][value=nl]")
    assert dutch_button.is_visible()
    assert page.locator("button[name=language][value=en]").count() == 0

    with page.expect_navigation():
        dutch_button.click()
    assert page.get_attribute("html", "lang") == "nl"


def test_no_request_leaves_the_app(visit, browser_cast):
    visit.open("accounts:login")
    log_in(visit, browser_cast.office.email)
    for name in ("home", "organisation:tree", "organisation:person_search", "audit:list"):
        visit.open(name)
    visit.open("organisation:unit_detail", browser_cast.department.pk)

    assert len(visit.requests) > 10  # the recording works: pages, CSS, htmx
    assert visit.foreign_requests() == []


def test_session_cookie_keeps_its_host_prefix_on_localhost(visit, browser_cast):
    # Chromium treats http://localhost as a secure context, so Secure and __Host- cookies
    # work in the tests exactly as they do behind HTTPS.
    log_in(visit, browser_cast.employee.email)
    cookies = {c["name"]: c for c in visit.page.context.cookies()}
    session = cookies["__Host-navolging-session"]
    assert session["secure"] and session["httpOnly"] and session["path"] == "/"
