"""Planned items, the outbox and each person's choices: the one notification mechanism every
instrument uses (intervision sessions, coach visits, consults, follow-up sessions, training)."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    INTERVISION = "intervision", _("Intervision session")
    COACH_VISIT = "coach_visit", _("Coach visit to a team meeting")
    CONSULT = "consult", _("Appointment with a coach")
    FOLLOWUP = "followup", _("Follow-up session")
    TRAINING = "training", _("Tailored training")
    OTHER = "other", _("Other")


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CANCELLED = "cancelled", _("Cancelled")


class PlannedItemQuerySet(models.QuerySet):
    def for_user(self, user) -> PlannedItemQuerySet:
        """The items a person takes part in: the only way to list items for someone."""
        return self.filter(attendances__user=user)


class PlannedItem(models.Model):
    """Something planned for people, sent to them as a calendar event.

    `uid` is the iCalendar UID and the only identifier that leaves the app (links, feeds).
    A confidential item is only ever shown in its neutral form outside the app.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=ItemKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    confidential = models.BooleanField(_("confidential"), default=False)
    obligation = models.BooleanField(
        _("obligation"), default=False, help_text=_("Invites cannot be switched off.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.PLANNED
    )
    sequence = models.PositiveIntegerField(default=0)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlannedItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("planned item")
        verbose_name_plural = _("planned items")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="planned_item_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    item = models.ForeignKey(PlannedItem, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="one_attendance_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.item_id}"


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(models.Model):
    """A mail waiting to be sent, sent, or given up on. Written in the transaction of the action
    that caused it, sent after commit; `manage.py send_mail_queue` retries what is waiting."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_email = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    ics = models.TextField(blank=True)
    ics_method = models.CharField(max_length=10, blank=True)
    confidential = models.BooleanField(default=False)
    status = models.CharField(
        max_length=8, choices=MailStatus.choices, default=MailStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.status} {self.created_at:%Y-%m-%d %H:%M}"


class MailMode(models.TextChoices):
    PER_EVENT = "per_event", _("A mail for each change")
    WEEKLY = "weekly", _("One mail a week with all changes")


class NotificationPreference(models.Model):
    """A person's choices. Obligations (intervision) always get their invites."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    mail_mode = models.CharField(
        _("mail"), max_length=10, choices=MailMode.choices, default=MailMode.PER_EVENT
    )
    invites = models.BooleanField(
        _("calendar invites"),
        default=True,
        help_text=_("Invites for obligations such as intervision are always sent."),
    )

    def __str__(self) -> str:
        return f"{self.user_id}: {self.mail_mode}"

    @classmethod
    def for_user(cls, user) -> NotificationPreference:
        # Reading must not write: the defaults until the person saves a choice.
        return cls.objects.filter(user=user).first() or cls(user=user)


class DigestEntry(models.Model):
    """A change waiting for someone's weekly mail. Holds no text: rendered when sent."""

    class Change(models.TextChoices):
        PLANNED = "planned", _("Planned")
        MOVED = "moved", _("Moved")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(PlannedItem, on_delete=models.CASCADE, related_name="+")
    change = models.CharField(max_length=10, choices=Change.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.change} {self.item_id}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private calendar feed URL. Renewing makes a new token; the old one stops."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="one_live_feed_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"feed of {self.user_id}"  # never the token: it is the key to the feed
