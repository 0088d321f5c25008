"""A few planned items for the demo logins, so "Mijn agenda" and the feed show something.

Seed data written straight to the tables: loading a demo sends no mail.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction

from navolging.accounts.models import User

from .models import Attendance, ItemKind, PlannedItem

ZONE = ZoneInfo("Europe/Amsterdam")


def _at(today: dt.date, days: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, minute), ZONE)


def demo_items_load(*, emails: dict[str, str], today: dt.date) -> int:
    """`emails` maps a demo role (employee, team_leader, manager, trainer) to a login."""
    users = {u.email: u for u in User.objects.filter(email__in=emails.values())}
    who = {role: users[email] for role, email in emails.items() if email in users}
    if not {"employee", "team_leader", "manager", "trainer"} <= set(who):
        return 0
    items = [
        (
            dict(
                kind=ItemKind.FOLLOWUP,
                title="Follow-up sessie: wat werkt in ons team?",
                location="Stadskantoor, zaal 2.14",
                starts_at=_at(today, 10, 14),
                ends_at=_at(today, 10, 15, 30),
            ),
            ["employee", "team_leader", "manager"],
        ),
        (
            dict(
                kind=ItemKind.INTERVISION,
                title="Intervisie MT",
                obligation=True,
                location="Stadskantoor, zaal 4.02",
                starts_at=_at(today, 21, 9),
                ends_at=_at(today, 21, 11),
            ),
            ["manager", "team_leader", "trainer"],
        ),
        (
            dict(
                kind=ItemKind.COACH_VISIT,
                title="Teamoverleg met de teamcoach",
                location="Stadskantoor, zaal 1.08",
                starts_at=_at(today, 14, 10),
                ends_at=_at(today, 14, 11, 30),
            ),
            ["employee", "team_leader", "trainer"],
        ),
    ]
    with transaction.atomic():
        for fields, roles in items:
            item = PlannedItem.objects.create(organiser=who["trainer"], **fields)
            Attendance.objects.bulk_create(Attendance(item=item, user=who[r]) for r in roles)
    return len(items)
