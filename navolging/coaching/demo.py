"""Team coaching in the demo organisation (`manage.py demo`, docs/demo.md): a coach profile for
every trainer, a coach for about nine teams in ten, some visits with the coach's mirror, some
teams behind the rhythm, and example texts for the counsellor and the complaints procedure.

Seed data written straight to the tables with bulk inserts (a fixed number of queries at any
size): the services would send mail for every assignment and visit, and loading a demo sends
none.

The only consults in the demo are old, anonymised ones (about one per fifty employees, 4 to 12
months ago), as `manage.py purge` leaves them after the retention period: no requester, no
topic, no message, only the coach and the month, which feed the office's counts per coach per
month. Nobody can open them. There is no consult anyone can open, on purpose: a consult is seen
by its requester and its coach alone, and a demo full of them would suggest that somebody else
(the programme office, trying the demo) could look at them. Try one by logging in as the demo
employee and asking the coach.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from navolging.accounts.models import User
from navolging.notifications.models import Attendance, ItemKind, PlannedItem
from navolging.organisation.models import BaseProgramme, Person, ProgrammeScope, Unit, UnitKind

from .models import (
    CoachAssignment,
    CoachingSettings,
    CoachProfile,
    Consult,
    ConsultStatus,
    Visit,
    VisitKind,
)

ZONE = ZoneInfo("Europe/Amsterdam")
COVERED_SHARE = 0.9
CAPACITY = (8, 12)
#: Share of coached teams whose coach came long enough ago to be behind the rhythm by now.
BEHIND_SHARE = 0.15
#: Share of the other coached teams that had a visit already.
VISITED_SHARE = 0.4
#: Anonymised consults: about one per this many employees, 4 to 12 months ago.
EMPLOYEES_PER_CONSULT = 50
CONSULT_MONTHS = range(4, 13)

REASON_NO_PROGRAMME = (
    "Het basisprogramma van dit team is nog niet gepland; een trainer van de afdeling coacht."
)
REASON_DEMO = "Trainer van de afdeling; kent het team uit het basisprogramma van het MT."
REASON_FULL = "De trainers van dit team coachen al het maximale aantal teams."
ROOMS = ("Stadskantoor, zaal 1.08", "Stadskantoor, zaal 2.14", "Werf Noord, kantine", "Online")
REFLECTIONS = (
    "Open gesprek over de werkdruk. Opvallend: de nieuwe collega's zeiden weinig. Tip: begin het "
    "volgende overleg met een rondje waarin iedereen iets zegt.",
    "Het team sprak over een grap die verkeerd viel. Mooi dat dat kon. Nog lastig: wie spreekt "
    "wie aan, en wanneer? Volgende keer oefenen we met een voorbeeld uit de praktijk.",
    "Goede afspraken gemaakt over hoe we elkaar feedback geven. Ik zag dat de teamleider veel "
    "zelf invulde; laat de stiltes wat langer duren.",
    "Kort bezoek: het overleg ging vooral over planning. Afgesproken dat ik bij de teamdag een "
    "uur krijg voor de casus uit de training.",
)
DEMO_REFLECTIONS = (
    "Eerste bezoek na de training. Het team herkende veel uit de casus over roddelen. Wat ik "
    "terugzag: iedereen wil het beter doen, maar niemand weet wie de eerste stap zet. Afspraak: "
    "in elk overleg tien minuten voor 'wat ging er deze week goed en wat niet'.",
    "De tien minuten staan nu vast op de agenda. Er werd een lastige situatie met een klant "
    "besproken en collega's vroegen door in plaats van meteen advies te geven. Mooi om te zien. "
    "Let op: de gesprekken gaan vooral over klanten, nog weinig over elkaar.",
)
DEMO_PRIVATE_NOTE = (
    "Bij het volgende bezoek nagaan of de nieuwe collega's al iets durven in te brengen."
)

COUNSELLOR_NL = (
    "Voorbeeld: de vertrouwenspersoon van Gemeente Zuiderhaven is Mariëlle de Groot. Bel haar op "
    "010 000 00 00 of mail naar vertrouwenspersoon@zuiderhaven.example. Wat u haar vertelt, "
    "blijft tussen u en haar. Zij kan met u meedenken, ook als u (nog) geen klacht wilt indienen."
)
COUNSELLOR_EN = (
    "Example: the confidential counsellor of Gemeente Zuiderhaven is Mariëlle de Groot. Call her "
    "on 010 000 00 00 or write to vertrouwenspersoon@zuiderhaven.example. What you tell her stays "
    "between you and her. She can think along with you, also if you do not (yet) want to file a "
    "complaint."
)
COMPLAINTS_NL = (
    "Voorbeeld: wilt u een klacht indienen over ongewenst gedrag? Lees de Klachtenregeling "
    "ongewenst gedrag op het intranet (Personeel > Regelingen) en stuur uw klacht naar de "
    "klachtencommissie: klachtencommissie@zuiderhaven.example. De vertrouwenspersoon kan u daarbij "
    "helpen."
)
COMPLAINTS_EN = (
    "Example: do you want to file a complaint about undesirable behaviour? Read the complaints "
    "procedure on the intranet (Personeel > Regelingen) and send your complaint to the complaints "
    "committee: klachtencommissie@zuiderhaven.example. The confidential counsellor can help you "
    "with it."
)


def _weekday_at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    while day.weekday() >= 5:  # team meetings are on working days
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), ZONE)


def _capacities(rng: random.Random, trainers: list[int], teams: int) -> dict[int, int]:
    """8 to 12 teams each, scaled up when there are more teams per trainer than that (at
    2,400 people: 180 teams and 8 trainers), so about nine teams in ten can have a coach."""
    scale = max(1.0, COVERED_SHARE * teams / (sum(CAPACITY) / 2 * len(trainers)))
    return {pk: math.ceil(rng.randint(*CAPACITY) * scale) for pk in trainers}


def coaching_demo_load(
    rng: random.Random, *, logins: dict[str, str], now: dt.datetime | None = None
) -> dict[str, int]:
    """`logins` maps a demo role to its e-mail address; the demo trainer coaches the team(s)
    of the demo employee and team leader. Returns what was made."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    trainers = sorted(
        User.objects.filter(is_trainer=True, is_active=True).values_list("pk", flat=True)
    )
    if not trainers:
        return {"coaches": 0, "assignments": 0, "visits": 0, "consults": 0}
    teams = list(
        Unit.objects.filter(kind=UnitKind.TEAM, active=True)
        .order_by("code")
        .values("pk", "name", "parent_id", "head__user_id", "parent__head__user_id")
    )
    involved: dict[tuple[int, str], list[int]] = defaultdict(list)
    for unit, scope, user in BaseProgramme.trainers.through.objects.order_by("pk").values_list(
        "baseprogramme__unit_id", "baseprogramme__scope", "user_id"
    ):
        involved[(unit, scope)].append(user)
    users = dict(User.objects.filter(email__in=logins.values()).values_list("email", "pk"))
    demo_trainer = users.get(logins.get("trainer", ""))
    demo_people = [users[logins[r]] for r in ("employee", "team_leader") if logins.get(r) in users]
    demo_teams = {team["pk"] for team in teams} & (
        set(Person.objects.filter(user_id__in=demo_people).values_list("unit_id", flat=True))
        | set(Unit.objects.filter(head__user_id__in=demo_people).values_list("pk", flat=True))
    )

    capacity = _capacities(rng, trainers, len(teams))
    load: dict[int, int] = dict.fromkeys(trainers, 0)
    if demo_trainer not in load:
        demo_trainer = None

    def choose(team: dict) -> tuple[int, str] | None:
        own = involved[(team["pk"], ProgrammeScope.TEAM)]
        reason = ""
        if not own:  # not planned yet: a trainer of the department's management team
            own, reason = (
                involved[(team["parent_id"], ProgrammeScope.MANAGEMENT_TEAM)],
                REASON_NO_PROGRAMME,
            )
        free = [t for t in own if load[t] < capacity[t]]
        if not free:
            free, reason = [t for t in trainers if load[t] < capacity[t]], reason or REASON_FULL
        if not free:
            return None
        fewest = min(load[t] for t in free)
        return rng.choice([t for t in free if load[t] == fewest]), reason

    # The demo teams first, so their coach is the demo trainer; then the others in random
    # order, so the teams left without a coach are spread over the organisation.
    rest = [team for team in teams if team["pk"] not in demo_teams]
    rng.shuffle(rest)
    chosen: dict[int, tuple[int, str]] = {}
    for team in [*(team for team in teams if team["pk"] in demo_teams), *rest]:
        if team["pk"] in demo_teams and demo_trainer is not None:
            own = involved[(team["pk"], ProgrammeScope.TEAM)]
            pick = (demo_trainer, "" if demo_trainer in own else REASON_DEMO)
            capacity[demo_trainer] = max(capacity[demo_trainer], load[demo_trainer] + 1)
        elif team["pk"] in demo_teams or rng.random() < COVERED_SHARE:
            pick = choose(team)
        else:
            pick = None
        if pick is not None:
            chosen[team["pk"]] = pick
            load[pick[0]] += 1

    # When each coach came, and who had a visit: on track, planned or behind the rhythm.
    assignments, visits_planned = [], []
    for team in teams:
        if team["pk"] not in chosen:
            continue
        coach, reason = chosen[team["pk"]]
        leader = team["head__user_id"] or team["parent__head__user_id"]
        if team["pk"] in demo_teams:
            since = 150
            for weeks_ago, text in zip((12, 4), DEMO_REFLECTIONS, strict=True):
                note = DEMO_PRIVATE_NOTE if weeks_ago == 4 else ""
                visits_planned.append(
                    (team, coach, leader, today - dt.timedelta(weeks=weeks_ago), text, note)
                )
        elif rng.random() < BEHIND_SHARE:
            since = rng.randint(100, 180)  # longer ago than the rhythm, and no visit since
        else:
            since = rng.randint(14, 84)
            if rng.random() < VISITED_SHARE:
                day = today - dt.timedelta(days=rng.randint(3, since - 7))
                text = rng.choice(REFLECTIONS) if rng.random() < 0.8 else ""
                visits_planned.append((team, coach, leader, day, text, ""))
        assignments.append(
            CoachAssignment(
                team_id=team["pk"],
                coach_id=coach,
                reason=reason,
                assigned_at=now - dt.timedelta(days=since, hours=rng.randint(0, 8)),
            )
        )

    with transaction.atomic():
        CoachProfile.objects.bulk_create(
            CoachProfile(user_id=pk, capacity=capacity[pk]) for pk in trainers
        )
        CoachAssignment.objects.bulk_create(assignments, batch_size=1000)
        made = _visits_load(rng, visits_planned, now)
        made += _demo_visit_attach(demo_trainer, demo_teams)
        coaching = CoachingSettings.load()
        coaching.counsellor_nl, coaching.counsellor_en = COUNSELLOR_NL, COUNSELLOR_EN
        coaching.complaints_nl, coaching.complaints_en = COMPLAINTS_NL, COMPLAINTS_EN
        coaching.save()
        consults = _consults_load(rng, trainers, now)
    return {
        "coaches": len(trainers),
        "assignments": len(assignments),
        "visits": made,
        "consults": consults,
    }


