"""Follow-up in the demo organisation: the demo team's coming session, a year of recorded
sessions for the figures, and a few shared best practices.

Written straight to the tables in a fixed number of queries: loading a demo sends no mail.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from navolging.accounts.models import User
from navolging.notifications.models import Attendance, ItemKind, PlannedItem
from navolging.organisation.models import Unit, UnitKind

from .models import (
    BestPractice,
    FollowUpSession,
    Goal,
    GoalProgress,
    Instrument,
    SessionScope,
    Theme,
)

ZONE = ZoneInfo("Europe/Amsterdam")
#: Recorded sessions in the past year, for the office's figures.
PAST_SESSIONS = 40

PRACTICES = [
    (
        "Een vaste vraag aan het eind van het overleg",
        "We sluiten elk teamoverleg af met de vraag: is er deze week iets gebeurd dat niet "
        "goed voelde? Eerst was het stil, nu komt er bijna elke week iets op tafel.",
        Instrument.FOLLOWUP,
        ["Teamafspraken", "Aanspreken"],
        False,
    ),
    (
        "Omstanders spreken elkaar aan",
        "Na een grap die te ver ging, zei een collega er direct iets van. We hebben "
        "afgesproken dat iedereen dat mag doen, niet alleen de leidinggevende.",
        Instrument.COACHING,
        ["Omstanders", "Aanspreken"],
        True,
    ),
    (
        "Feedback in tweetallen",
        "Ons MT oefent elke intervisie tien minuten in tweetallen met feedback geven op "
        "eigen gedrag. Het voelt nu gewoner om het ook buiten het MT te doen.",
        Instrument.INTERVISION,
        ["Feedback", "Voorbeeldgedrag"],
        False,
    ),
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), ZONE)


@transaction.atomic
def followup_demo_load(
    rng: random.Random, *, logins: dict[str, str], now: dt.datetime | None = None
) -> dict[str, int]:
    """`logins` maps a demo role to its e-mail address. Returns what was made."""
    now = now or timezone.now()
    users = dict(User.objects.filter(email__in=logins.values()).values_list("email", "pk"))
    leader = users.get(logins.get("team_leader", ""))
    demo_team = Unit.objects.filter(kind=UnitKind.TEAM, head__user_id=leader).first()
    made = {"sessions": 0, "best_practices": 0}
    if demo_team is None:
        return made
    # The notifications demo put a coming follow-up session in the demo logins' agenda.
    coming = PlannedItem.objects.filter(kind=ItemKind.FOLLOWUP, followup_session__isnull=True)
    sessions = [
        FollowUpSession(
            unit=demo_team,
            scope=SessionScope.TEAM,
            item=item,
            led_by_id=leader,
            planned_by_id=leader,
        )
        for item in coming
    ]
    teams = list(
        Unit.objects.filter(kind=UnitKind.TEAM, active=True, head__user__isnull=False)
        .order_by("code")
        .values_list("pk", "head__user_id")
    )
    past = [rng.choice(teams) for _ in range(min(PAST_SESSIONS, len(teams)))]
    days = sorted(timezone.localdate(now) - dt.timedelta(days=rng.randint(14, 360)) for _ in past)
    items = PlannedItem.objects.bulk_create(
        PlannedItem(
            kind=ItemKind.FOLLOWUP,
            title="Follow-up sessie",
            starts_at=_at(day, 14),
            ends_at=_at(day, 15),
            organiser_id=head,
        )
        for (_team, head), day in zip(past, days, strict=True)
    )
    Attendance.objects.bulk_create(
        Attendance(item=item, user_id=head) for item, (_t, head) in zip(items, past, strict=True)
    )
    sessions += [
        FollowUpSession(
            unit_id=team,
            scope=SessionScope.TEAM,
            item=item,
            led_by_id=head,
            planned_by_id=head,
            recorded_at=item.ends_at,
            went_well="We hebben open gepraat over wat wel en niet past.",
        )
        for item, (team, head) in zip(items, past, strict=True)
    ]
    sessions = FollowUpSession.objects.bulk_create(sessions)
    goals = list(Goal.objects.active())
    # Scores drift upwards over the year, as a programme that works would show.
    GoalProgress.objects.bulk_create(
        GoalProgress(
            session=session,
            goal=goal,
            score=max(1, min(5, 2 + number * 3 // len(past) + rng.choice((-1, 0, 0, 1)))),
        )
        for number, session in enumerate(s for s in sessions if s.recorded_at)
        for goal in goals
    )
    themes = {t.name_nl: t for t in Theme.objects.all()}
    practices = BestPractice.objects.bulk_create(
        BestPractice(
            title=title,
            text=text,
            instrument=instrument,
            author_id=leader,
            anonymous=anonymous,
            shared=True,
        )
        for title, text, instrument, _themes, anonymous in PRACTICES
    )
    BestPractice.themes.through.objects.bulk_create(
        BestPractice.themes.through(bestpractice_id=practice.pk, theme_id=themes[name].pk)
        for practice, (*_rest, names, _anon) in zip(practices, PRACTICES, strict=True)
        for name in names
        if name in themes
    )
    made.update(sessions=len(sessions), best_practices=len(practices))
    return made
