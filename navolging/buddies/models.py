"""Buddy system: voluntary, built on trust, and not monitored (DOMAIN §3, SECURITY R11).

Only the sign-up and the pairing are stored. Nothing about what buddies do: no meetings, no
check-ins, no dates on anything that names a person (tests/test_services.py fails when a field
like that appears). Who is paired with whom is seen only by the two: every query goes through
the selectors, which start from the person asking. Leaving deletes the person's rows at once.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from . import pairing


class Wish(models.TextChoices):
    LISTENING_EAR = pairing.LISTENING_EAR, _("A listening ear")
    SHARE_EXPERIENCE = pairing.SHARE_EXPERIENCE, _("Sharing my experience")
    NEW_IN_ROLE = pairing.NEW_IN_ROLE, _("Finding my way in a new job")
    OTHER_DEPARTMENT = pairing.OTHER_DEPARTMENT, _("Learning from another part of the organisation")
    CAREER = pairing.CAREER, _("Talking about growth and career")


class ParticipantQuerySet(models.QuerySet):
    def waiting(self) -> ParticipantQuerySet:
        """Active participants in no pair and no proposal: the next round's pool."""
        in_pair = Pair.objects.filter(
            Q(first=models.OuterRef("pk")) | Q(second=models.OuterRef("pk"))
        )
        return self.filter(person__active=True).exclude(models.Exists(in_pair))


class Participant(models.Model):
    """Someone who joined. Deleted (with everything below) when they leave."""

    person = models.OneToOneField(
        "organisation.Person", on_delete=models.CASCADE, related_name="buddy_participant"
    )
    wishes = models.JSONField(_("what you hope for"), default=list)
    own_team_ok = models.BooleanField(_("a buddy from my own team is fine"), default=True)
    location = models.CharField(_("work location"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    #: Rounds in a row this person was left over: they come first next time.
    waiting = models.PositiveSmallIntegerField(default=0)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        verbose_name = _("buddy participant")
        verbose_name_plural = _("buddy participants")

    def __str__(self) -> str:
        return f"buddy participant {self.pk}"


class Trusted(models.Model):
    """A colleague the participant would trust as a buddy (at most three)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="trusted")
    person = models.ForeignKey("organisation.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "person"], name="trusted_once"),
        ]

    def __str__(self) -> str:
        return f"trusted {self.pk}"


class NotWith(models.Model):
    """Private: a colleague the participant does not want as a buddy. Nobody else ever learns
    of it; it is only read by the pairing engine."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="not_with")
    person = models.ForeignKey("organisation.Person", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "person"], name="not_with_once"),
        ]

    def __str__(self) -> str:
        return f"not with {self.pk}"


class PairStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Buddies")


class PairQuerySet(models.QuerySet):
    def of(self, participant: Participant) -> PairQuerySet:
        """The pair or proposal `participant` is in (at most one)."""
        return self.filter(Q(first=participant) | Q(second=participant))


class Pair(models.Model):
    """A proposal until both accept, then a pair. Declining or ending deletes the row."""

    first = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=PairStatus.choices)
    first_accepted = models.BooleanField(default=False)
    second_accepted = models.BooleanField(default=False)
    #: Why the engine proposed them: reason codes and parameters, shown only to the two.
    reasons = models.JSONField(default=list, blank=True)

    objects = PairQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="pair_ordered"),
            models.UniqueConstraint(fields=["first"], name="one_pair_as_first"),
            models.UniqueConstraint(fields=["second"], name="one_pair_as_second"),
        ]

    def __str__(self) -> str:
        return f"buddy pair {self.pk}"


class Declined(models.Model):
    """A proposal one of the two declined: never proposed again. Not who declined, not when."""

    first = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="declined_ordered"),
            models.UniqueConstraint(fields=["first", "second"], name="declined_once"),
        ]

    def __str__(self) -> str:
        return f"declined {self.pk}"


class PairingRound(models.Model):
    """A pairing run of the programme office: counts only, never who."""

    started_at = models.DateTimeField(auto_now_add=True)
    proposed = models.PositiveIntegerField(default=0)
    left_over = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"pairing round {self.pk}"


class BuddySettings(models.Model):
    """One row: how often the office wants a pairing round (0 = only by hand)."""

    rhythm_weeks = models.PositiveSmallIntegerField(_("a pairing round every (weeks)"), default=4)

    def __str__(self) -> str:
        return "buddy settings"

    @classmethod
    def load(cls) -> BuddySettings:
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class Count(models.Model):
    """Figures over time, per unit (None: the whole organisation); no person in it."""

    day = models.DateField()
    unit = models.ForeignKey(
        "organisation.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    taking_part = models.PositiveIntegerField()
    waiting = models.PositiveIntegerField()
    paired = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "unit"], name="one_count_per_day_and_unit"),
            models.UniqueConstraint(
                fields=["day"], condition=Q(unit__isnull=True), name="one_total_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"count {self.day} {self.unit_id}"