def _visits_load(rng: random.Random, planned: list[tuple], now: dt.datetime) -> int:
    """Held visits with their calendar item, attendances and the coach's mirror."""
    with translation.override(settings.LANGUAGE_CODE):
        title = str(VisitKind.TEAM_MEETING.label)
    items = PlannedItem.objects.bulk_create(
        [
            PlannedItem(
                kind=ItemKind.COACH_VISIT,
                title=f"{title}: {team['name']}",
                location=rng.choice(ROOMS),
                starts_at=_weekday_at(day, 10),
                ends_at=_weekday_at(day, 11, 30),
                organiser_id=coach,
            )
            for team, coach, _leader, day, _text, _note in planned
        ],
        batch_size=1000,
    )
    Attendance.objects.bulk_create(
        [
            Attendance(item=item, user_id=user)
            for item, (_team, coach, leader, *_rest) in zip(items, planned, strict=True)
            for user in dict.fromkeys(u for u in (coach, leader) if u)
        ],
        batch_size=1000,
    )
    Visit.objects.bulk_create(
        [
            Visit(
                team_id=team["pk"],
                coach_id=coach,
                kind=VisitKind.TEAM_MEETING,
                item=item,
                planned_by_id=coach,
                reflection=text,
                reflection_at=min(item.ends_at + dt.timedelta(days=1), now) if text else None,
                private_note=note,
            )
            for item, (team, coach, _leader, _day, text, note) in zip(items, planned, strict=True)
        ],
        batch_size=1000,
    )
    return len(items)


