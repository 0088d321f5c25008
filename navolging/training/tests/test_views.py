"""The pages: who may see a request at each step (404 for anyone else), what each may do
there, the messages when a step is refused, and the lists and figures."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from navolging.followup.models import FollowUpSession, SessionScope
from navolging.notifications.models import PlannedItem
from navolging.training.models import Stage, TrainingRequest
from navolging.training.views import _error_text

from .helpers import (
    agree,
    decided,
    delivered,
    draft,
    other_trainer,
    planned,
    programme,
    propose,
    proposed,
    submitted,
)

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _detail(training) -> str:
    return reverse("training:request_detail", args=[training.pk])


# -- who may see -------------------------------------------------------------------------------


STEPS = {
    "submitted": submitted,
    "proposed": proposed,
    "decided": decided,
    "planned": planned,
    "delivered": delivered,
}
AFTER = {
    "submitted": Stage.SUBMITTED,
    "proposed": Stage.SUBMITTED,
    "decided": Stage.DECIDED_YES,
    "planned": Stage.PLANNED,
    "delivered": Stage.DELIVERED,
}


@pytest.mark.parametrize("step", list(STEPS))
def test_the_parties_and_the_office_see_the_request_at_each_step(cast, step):
    training = STEPS[step](cast)
    for user in (cast.team_leader.user, cast.trainer, cast.as_adviser, cast.office):
        assert _client(user).get(_detail(training)).status_code == 200, user.email


@pytest.mark.parametrize("step", list(STEPS))
def test_nobody_else_sees_the_request_at_any_step(cast, step):
    training = STEPS[step](cast)
    others = [
        cast.outsider.user,  # an outsider
        cast.manager.user,  # another manager: the team leader's own manager
        cast.director.user,  # another manager higher up
        cast.employee.user,  # a member of the team: only the agenda item
        other_trainer(),  # another trainer
    ]
    for user in others:
        client = _client(user)
        assert client.get(_detail(training)).status_code == 404, user.email
        for name in ("request_edit", "request_propose", "request_plan"):
            url = reverse(f"training:{name}", args=[training.pk])
            assert client.get(url).status_code == 404, (name, user.email)
        for name in ("request_view", "request_send_back", "request_submit", "request_evaluate"):
            url = reverse(f"training:{name}", args=[training.pk])
            data = {"version": training.version, "agrees": "yes", "remark": "x", "score": 5}
            assert client.post(url, data).status_code == 404, (name, user.email)
    training.refresh_from_db()
    assert training.stage == AFTER[step]  # nothing changed


def test_a_draft_never_submitted_is_the_managers_alone(cast):
    programme(cast.team, head=cast.trainer)
    training = draft(cast)
    assert _client(cast.team_leader.user).get(_detail(training)).status_code == 200
    for user in (cast.trainer, cast.as_adviser, cast.office):
        assert _client(user).get(_detail(training)).status_code == 404


def test_the_trainer_of_the_activity_sees_it_too(cast):
    training = submitted(cast)
    trainer = other_trainer()
    propose(training, by=cast.team_leader.user, trainer=trainer)
    assert _client(trainer).get(_detail(training)).status_code == 200


def test_the_office_reads_but_cannot_act(cast):
    training = proposed(cast)
    client = _client(cast.office)
    page = client.get(_detail(training)).content.decode()
    assert _("I agree with this proposal") not in page
    response = client.post(
        reverse("training:request_view", args=[training.pk]),
        {"version": training.version, "agrees": "yes"},
    )
    assert response.status_code == 400
    assert escape(_error_text("not_allowed")) in response.content.decode()
    assert training.views.count() == 1


# -- starting and submitting -------------------------------------------------------------------


def test_the_form_is_filled_from_a_follow_up_session(cast):
    from navolging.followup.tests.helpers import held, plan, record

    session = held(plan(cast, scope=SessionScope.TEAM))
    record(
        session,
        needs_more=True,
        need_what="Oefenen met aanspreken",
        need_why="Niemand durft het nog",
    )
    client = _client(cast.team_leader.user)
    url = reverse("training:request_create") + f"?session={session.pk}"
    page = client.get(url).content.decode()
    assert "Oefenen met aanspreken" in page and "Niemand durft het nog" in page
    assert f'value="{cast.team.pk}:team" selected' in page
    response = client.post(
        url,
        {
            "target": f"{cast.team.pk}:team",
            "what": "Oefenen met aanspreken",
            "why": "Niemand durft het nog",
            "session": session.pk,
        },
    )
    training = TrainingRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(training)
    assert training.source_session == FollowUpSession.objects.get()
    assert training.stage == Stage.DRAFT


def test_someone_who_leads_nothing_cannot_start_one(cast):
    client = _client(cast.employee.user)
    page = client.get(reverse("training:request_create")).content.decode()
    assert (
        escape(
            _(
                "Only the manager of a team or management team can ask for tailored "
                "training. You do not lead a team or department."
            )
        )
        in page
    )
    response = client.post(
        reverse("training:request_create"),
        {"target": f"{cast.team.pk}:team", "what": "x", "why": "y"},
    )
    assert response.status_code == 400
    assert not TrainingRequest.objects.exists()


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        (lambda cast: None, "no_programme"),
        (lambda cast: programme(cast.team, completed=False, head=cast.trainer), "not_completed"),
        (lambda cast: programme(cast.team), "no_head_trainer"),
    ],
)
def test_the_page_says_what_is_missing_and_keeps_the_draft(cast, setup, code):
    setup(cast)
    training = draft(cast)
    client = _client(cast.team_leader.user)
    assert escape(_error_text(code)) in client.get(_detail(training)).content.decode()
    response = client.post(
        reverse("training:request_submit", args=[training.pk]), {"version": training.version}
    )
    assert response.status_code == 400
    assert escape(_error_text(code)) in response.content.decode()
    training.refresh_from_db()
    assert training.stage == Stage.DRAFT and training.what.startswith("Een training")


def test_the_manager_submits_from_the_page(cast):
    programme(cast.team, head=cast.trainer)
    training = draft(cast)
    response = _client(cast.team_leader.user).post(
        reverse("training:request_submit", args=[training.pk]), {"version": training.version}
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.stage == Stage.SUBMITTED


# -- R22 on the pages --------------------------------------------------------------------------


def test_a_stale_view_gets_the_conflict_message_and_changes_nothing(cast):
    training = proposed(cast)
    stale = training.version
    client = _client(cast.as_adviser)
    client.post(
        reverse("training:request_propose", args=[training.pk]),
        {
            "decision": "no",
            "reason": "Eerst de teamcoach",
            "version": stale,
        },
    )
    training.refresh_from_db()
    assert training.proposal_yes is False and training.version == stale + 1
    before = list(training.views.values_list("party", "agrees", "version"))
    response = _client(cast.trainer).post(
        reverse("training:request_view", args=[training.pk]),
        {"version": stale, "agrees": "yes", "remark": ""},
    )
    assert response.status_code == 400
    assert escape(_error_text("conflict")) in response.content.decode()
    assert list(training.views.values_list("party", "agrees", "version")) == before
    training.refresh_from_db()
    assert training.stage == Stage.SUBMITTED and training.proposal_yes is False


def test_a_stale_edit_of_the_draft_is_refused(cast):
    training = draft(cast)
    client = _client(cast.team_leader.user)
    url = reverse("training:request_edit", args=[training.pk])
    assert client.post(url, {"what": "A", "why": "B", "version": 0}).status_code == 302
    response = client.post(url, {"what": "C", "why": "D", "version": 0})
    assert response.status_code == 400
    assert escape(_error_text("conflict")) in response.content.decode()
    training.refresh_from_db()
    assert (training.what, training.why) == ("A", "B")


# -- the whole way through the pages -----------------------------------------------------------


def test_the_pages_take_a_request_from_proposal_to_evaluation(cast):
    training = submitted(cast)
    manager, trainer, adviser = (
        _client(cast.team_leader.user),
        _client(cast.trainer),
        _client(cast.as_adviser),
    )
    page = trainer.get(reverse("training:request_propose", args=[training.pk]))
    assert page.status_code == 200
    assert f'<option value="{cast.trainer.pk}" selected>' in page.content.decode()
    response = trainer.post(
        reverse("training:request_propose", args=[training.pk]),
        {"decision": "yes", "version": training.version},
    )
    assert response.status_code == 400  # a yes without activity, dates and hours
    response = trainer.post(
        reverse("training:request_propose", args=[training.pk]),
        {
            "decision": "yes",
            "activity": "Drie workshops",
            "trainer": cast.trainer.pk,
            "starts_on": "2026-03-01",
            "ends_on": "2026-04-01",
            "hours": "7.5",
            "version": training.version,
        },
    )
    assert response.status_code == 302
    training.refresh_from_db()
    for client in (manager, adviser):
        response = client.post(
            reverse("training:request_view", args=[training.pk]),
            {"version": training.version, "agrees": "yes", "remark": ""},
        )
        assert response.status_code == 302
    training.refresh_from_db()
    assert training.stage == Stage.DECIDED_YES
    assert trainer.get(reverse("training:request_plan", args=[training.pk])).status_code == 200
    response = manager.post(
        reverse("training:request_plan", args=[training.pk]),
        {"day": "2099-05-01", "start": "09:00", "end": "12:00", "location": "Zaal 1"},
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.stage == Stage.PLANNED
    assert (
        manager.post(reverse("training:request_delivered", args=[training.pk])).status_code == 400
    )
    PlannedItem.objects.filter(pk=training.item_id).update(
        starts_at=training.item.starts_at.replace(year=2020),
        ends_at=training.item.ends_at.replace(year=2020),
    )
    assert (
        trainer.post(reverse("training:request_delivered", args=[training.pk])).status_code == 302
    )
    for client, score in ((manager, 5), (trainer, 4)):
        response = client.post(
            reverse("training:request_evaluate", args=[training.pk]), {"score": score}
        )
        assert response.status_code == 302
    training.refresh_from_db()
    assert training.stage == Stage.EVALUATED
    page = manager.get(_detail(training)).content.decode()
    for action in ("Submitted", "Decision proposed", "Decision taken", "Planned", "Training given"):
        assert _(action) in page
    rows = manager.get(_detail(training)).context["parties"]
    assert [bool(row["view"] and row["view"].agrees) for row in rows] == [True, True, True]


def test_sending_back_needs_a_remark_on_the_page(cast):
    training = proposed(cast)
    client = _client(cast.as_adviser)
    url = reverse("training:request_send_back", args=[training.pk])
    assert client.post(url, {"version": training.version, "remark": ""}).status_code == 400
    assert client.post(url, {"version": training.version, "remark": "Te vaag"}).status_code == 302
    training.refresh_from_db()
    assert training.stage == Stage.DRAFT


# -- lists and figures -------------------------------------------------------------------------


def test_the_as_sees_what_waits_for_them(cast):
    waiting = proposed(cast)
    client = _client(cast.as_adviser)
    page = client.get(reverse("training:as_waiting")).content.decode()
    assert _detail(waiting) in page
    agree(waiting, cast.as_adviser)
    page = client.get(reverse("training:as_waiting")).content.decode()
    assert escape(_("Nothing is waiting for you.")) in page


def test_the_lists_send_each_role_to_their_own(cast):
    training = submitted(cast)
    assert _client(cast.as_adviser).get(reverse("training:request_list"))["Location"] == reverse(
        "training:as_waiting"
    )
    assert _client(cast.trainer).get(reverse("training:request_list"))["Location"] == reverse(
        "training:trainer_list"
    )
    page = _client(cast.trainer).get(reverse("training:trainer_list")).content.decode()
    assert _detail(training) in page
    page = _client(cast.team_leader.user).get(reverse("training:request_list")).content.decode()
    assert _detail(training) in page
    page = _client(other_trainer()).get(reverse("training:trainer_list")).content.decode()
    assert _detail(training) not in page
    page = _client(cast.manager.user).get(reverse("training:request_list")).content.decode()
    assert _detail(training) not in page


def test_the_office_sees_requests_per_stage_and_the_time_to_decide(cast):
    decided(cast)
    page = _client(cast.office).get(reverse("training:office"))
    assert page.status_code == 200
    stages = {row.stage: row.count for row in page.context["stages"]}
    assert stages[Stage.DECIDED_YES] == 1 and stages[Stage.SUBMITTED] == 0
    assert len(page.context["times"]) == 1 and page.context["median"] == 0.0
