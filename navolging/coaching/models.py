"""Team coaching: a coach per team, visits to team meetings, and confidential consults.

A consult is read only by its requester and its coach (SECURITY R10): every query goes through
`Consult.objects.visible_to(user)` or `selectors.consult_for`; it is not in the admin or the
API, its audit events are confidential, its mails neutral, its message encrypted at rest.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from navolging.lib.crypto import EncryptedTextField


class CoachProfile(models.Model):
    """What the programme office knows of a trainer as team coach."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coach_profile",
        limit_choices_to={"is_trainer": True},
    )
    capacity = models.PositiveSmallIntegerField(
        _("teams at most"), default=6, help_text=_("How many teams this coach can take on.")
    )
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    takes_consults = models.BooleanField(
        _("open to consults from any team"),
        default=True,
        help_text=_("Employees from other teams may choose this coach for a confidential consult."),
    )

    def __str__(self) -> str:
        return f"coach {self.user_id}"


class CoachAssignment(models.Model):
    """The coach of one team. A coach from outside the team's trainers needs a reason."""

    team = models.OneToOneField(
        "organisation.Unit",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        related_name="coach_assignment",
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coach"),
        on_delete=models.PROTECT,
        related_name="coached_teams",
    )
    reason = models.TextField(_("reason"), blank=True)
    assigned_at = models.DateTimeField(_("assigned on"))

    def __str__(self) -> str:
        return f"{self.team} <- {self.coach_id}"


class VisitKind(models.TextChoices):
    TEAM_MEETING = "team_meeting", _("Team meeting")
    TEAM_DAY = "team_day", _("Team day")
    OTHER = "other", _("Other")


class VisitQuerySet(models.QuerySet):
    def live(self) -> VisitQuerySet:
        """Not cancelled."""
        return self.exclude(item__status="cancelled")


class Visit(models.Model):
    """The coach at a team meeting. The calendar side is a notifications PlannedItem."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey(
        "organisation.Unit", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+"
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coach"),
        on_delete=models.PROTECT,
        related_name="coach_visits",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=VisitKind.choices)
    item = models.OneToOneField(
        "notifications.PlannedItem", on_delete=models.PROTECT, related_name="coach_visit"
    )
    invite_team = models.BooleanField(_("invite the whole team"), default=False)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: The mirror: what the coach saw, for the team and its manager to read.
    reflection = models.TextField(_("reflection"), blank=True)
    reflection_at = models.DateTimeField(null=True, blank=True)
    #: The coach's own notes: only this visit's coach reads them, encrypted at rest.
    private_note = EncryptedTextField(_("private note"), blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-item__starts_at"]

    def __str__(self) -> str:
        return f"visit {self.team_id} {self.item_id}"


class CoachingSettings(models.Model):
    """What the organisation chooses for team coaching. One row."""

    visit_every_weeks = models.PositiveSmallIntegerField(
        _("a visit to every team at least every ... weeks"), default=13
    )
    counsellor_nl = models.TextField(
        _("confidential counsellor (Dutch)"),
        blank=True,
        help_text=_("Who the confidential counsellor is and how to reach them."),
    )
    counsellor_en = models.TextField(_("confidential counsellor (English)"), blank=True)
    complaints_nl = models.TextField(
        _("complaints procedure (Dutch)"),
        blank=True,
        help_text=_("Where the complaints procedure is and how to file a complaint."),
    )
    complaints_en = models.TextField(_("complaints procedure (English)"), blank=True)

    class Meta:
        verbose_name = _("coaching settings")
        verbose_name_plural = _("coaching settings")

    def __str__(self) -> str:
        return "coaching settings"

    @classmethod
    def load(cls) -> CoachingSettings:
        # Reading must not write (GET requests never write): unsaved defaults until edited.
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def counsellor(self, language: str) -> str:
        return (self.counsellor_en if language == "en" else "") or self.counsellor_nl

    def complaints(self, language: str) -> str:
        return (self.complaints_en if language == "en" else "") or self.complaints_nl


class ConsultTopic(models.TextChoices):
    PREPARE = "prepare", _("Prepare a difficult conversation")
    OWN_BEHAVIOUR = "own_behaviour", _("Reflect on my own behaviour")
    OTHER = "other", _("Something else")


class ConsultStatus(models.TextChoices):
    REQUESTED = "requested", _("Asked")
    PROPOSED = "proposed", _("Time proposed")
    PLANNED = "planned", _("Planned")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Coach cannot take it on")


#: A consult in one of these can still change; the others are closed.
OPEN_STATUSES = (ConsultStatus.REQUESTED, ConsultStatus.PROPOSED, ConsultStatus.PLANNED)


class ConsultQuerySet(models.QuerySet):
    def visible_to(self, user) -> ConsultQuerySet:
        """The only way to list consults: the requester's and the coach's own, nobody else's."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(Q(requester__user=user) | Q(coach=user), anonymised_at__isnull=True)

    def due_for_purge(self, cutoff: dt.datetime) -> ConsultQuerySet:
        """Consults whose content has been kept long enough: closed (or declined) before
        `cutoff`, an appointment that ended before it and was never closed, or a request
        nobody touched since."""
        return self.filter(anonymised_at__isnull=True).filter(
            Q(closed_at__lt=cutoff)
            | Q(status=ConsultStatus.PLANNED, ends_at__lt=cutoff)
            | Q(status__in=[ConsultStatus.REQUESTED, ConsultStatus.PROPOSED], updated_at__lt=cutoff)
        )


class Consult(models.Model):
    """A confidential conversation an employee or manager asked a coach for.

    Only `coach` and `month` outlive the retention period (for the office's counts per coach
    per month); everything that says who or what is removed by `manage.py purge`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requester = models.ForeignKey(
        "organisation.Person", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consults_as_coach"
    )
    topic = models.CharField(_("what it is about"), max_length=16, blank=True)
    message = EncryptedTextField(_("message"), blank=True)
    preferred_times = EncryptedTextField(_("preferred times"), blank=True)
    status = models.CharField(
        max_length=10, choices=ConsultStatus.choices, default=ConsultStatus.REQUESTED
    )
    #: The proposed or agreed time.
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    item = models.OneToOneField(
        "notifications.PlannedItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consult",
    )
    #: First day of the month of the appointment: what the office's counts read.
    month = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    objects = ConsultQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="consult_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=True)
                | Q(requester__isnull=True, message="", preferred_times="", topic=""),
                name="anonymised_consult_keeps_no_content",
            ),
        ]

    def __str__(self) -> str:
        # Never a name or a topic: this string may end up in an audit row or a log.
        return f"consult {str(self.id)[:8]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
