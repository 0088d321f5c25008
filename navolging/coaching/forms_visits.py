"""Forms for visits to team meetings: planning, moving, and the coach's reflection."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from navolging.lib.forms import MomentForm, NLDSFormMixin

from .models import Visit, VisitKind

_PLACE_HELP = _("For example: room 2.14, Stadskantoor, or a link to the online meeting.")


class VisitForm(MomentForm):
    """Date, times and place of a visit; times are Dutch time (Europe/Amsterdam)."""

    field_order = ["kind", "day", "start", "end", "location", "invite_team"]

    kind = forms.ChoiceField(
        label=_("What kind of meeting"),
        choices=VisitKind.choices,
        widget=forms.RadioSelect,
        initial=VisitKind.TEAM_MEETING,
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
