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
