"""Intervision: rounds of peer groups for managers, each with a facilitator, sessions every
6 to 8 working weeks, and attendance. What is said in a session is never stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CompositionMode(models.TextChoices):
    STRUCTURED = "structured", _("Structured: department MTs and directorates")
    MIXED = "mixed", _("Mixed: managers from different departments")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Proposal")
    PUBLISHED = "published", _("Published")


class Round(models.Model):
    name = models.CharField(_("name"), max_length=100)
    mode = models.CharField(_("composition"), max_length=12, choices=CompositionMode.choices)
    min_size = models.PositiveSmallIntegerField(_("smallest group"), default=4)
    max_size = models.PositiveSmallIntegerField(_("largest group"), default=8)
    rhythm_min_weeks = models.PositiveSmallIntegerField(
        _("at least every (working weeks)"), default=6
    )
    rhythm_max_weeks = models.PositiveSmallIntegerField(
        _("at most every (working weeks)"), default=8
    )
    heads_in_department_mt = models.BooleanField(
        _("heads also sit in their own department's MT group"), default=False
    )
    starts_on = models.DateField(_("first session from"))
    ends_on = models.DateField(_("last session by"))
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    seed = models.PositiveIntegerField(default=2026, editable=False)
    #: The engine's notes about the whole round ({"code", "params"}): for the review.
    notes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("intervision round")
        verbose_name_plural = _("intervision rounds")
        ordering = ["-starts_on", "name"]
        constraints = [
            # The source: at least 4, at most 8 to 10 people; every 6 to 8 weeks.
            models.CheckConstraint(condition=Q(min_size__gte=4), name="round_min_size_4"),
            models.CheckConstraint(
                condition=Q(max_size__gte=8, max_size__lte=10), name="round_max_size_8_to_10"
            ),
            models.CheckConstraint(
                condition=Q(rhythm_min_weeks__gte=1)
                & Q(rhythm_max_weeks__gte=models.F("rhythm_min_weeks")),
                name="round_rhythm_ordered",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="round_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Group(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("name"), max_length=150)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="facilitated_groups",
        limit_choices_to={"is_trainer": True},
    )
    #: Why the engine formed the group this way (split, merged, rules kept): for the review.
    report = models.JSONField(default=dict, blank=True)
    #: Set when HR changes dissolve a group that already met: its sessions and attendance stay.
    dissolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("intervision group")
        verbose_name_plural = _("intervision groups")
        ordering = ["round", "name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        "organisation.Person", on_delete=models.CASCADE, related_name="intervision_memberships"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="one_membership_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.group_id}"


class FacilitatorProfile(models.Model):
    """A trainer from the managers' programme who can facilitate intervision groups."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="facilitator_profile",
        limit_choices_to={"is_trainer": True},
    )
    max_groups = models.PositiveSmallIntegerField(_("groups at most"), default=4)
    #: ISO weekdays the facilitator can run sessions (1 = Monday ... 5 = Friday).
    weekdays = models.JSONField(_("weekdays"), default=list)
    sessions_per_day = models.PositiveSmallIntegerField(_("sessions a day at most"), default=2)

    def __str__(self) -> str:
        return f"facilitator {self.user_id}"


class Session(models.Model):
    """One meeting of a group; its calendar side is a notifications PlannedItem."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    item = models.OneToOneField(
        "notifications.PlannedItem", on_delete=models.PROTECT, related_name="intervision_session"
    )
    number = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["group", "number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="one_session_number_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.group} #{self.number}"


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")


class AttendanceRecord(models.Model):
    """Personal data about a work obligation: seen by the member, the facilitator, the
    programme office (and the member's manager if the organisation turns that on)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(
        "organisation.Person", on_delete=models.CASCADE, related_name="intervision_attendance"
    )
    presence = models.CharField(_("attendance"), max_length=8, choices=Presence.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_record_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.presence} {self.session_id}"


class IntervisionSettings(models.Model):
    """What the organisation decides about attendance follow-up. One row."""

    attendance_threshold = models.PositiveSmallIntegerField(
        _("flag attendance below (percent)"), default=75
    )
    tell_manager = models.BooleanField(
        _("also tell the member's own manager about missed sessions"), default=False
    )

    #: School regions ("noord", "midden", "zuid") whose school holidays close intervision.
    school_regions = models.JSONField(_("school regions"), default=list, blank=True)

    def __str__(self) -> str:
        return "intervision settings"

    @classmethod
    def load(cls) -> IntervisionSettings:
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class ClosedPeriod(models.Model):
    """A period the organisation closes for intervision (summer, Christmas...), inclusive."""

    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to and including"))

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        ordering = ["starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="closed_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.name
