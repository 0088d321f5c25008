"""The buddy system in the demo organisation (`manage.py demo`, docs/demo.md): about 6% of
the employees take part, about four in five of them with a buddy, the rest waiting for the next
pairing round; and a year of figures, so the office's chart and the programme dashboard show how
it grew.

Pairs keep the engine's hard rules (`pairing.refusal`: nobody with their own manager or direct
report, the same team only when both allow it) and carry the engine's own reasons. None of the
demo logins takes part: try joining as the demo employee.

Written straight to the tables with bulk inserts, in a fixed number of queries at any size: the
services would mail every participant, and loading a demo sends no mail and writes no audit
events. As in the app itself, nothing dates a person's joining or pairing: the history is only
the bare counts per unit (`Count`) and per pairing round.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from navolging.accounts.models import User
from navolging.organisation.chart import Chart
from navolging.organisation.models import Person, UnitKind

from . import pairing, services
from .models import Count, Pair, PairingRound, PairStatus, Participant

SHARE = 0.06
PAIRED_SHARE = 0.8
#: Figures at the end of each of the past twelve months; the first holds about a third of
#: today's participants.
MONTHS = 12
FIRST_SHARE = 1 / 3
LOCATIONS = (
    "Stadskantoor",
    "Werf Noord",
    "Stadswinkel West",
    "Sportcomplex Zuid",
    "Milieustraat Oost",
)
#: How often a wish is ticked.
WISHES = {
    pairing.LISTENING_EAR: 0.45,
    pairing.SHARE_EXPERIENCE: 0.3,
    pairing.NEW_IN_ROLE: 0.2,
    pairing.OTHER_DEPARTMENT: 0.35,
    pairing.CAREER: 0.25,
}
#: Candidates a greedy pairing looks at for each person.
LOOK_AHEAD = 30


def month_ends(today: dt.date, months: int = MONTHS) -> list[dt.date]:
    """The last day of each of the `months` months before today's, oldest first."""
    ends, day = [], today.replace(day=1)
    for _ in range(months):
        day -= dt.timedelta(days=1)
        ends.append(day)
        day = day.replace(day=1)
    return list(reversed(ends))


