"""No trace of a consult for anyone but its requester and its coach (issue 6, R10, R12).

A property test over random organisation charts and random consults: everyone around the
requester (each manager up the chain, the programme office, the technical administrator,
another trainer, a colleague) renders every page they can reach before the consults exist and
after, and sees exactly the same bytes: no name, no text, no count, no figure changed. The mail
goes to requester and coach alone and never holds the text; every direct URL answers 404.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from navolging.accounts.models import User
from navolging.coaching import selectors, services
from navolging.coaching.models import CoachProfile, Consult, ConsultTopic
from navolging.lib.testing import make_person
from navolging.notifications import services as notification_services
from navolging.notifications import subscriptions
from navolging.notifications.models import MailStatus, OutboxMessage
from navolging.organisation.models import Person, Unit, UnitKind

from .helpers import assign

_VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r'"X-CSRFToken": "[^"]*"'), '"X-CSRFToken": ""'),
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
    (re.compile(r"^DTSTAMP[:;][^\r\n]*\r?\n", re.MULTILINE), ""),
    # The dashboard says of when its figures are (worked out anew for every request in tests).
    (re.compile(r'<p class="[^"]*nv-as-of">.*?</p>', re.S), ""),
]


def normalise(text: str) -> str:
    """A page, JSON answer or calendar without what changes on every request (the CSRF token,
    the CSP nonce, the calendar's time stamp, the moment of the dashboard's figures).
    Everything else must stay byte for byte."""
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text


# -- the random world ---------------------------------------------------------------------------

KINDS_BY_DEPTH = {
    1: [UnitKind.DIRECTORATE, UnitKind.DEPARTMENT],
    2: [UnitKind.DEPARTMENT, UnitKind.TEAM],
}
STATUSES = ["requested", "proposed", "planned", "closed", "declined", "withdrawn"]


@dataclass
class ConsultPlan:
    requester: int  # index into the people, modulo their number
    coach: int  # index into the coaches this requester may ask
    status: str
    plan_at_once: bool  # planned by the coach directly, or proposed and accepted
    closed_by_coach: bool


@dataclass
class Chart:
    parents: list[int]  # unit i (1-based after the organisation) hangs under unit parents[i]
    kinds: list[int]
    members: list[int]  # people per unit
    heads: list[int | None]  # index into the people, or no head
    coaches: list[bool]  # one per coach: open to consults from any team
    team_coaches: list[int | None]  # per unit: index of its coach (teams only)
    other_trainer_team: int | None
    consults: list[ConsultPlan]
    colleague: int


@st.composite
def charts(draw) -> Chart:
    size = draw(st.integers(2, 7))
    parents = [draw(st.integers(0, i)) for i in range(size)]
    return Chart(
        parents=parents,
        kinds=[draw(st.integers(0, 1)) for _ in range(size)],
        members=[draw(st.integers(0, 3)) for _ in range(size)],
        heads=[draw(st.one_of(st.none(), st.integers(0, 60))) for _ in range(size)],
        coaches=[True] + draw(st.lists(st.booleans(), max_size=2)),
        team_coaches=[draw(st.one_of(st.none(), st.integers(0, 2))) for _ in range(size)],
        other_trainer_team=draw(st.one_of(st.none(), st.integers(0, size - 1))),
        consults=draw(
            st.lists(
                st.builds(
                    ConsultPlan,
                    requester=st.integers(0, 60),
                    coach=st.integers(0, 3),
                    status=st.sampled_from(STATUSES),
                    plan_at_once=st.booleans(),
                    closed_by_coach=st.booleans(),
                ),
                min_size=1,
                max_size=3,
            )
        ),
        colleague=draw(st.integers(0, 60)),
    )


@dataclass
class World:
    units: list[Unit]
    people: list[Person]
    coaches: list[User]
    other_trainer: User
    office: User
    admin: User


def build(chart: Chart) -> World:
    root = Unit.objects.create(code="ORG", name="Gemeente", kind=UnitKind.ORGANISATION)
    units, depth = [root], [0]
    for i, parent in enumerate(chart.parents):
        level = depth[parent] + 1
        kinds = KINDS_BY_DEPTH.get(level, [UnitKind.TEAM])
        kind = kinds[chart.kinds[i] % len(kinds)]
        units.append(
            Unit.objects.create(code=f"U{i}", name=f"Eenheid {i}", kind=kind, parent=units[parent])
        )
        depth.append(level)
    people = []
    for i, count in enumerate(chart.members):
        for _ in range(count or (1 if i == len(chart.members) - 1 and not people else 0)):
            n = len(people)
            people.append(make_person(f"{n:04d}", f"Mens{n}", f"Lid{n}", units[i + 1]))
    for unit, head in zip(units[1:], chart.heads, strict=True):
        if head is not None:
            unit.head = people[head % len(people)]
            unit.save(update_fields=["head"])
    coaches = []
    for k, open_to_all in enumerate(chart.coaches):
        coach = User.objects.create_user(
            f"coach{k}@example.org", name=f"Coach {k}", is_trainer=True
        )
        CoachProfile.objects.create(user=coach, capacity=20, takes_consults=open_to_all)
        coaches.append(coach)
    teams = [u for u in units[1:] if u.kind == UnitKind.TEAM]
    for unit, choice in zip(units[1:], chart.team_coaches, strict=True):
        if unit.kind == UnitKind.TEAM and choice is not None:
            assign(unit, coaches[choice % len(coaches)])
    other = User.objects.create_user("ander@example.org", name="Andere Trainer", is_trainer=True)
    CoachProfile.objects.create(user=other, capacity=20)
    if teams and chart.other_trainer_team is not None:
        team = teams[chart.other_trainer_team % len(teams)]
        if not hasattr(team, "coach_assignment"):
            assign(team, other)
    office = User.objects.create_user("bureau@example.org", name="Bureau", is_programme_office=True)
    admin_user = User.objects.create_user(
        "beheer@example.org", name="Beheer", is_staff=True, is_superuser=True
    )
    return World(units, people, coaches, other, office, admin_user)


def chain_of(person: Person) -> list[Person]:
    """Everyone above the person: their manager, that manager's manager, and so on."""
    chain, seen = [], {person.pk}
    manager = person.manager()
    while manager is not None and manager.pk not in seen:
        chain.append(manager)
        seen.add(manager.pk)
        manager = manager.manager()
    return chain


