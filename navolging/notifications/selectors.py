"""What is planned for a person, read in one place: the agenda page and the feed show the same."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .models import CalendarFeed, ItemStatus, MailStatus, OutboxMessage, PlannedItem

#: How far back the agenda and the feed reach: recent items stay visible for a month.
AGENDA_DAYS_BACK = 30


def agenda_items(user, *, now: dt.datetime | None = None) -> QuerySet[PlannedItem]:
    """The person's items from AGENDA_DAYS_BACK days ago on, cancelled ones left out.

    Cancelled items are left out rather than sent as STATUS:CANCELLED: a subscribed calendar
    drops an event that is no longer in the feed, and not every client honours the status.
    """
    since = (now or timezone.now()) - dt.timedelta(days=AGENDA_DAYS_BACK)
    return (
        PlannedItem.objects.for_user(user)
        .filter(ends_at__gte=since)
        .exclude(status=ItemStatus.CANCELLED)
        .select_related("organiser")
        .order_by("starts_at", "id")
    )


def live_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_by_token(token: str) -> CalendarFeed | None:
    """The live feed behind a token, if its owner may still log in."""
    return (
        CalendarFeed.objects.filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )


def outbox_summary(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Counts for the programme office. Confidential messages are counted apart, never listed
    and never in the other counts: the page shows them only as a band of five, so one mail
    about a consult does not change a figure the office sees (R10)."""
    week_ago = (now or timezone.now()) - dt.timedelta(days=7)
    waiting = Q(status=MailStatus.QUEUED)
    failed = Q(status=MailStatus.FAILED)
    plain, secret = Q(confidential=False), Q(confidential=True)
    return OutboxMessage.objects.aggregate(
        waiting=Count("id", filter=waiting & plain),
        failed=Count("id", filter=failed & plain),
        sent_last_week=Count("id", filter=Q(status=MailStatus.SENT, sent_at__gte=week_ago) & plain),
        confidential_waiting=Count("id", filter=waiting & secret),
        confidential_failed=Count("id", filter=failed & secret),
    )


def outbox_open(*, limit: int = 200) -> QuerySet[OutboxMessage]:
    """Waiting and failed messages the office may see in full: never the confidential ones."""
    return (
        OutboxMessage.objects.filter(
            status__in=[MailStatus.QUEUED, MailStatus.FAILED], confidential=False
        )
        .select_related("recipient__person")
        .order_by("status", "created_at", "id")[:limit]  # "failed" sorts before "queued"
    )
