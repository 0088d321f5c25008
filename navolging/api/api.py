from __future__ import annotations

import datetime as dt
import uuid

from ninja import NinjaAPI, Schema
from ninja.security import django_auth

from navolging.coaching import selectors as coaching_selectors
from navolging.coaching import services as coaching_services
from navolging.coaching.models import CoachProfile
from navolging.lib.access import login_required

api = NinjaAPI(
    title="Navolging API",
    version="1",
    auth=django_auth,  # the browser session; CSRF is checked on every unsafe method
    urls_namespace="api",
    docs_decorator=login_required,
)


@api.get("/me", tags=["account"])
def me(request) -> dict:
    """The logged-in user and the roles they hold."""
    user = request.auth
    return {"email": user.email, "name": user.display_name, "roles": sorted(user.roles())}


# -- team coaching ---------------------------------------------------------------------------


class CoachOut(Schema):
    name: str
    email: str
    phone: str


class ConsultOut(Schema):
    """What a requester or coach sees of their own consult in a list: never the message."""

    id: uuid.UUID
    status: str
    topic: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None


@api.get("/coaching/my-coach", response=CoachOut | None, tags=["coaching"])
def my_coach(request):
    """The coach of my team and how to reach them; null when my team has none."""
    person = request.auth.person_or_none
    coach = coaching_selectors.coach_of(person) if person is not None and person.active else None
    if coach is None:
        return None
    profile = CoachProfile.objects.filter(user=coach).first()
    return {
        "name": coach.display_name,
        "email": coach.email,
        "phone": profile.phone if profile else "",
    }


@api.get("/coaching/consults", response=list[ConsultOut], tags=["coaching"])
def my_consults(request):
    """My own confidential consults, as requester or as coach. Each read is recorded (R17)."""
    consults = list(coaching_selectors.consults_of(request.auth))
    for consult in consults:
        coaching_services.consult_seen(consult=consult, by=request.auth, request=request)
    return consults


# -- best practices --------------------------------------------------------------------------


class BestPracticeOut(Schema):
    """A shared best practice. `author` is null when it was published without a name;
    `created_at` is the day only (a time could be matched to the session it came from)."""

    id: int
    title: str
    text: str
    themes: list[str]
    instrument: str
    created_at: dt.date
    author: str | None


@api.get("/best-practices", response=list[BestPracticeOut], tags=["best practices"])
def best_practices(request):
    """The shared best practices, newest first."""
    from navolging.followup import selectors as followup_selectors
    from navolging.followup.models import BestPractice

    practices = BestPractice.objects.shared().select_related("author__person")
    return [
        followup_selectors.practice_row(practice)
        for practice in practices.prefetch_related("themes").order_by("-created_at", "-pk")
    ]


# -- the programme dashboard -----------------------------------------------------------------


class FigureOut(Schema):
    """A dashboard figure as the page shows it: `text` always (a band such as "fewer than 5",
    "too few to show"), `value` only where an exact number may be shown; `rag` is green,
    amber, red or null."""

    key: str
    label: str
    text: str
    value: float | None
    rag: str | None
    note: str


class SectionOut(Schema):
    key: str
    title: str
    figures: list[FigureOut]


class UnitRowOut(Schema):
    id: int
    name: str
    kind: str
    figures: list[FigureOut]


class DashboardOut(Schema):
    unit: int | None
    as_of: dt.datetime
    sections: list[SectionOut]
    below: list[UnitRowOut]


@api.get("/dashboard", response=DashboardOut, tags=["dashboard"])
def dashboard(request, unit: int | None = None):
    """The dashboard of one unit and everything below it (no unit: the whole organisation,
    the programme office only), with the units directly below. A manager gets their own units
    only; anyone else, or another unit, gets 404. The same figures as the page."""
    from django.http import Http404

    from navolging.accounts.models import Role
    from navolging.dashboard import access, metrics
    from navolging.dashboard.report import Overview

    if not request.auth.has_role(Role.PROGRAMME_OFFICE, Role.MANAGER):
        raise Http404
    tree = metrics.current_tree()
    access.unit_for(request.auth, unit, tree)
    overview = Overview(tree)
    return {
        "unit": unit,
        "as_of": tree.now,
        "sections": overview.sections(unit),
        "below": [
            {
                "id": row.unit.pk,
                "name": row.unit.name,
                "kind": row.unit.kind,
                "figures": row.figures,
            }
            for row in overview.children_rows(unit)
        ],
    }
