"""The rules of tailored training: who may start, submit, decide, plan, mark and evaluate a
request, what each step writes, and who is told."""

from __future__ import annotations

import datetime as dt

import pytest

from navolging.audit.models import AuditEvent
from navolging.notifications.models import ItemKind
from navolging.training import services
from navolging.training.models import Party, Stage, TrainingEvent, TrainingRequest, View
from navolging.training.services import TrainingError

from .helpers import (
    agree,
    decided,
    delivered,
    draft,
    last_mail_pk,
    mailed_to,
    other_trainer,
    planned,
    programme,
    propose,
    proposed,
    soon,
    started,
    submitted,
)

pytestmark = pytest.mark.django_db


def _actions(training) -> list[str]:
    return list(TrainingEvent.objects.filter(request=training).values_list("action", flat=True))


# -- starting a request ------------------------------------------------------------------------


def test_a_team_leader_starts_a_draft_for_their_team(cast):
    training = draft(cast)
    assert training.stage == Stage.DRAFT
    assert training.requested_by == cast.team_leader.user
    assert _actions(training) == ["created"]
    assert AuditEvent.objects.filter(action="training.created").count() == 1
    assert mailed_to() == []  # a draft is the manager's alone


def test_a_department_head_starts_one_for_their_management_team(cast):
    training = draft(cast, unit=cast.department, scope="mt", by=cast.manager.user)
    assert training.scope == "mt"


@pytest.mark.parametrize("who", ["employee", "manager", "outsider", "trainer", "as_adviser"])
def test_nobody_else_starts_one_for_the_team(cast, who):
    with pytest.raises(TrainingError) as error:
        draft(cast, by=cast.user(who))
    assert error.value.code == "not_allowed"


def test_the_scope_must_fit_the_unit(cast):
    with pytest.raises(TrainingError) as error:
        draft(cast, scope="mt")
    assert error.value.code == "scope"


def test_what_and_why_are_needed(cast):
    with pytest.raises(TrainingError) as error:
        draft(cast, why="  ")
    assert error.value.code == "what_why"


# -- submitting: only after the base programme -------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        (lambda cast: None, "no_programme"),
        (lambda cast: programme(cast.team, completed=False, head=cast.trainer), "not_completed"),
        (lambda cast: programme(cast.team, head=None), "no_head_trainer"),
    ],
)
def test_it_cannot_be_submitted_before_the_base_programme(cast, setup, code):
    setup(cast)
    training = draft(cast)
    with pytest.raises(TrainingError) as error:
        services.request_submit(
            training=training, version=training.version, by=cast.team_leader.user
        )
    assert error.value.code == code
    assert services.submit_problem(training) == code
    training.refresh_from_db()
    assert training.stage == Stage.DRAFT and training.submitted_at is None
    assert training.what.startswith("Een training")  # the draft is kept


def test_the_mt_needs_its_own_base_programme(cast):
    programme(cast.team, head=cast.trainer)  # the team's does not count for the MT
    training = draft(cast, unit=cast.department, scope="mt", by=cast.manager.user)
    assert services.submit_problem(training) == "no_programme"


def test_submitting_tells_the_head_trainer_and_the_as(cast):
    training = submitted(cast)
    assert training.stage == Stage.SUBMITTED and training.submitted_at is not None
    assert sorted(mailed_to()) == sorted([cast.trainer.email, cast.as_adviser.email])
    assert _actions(training) == ["created", "submitted"]


def test_only_the_manager_submits(cast):
    programme(cast.team, head=cast.trainer)
    training = draft(cast)
    with pytest.raises(TrainingError) as error:
        services.request_submit(training=training, version=training.version, by=cast.trainer)
    assert error.value.code == "not_allowed"


# -- the decision ------------------------------------------------------------------------------


def test_all_three_agree_and_the_decision_stands(cast):
    training = proposed(cast)  # the manager proposes, and so agrees
    assert training.stage == Stage.SUBMITTED
    assert training.trainer == cast.trainer  # the head trainer, unless another is chosen
    training = agree(training, cast.trainer)
    assert training.stage == Stage.SUBMITTED
    training = agree(training, cast.as_adviser)
    assert training.stage == Stage.DECIDED_YES and training.decided_at is not None
    assert _actions(training)[-1] == "decided"
    assert TrainingEvent.objects.filter(request=training, action="decided").count() == 1


def test_a_no_needs_a_reason_and_is_decided_the_same_way(cast):
    training = submitted(cast)
    with pytest.raises(TrainingError) as error:
        propose(training, by=cast.as_adviser, yes=False, reason="")
    assert error.value.code == "reason"
    training = propose(training, by=cast.as_adviser, yes=False)
    agree(training, cast.trainer)
    training = agree(training, cast.team_leader.user)
    assert training.stage == Stage.DECIDED_NO
    assert training.no_reason == "Het team redt zich goed"


