"""The whole intervision flow in a real browser (issue 4): the office makes a structured round,
moves someone by hand and sees the broken rule, publishes, plans the sessions; a facilitator
records attendance; a manager sees their group and sessions and downloads the invite."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from navolging.accounts.models import User
from navolging.audit.models import AuditEvent
from navolging.intervision.models import AttendanceRecord, Group, Membership, Round, Session
from navolging.lib.browser import assert_no_axe_violations, dutch, log_in, screenshot
from navolging.notifications.models import PlannedItem
from navolging.organisation.demo import DEFAULT_PASSWORD, demo_logins_recorded

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def demo(transactional_db):
    call_command("demo", size=600, seed=11, verbosity=0)
    # The demo holds a published mixed round of its own: a new round would report every pair
    # that met in it as a broken rule. This flow starts from an organisation without rounds.
    demo_items = list(Session.objects.values_list("item_id", flat=True))
    Round.objects.all().delete()
    PlannedItem.objects.filter(pk__in=demo_items).delete()
    return {login.role: login.email for login in demo_logins_recorded()}


def _a_move_that_breaks_the_size_rule(round_: Round) -> tuple[int, int]:
    """(person, group): out of a group at the minimum, or into a group at the maximum."""
    groups = sorted(round_.groups.all(), key=lambda g: (g.memberships.count(), g.pk))
    smallest, largest = groups[0], groups[-1]
    if smallest.memberships.count() <= round_.min_size:
        person = smallest.memberships.order_by("person_id").first().person_id
        return person, largest.pk
    person = smallest.memberships.order_by("person_id").first().person_id
    assert largest.memberships.count() == round_.max_size, "no move breaks the size rule"
    return person, largest.pk


def test_office_facilitator_and_manager_go_through_a_round(demo, tab, tmp_path: Path):
    # -- the programme office makes a structured round
    office = tab()
    log_in(office, demo["office"], DEFAULT_PASSWORD)
    office.open("intervision:round_create")
    page = office.page
    page.fill("input[name=name]", "2027 eerste helft")
    page.check("input[name=mode][value=structured]")
    page.fill("input[name=min_size]", "4")
    page.fill("input[name=max_size]", "8")
    page.fill("input[name=rhythm_min_weeks]", "6")
    page.fill("input[name=rhythm_max_weeks]", "8")
    page.fill("input[name=starts_on]", "2027-01-11")
    page.fill("input[name=ends_on]", "2027-07-02")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    round_ = Round.objects.get()
    assert page.url == office.url("intervision:round_detail", round_.pk)
    assert page.locator(".nv-group").count() == round_.groups.count() > 1
    assert page.locator(".nv-group--broken").count() == 0
    assert_no_axe_violations(page)

    # -- moves someone by hand: the broken rule shows at once
    person, group = _a_move_that_breaks_the_size_rule(round_)
    page.select_option("select[name=person]", str(person))
    page.select_option("select[name=group]", str(group))
    with page.expect_navigation():
        page.click("form[action$='/verplaatsen/'] button[type=submit]")
    assert Membership.objects.get(group__round=round_, person_id=person).group_id == group
    assert page.locator(".nv-group--broken").count() >= 1
    assert dutch("Rule broken:") in page.locator(".nv-broken").first.inner_text()
    screenshot(page, "intervision-round-broken")
    assert_no_axe_violations(page)

    # -- publishing is refused until the broken rule is accepted on purpose
    with page.expect_navigation():
        page.click("form[action$='/publiceren/'] button[type=submit]")
    assert Round.objects.get().status == "draft"
    assert page.locator(".utrecht-alert--error, .utrecht-alert--warning").count() >= 1
    page.check("input[name=accept_broken]")
    with page.expect_navigation():
        page.click("form[action$='/publiceren/'] button[type=submit]")
    assert Round.objects.get().status == "published"
    assert AuditEvent.objects.filter(action="intervision.round_publish").exists()

    # -- and plans the sessions
    with page.expect_navigation():
        page.click("form[action$='/planning/'] button[type=submit]")
    groups = Group.objects.filter(round=round_, facilitator__isnull=False)
    assert Session.objects.filter(group__round=round_).count() >= 3 * groups.count()

    # -- the manager's group: its facilitator records attendance for the first session
    manager = User.objects.get(email=demo["manager"])
    own_group = Group.objects.get(round=round_, memberships__person__user=manager)
    facilitator = own_group.facilitator
    facilitator.set_password(DEFAULT_PASSWORD)
    facilitator.save(update_fields=["password"])
    first = own_group.sessions.get(number=1)

    trainer = tab()
    log_in(trainer, facilitator.email, DEFAULT_PASSWORD)
    trainer.open("intervision:facilitator_groups")
    page = trainer.page
    assert own_group.name in page.inner_text("main")
    with page.expect_navigation():
        page.click(f"a[href='{reverse('intervision:session_attendance', args=[first.pk])}']")
    members = list(own_group.memberships.values_list("person_id", flat=True))
    for number, person_id in enumerate(members):
        choice = "absent" if number == 0 else "present"
        page.check(f"input[name=person_{person_id}][value={choice}]")
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    recorded = dict(
        AttendanceRecord.objects.filter(session=first).values_list("person_id", "presence")
    )
    assert recorded == {pid: "absent" if n == 0 else "present" for n, pid in enumerate(members)}

    # -- the manager sees the group and sessions and downloads the invite
    member = tab()
    log_in(member, manager.email, DEFAULT_PASSWORD)
    member.open("intervision:my_group")
    page = member.page
    main = page.inner_text("main")
    assert own_group.name in main and facilitator.display_name in main
    assert page.locator("main table tbody tr").count() >= own_group.sessions.count()
    assert_no_axe_violations(page)
    screenshot(page, "intervision-my-group")
    with page.expect_download() as info:
        page.locator(f"a[href$='{first.item.uid}/agenda.ics']").click()
    path = tmp_path / "invite.ics"
    info.value.save_as(path)
    invite = path.read_text()
    assert "BEGIN:VCALENDAR" in invite and f"UID:{first.item.uid}@navolging" in invite
