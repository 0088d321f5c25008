"""Tailored training (maatwerktraining): extra learning for a team or MT that has completed its
base programme, decided by its manager, its external head trainer and the AS together.

A request goes draft -> submitted -> decided (yes: an activity, or no: a reason) -> planned ->
delivered -> evaluated. While submitted, one of the three proposes a decision and each records
their view; the decision stands when all three agree with the same proposal. Any of them can
send the request back to draft with a remark. Every step is kept in `TrainingEvent`.
Two people acting at once never produce two decisions or a lost update (R22): transitions lock
the row, and edits carry the `version` they were made on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Being decided")
    DECIDED_YES = "decided_yes", _("Decided: yes")
    DECIDED_NO = "decided_no", _("Decided: no")
    PLANNED = "planned", _("Planned")
    DELIVERED = "delivered", _("Delivered")
    EVALUATED = "evaluated", _("Evaluated")


class Party(models.TextChoices):
    MANAGER = "manager", _("Manager")
    HEAD_TRAINER = "head_trainer", _("Head trainer")
    AS = "as", _("AS")


class TrainingRequest(models.Model):
    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("team or MT of"),
        on_delete=models.PROTECT,
        related_name="training_requests",
    )
    scope = models.CharField(
        _("for"), max_length=4, choices=[("team", _("Team")), ("mt", _("Management team"))]
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_requests"
    )
    source_session = models.ForeignKey(
        "followup.FollowUpSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_requests",
    )
    what = models.TextField(_("what is needed"))
    why = models.TextField(_("why"))
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.DRAFT)
    #: Optimistic locking (R22): every change raises it; a form posted on an older version is
    #: refused with a message instead of overwriting.
    version = models.PositiveIntegerField(default=0)
    # -- the proposed (then agreed) decision
    proposal_yes = models.BooleanField(null=True)
    activity = models.TextField(_("activity"), blank=True)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_activities",
        limit_choices_to={"is_trainer": True},
    )
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    no_reason = models.TextField(_("reason"), blank=True)
    # -- after the decision
    item = models.OneToOneField(
        "notifications.PlannedItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_request",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="training_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gt=0), name="hours_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"tailored training {self.pk} {self.unit}"


class View(models.Model):
    """One party's view of the current proposal. Changing the proposal clears the views."""

    request = models.ForeignKey(TrainingRequest, on_delete=models.CASCADE, related_name="views")
    party = models.CharField(max_length=12, choices=Party.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agrees = models.BooleanField()
    remark = models.TextField(_("remark"), blank=True)
    #: The request version the view was given on: a view on an older proposal does not count.
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "party"], name="one_view_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.party} {self.agrees}"


class Evaluation(models.Model):
    """After delivery: the manager's and the trainer's short evaluation."""

    request = models.ForeignKey(
        TrainingRequest, on_delete=models.CASCADE, related_name="evaluations"
    )
    party = models.CharField(max_length=12, choices=Party.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("how useful was it"))
    remark = models.TextField(_("remark"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "party"], name="one_evaluation_per_party"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="evaluation_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.party} {self.score}"


class TrainingEvent(models.Model):
    """The history of a request, shown on its page: who did what, when, with what remark."""

    request = models.ForeignKey(TrainingRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=32)
    remark = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action}"
