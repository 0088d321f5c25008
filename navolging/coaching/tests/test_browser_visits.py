"""A coach's visit in a real browser (issue 6): the coach plans a visit to their team, the
visit takes place, the coach records a reflection and a private note; the team leader reads
the reflection, and the private note is on no page the team leader can reach."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from navolging.coaching.models import Visit
from navolging.lib.browser import (
    assert_no_axe_violations,
    click_and_wait,
    dutch,
    log_in,
    screenshot,
)
from navolging.lib.testing import PASSWORD
from navolging.notifications.models import PlannedItem

from .helpers import assign, make_coach

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

REFLECTION = "Het team luistert goed en durft elkaar aan te spreken."
NOTE = "Privé: de teamleider onderbrak Jan twee keer, volgende keer op letten."


def test_the_coach_plans_and_reflects_and_the_manager_reads_only_the_mirror(browser_cast, tab):
    cast = browser_cast
    coach = make_coach(phone="06 1234 5678")
    assign(cast.team, coach)
    for user in (coach, cast.team_leader.user):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])

    # -- the coach finds the team on My teams and plans a visit
    carla = tab()
    log_in(carla, coach.email)
    carla.open("coaching:coach_home")
    assert cast.team.name in carla.page.inner_text("main")
    screenshot(carla.page, "coach-my-teams")
    assert_no_axe_violations(carla.page)
    click_and_wait(carla.page, f"a[href='{reverse('coaching:team_detail', args=[cast.team.pk])}']")
    assert_no_axe_violations(carla.page)
    click_and_wait(carla.page, f"a[href='{reverse('coaching:visit_plan', args=[cast.team.pk])}']")
    assert_no_axe_violations(carla.page)
    day = timezone.localdate() + dt.timedelta(days=7)
    carla.page.check("input[name=kind][value=team_meeting]")
    carla.page.fill("input[name=day]", day.isoformat())
    carla.page.fill("input[name=start]", "10:00")
    carla.page.fill("input[name=end]", "11:00")
    carla.page.fill("input[name=location]", "Zaal 2.14")
    screenshot(carla.page, "coach-visit-plan")
    click_and_wait(carla.page, "form.utrecht-form button[type=submit]")
    visit = Visit.objects.get()
    assert carla.page.url.endswith(reverse("coaching:visit_detail", args=[visit.pk]))
    assert dutch("The visit is planned. Everyone invited gets an invitation.") in (
        carla.page.inner_text(".nv-messages")
    )
    assert timezone.localtime(visit.item.starts_at).hour == 10
    screenshot(carla.page, "coach-visit-planned")
    assert_no_axe_violations(carla.page)

    # -- the visit takes place (time moves on), the coach writes the mirror and a note
    start = timezone.now() - dt.timedelta(hours=3)
    PlannedItem.objects.filter(pk=visit.item_id).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    carla.open("coaching:visit_detail", visit.pk)
    click_and_wait(carla.page, f"a[href='{reverse('coaching:visit_reflect', args=[visit.pk])}']")
    assert_no_axe_violations(carla.page)
    carla.page.fill("textarea[name=reflection]", REFLECTION)
    carla.page.fill("textarea[name=private_note]", NOTE)
    click_and_wait(carla.page, "form.utrecht-form button[type=submit]")
    main = carla.page.inner_text("main")
    assert REFLECTION in main and NOTE in main
    screenshot(carla.page, "coach-visit-reflection")
    assert_no_axe_violations(carla.page)
    visit.refresh_from_db()
    assert visit.reflection == REFLECTION and visit.private_note == NOTE

    # -- the team leader reads the mirror on Team coach, the team page and the visit page
    fatima = tab()
    log_in(fatima, cast.team_leader.email)
    fatima.open("coaching:mine")
    screenshot(fatima.page, "manager-team-coach")
    assert REFLECTION in fatima.page.inner_text("main")
    assert coach.email in fatima.page.inner_text("main")
    assert_no_axe_violations(fatima.page)
    for name, args in (
        ("coaching:team_detail", [cast.team.pk]),
        ("coaching:visit_detail", [visit.pk]),
    ):
        fatima.open(name, *args)
        assert REFLECTION in fatima.page.inner_text("main")
        assert_no_axe_violations(fatima.page)
    screenshot(fatima.page, "manager-visit-reflection")

    # -- and finds the private note nowhere she can go
    reachable = [
        reverse("home"),
        reverse("coaching:mine"),
        reverse("coaching:team_detail", args=[cast.team.pk]),
        reverse("coaching:visit_detail", args=[visit.pk]),
        reverse("coaching:visit_edit", args=[visit.pk]),
        reverse("coaching:visit_reflect", args=[visit.pk]),
        reverse("notifications:agenda"),
        reverse("notifications:item", args=[visit.item.uid]),
        reverse("notifications:item_ics", args=[visit.item.uid]),
    ]
    for path in reachable:
        response = fatima.page.request.get(fatima.base_url + path)
        assert NOTE not in response.text(), path
        assert "onderbrak" not in response.text(), path
    assert fatima.page.request.get(fatima.base_url + reachable[5]).status == 403