def test_a_new_proposal_clears_the_views(cast):
    training = proposed(cast)
    training = agree(training, cast.trainer)
    version = training.version
    training = propose(training, by=cast.as_adviser, activity="Een andere aanpak")
    assert training.version == version + 1
    assert list(training.views.values_list("party", flat=True)) == [Party.AS]
    training = agree(training, cast.trainer)
    assert training.stage == Stage.SUBMITTED  # the manager must look again
    training = agree(training, cast.team_leader.user)
    assert training.stage == Stage.DECIDED_YES
    assert training.activity == "Een andere aanpak"


def test_a_view_on_an_old_version_is_refused_and_nothing_changes(cast):
    training = proposed(cast)
    stale = training.version
    propose(training, by=cast.as_adviser, activity="Nieuw voorstel")
    views_before = list(View.objects.values_list("party", "version"))
    with pytest.raises(TrainingError) as error:
        services.view_record(training=training, version=stale, agrees=True, by=cast.trainer)
    assert error.value.code == "conflict"
    assert list(View.objects.values_list("party", "version")) == views_before


def test_a_stale_proposal_is_refused_and_nothing_changes(cast):
    training = proposed(cast)
    stale = training.version - 1
    with pytest.raises(TrainingError) as error:
        services.decision_propose(
            training=training, version=stale, yes=False, reason="Toch niet", by=cast.trainer
        )
    assert error.value.code == "conflict"
    training.refresh_from_db()
    assert training.proposal_yes is True and training.no_reason == ""


def test_not_agreeing_needs_a_remark_and_tells_the_others(cast):
    training = proposed(cast)
    with pytest.raises(TrainingError) as error:
        agree(training, cast.trainer, agrees=False)
    assert error.value.code == "remark"
    since = last_mail_pk()
    training = agree(training, cast.trainer, agrees=False, remark="Liever drie workshops")
    assert training.stage == Stage.SUBMITTED
    assert sorted(mailed_to(since)) == sorted([cast.team_leader.email, cast.as_adviser.email])


@pytest.mark.parametrize("who", ["employee", "manager", "outsider", "office", "other_trainer"])
def test_only_the_three_parties_decide(cast, who):
    training = proposed(cast)
    user = other_trainer() if who == "other_trainer" else cast.user(who)
    with pytest.raises(TrainingError) as error:
        services.view_record(training=training, version=training.version, agrees=True, by=user)
    assert error.value.code == "not_allowed"
    with pytest.raises(TrainingError):
        propose(training, by=user)
    with pytest.raises(TrainingError):
        services.request_send_back(
            training=training, version=training.version, remark="Nee", by=user
        )


def test_any_party_sends_it_back_and_the_manager_submits_again(cast):
    training = proposed(cast)
    since = last_mail_pk()
    training = services.request_send_back(
        training=training, version=training.version, remark="Maak het concreter", by=cast.trainer
    )
    assert training.stage == Stage.DRAFT
    assert training.proposal_yes is None and training.activity == ""
    assert not training.views.exists()
    assert sorted(mailed_to(since)) == sorted([cast.team_leader.email, cast.as_adviser.email])
    event = TrainingEvent.objects.filter(request=training).last()
    assert (event.action, event.remark) == ("sent_back", "Maak het concreter")
    training = services.request_update(
        training=training,
        version=training.version,
        what="Twee workshops aanspreken",
        why="Concreet",
        by=cast.team_leader.user,
    )
    training = services.request_submit(
        training=training, version=training.version, by=cast.team_leader.user
    )
    assert training.stage == Stage.SUBMITTED


def test_sending_back_needs_a_remark(cast):
    training = proposed(cast)
    with pytest.raises(TrainingError) as error:
        services.request_send_back(
            training=training, version=training.version, remark=" ", by=cast.as_adviser
        )
    assert error.value.code == "remark"


def test_a_yes_needs_an_activity_dates_and_hours(cast):
    training = submitted(cast)
    for extra, code in [
        ({"activity": ""}, "activity"),
        ({"starts_on": None}, "dates"),
        ({"ends_on": dt.date(2026, 2, 1)}, "ends_before_start"),
        ({"hours": None}, "hours"),
    ]:
        with pytest.raises(TrainingError) as error:
            propose(training, by=cast.trainer, **extra)
        assert error.value.code == code


# -- plan, deliver, evaluate -------------------------------------------------------------------


def test_planning_invites_the_team_the_manager_and_the_trainer(cast):
    training = decided(cast)
    since = last_mail_pk()
    starts_at, ends_at = soon()
    training = services.request_plan(
        training=training, starts_at=starts_at, ends_at=ends_at, by=cast.trainer
    )
    assert training.stage == Stage.PLANNED
    assert training.item.kind == ItemKind.TRAINING
    invited = set(training.item.attendances.values_list("user__email", flat=True))
    assert invited == {cast.employee.email, cast.team_leader.email, cast.trainer.email}
    assert cast.as_adviser.email in mailed_to(since)  # told of the step, not invited


