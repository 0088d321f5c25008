"""Tailored training in a real browser (issue 7, "Done when"): a follow-up session records a
need, the manager starts a request from it and submits, the head trainer and the AS agree
with the manager's proposal, it is planned, given and evaluated by manager and trainer. And a
team without a completed base programme cannot submit: the page says why, the draft stays."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from navolging.followup.models import SessionScope
from navolging.followup.tests.helpers import held, plan
from navolging.lib.browser import (
    assert_no_axe_violations,
    click_and_wait,
    dutch,
    log_in,
    screenshot,
)
from navolging.lib.testing import PASSWORD
from navolging.notifications.models import PlannedItem
from navolging.training.models import Stage, TrainingEvent, TrainingRequest
from navolging.training.views import _error_text

from .helpers import programme

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WHAT = "Een training over elkaar aanspreken."
WHY = "Het lukt nog niet om ongewenst gedrag te benoemen."


def _passwords(*users) -> None:
    for user in users:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])


def _detail(training) -> str:
    return reverse("training:request_detail", args=[training.pk])


def test_a_need_from_a_follow_up_session_becomes_an_evaluated_training(browser_cast, tab):
    cast = browser_cast
    programme(cast.team, head=cast.trainer)
    _passwords(cast.team_leader.user, cast.trainer, cast.as_adviser)
    session = held(plan(cast, scope=SessionScope.TEAM))  # led by the team leader

    # -- the team leader records the session: the team needs more
    fatima = tab()
    log_in(fatima, cast.team_leader.email)
    fatima.open("followup:session_record", session.pk)
    fatima.page.check("input[name=needs_more]")
    fatima.page.fill("textarea[name=need_what]", WHAT)
    fatima.page.fill("textarea[name=need_why]", WHY)
    click_and_wait(fatima.page, "form.utrecht-form button[type=submit]")
    session.refresh_from_db()
    assert session.needs_more

    # -- and starts the request from the session's page, filled in from the record
    fatima.open("followup:session_detail", session.pk)
    click_and_wait(fatima.page, f"a[href^='{reverse('training:request_create')}?session=']")
    assert fatima.page.input_value("textarea[name=what]") == WHAT
    assert fatima.page.input_value("textarea[name=why]") == WHY
    assert_no_axe_violations(fatima.page)
    screenshot(fatima.page, "training-create")
    click_and_wait(fatima.page, "form.utrecht-form button[type=submit]")
    training = TrainingRequest.objects.get()
    assert training.source_session_id == session.pk and training.stage == Stage.DRAFT
    assert fatima.page.url.endswith(_detail(training))
    assert_no_axe_violations(fatima.page)

    # -- submits it and proposes the decision
    click_and_wait(
        fatima.page,
        f"form[action='{reverse('training:request_submit', args=[training.pk])}'] button",
    )
    assert dutch("Submitted. The head trainer and the %(as)s are told.").split("%")[0] in (
        fatima.page.inner_text(".nv-messages")
    )
    click_and_wait(
        fatima.page, f"a[href='{reverse('training:request_propose', args=[training.pk])}']"
    )
    assert_no_axe_violations(fatima.page)
    fatima.page.check("input[name=decision][value=yes]")
    fatima.page.fill("textarea[name=activity]", "Twee workshops aanspreken")
    fatima.page.fill("input[name=starts_on]", "2026-03-01")
    fatima.page.fill("input[name=ends_on]", "2026-04-01")
    fatima.page.fill("input[name=hours]", "6")
    screenshot(fatima.page, "training-propose")
    click_and_wait(fatima.page, "form.utrecht-form button[type=submit]")
    assert dutch("Your proposal is saved. The others are asked for their view.") in (
        fatima.page.inner_text(".nv-messages")
    )
    assert_no_axe_violations(fatima.page)

    # -- the head trainer finds it on their list and agrees
    tamara = tab()
    log_in(tamara, cast.trainer.email)
    tamara.open("training:trainer_list")
    assert_no_axe_violations(tamara.page)
    click_and_wait(tamara.page, f"main a[href='{_detail(training)}']")
    click_and_wait(tamara.page, "button[name=agrees][value=yes]")
    assert dutch("Your view is saved.") in tamara.page.inner_text(".nv-messages")

    # -- the AS finds it waiting and agrees: the decision stands
    anne = tab()
    log_in(anne, cast.as_adviser.email)
    anne.open("training:as_waiting")
    assert_no_axe_violations(anne.page)
    screenshot(anne.page, "training-as-waiting")
    click_and_wait(anne.page, f"main a[href='{_detail(training)}']")
    assert_no_axe_violations(anne.page)
    anne.page.fill("textarea[name=remark]", "Goed plan.")
    click_and_wait(anne.page, "button[name=agrees][value=yes]")
    assert dutch("All three agree: the decision stands.") in anne.page.inner_text(".nv-messages")
    training.refresh_from_db()
    assert training.stage == Stage.DECIDED_YES
    screenshot(anne.page, "training-decided")

    # -- the trainer plans it; the team gets the invitation
    tamara.open("training:request_detail", training.pk)
    click_and_wait(tamara.page, f"a[href='{reverse('training:request_plan', args=[training.pk])}']")
    assert_no_axe_violations(tamara.page)
    day = timezone.localdate() + dt.timedelta(days=14)
    tamara.page.fill("input[name=day]", day.isoformat())
    tamara.page.fill("input[name=start]", "09:00")
    tamara.page.fill("input[name=end]", "12:00")
    tamara.page.fill("input[name=location]", "Zaal 4")
    click_and_wait(tamara.page, "form.utrecht-form button[type=submit]")
    training.refresh_from_db()
    assert training.stage == Stage.PLANNED
    assert training.item.attendances.filter(user=cast.employee.user).exists()

    # -- time passes: it is given, and both evaluate
    start = timezone.now() - dt.timedelta(hours=4)
    PlannedItem.objects.filter(pk=training.item_id).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=3)
    )
    tamara.open("training:request_detail", training.pk)
    click_and_wait(
        tamara.page,
        f"form[action='{reverse('training:request_delivered', args=[training.pk])}'] button",
    )
    tamara.page.check("input[name=score][value='4']")
    tamara.page.fill("textarea[name=remark]", "Actieve groep")
    click_and_wait(
        tamara.page,
        f"form[action='{reverse('training:request_evaluate', args=[training.pk])}'] button",
    )
    assert_no_axe_violations(tamara.page)
    fatima.open("training:request_detail", training.pk)
    fatima.page.check("input[name=score][value='5']")
    click_and_wait(
        fatima.page,
        f"form[action='{reverse('training:request_evaluate', args=[training.pk])}'] button",
    )
    training.refresh_from_db()
    assert training.stage == Stage.EVALUATED
    main = fatima.page.inner_text("main")
    assert dutch("Evaluated by manager and trainer") in main
    assert dutch("Decision taken") in main
    assert_no_axe_violations(fatima.page)
    screenshot(fatima.page, "training-evaluated")
    assert TrainingEvent.objects.filter(request=training, action="decided").count() == 1

    # -- the office sees it in the figures
    office = tab()
    log_in(office, cast.office.email)
    office.open("training:office")
    assert_no_axe_violations(office.page)
    screenshot(office.page, "training-office")
    assert cast.team.name in office.page.inner_text("main")


def test_a_team_without_a_completed_base_programme_cannot_submit(browser_cast, tab):
    cast = browser_cast
    programme(cast.team, completed=False, head=cast.trainer)
    _passwords(cast.team_leader.user)
    fatima = tab()
    log_in(fatima, cast.team_leader.email)
    fatima.open("training:request_list")
    assert_no_axe_violations(fatima.page)
    click_and_wait(fatima.page, f"main a[href='{reverse('training:request_create')}']")
    fatima.page.select_option("select[name=target]", f"{cast.team.pk}:team")
    fatima.page.fill("textarea[name=what]", WHAT)
    fatima.page.fill("textarea[name=why]", WHY)
    click_and_wait(fatima.page, "form.utrecht-form button[type=submit]")
    training = TrainingRequest.objects.get()
    reason = _error_text("not_completed")
    assert reason in fatima.page.inner_text("main")  # said before trying
    click_and_wait(
        fatima.page,
        f"form[action='{reverse('training:request_submit', args=[training.pk])}'] button",
    )
    assert reason in fatima.page.inner_text("[role=alert]")
    assert_no_axe_violations(fatima.page)
    screenshot(fatima.page, "training-not-completed")
    training.refresh_from_db()
    assert training.stage == Stage.DRAFT
    assert (training.what, training.why) == (WHAT, WHY)