def _demo_visit_attach(coach: int | None, teams: set[int]) -> int:
    """The notifications demo put a coming coach visit in the demo logins' agenda; make it the
    demo team's planned visit, so its page and the team's rhythm show it too."""
    if coach is None or len(teams) != 1:
        return 0
    items = PlannedItem.objects.filter(
        kind=ItemKind.COACH_VISIT, organiser_id=coach, coach_visit__isnull=True
    )
    visits = Visit.objects.bulk_create(
        Visit(
            team_id=next(iter(teams)),
            coach_id=coach,
            kind=VisitKind.TEAM_MEETING,
            item=item,
            invite_team=True,  # the demo employee has it in their agenda
            planned_by_id=coach,
        )
        for item in items
    )
    return len(visits)


def _month_first(day: dt.date, back: int) -> dt.date:
    """The first day of the month `back` months before `day`'s."""
    months = day.year * 12 + day.month - 1 - back
    return dt.date(months // 12, months % 12 + 1, 1)


def _consults_load(rng: random.Random, coaches: list[int], now: dt.datetime) -> int:
    """Consults as the retention purge leaves them (`services.consults_anonymise`): closed, no
    requester and no content, only the coach and the month. Some coaches are asked more often
    than others."""
    today = timezone.localdate(now)
    wanted = round(Person.objects.filter(active=True).count() / EMPLOYEES_PER_CONSULT)
    months = [_month_first(today, back) for back in CONSULT_MONTHS]
    popularity = [rng.uniform(0.4, 1.6) for _ in coaches]
    retention = dt.timedelta(days=settings.RETENTION_CONSULT_DAYS + 1)
    rows = []
    for coach in rng.choices(coaches, weights=popularity, k=wanted):
        month = rng.choice(months)
        start = dt.datetime.combine(month, dt.time(), ZONE)
        closed_on = month + dt.timedelta(days=rng.randint(0, 27))
        anonymised = dt.datetime.combine(closed_on, dt.time(3), ZONE) + retention
        rows.append(
            Consult(
                coach_id=coach,
                status=ConsultStatus.CLOSED,
                month=month,
                closed_at=start,
                anonymised_at=min(anonymised, now),
            )
        )
    made = Consult.objects.bulk_create(rows, batch_size=1000)
    # As the purge does: only the month stays of when it was asked and closed.
    Consult.objects.filter(pk__in=[c.pk for c in made]).update(
        created_at=F("closed_at"), updated_at=F("closed_at")
    )
    return len(made)
