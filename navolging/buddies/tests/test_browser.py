"""The buddy flow in a real browser (issue 5): two employees join naming each other, the
office runs a round, both accept and see each other, one ends the pair. The office sees
figures only, at every step (R11)."""

from __future__ import annotations

import pytest

from navolging.buddies.models import NotWith, Pair, PairStatus, Participant
from navolging.lib.browser import assert_no_axe_violations, dutch, log_in, screenshot
from navolging.lib.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _join(visit, search: str) -> None:
    page = visit.page
    if not page.url.endswith("/buddy/"):
        visit.open("buddies:mine")
    page.check("input[name=wishes][value=listening_ear]")
    page.fill("input[name=location]", "Stadskantoor")
    page.fill("input[name=trusted_1_q]", search)
    with page.expect_navigation():
        page.click("button[name=action][value=save]")


def test_two_colleagues_become_buddies_and_the_office_sees_only_figures(browser_cast, tab):
    cast = browser_cast
    cast.outsider.user.set_password(PASSWORD)
    cast.outsider.user.save(update_fields=["password"])
    secrets = [
        cast.employee.full_name,
        cast.employee.email,
        cast.outsider.full_name,
        cast.outsider.email,
    ]
    office = tab()
    log_in(office, cast.office.email)

    def office_sees_figures_only() -> None:
        office.open("buddies:office")
        text = office.page.content()
        for secret in secrets:
            assert secret not in text

    # -- two employees join, each naming the other
    jan, kees = tab(), tab()
    log_in(jan, cast.employee.email)
    jan.open("buddies:mine")
    assert_no_axe_violations(jan.page)
    jan.page.fill("input[name=not_with_1_q]", "Bakker")
    with jan.page.expect_navigation():
        jan.page.click("button[name=action][value=search]")  # shows who was found, saves nothing
    assert not Participant.objects.exists()
    assert jan.page.is_checked(f"input[name=not_with_1][value='{cast.director.pk}']")
    screenshot(jan.page, "buddy-join")
    assert_no_axe_violations(jan.page)
    _join(jan, "Jansen")
    log_in(kees, cast.outsider.email)
    _join(kees, "Berg")
    assert Participant.objects.count() == 2
    assert [n.person for n in NotWith.objects.all()] == [cast.director]  # private to Jan
    assert dutch("You take part") in kees.page.inner_text("main")
    office_sees_figures_only()

    # -- the office runs a round: a message with counts only
    with office.page.expect_navigation():
        office.page.click("form[action$='/bureau/ronde/'] button[type=submit]")
    assert Pair.objects.get().status == PairStatus.PROPOSED
    assert office.page.locator(".nv-messages").count() == 1
    for secret in secrets:
        assert secret not in office.page.content()
    assert office.page.locator(".nv-buddy-chart svg").count() == 1
    screenshot(office.page, "buddy-office")
    assert_no_axe_violations(office.page)

    # -- both see the proposal with the reasons, and accept
    for me, other in ((jan, cast.outsider), (kees, cast.employee)):
        me.open("buddies:mine")
        main = me.page.inner_text("main")
        assert other.full_name in main
        assert dutch("You named each other as a colleague you trust.") in main
        assert other.email not in main
        assert cast.director.full_name not in main
    screenshot(jan.page, "buddy-proposal")
    assert_no_axe_violations(jan.page)
    for me in (jan, kees):
        with me.page.expect_navigation():
            me.page.click("form[action$='/accepteren/'] button[type=submit]")
    assert Pair.objects.get().status == PairStatus.ACTIVE
    office_sees_figures_only()

    # -- each sees the other
    for me, other in ((jan, cast.outsider), (kees, cast.employee)):
        me.open("buddies:mine")
        main = me.page.inner_text("main")
        assert other.full_name in main and other.email in main
    assert_no_axe_violations(kees.page)

    # -- one ends the pair; both wait for the next round
    with kees.page.expect_navigation():
        kees.page.click("form[action$='/beeindigen/'] button[type=submit]")
    assert not Pair.objects.exists()
    jan.open("buddies:mine")
    assert dutch("You take part") in jan.page.inner_text("main")
    office_sees_figures_only()
    assert_no_axe_violations(office.page)
