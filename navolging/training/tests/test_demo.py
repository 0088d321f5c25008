"""Tailored training in the demo organisation: requests over the past year in every stage, only
for teams that completed their base programme, each in the state the workflow leaves at that
stage; the demo team asks nothing; no mail."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from navolging.accounts.models import User
from navolging.audit.models import AuditEvent
from navolging.notifications.models import ItemKind, OutboxMessage
from navolging.organisation import demo
from navolging.organisation.models import BaseProgramme, ProgrammeScope, UnitKind
from navolging.training import selectors, services
from navolging.training.demo import training_demo_load
from navolging.training.models import Party, Stage, TrainingRequest

SIZE = 600  # 45 teams: the minimum of twelve requests
DECIDED = (Stage.DECIDED_YES, Stage.PLANNED, Stage.DELIVERED, Stage.EVALUATED)
ORDER = ["created", "submitted", "proposed", "agreed", "decided", "planned", "delivered"]


@pytest.fixture
def loaded(db):
    call_command("demo", size=SIZE, seed=7, verbosity=0, stdout=StringIO(), stderr=StringIO())
    return {
        login.role: User.objects.get(email=login.email) for login in demo.demo_logins_recorded()
    }


def _requests():
    return TrainingRequest.objects.select_related("unit__head", "unit__parent__head", "item")


def test_at_least_twelve_requests_in_every_stage_over_the_past_year(loaded):
    requests = list(_requests())
    assert len(requests) >= 12
    assert set(Counter(r.stage for r in requests)) == set(Stage.values)
    now = timezone.now()
    assert all(now - dt.timedelta(days=366) <= r.created_at <= now for r in requests)
    months = {(r.created_at.year, r.created_at.month) for r in requests}
    assert len(months) >= 4  # spread out, not all at once


def test_only_teams_that_completed_their_base_programme_ask(loaded):
    for training in _requests():
        assert training.scope == "team" and training.unit.kind == UnitKind.TEAM
        programme = BaseProgramme.objects.get(unit=training.unit, scope=ProgrammeScope.TEAM)
        assert programme.completed_on is not None and programme.head_trainer is not None
        assert timezone.localdate(training.created_at) >= programme.completed_on
        assert services.submit_problem(training) is None
        assert training.requested_by == services.manager_of(training)


def test_the_demo_team_asks_nothing(loaded):
    teams = {loaded["employee"].person.unit_id, loaded["team_leader"].person.unit_id}
    assert not TrainingRequest.objects.filter(unit_id__in=teams).exists()
    assert selectors.managed_requests(loaded["team_leader"]) == []


def test_each_request_is_in_the_state_its_stage_leaves(loaded):
    now = timezone.now()
    for training in _requests().prefetch_related("views", "evaluations", "events"):
        views = {view.party: view for view in training.views.all()}
        events = list(training.events.all())
        actions = [event.action for event in events]
        assert actions[0] == "created" and events[0].by == training.requested_by
        assert all(a.at <= b.at <= now for a, b in zip(events, events[1:], strict=False))
        for view in views.values():
            assert view.agrees and view.version == 2
            assert view.party in services.parties_of(view.user, training)
        if training.stage == Stage.DRAFT:
            assert training.submitted_at is None and training.proposal_yes is None
            assert not views and actions == ["created"] and training.version == 0
            continue
        submitted = next(e for e in events if e.action == "submitted")
        assert submitted.at == training.submitted_at
        assert (
            training.version
            == {
                Stage.SUBMITTED: 2 if training.proposal_yes is not None else 1,
                Stage.DECIDED_YES: 3,
                Stage.DECIDED_NO: 3,
                Stage.PLANNED: 4,
                Stage.DELIVERED: 5,
                Stage.EVALUATED: 6,
            }[training.stage]
        )
        if training.stage == Stage.SUBMITTED:
            assert training.decided_at is None and len(views) < 3
            assert training.item is None and "decided" not in actions
            continue
        # Decided: all three parties agreed, 10 to 70 days after the submission.
        assert set(views) == set(Party.values)
        assert 10 <= (training.decided_at - training.submitted_at).days <= 71
        decided = next(e for e in events if e.action == "decided")
        assert decided.at == training.decided_at
        assert [a for a in actions if a in ORDER] == sorted(
            (a for a in actions if a in ORDER), key=ORDER.index
        )
        if training.stage == Stage.DECIDED_NO:
            assert training.proposal_yes is False and training.no_reason
            assert training.trainer is None and training.item is None
            continue
        assert training.proposal_yes and training.activity and training.hours > 0
        assert training.trainer.is_trainer and training.starts_on <= training.ends_on
        assert training.starts_on > timezone.localdate(training.decided_at)
        item = training.item
        if training.stage == Stage.DECIDED_YES:
            assert item is None and training.delivered_at is None
            continue
        assert item.kind == ItemKind.TRAINING
        assert timezone.localdate(item.starts_at) == training.starts_on
        attendees = set(item.attendances.values_list("user_id", flat=True))
        assert {training.requested_by_id, training.trainer_id} <= attendees
        if training.stage == Stage.PLANNED:
            assert item.starts_at > now and training.delivered_at is None
            continue
        assert item.ends_at <= training.delivered_at <= now
        evaluations = {e.party: e for e in training.evaluations.all()}
        if training.stage == Stage.DELIVERED:
            assert not evaluations and "completed" not in actions
            continue
        assert set(evaluations) == {Party.MANAGER, Party.HEAD_TRAINER}
        assert evaluations[Party.MANAGER].user == training.requested_by
        assert evaluations[Party.HEAD_TRAINER].user == training.trainer
        assert all(
            training.delivered_at < e.created_at <= now and 1 <= e.score <= 5
            for e in evaluations.values()
        )
        assert actions.count("evaluated") == 2 and actions[-1] == "completed"


def test_the_office_and_the_as_see_them(loaded, client):
    assert selectors.decision_times()
    assert sum(count.count for count in selectors.per_stage()) == TrainingRequest.objects.count()
    client.force_login(loaded["office"])
    assert client.get(reverse("training:office")).status_code == 200
    client.force_login(loaded["as"])
    assert client.get(reverse("training:as_waiting")).status_code == 200
    training = TrainingRequest.objects.filter(stage=Stage.EVALUATED).first()
    assert client.get(reverse("training:request_detail", args=[training.pk])).status_code == 200


def test_loading_sends_no_mail_and_records_nothing(loaded, mailoutbox):
    assert not OutboxMessage.objects.exists() and mailoutbox == []
    assert not AuditEvent.objects.filter(action__startswith="training.").exists()


@pytest.mark.parametrize("size", [200, 800])
def test_it_takes_the_same_few_queries_at_any_size(db, size):
    plan = demo.demo_plan(size, seed=3)
    demo.demo_load(plan, password=demo.DEFAULT_PASSWORD)
    logins = {login.role: login.email for login in plan.logins}
    with CaptureQueriesContext(connection) as queries:
        made = training_demo_load(random.Random(3), logins=logins)
    assert made["requests"] >= 12
    assert len(queries) <= 25
