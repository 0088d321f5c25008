"""Tailored training in the demo organisation (`manage.py demo`, docs/demo.md): about one
request per forty teams (at least twelve) over the past year, in every stage from draft to
evaluated, each with the history, views, calendar item and evaluations the workflow would have
left at that stage.

Only teams whose own base programme is completed (and that have a head trainer) ask, as the
workflow demands, and each request starts after that completion. The demo logins' own team asks
nothing: its agenda stays as the demo shows it, and the demo team leader can try a first
request.

Written straight to the tables with bulk inserts, in a fixed number of queries at any size: the
services would mail all three parties at every step and record each one in the audit trail,
and loading a demo does neither.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict, deque
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from navolging.accounts.models import User
from navolging.notifications.models import Attendance, ItemKind, PlannedItem
from navolging.organisation.models import BaseProgramme, Person, ProgrammeScope, Unit, UnitKind

from .models import Evaluation, Party, Stage, TrainingEvent, TrainingRequest, View

ZONE = ZoneInfo(settings.TIME_ZONE)
TEAMS_PER_REQUEST = 40
AT_LEAST = 12
#: How often each stage comes up; the first requests take every stage once.
STAGES = {
    Stage.DRAFT: 0.12,
    Stage.SUBMITTED: 0.15,
    Stage.DECIDED_YES: 0.08,
    Stage.DECIDED_NO: 0.12,
    Stage.PLANNED: 0.13,
    Stage.DELIVERED: 0.1,
    Stage.EVALUATED: 0.3,
}
YEAR = dt.timedelta(days=365)
ASKED = (
    (
        "Een training over elkaar aanspreken op gedrag",
        "In de follow-up sessie bleek dat collega's grapjes over elkaar laten gaan, ook als "
        "die verkeerd vallen. Niemand weet goed hoe je daar iets van zegt.",
    ),
    (
        "Begeleiding bij het maken van teamafspraken",
        "Na de training willen we afspraken maken over hoe we met elkaar omgaan, maar we "
        "komen er samen niet uit.",
    ),
    (
        "Oefenen met lastige gesprekken met klanten",
        "Agressie aan de balie raakt het hele team. We willen leren hoe we elkaar daarna opvangen.",
    ),
    (
        "Een vervolgsessie over feedback geven",
        "Het basisprogramma smaakte naar meer. Het team vraagt om een middag oefenen met "
        "feedback geven en ontvangen.",
    ),
    (
        "Een sessie over omstanders en ingrijpen",
        "Bij een incident keek iedereen weg. We willen weten wat je als collega kunt doen.",
    ),
    (
        "Teamsessie over werkdruk en elkaar helpen",
        "Door de werkdruk ontstaan irritaties. We willen bespreken hoe we elkaar vragen om "
        "hulp zonder dat het een verwijt wordt.",
    ),
)
ACTIVITIES = (
    "Twee workshops van een dagdeel met oefeningen uit de eigen praktijk.",
    "Een teamdag met een acteur: oefenen met echte situaties uit het team.",
    "Drie korte sessies tijdens het teamoverleg, met huiswerk tussendoor.",
    "Een intervisiemiddag met de trainer, gevolgd door een terugkomsessie.",
)
NO_REASONS = (
    "Het team heeft net het basisprogramma afgerond; eerst de afspraken daaruit in praktijk "
    "brengen. Over een half jaar kijken we opnieuw.",
    "Dit past beter bij de teamcoach: die komt de komende maanden vaker langs.",
    "Het gevraagde valt samen met de training die de hele afdeling in het voorjaar krijgt.",
)
EVALUATIONS = (
    "Goed ontvangen. Het team gebruikt de oefeningen nu in het overleg.",
    "Nuttig, al was een dagdeel kort. De casussen uit de eigen praktijk werkten het best.",
    "Veel herkenning. Afgesproken om over drie maanden terug te kijken.",
    "",
)
HOURS = (Decimal("3"), Decimal("4"), Decimal("6"), Decimal("7.5"), Decimal("8"), Decimal("12"))
ROOMS = ("Stadskantoor, zaal 2.14", "Stadskantoor, zaal 0.05", "Werf Noord, kantine")


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high), hours=rng.randint(0, 6))


@transaction.atomic
def training_demo_load(
    rng: random.Random, *, logins: dict[str, str], now: dt.datetime | None = None
) -> dict[str, int]:
    """`logins` maps a demo role to its e-mail address; the demo logins' team asks nothing.
    Returns what was made."""
    now = now or timezone.now()
    made = {"requests": 0}
    adviser = (
        User.objects.filter(is_as=True, is_active=True).order_by("pk").values_list("pk", flat=True)
    ).first()
    teams = {
        t["pk"]: t
        for t in Unit.objects.filter(kind=UnitKind.TEAM, active=True)
        .order_by("code")
        .values("pk", "name", "head__user_id", "parent__head__user_id")
    }
    if adviser is None or not teams:
        return made
    users = dict(User.objects.filter(email__in=logins.values()).values_list("email", "pk"))
    demo_people = [users[logins[r]] for r in ("employee", "team_leader") if logins.get(r) in users]
    demo_teams = set(
        Person.objects.filter(user_id__in=demo_people).values_list("unit_id", flat=True)
    ) | set(Unit.objects.filter(head__user_id__in=demo_people).values_list("pk", flat=True))
    earliest = now - YEAR
    eligible = []
    for unit, completed, head in (
        BaseProgramme.objects.filter(
            scope=ProgrammeScope.TEAM,
            completed_on__isnull=False,
            head_trainer__is_active=True,
            head_trainer__is_trainer=True,
        )
        .order_by("unit_id")
        .values_list("unit_id", "completed_on", "head_trainer_id")
    ):
        team = teams.get(unit)
        manager = team and (team["head__user_id"] or team["parent__head__user_id"])
        start = max(dt.datetime.combine(completed, dt.time(9), ZONE), earliest)
        if manager and unit not in demo_teams and start < now - dt.timedelta(days=2):
            eligible.append((team, manager, head, start))
    if not eligible:
        return made
    wanted = max(AT_LEAST, round(len(teams) / TEAMS_PER_REQUEST))
    stages = list(STAGES)
    rng.shuffle(stages)
    stages += rng.choices(list(STAGES), weights=list(STAGES.values()), k=wanted - len(stages))
    # Different teams as long as there are enough (a small organisation asks twice); a team
    # that completed its programme too recently for a stage leaves it to another.
    queue = deque(rng.sample(eligible, len(eligible)))
    plans = []
    for stage in stages:
        for _turn in range(len(queue)):
            team, manager, head, start = queue[0]
            queue.rotate(-1)  # to the back: asked again only after every other team
            plan = _timeline(rng, stage, start, now)
            if plan is not None:
                plans.append((team, manager, head, stage, plan))
                break
    made["requests"] = _load(rng, plans, adviser, now)
    return made


#: For each stage: the last step taken and the next one, not taken yet.
REACHED = {
    Stage.DRAFT: ("created", "submitted"),
    Stage.SUBMITTED: ("submitted", "decided"),
    Stage.DECIDED_YES: ("decided", "planned"),
    Stage.DECIDED_NO: ("decided", None),
    Stage.PLANNED: ("planned", "starts"),
    Stage.DELIVERED: ("delivered", "evaluated"),
    Stage.EVALUATED: ("evaluated", None),
}
STEPS = ("created", "submitted", "decided", "planned", "starts", "delivered", "evaluated")


def _timeline(
    rng: random.Random, stage: Stage, start: dt.datetime, now: dt.datetime
) -> dict[str, dt.datetime] | None:
    """When each step happened (or would happen), for a request that is at `stage` now and was
    made after `start`; None when no such time fits."""
    last, following = REACHED[stage]
    for _attempt in range(20):
        # Offsets from the moment the request was made.
        at = {"created": dt.timedelta()}
        at["submitted"] = _days(rng, 1, 10)
        at["decided"] = at["submitted"] + _days(rng, 10, 70)
        at["planned"] = at["decided"] + _days(rng, 1, 10)
        at["starts"] = at["decided"] + _days(rng, 21, 75)
        at["delivered"] = at["starts"] + _days(rng, 0, 3) + dt.timedelta(hours=4)
        at["evaluated"] = at["delivered"] + _days(rng, 1, 14)
        # Made between `start` and now, so that `last` has happened and `following` not yet;
        # drafts that were never submitted and deliveries not yet evaluated are recent.
        low = start
        if following:
            low = max(low, now - at[following])
        if stage == Stage.DRAFT:
            low = max(low, now - dt.timedelta(days=40))
        if stage == Stage.DELIVERED:
            low = max(low, now - at["delivered"] - dt.timedelta(days=10))
        high = now - at[last] - dt.timedelta(hours=1)
        if low >= high:
            continue
        made = low + (high - low) * rng.random()
        times = {step: made + offset for step, offset in at.items()}
        # The training itself on a working day, from nine to one.
        day = timezone.localdate(times["starts"])
        times["starts"] = dt.datetime.combine(day, dt.time(9), ZONE)
        times["delivered"] = max(times["delivered"], times["starts"] + dt.timedelta(hours=4))
        times["proposed"] = times["submitted"] + (times["decided"] - times["submitted"]) * (
            rng.uniform(0.3, 0.8)
        )
        moments = [times[step] for step in STEPS]
        in_order = all(a < b for a, b in zip(moments, moments[1:], strict=False))
        reached = times[last] <= now and (following is None or times[following] > now)
        if day.weekday() < 5 and in_order and reached:
            return times
    return None


def _load(rng: random.Random, plans: list, adviser: int, now: dt.datetime) -> int:
    """The requests with their views, items, evaluations and history, in a few bulk inserts."""
    with translation.override(settings.LANGUAGE_CODE):
        label = str(ItemKind.TRAINING.label)
    rows = []  # (request, created, views, events, evaluations, item, attendees)
    for team, manager, head, stage, at in plans:
        what, why = rng.choice(ASKED)
        training = TrainingRequest(
            unit_id=team["pk"],
            scope=ProgrammeScope.TEAM,
            requested_by_id=manager,
            what=what,
            why=why,
            stage=stage,
            version=0,
        )
        parties = {Party.MANAGER: manager, Party.HEAD_TRAINER: head, Party.AS: adviser}
        events = [("created", manager, at["created"], "")]
        views: list[tuple[str, int, dt.datetime]] = []
        evaluations: list[tuple[str, int, dt.datetime, int, str]] = []
        submitted = stage != Stage.DRAFT
        decided = stage not in (Stage.DRAFT, Stage.SUBMITTED)
        proposed = decided or (submitted and at["proposed"] < now and rng.random() < 0.6)
        yes = stage != Stage.DECIDED_NO
        if submitted:
            training.submitted_at = at["submitted"]
            training.version = 1
            events.append(("submitted", manager, at["submitted"], ""))
        if proposed:
            by = rng.choice([Party.MANAGER, Party.HEAD_TRAINER])
            training.proposal_yes = yes
            if yes:
                training.activity = rng.choice(ACTIVITIES)
                training.trainer_id = head
                training.starts_on = timezone.localdate(at["starts"])
                training.ends_on = training.starts_on + dt.timedelta(
                    days=rng.choice((0, 0, 7, 14, 28))
                )
                training.hours = rng.choice(HOURS)
            else:
                training.no_reason = rng.choice(NO_REASONS)
            training.version = 2
            events.append(("proposed", parties[by], at["proposed"], training.no_reason))
            views.append((by, parties[by], at["proposed"]))
            others = [p for p in Party.values if p != by]
            rng.shuffle(others)
            # Decided: all three agreed. Still being decided: one other party at most, so far.
            agreeing = others if decided else others[: rng.randint(0, 1)]
            end = at["decided"] if decided else min(now, at["decided"])
            moments = sorted(
                at["proposed"] + (end - at["proposed"]) * rng.uniform(0.1, 0.9) for _ in agreeing
            )
            if decided:
                moments[-1] = at["decided"]
            for party, moment in zip(agreeing, moments, strict=True):
                events.append(("agreed", parties[party], moment, ""))
                views.append((party, parties[party], moment))
        if decided:
            training.decided_at = at["decided"]
            training.version = 3
            events.append(("decided", events[-1][1], at["decided"], training.no_reason))
        item, attendees = None, []
        if stage in (Stage.PLANNED, Stage.DELIVERED, Stage.EVALUATED):
            planner = rng.choice([manager, head])
            training.version = 4
            events.append(("planned", planner, at["planned"], ""))
            item = PlannedItem(
                kind=ItemKind.TRAINING,
                title=f"{label}: {team['name']}",
                location=rng.choice(ROOMS),
                starts_at=at["starts"],
                ends_at=at["starts"] + dt.timedelta(hours=4),
                organiser_id=planner,
            )
            attendees = [manager, head]
        if stage in (Stage.DELIVERED, Stage.EVALUATED):
            training.delivered_at = at["delivered"]
            training.version = 5
            events.append(("delivered", rng.choice([manager, head]), at["delivered"], ""))
        if stage == Stage.EVALUATED:
            manager_at = max(at["evaluated"] - _days(rng, 0, 4), at["delivered"])
            manager_at += dt.timedelta(minutes=30)
            evaluations = sorted(
                [
                    (Party.MANAGER, manager, manager_at, rng.choice((3, 4, 4, 5, 5)), ""),
                    (Party.HEAD_TRAINER, head, at["evaluated"], rng.choice((4, 4, 5)), ""),
                ],
                key=lambda e: e[2],
            )
            evaluations = [(*e[:4], rng.choice(EVALUATIONS)) for e in evaluations]
            for _party, user, moment, _score, remark in evaluations:
                events.append(("evaluated", user, moment, remark))
            events.append(("completed", evaluations[-1][1], evaluations[-1][2], ""))
            training.version = 6
        rows.append((training, at["created"], views, events, evaluations, item, attendees))

    planned = [row for row in rows if row[5] is not None]
    PlannedItem.objects.bulk_create([row[5] for row in planned])
    members = defaultdict(list)
    for unit, user in Person.objects.filter(
        active=True, unit_id__in={row[0].unit_id for row in planned}, user__isnull=False
    ).values_list("unit_id", "user_id"):
        members[unit].append(user)
    # As `request_plan` invites them: the team, its manager and the trainer.
    Attendance.objects.bulk_create(
        [
            Attendance(item_id=item.pk, user_id=user)
            for training, _c, _v, _e, _ev, item, attendees in planned
            for user in dict.fromkeys([*members[training.unit_id], *attendees])
        ],
        batch_size=2000,
    )
    for row in planned:
        row[0].item_id = row[5].pk
    requests = TrainingRequest.objects.bulk_create([row[0] for row in rows])
    # Every created_at (and TrainingEvent.at) is set to now on insert; these rows tell a year's
    # history, so each gets its own moment afterwards: one UPDATE per table (in batches).
    for training, row in zip(requests, rows, strict=True):
        training.created_at = row[1]
    TrainingRequest.objects.bulk_update(requests, ["created_at"], batch_size=500)
    _dated(
        View,
        "created_at",
        [
            (View(request_id=t.pk, party=party, user_id=user, agrees=True, version=2), moment)
            for t, row in zip(requests, rows, strict=True)
            for party, user, moment in row[2]
        ],
    )
    _dated(
        Evaluation,
        "created_at",
        [
            (
                Evaluation(request_id=t.pk, party=party, user_id=user, score=score, remark=remark),
                moment,
            )
            for t, row in zip(requests, rows, strict=True)
            for party, user, moment, score, remark in row[4]
        ],
    )
    _dated(
        TrainingEvent,
        "at",
        [
            (TrainingEvent(request_id=t.pk, by_id=by, action=action, remark=remark), moment)
            for t, row in zip(requests, rows, strict=True)
            for action, by, moment, remark in row[3]
        ],
    )
    return len(requests)


def _dated(model, field: str, rows: list[tuple]) -> None:
    """Insert `rows` (object, moment), then give each its moment in `field`, which an
    auto_now_add field sets to now on insert."""
    made = model.objects.bulk_create([obj for obj, _moment in rows], batch_size=1000)
    for obj, (_obj, moment) in zip(made, rows, strict=True):
        setattr(obj, field, moment)
    model.objects.bulk_update(made, [field], batch_size=500)
