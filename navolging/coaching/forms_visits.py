"""Forms for visits to team meetings: planning, moving, and the coach's reflection."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from navolging.lib.forms import NLDSFormMixin

from .models import Visit, VisitKind

_PLACE_HELP = _("For example: room 2.14, Stadskantoor, or a link to the online meeting.")


class VisitForm(NLDSFormMixin, forms.Form):
    """Date, times and place of a visit; times are Dutch time (Europe/Amsterdam)."""

    kind = forms.ChoiceField(
        label=_("What kind of meeting"),
        choices=VisitKind.choices,
        widget=forms.RadioSelect,
        initial=VisitKind.TEAM_MEETING,
    )
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end = forms.TimeField(
        label=_("End time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    location = forms.CharField(
        label=_("Place"), max_length=200, required=False, help_text=_PLACE_HELP
    )
    invite_team = forms.BooleanField(
        label=_("Also invite the whole team (the manager decides this)"),
        required=False,
        help_text=_(
            "The coach and the manager are always invited. Tick this box if everyone in the "
            "team should get an invite too."
        ),
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data["end"] <= data["start"]:
            self.add_error("end", _("The end time must be later than the start time."))
        elif self.starts_at() <= timezone.now():
            self.add_error("day", _("Choose a moment in the future."))
        return data

    def _moment(self, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(self.cleaned_data["day"], time, timezone.get_default_timezone())

    def starts_at(self) -> dt.datetime:
        return self._moment(self.cleaned_data["start"])

    def ends_at(self) -> dt.datetime:
        return self._moment(self.cleaned_data["end"])


class VisitMoveForm(VisitForm):
    """The same, without the kind: a visit keeps its kind when it moves."""

    kind = None

    @staticmethod
    def initial_for(visit: Visit) -> dict:
        starts = timezone.localtime(visit.item.starts_at)
        ends = timezone.localtime(visit.item.ends_at)
        return {
            "day": starts.date(),
            "start": starts.time(),
            "end": ends.time(),
            "location": visit.item.location,
            "invite_team": visit.invite_team,
        }


class ReflectionForm(NLDSFormMixin, forms.Form):
    reflection = forms.CharField(
        label=_("Reflection: the mirror for the team"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=5000,
        help_text=_(
            "What you saw at the meeting. The team and its manager can read this. "
            "When you save it for the first time, the people invited get an e-mail."
        ),
    )
    private_note = forms.CharField(
        label=_("Private note"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=5000,
        help_text=_(
            "Only you can read this. Not the team, not the manager, not the programme office."
        ),
    )