@transaction.atomic
def buddies_demo_load(
    rng: random.Random, *, logins: dict[str, str], now: dt.datetime | None = None
) -> dict[str, int]:
    """`logins` maps a demo role to its e-mail address; none of them takes part. Returns what
    was made."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    demo_users = set(User.objects.filter(email__in=logins.values()).values_list("pk", flat=True))
    people = [
        (pk, unit, user, language)
        for pk, unit, user, language in Person.objects.active()
        .order_by("pk")
        .values_list("pk", "unit_id", "user_id", "language")
        if user not in demo_users
    ]
    made = {"participants": 0, "pairs": 0, "counts": 0}
    chosen = sorted(rng.sample(people, min(len(people), round(SHARE * len(people)))))
    if len(chosen) < 2:
        return made
    chart = Chart()
    # Each directorate mostly works at one place.
    directorates = sorted(
        {u["code"] for u in chart.units.values() if u["kind"] == UnitKind.DIRECTORATE}
    )
    home = {code: LOCATIONS[n % len(LOCATIONS)] for n, code in enumerate(directorates)}
    engine, rows = [], []
    for pk, unit, _user, language in chosen:
        directorate = chart.above(unit, UnitKind.DIRECTORATE)
        draw = rng.random()
        location = (
            home.get(directorate, LOCATIONS[0])
            if draw < 0.6
            else rng.choice(LOCATIONS)
            if draw < 0.9
            else ""
        )
        wishes = sorted(w for w, share in WISHES.items() if rng.random() < share) or [
            pairing.LISTENING_EAR
        ]
        own_team_ok = rng.random() < 0.6
        talk = language if rng.random() < 0.5 else ""
        rows.append(
            Participant(
                person_id=pk,
                wishes=wishes,
                own_team_ok=own_team_ok,
                location=location,
                language=talk,
            )
        )
        engine.append(
            pairing.Participant(
                id=pk,
                team=unit,
                department=chart.above(unit, UnitKind.DEPARTMENT),
                directorate=directorate,
                manager=chart.manager_pk_of(pk, unit),
                wishes=frozenset(wishes),
                location=location or None,
                language=talk or None,
                own_team_ok=own_team_ok,
            )
        )
    pairs = _pairs(rng, engine, round(PAIRED_SHARE * len(engine) / 2))

    # When each joined and was paired: an index into the month ends, MONTHS being today. A
    # third had joined by the first month end; the others joined evenly since.
    early = set(rng.sample([p.id for p in engine], round(FIRST_SHARE * len(engine))))
    joined = {p.id: 0 if p.id in early else rng.randint(1, MONTHS) for p in engine}
    paired_at = {}
    for a, b in pairs:
        at = min(MONTHS, max(joined[a.id], joined[b.id]) + (rng.random() < 0.3))
        paired_at[a.id] = paired_at[b.id] = at
    in_pair = set(paired_at)
    for row in rows:
        if row.person_id not in in_pair:  # left over in the rounds since they joined
            row.waiting = min(3, max(0, MONTHS - joined[row.person_id] - 1))
    participants = {p.person_id: p for p in Participant.objects.bulk_create(rows, batch_size=1000)}
    stored = []
    for a, b in pairs:
        first, second = sorted((participants[a.id], participants[b.id]), key=lambda p: p.pk)
        stored.append(
            Pair(
                first_id=first.pk,
                second_id=second.pk,
                status=PairStatus.ACTIVE,
                first_accepted=True,
                second_accepted=True,
                reasons=[reason.as_json() for reason in pairing.explain(a, b)],
            )
        )
    Pair.objects.bulk_create(stored, batch_size=1000)
    days = month_ends(today)
    counts = _history(chart, engine, joined, paired_at, days)
    Count.objects.bulk_create(counts, batch_size=2000)
    made["counts"] = len(counts) + services.counts_record(day=today)
    _rounds_load(joined, paired_at, [*days, today])
    made.update(participants=len(rows), pairs=len(stored))
    return made


def _pairs(
    rng: random.Random, people: list[pairing.Participant], wanted: int
) -> list[tuple[pairing.Participant, pairing.Participant]]:
    """Greedy: in a random order, each person with the best-scoring allowed candidate among
    the next few still free."""
    order = list(people)
    rng.shuffle(order)
    free = [True] * len(order)
    found = []
    for i, a in enumerate(order):
        if len(found) >= wanted:
            break
        if not free[i]:
            continue
        best, best_score = None, None
        looked = 0
        for j in range(i + 1, len(order)):
            if not free[j]:
                continue
            looked += 1
            score = pairing.score_pair(a, order[j])
            if score is not None and (best_score is None or score > best_score):
                best, best_score = j, score
            if looked >= LOOK_AHEAD:
                break
        if best is not None:
            free[i] = free[best] = False
            found.append((a, order[best]))
    return found


def _history(
    chart: Chart,
    people: list[pairing.Participant],
    joined: dict[int, int],
    paired_at: dict[int, int],
    days: list[dt.date],
) -> list[Count]:
    """The figures at each past month end, rolled up exactly as `services.counts_now` does:
    a unit counts everyone in it and in every unit below it."""
    months = len(days)
    taking = defaultdict(lambda: [0] * months)
    paired = defaultdict(lambda: [0] * months)
    for person in people:
        chain = [None, *chart.chain(person.team)]
        for unit in chain:
            if joined[person.id] < months:
                taking[unit][joined[person.id]] += 1
            if paired_at.get(person.id, months) < months:
                paired[unit][paired_at[person.id]] += 1
    counts = []
    for unit in sorted(taking, key=lambda u: (u is not None, u or 0)):
        part = pairs = 0
        for index, day in enumerate(days):
            part += taking[unit][index]
            pairs += paired[unit][index]
            if part:
                counts.append(
                    Count(
                        day=day, unit_id=unit, taking_part=part, paired=pairs, waiting=part - pairs
                    )
                )
    return counts


def _rounds_load(joined: dict[int, int], paired_at: dict[int, int], days: list[dt.date]) -> None:
    """A pairing round two weeks before each figure: who it paired, and who was left over."""
    rounds = []
    for index, day in enumerate(days):
        pool = sum(1 for at in joined.values() if at <= index) - sum(
            1 for at in paired_at.values() if at < index
        )
        proposed = sum(1 for at in paired_at.values() if at == index) // 2
        if pool:
            rounds.append((day - dt.timedelta(days=14), proposed, pool - 2 * proposed))
    made = PairingRound.objects.bulk_create(
        PairingRound(proposed=proposed, left_over=left) for _day, proposed, left in rounds
    )
    for run, (day, _proposed, _left) in zip(made, rounds, strict=True):
        run.started_at = dt.datetime.combine(day, dt.time(7), timezone.get_current_timezone())
    PairingRound.objects.bulk_update(made, ["started_at"])
