"""axe-core finds no WCAG 2.0/2.1 A or AA violation on the main pages and error states (R25)."""

from __future__ import annotations

import pytest

from navolging.lib.browser import (
    assert_no_axe_violations,
    axe_violations,
    log_in,
    new_visit,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_login_page(visit):
    visit.open("accounts:login")
    assert_no_axe_violations(visit.page)


def test_login_page_with_wrong_password(visit, browser_cast):
    log_in(visit, browser_cast.employee.email, password="not-the-password")
    assert visit.page.locator(".utrecht-alert--error").count() == 1
    assert_no_axe_violations(visit.page)


def test_my_page(visit, browser_cast):
    log_in(visit, browser_cast.employee.email)
    assert_no_axe_violations(visit.page)


def test_organisation_tree(visit, browser_cast):
    log_in(visit, browser_cast.office.email)
    visit.open("organisation:tree")
    screenshot(visit.page, "organisation-tree")
    assert_no_axe_violations(visit.page)


def test_unit_page(visit, browser_cast):
    log_in(visit, browser_cast.office.email)
    visit.open("organisation:unit_detail", browser_cast.department.pk)
    screenshot(visit.page, "unit-page")
    assert_no_axe_violations(visit.page)


def test_person_search_results(visit, browser_cast):
    log_in(visit, browser_cast.office.email)
    visit.open("organisation:person_search", query="?q=a")
    assert visit.page.locator("tbody tr").count() > 1
    screenshot(visit.page, "person-search")
    assert_no_axe_violations(visit.page)


def test_trainer_form_with_validation_errors(visit, browser_cast):
    log_in(visit, browser_cast.office.email)
    visit.open("accounts:trainer_create")
    with visit.page.expect_navigation():
        visit.page.click("main button[type=submit]")
    assert visit.page.locator(".utrecht-form-field--invalid").count() >= 1
    screenshot(visit.page, "trainer-form-errors")
    assert_no_axe_violations(visit.page)


def test_not_found_page(visit, browser_cast):
    log_in(visit, browser_cast.office.email)
    response = visit.page.goto(visit.base_url + "/bestaat-niet/")
    assert response.status == 404
    assert_no_axe_violations(visit.page)


def test_my_page_on_a_phone(browser, live_server, browser_cast):
    visit = new_visit(browser, live_server, viewport={"width": 375, "height": 740})
    try:
        log_in(visit, browser_cast.office.email)
        visit.open("organisation:unit_detail", browser_cast.department.pk)
        screenshot(visit.page, "unit-page-phone")
        assert_no_axe_violations(visit.page)
        overflow = visit.page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        assert not overflow, "the page scrolls sideways on a phone"
    finally:
        visit.page.context.close()


def test_axe_runs_for_real(visit):
    # Guards the helper: an axe that failed to load must not pass every page silently.
    visit.open("accounts:login")
    visit.page.evaluate("document.querySelector('label').remove()")
    assert "label" in [v["id"] for v in axe_violations(visit.page)]


@pytest.mark.parametrize(
    "name, args",
    [
        ("organisation:person_detail", lambda cast: [cast.employee.pk]),
        ("organisation:base_programme_edit", lambda cast: [cast.department.pk, "mt"]),
        ("organisation:import_upload", lambda cast: []),
        ("accounts:trainer_list", lambda cast: []),
        ("audit:list", lambda cast: []),
    ],
)
def test_other_programme_office_pages(visit, browser_cast, name, args):
    log_in(visit, browser_cast.office.email)
    response = visit.open(name, *args(browser_cast))
    assert response.status == 200
    assert_no_axe_violations(visit.page)


def test_password_reset_page(visit):
    visit.open("accounts:password_reset")
    assert_no_axe_violations(visit.page)
