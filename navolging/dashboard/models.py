"""What the organisation aims for per figure: the dashboard's red, amber and green."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

#: Every target: (field prefix, lower is better). The one list the form, the constraints, the
#: judging (report.judge) and the exports read.
TARGETS = (
    ("base_done", False),
    ("coached", False),
    ("on_track", False),
    ("attendance", False),
    ("on_schedule", False),
    ("buddies", False),
    ("followup", False),
    ("decision_days", True),
)
LOWER_IS_BETTER = {key for key, lower in TARGETS if lower}


def _percent(label, default: int):
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MaxValueValidator(100)]
    )


class Targets(models.Model):
    """One row. A figure is green at or above its green value, amber at or above its amber
    value and red below it; for the decision time (days) lower is better, so the other way."""

    base_done_green = _percent(_("teams with base programme done: green from (%)"), 100)
    base_done_amber = _percent(_("teams with base programme done: amber from (%)"), 80)
    coached_green = _percent(_("teams with a coach: green from (%)"), 100)
    coached_amber = _percent(_("teams with a coach: amber from (%)"), 90)
    on_track_green = _percent(_("coached teams on track with visits: green from (%)"), 80)
    on_track_amber = _percent(_("coached teams on track with visits: amber from (%)"), 60)
    attendance_green = _percent(_("intervision attendance: green from (%)"), 80)
    attendance_amber = _percent(_("intervision attendance: amber from (%)"), 65)
    on_schedule_green = _percent(_("intervision sessions on schedule: green from (%)"), 90)
    on_schedule_amber = _percent(_("intervision sessions on schedule: amber from (%)"), 75)
    buddies_green = _percent(_("employees in the buddy system: green from (%)"), 10)
    buddies_amber = _percent(_("employees in the buddy system: amber from (%)"), 5)
    followup_green = _percent(_("teams with a follow-up session in 6 months: green from (%)"), 80)
    followup_amber = _percent(_("teams with a follow-up session in 6 months: amber from (%)"), 50)
    decision_days_green = models.PositiveSmallIntegerField(
        _("days to decide on tailored training: green up to"), default=30
    )
    decision_days_amber = models.PositiveSmallIntegerField(
        _("days to decide on tailored training: amber up to"), default=60
    )

    class Meta:
        verbose_name = _("targets")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="one_targets_row"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{key}_green__gte": F(f"{key}_amber")}),
                    name=f"targets_{key}_green_above_amber",
                )
                for key, lower in TARGETS
                if not lower
            ],
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{key}_green__lte": F(f"{key}_amber")}),
                    name=f"targets_{key}_green_below_amber",
                )
                for key, lower in TARGETS
                if lower
            ],
        ]

    def __str__(self) -> str:
        return "targets"

    @classmethod
    def load(cls) -> Targets:
        return cls.objects.filter(pk=1).first() or cls(pk=1)
