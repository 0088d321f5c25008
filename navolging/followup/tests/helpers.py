"""Shared by the follow-up tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from navolging.followup import services
from navolging.followup.models import FollowUpSession, SessionScope
from navolging.followup.selectors import default_participants
from navolging.notifications.models import PlannedItem


def soon(days: int = 3, hour: int = 10) -> tuple[dt.datetime, dt.datetime]:
    start = (timezone.localtime() + dt.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return start, start + dt.timedelta(hours=2)


def plan(cast, *, unit=None, scope=SessionScope.TEAM, led_by=None, by=None) -> FollowUpSession:
    """The office plans a session for the cast's team, led by its team leader."""
    unit = unit or cast.team
    starts_at, ends_at = soon()
    return services.session_plan(
        unit=unit,
        scope=scope,
        starts_at=starts_at,
        ends_at=ends_at,
        led_by=led_by or cast.team_leader.user,
        participants=default_participants(unit, scope),
        by=by or cast.office,
        location="Zaal 2.14",
    )


def held(session: FollowUpSession, *, days_ago: float = 0.1, at=None) -> FollowUpSession:
    """Time passes: the session has taken place."""
    start = at or timezone.now() - dt.timedelta(days=days_ago)
    PlannedItem.objects.filter(pk=session.item_id).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    session.item.refresh_from_db()
    return session


def record(session: FollowUpSession, *, scores: dict | None = None, **extra):
    """Record through the service as whoever leads the session."""
    values = {
        "version": session.version,
        "progress": {pk: (score, "") for pk, score in (scores or {}).items()},
        "went_well": "",
        "needs_more": False,
        "need_what": "",
        "need_why": "",
        "by": session.led_by,
    }
    return services.session_record(session=session, **{**values, **extra})
