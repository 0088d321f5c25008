"""A follow-up session in a real browser (issue 7): the office plans a session for a team,
led by its team leader; after it, the leader records progress, an anonymous shared best
practice and a need; an employee finds the best practice in the library without a name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from navolging.followup.models import BestPractice, FollowUpSession, Goal, GoalProgress
from navolging.lib.browser import (
    assert_no_axe_violations,
    click_and_wait,
    dutch,
    log_in,
    screenshot,
)
from navolging.lib.testing import PASSWORD
from navolging.notifications.models import PlannedItem

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

STORY = "Toen een collega een grap over een ander maakte, zeiden we samen: zo doen we het niet."


def test_the_office_plans_the_leader_records_and_the_library_shows_no_author(browser_cast, tab):
    cast = browser_cast
    leader = cast.team_leader
    leader.user.set_password(PASSWORD)
    leader.user.save(update_fields=["password"])

    # -- the office plans a session for the team, led by the team leader
    office = tab()
    log_in(office, cast.office.email)
    office.open("followup:session_list")
    assert_no_axe_violations(office.page)
    click_and_wait(office.page, f"a[href='{reverse('followup:session_plan')}']")
    office.page.select_option("select[name=unit]", str(cast.team.pk))
    office.page.check("input[name=scope][value=team]")
    assert_no_axe_violations(office.page)
    click_and_wait(office.page, "form.utrecht-form button[type=submit]")
    day = timezone.localdate() + dt.timedelta(days=7)
    office.page.fill("input[name=day]", day.isoformat())
    office.page.fill("input[name=start]", "14:00")
    office.page.fill("input[name=end]", "15:30")
    office.page.fill("input[name=location]", "Zaal 3")
    assert office.page.is_checked(f"input[name=participants][value='{cast.employee.user.pk}']")
    assert office.page.input_value("select[name=led_by]") == str(leader.user.pk)
    assert_no_axe_violations(office.page)
    screenshot(office.page, "followup-plan")
    click_and_wait(office.page, "form.utrecht-form button[type=submit]")
    session = FollowUpSession.objects.get()
    assert office.page.url.endswith(reverse("followup:session_detail", args=[session.pk]))
    assert dutch("The session is planned. Everyone invited gets an invitation.") in (
        office.page.inner_text(".nv-messages")
    )
    assert timezone.localtime(session.item.starts_at).hour == 14
    assert_no_axe_violations(office.page)

    # -- time passes; the leader writes the record
    start = timezone.now() - dt.timedelta(hours=2)
    PlannedItem.objects.filter(pk=session.item_id).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    fatima = tab()
    log_in(fatima, leader.email)
    fatima.open("followup:session_detail", session.pk)
    assert_no_axe_violations(fatima.page)
    record_url = reverse("followup:session_record", args=[session.pk])
    click_and_wait(fatima.page, f"a[href='{record_url}']")
    goals = list(Goal.objects.active())
    for number, goal in enumerate(goals):
        fatima.page.check(f"input[name=score_{goal.pk}][value='{number % 5 + 1}']")
    fatima.page.fill(f"input[name=remark_{goals[0].pk}]", "Nog onwennig")
    fatima.page.fill("textarea[name=went_well]", "Iedereen deed mee.")
    fatima.page.check("input[name=needs_more]")
    fatima.page.fill("textarea[name=need_what]", "Een training over aanspreken.")
    fatima.page.fill("textarea[name=need_why]", "Het lukt nog niet bij leidinggevenden.")
    fatima.page.fill("input[name=bp-0-title]", "Samen zeggen: zo niet")
    fatima.page.fill("textarea[name=bp-0-text]", STORY)
    fatima.page.locator("input[name=bp-0-themes]").first.check()
    fatima.page.check("input[name=bp-0-shared]")
    fatima.page.check("input[name=bp-0-anonymous]")
    assert_no_axe_violations(fatima.page)
    screenshot(fatima.page, "followup-record")
    click_and_wait(fatima.page, "form.utrecht-form button[type=submit]")
    assert dutch("The record is saved.") in fatima.page.inner_text(".nv-messages")
    main = fatima.page.inner_text("main")
    assert "Een training over aanspreken." in main and "Iedereen deed mee." in main
    assert_no_axe_violations(fatima.page)
    session.refresh_from_db()
    assert session.needs_more and session.recorded_at
    assert GoalProgress.objects.filter(session=session).count() == len(goals)
    practice = BestPractice.objects.get()
    assert practice.author == leader.user and practice.anonymous and practice.shared

    # -- an employee finds it in the library, without a name
    jan = tab()
    log_in(jan, cast.employee.email)
    jan.open("followup:practice_list")
    assert_no_axe_violations(jan.page)
    jan.page.fill("input[name=q]", "zo niet")
    click_and_wait(jan.page, "form.nv-search button[type=submit]")
    assert "Samen zeggen: zo niet" in jan.page.inner_text("main")
    assert leader.full_name not in jan.page.content()
    screenshot(jan.page, "followup-library")
    click_and_wait(jan.page, f"a[href='{reverse('followup:practice_detail', args=[practice.pk])}']")
    main = jan.page.inner_text("main")
    assert STORY in main
    assert dutch("Published without a name") in main
    assert leader.full_name not in jan.page.content() and leader.email not in jan.page.content()
    assert_no_axe_violations(jan.page)
    api = jan.page.request.get(jan.base_url + "/api/best-practices").json()
    assert api[0]["author"] is None
