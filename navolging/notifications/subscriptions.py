"""A person's own choices: their calendar feed and how they want to be told.

Each change is recorded in the audit trail, never with the feed's token: the token is the key
to the feed, and the audit trail is read by the programme office.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from navolging.audit.services import audit_record, diff

from .models import CalendarFeed, NotificationPreference


def feed_renew(*, user, request=None) -> CalendarFeed:
    """A new feed URL for `user`; the old one (if any) stops working at once."""
    with transaction.atomic():
        # One renewal at a time per person: the database allows one live feed each.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        old = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()
        if old is not None:
            old.revoked_at = timezone.now()
            old.save(update_fields=["revoked_at"])
        feed = CalendarFeed.objects.create(user=user)
        audit_record(
            action="calendar_feed.renew" if old else "calendar_feed.create",
            actor=user,
            obj=feed,
            changes={"feed": [old.pk if old else None, feed.pk]},
            request=request,
        )
    return feed


def feed_revoke(*, user, request=None) -> bool:
    """Stops the person's feed. False when there was none."""
    with transaction.atomic():
        feed = (
            CalendarFeed.objects.select_for_update()
            .filter(user=user, revoked_at__isnull=True)
            .first()
        )
        if feed is None:
            return False
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        audit_record(
            action="calendar_feed.revoke",
            actor=user,
            obj=feed,
            changes={"revoked_at": [None, feed.revoked_at.isoformat()]},
            request=request,
        )
    return True


def preference_save(*, user, mail_mode: str, invites: bool, request=None) -> NotificationPreference:
    """Stores the person's choice; written only now, reading never makes a row."""
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
            user=user
        )
        old = {"mail_mode": preference.mail_mode, "invites": preference.invites}
        preference.mail_mode = mail_mode
        preference.invites = invites
        preference.save(update_fields=["mail_mode", "invites"])
        changes = diff(old, {"mail_mode": mail_mode, "invites": invites})
        audit_record(
            action="notification_preference.update",
            actor=user,
            obj=preference,
            changes=changes,
            request=request,
        )
    return preference
