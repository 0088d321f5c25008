"""Follow-up sessions: progress per programme goal, what went well, best practices, and whether
a team or MT needs more (which can start a tailored-training request in one step)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class GoalQuerySet(models.QuerySet):
    def active(self) -> GoalQuerySet:
        return self.filter(active=True)


class Goal(models.Model):
    """A training goal of the culture programme ("we address undesirable behaviour when we
    see it"), kept by the programme office in Dutch and English."""

    text_nl = models.CharField(_("goal (Dutch)"), max_length=300)
    text_en = models.CharField(_("goal (English)"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text_nl

    def text(self, language: str) -> str:
        return (self.text_en if language == "en" else "") or self.text_nl


class SessionScope(models.TextChoices):
    TEAM = "team", _("Team")
    MANAGEMENT_TEAM = "mt", _("Management team")
    DEPARTMENT = "department", _("Department")
    PROGRAMME = "programme", _("Whole programme")


class FollowUpSession(models.Model):
    """A follow-up session for a team, an MT, a department or the whole programme. Its calendar
    side (time, place, participants, invites) is a notifications PlannedItem."""

    unit = models.ForeignKey(
        "organisation.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="followup_sessions",
    )
    scope = models.CharField(_("for"), max_length=12, choices=SessionScope.choices)
    item = models.OneToOneField(
        "notifications.PlannedItem", on_delete=models.PROTECT, related_name="followup_session"
    )
    #: Who leads the session and records its outcome.
    led_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("led by"),
        on_delete=models.PROTECT,
        related_name="followup_sessions_led",
    )
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # -- the record, written after the session by `led_by`
    recorded_at = models.DateTimeField(null=True, blank=True)
    went_well = models.TextField(_("what went well"), blank=True)
    needs_more = models.BooleanField(_("needs more"), default=False)
    need_what = models.TextField(_("what is needed"), blank=True)
    need_why = models.TextField(_("why"), blank=True)
    #: Optimistic locking (R22): a record saved over someone else's newer one is refused.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-item__starts_at"]

    def __str__(self) -> str:
        return f"follow-up {self.unit} {self.item_id}"


class GoalProgress(models.Model):
    """How far a session found the team on one goal: a simple scale and a remark."""

    class Score(models.IntegerChoices):
        NOT_YET = 1, _("Not yet")
        STARTED = 2, _("Started")
        HALFWAY = 3, _("Halfway")
        MOSTLY = 4, _("Mostly")
        FULLY = 5, _("Fully")

    session = models.ForeignKey(FollowUpSession, on_delete=models.CASCADE, related_name="progress")
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="progress")
    score = models.PositiveSmallIntegerField(_("progress"), choices=Score.choices)
    remark = models.CharField(_("remark"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "goal"], name="one_score_per_goal"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="score_1_to_5"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.goal_id}: {self.score}"


class Theme(models.Model):
    """A theme to file best practices under; the office keeps the list."""

    name_nl = models.CharField(_("theme (Dutch)"), max_length=100, unique=True)
    name_en = models.CharField(_("theme (English)"), max_length=100, blank=True)

    class Meta:
        ordering = ["name_nl"]

    def __str__(self) -> str:
        return self.name_nl

    def name(self, language: str) -> str:
        return (self.name_en if language == "en" else "") or self.name_nl


class Instrument(models.TextChoices):
    COACHING = "coaching", _("Team coaching")
    INTERVISION = "intervision", _("Intervision")
    BUDDY = "buddy", _("Buddy system")
    FOLLOWUP = "followup", _("Follow-up session")
    TRAINING = "training", _("Tailored training")
    OTHER = "other", _("Other")


class BestPracticeQuerySet(models.QuerySet):
    def shared(self) -> BestPracticeQuerySet:
        """What the whole organisation may read."""
        return self.filter(shared=True)

    def visible_to(self, user) -> BestPracticeQuerySet:
        """Shared ones, and one's own (shared or not)."""
        return self.filter(Q(shared=True) | Q(author=user))


class BestPractice(models.Model):
    """A short story worth keeping. The author decides whether the whole organisation may read
    it and whether their name goes with it; an anonymous one shows no author anywhere (page,
    API, export), and only the author can still find it as theirs."""

    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    instrument = models.CharField(
        _("instrument"), max_length=12, choices=Instrument.choices, default=Instrument.OTHER
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="best_practices"
    )
    anonymous = models.BooleanField(_("publish without my name"), default=False)
    shared = models.BooleanField(_("share with the whole organisation"), default=False)
    session = models.ForeignKey(
        FollowUpSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="best_practices",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BestPracticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