def run(plan: ConsultPlan, world: World, marker: str, day: int) -> Consult | None:
    """One consult, brought to its status through the services as the pages would."""
    requester = world.people[plan.requester % len(world.people)]
    choice = selectors.consult_coaches(requester)
    coach = choice[plan.coach % len(choice)]  # the own team's coach comes first
    consult = services.consult_request(
        requester=requester,
        coach=coach,
        topic=ConsultTopic.PREPARE,
        message=f"{marker} bericht",
        preferred_times=f"{marker} tijden",
    )
    if plan.status == "requested":
        return consult
    # The services lock and re-read the consult: read it again after each step.
    start = (timezone.localtime() + dt.timedelta(days=day)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    end = start + dt.timedelta(hours=1)
    if plan.status == "declined":
        services.consult_decline(consult=consult, by=coach)
        consult.refresh_from_db()
        return consult
    if plan.status in ("planned", "closed") and plan.plan_at_once:
        services.consult_plan(consult=consult, starts_at=start, ends_at=end, by=coach)
    else:
        services.consult_propose(consult=consult, starts_at=start, ends_at=end, by=coach)
        if plan.status in ("planned", "closed"):
            services.consult_accept(consult=consult, by=requester.user)
    if plan.status == "closed":
        closer = coach if plan.closed_by_coach else requester.user
        services.consult_close(consult=consult, by=closer)
    if plan.status == "withdrawn":
        services.consult_withdraw(consult=consult, by=requester.user)
        return None
    consult.refresh_from_db()
    return consult


# -- what an observer can reach -------------------------------------------------------------------


def pages_of(user: User, world: World) -> list[str]:
    urls = [
        reverse("home"),
        reverse("notifications:agenda"),
        reverse("coaching:mine"),
        reverse("coaching:consult_request"),
        reverse("buddies:mine"),
        reverse("intervision:my_group"),
        "/api/me",
        "/api/coaching/my-coach",
        "/api/coaching/consults",
    ]
    feed = subscriptions.feed_renew(user=user)
    urls.append(reverse("notifications:feed", args=[feed.token]))
    person = user.person_or_none
    teams = selectors.teams_of_person(person) if person is not None else []
    teams += list(Unit.objects.filter(coach_assignment__coach=user))
    urls += [reverse("coaching:team_detail", args=[team.pk]) for team in teams]
    if user.is_trainer:
        urls += [
            reverse("coaching:coach_home"),
            reverse("coaching:coach_consults"),
            reverse("intervision:facilitator_groups"),
        ]
    if user.is_programme_office:
        urls += [
            reverse(name)
            for name in (
                "coaching:office",
                "coaching:consult_figures",
                "coaching:settings",
                "audit:list",
                "notifications:outbox",
                "buddies:office",
                "intervision:round_list",
                "intervision:attendance_overview",
                "intervision:facilitator_list",
                "organisation:tree",
            )
        ]
        urls += [reverse("coaching:coach_edit", args=[c.pk]) for c in world.coaches]
        urls += [
            reverse("coaching:assign", args=[u.pk]) for u in world.units if u.kind == UnitKind.TEAM
        ]
    if user.is_superuser:
        urls.append(reverse("admin:index"))
        urls += [
            reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
            for m in admin.site._registry
        ]
    return urls


def snapshot(clients: dict[int, tuple[Client, list[str]]]) -> dict[tuple[int, str], str]:
    shots = {}
    for pk, (client, urls) in clients.items():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            shots[pk, url] = normalise(response.content.decode())
    return shots


def deliver_queue() -> None:
    """What the mail queue (every few minutes, from cron) does: the outbox page shows waiting
    confidential mail only as a band of five (tested with the outbox); here the figures after
    must be those before, so the queue runs before each look."""
    notification_services.outbox_deliver(
        messages=list(OutboxMessage.objects.filter(status=MailStatus.QUEUED))
    )


DIRECT = ["consult_detail"]
ACTIONS = [
    "consult_time",
    "consult_accept",
    "consult_another_time",
    "consult_decline",
    "consult_close",
    "consult_withdraw",
]


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(chart=charts())
def test_nobody_but_requester_and_coach_finds_any_trace_of_a_consult(chart):
    with transaction.atomic():
        _check(chart)
        transaction.set_rollback(True)  # the next example starts from an empty database


def _check(chart: Chart) -> None:
    notification_services._written.pks = []
    mail.outbox = []
    world = build(chart)
    requesters = [world.people[p.requester % len(world.people)] for p in chart.consults]

    # Everyone around the requesters, minus anyone who is requester or coach of a consult.
    observers: dict[int, User] = {}
    for requester in requesters:
        for manager in chain_of(requester):
            if manager.user_id:
                observers[manager.user_id] = manager.user
    colleague = world.people[chart.colleague % len(world.people)]
    for user in (world.office, world.admin, world.other_trainer, colleague.user):
        observers[user.pk] = user
    involved = {r.user_id for r in requesters}
    for requester, plan in zip(requesters, chart.consults, strict=True):
        choice = selectors.consult_coaches(requester)
        involved.add(choice[plan.coach % len(choice)].pk)
    observers = {pk: user for pk, user in observers.items() if pk not in involved}

    clients = {}
    for pk, user in observers.items():
        client = Client()
        client.force_login(user)  # before the first look: a log-in is in the audit trail
        clients[pk] = (client, pages_of(user, world))
    deliver_queue()
    before = snapshot(clients)
    last_mail = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    sent_before = len(mail.outbox)

    marker = f"MARKER{chart.colleague}x{len(chart.consults)}Q"
    consults = [
        run(plan, world, f"{marker}{k}", day=2 + k) for k, plan in enumerate(chart.consults)
    ]
    written = list(OutboxMessage.objects.filter(pk__gt=last_mail))
    deliver_queue()
    after = snapshot(clients)

    for key, page in before.items():
        assert after[key] == page, f"{key[1]} changed for an observer"
    for text in after.values():
        assert marker not in text
        for consult in filter(None, consults):
            assert str(consult.pk) not in text
            if consult.item_id:
                assert str(consult.item.uid) not in text

    # The mail: requester and coach only, never the text.
    allowed = involved
    assert {m.recipient_id for m in written} <= allowed
    assert not {m.recipient_id for m in written} & set(observers)
    for message in written:
        assert marker not in message.subject + message.body_text + message.body_html
        assert marker not in message.ics
    for sent in mail.outbox[sent_before:]:
        assert marker not in sent.message().as_string()
        assert not set(sent.to) & {u.email for u in observers.values()}

    # Every direct way in answers 404 for every observer (403 first where the role decides).
    for consult in filter(None, consults):
        for pk, (client, _urls) in clients.items():
            assert (
                client.get(reverse("coaching:consult_detail", args=[consult.pk])).status_code == 404
            )
            if consult.item_id:
                uid = consult.item.uid
                assert client.get(reverse("notifications:item", args=[uid])).status_code == 404
                assert client.get(reverse("notifications:item_ics", args=[uid])).status_code == 404
            user = observers[pk]
            for action in ACTIONS:
                response = client.post(reverse(f"coaching:{action}", args=[consult.pk]))
                trainer_only = action in ("consult_time", "consult_decline")
                expected = 403 if trainer_only and not user.is_trainer else 404
                assert response.status_code == expected, (action, user.email)
        stored = Consult.objects.get(pk=consult.pk)
        assert (stored.status, stored.starts_at) == (consult.status, consult.starts_at)