def test_an_mt_training_invites_the_management_team(cast):
    programme(cast.department, scope="mt", head=cast.trainer)
    training = draft(cast, unit=cast.department, scope="mt", by=cast.manager.user)
    training = services.request_submit(
        training=training, version=training.version, by=cast.manager.user
    )
    training = propose(training, by=cast.manager.user)
    agree(training, cast.trainer)
    training = agree(training, cast.as_adviser)
    starts_at, ends_at = soon()
    training = services.request_plan(
        training=training, starts_at=starts_at, ends_at=ends_at, by=cast.manager.user
    )
    invited = set(training.item.attendances.values_list("user__email", flat=True))
    assert invited == {cast.manager.email, cast.team_leader.email, cast.trainer.email}


def test_nobody_plans_before_the_decision_or_without_the_right(cast):
    training = proposed(cast)
    starts_at, ends_at = soon()
    with pytest.raises(TrainingError) as error:
        services.request_plan(
            training=training, starts_at=starts_at, ends_at=ends_at, by=cast.team_leader.user
        )
    assert error.value.code == "not_now"
    agree(training, cast.trainer)
    training = agree(training, cast.as_adviser)
    with pytest.raises(TrainingError) as error:
        services.request_plan(
            training=training, starts_at=starts_at, ends_at=ends_at, by=cast.as_adviser
        )
    assert error.value.code == "not_allowed"


def test_it_is_marked_given_only_after_it_started(cast):
    training = planned(cast)
    with pytest.raises(TrainingError) as error:
        services.request_delivered(training=training, by=cast.trainer)
    assert error.value.code == "not_yet"
    training = services.request_delivered(training=started(training), by=cast.team_leader.user)
    assert training.stage == Stage.DELIVERED and training.delivered_at is not None


def test_manager_and_trainer_evaluate_and_then_it_is_evaluated(cast):
    training = delivered(cast)
    training = services.evaluation_give(
        training=training, score=4, remark="Nuttig", by=cast.team_leader.user
    )
    assert training.stage == Stage.DELIVERED
    with pytest.raises(TrainingError) as error:
        services.evaluation_give(training=training, score=5, by=cast.team_leader.user)
    assert error.value.code == "already"
    with pytest.raises(TrainingError) as error:
        services.evaluation_give(training=training, score=5, by=cast.as_adviser)
    assert error.value.code == "not_allowed"
    with pytest.raises(TrainingError) as error:
        services.evaluation_give(training=training, score=6, by=cast.trainer)
    assert error.value.code == "score"
    training = services.evaluation_give(training=training, score=3, by=cast.trainer)
    assert training.stage == Stage.EVALUATED
    assert sorted(training.evaluations.values_list("party", "score")) == [
        (Party.HEAD_TRAINER, 3),
        (Party.MANAGER, 4),
    ]
    assert _actions(training)[-3:] == ["evaluated", "evaluated", "completed"]


def test_everyone_involved_is_told_at_each_step(cast):
    """Every step from submitting on mails the others involved, never the one who acted."""
    involved = {cast.team_leader.email, cast.trainer.email, cast.as_adviser.email}
    training = submitted(cast)
    steps = [
        (cast.team_leader.user, lambda t, u: propose(t, by=u)),
        (cast.trainer, lambda t, u: agree(t, u)),
        (cast.as_adviser, lambda t, u: agree(t, u)),
    ]
    for user, step in steps:
        since = last_mail_pk()
        training = step(training, user)
        told = set(mailed_to(since))
        assert told == involved - {user.email}, (user.email, told)
    assert training.stage == Stage.DECIDED_YES
    since = last_mail_pk()
    starts_at, ends_at = soon()
    training = services.request_plan(
        training=training, starts_at=starts_at, ends_at=ends_at, by=cast.team_leader.user
    )
    assert {cast.trainer.email, cast.as_adviser.email} <= set(mailed_to(since))
    since = last_mail_pk()
    training = services.request_delivered(training=started(training), by=cast.trainer)
    assert set(mailed_to(since)) == involved - {cast.trainer.email}
    since = last_mail_pk()
    services.evaluation_give(training=training, score=4, by=cast.team_leader.user)
    assert set(mailed_to(since)) == involved - {cast.team_leader.email}


def test_the_mail_names_the_team_and_links_to_the_request(cast):
    from navolging.notifications.models import OutboxMessage

    training = submitted(cast)
    message = OutboxMessage.objects.get(to_email=cast.as_adviser.email)
    assert cast.team.name in message.subject
    assert f"/maatwerk/{training.pk}/" in message.body_text
    assert TrainingRequest.objects.get().what not in message.body_text  # details stay inside
