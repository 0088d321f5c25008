from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from navolging.lib.forms import NLDSFormMixin
from navolging.organisation.models import Person

from .models import Presence, Round


class AttendanceForm(NLDSFormMixin, forms.Form):
    """One radio group per member; built for the members of one session's group."""

    def __init__(self, *args, members, current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.members = members
        for person in members:
            self.fields[f"person_{person.pk}"] = forms.ChoiceField(
                label=person.full_name,
                choices=Presence.choices,
                widget=forms.RadioSelect,
                initial=current.get(person.pk),
            )
        self.style_fields()  # the fields above did not exist when the mixin ran

    def presence_by_person(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[f"person_{p.pk}"] for p in self.members}


class RoundForm(NLDSFormMixin, forms.ModelForm):
    starts_on = forms.DateField(
        label=_("First session from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Last session by"), widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Round
        fields = [
            "name",
            "mode",
            "min_size",
            "max_size",
            "rhythm_min_weeks",
            "rhythm_max_weeks",
            "heads_in_department_mt",
            "starts_on",
            "ends_on",
        ]
        widgets = {"mode": forms.RadioSelect}

    def clean(self):
        data = super().clean()
        if data.get("min_size") is not None and data["min_size"] < 4:
            self.add_error("min_size", _("A group has at least 4 members."))
        if data.get("max_size") is not None and not 8 <= data["max_size"] <= 10:
            self.add_error("max_size", _("The largest group is 8, 9 or 10 members."))
        low, high = data.get("rhythm_min_weeks"), data.get("rhythm_max_weeks")
        if low and high and low > high:
            self.add_error("rhythm_max_weeks", _("This must not be less than the first number."))
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] <= data["starts_on"]:
            self.add_error("ends_on", _("The end must come after the start."))
        return data


class MoveForm(NLDSFormMixin, forms.Form):
    person = forms.ModelChoiceField(label=_("Who"), queryset=None)
    group = forms.ModelChoiceField(label=_("To group"), queryset=None)

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(
            intervision_memberships__group__round=round_
        ).order_by("last_name", "first_name")
        self.fields["group"].queryset = round_.groups.order_by("pk")
        self.fields["person"].label_from_instance = lambda p: p.sorted_name


class PublishForm(NLDSFormMixin, forms.Form):
    accept_broken = forms.BooleanField(
        label=_("Publish even though some groups break a rule (this is recorded)"), required=False
    )


class SessionMoveForm(NLDSFormMixin, forms.Form):
    day = forms.DateField(label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(
        label=_("Start time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("The session keeps its length."),
    )

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start") and self.new_start() <= timezone.now():
            self.add_error("day", _("Choose a moment in the future."))
        return data

    def new_start(self) -> datetime:
        return datetime.combine(
            self.cleaned_data["day"], self.cleaned_data["start"], timezone.get_default_timezone()
        )


def _percentage_errors() -> dict:
    message = _("Give a whole number from 0 to 100.")
    return {"min_value": message, "max_value": message, "invalid": message, "required": message}


class IntervisionSettingsForm(NLDSFormMixin, forms.Form):
    attendance_threshold = forms.IntegerField(
        label=_("Flag attendance below (percent)"),
        min_value=0,
        max_value=100,
        error_messages=_percentage_errors(),
        help_text=_("A member present at fewer sessions than this is shown to follow up."),
    )
    tell_manager = forms.BooleanField(
        label=_("Also tell the member's own manager about missed sessions"), required=False
    )
    school_regions = forms.MultipleChoiceField(
        label=_("No sessions in the school holidays of"),
        choices=[
            ("noord", pgettext_lazy("school region", "North")),
            ("midden", pgettext_lazy("school region", "Middle")),
            ("zuid", pgettext_lazy("school region", "South")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ClosedPeriodForm(NLDSFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("For example: summer."))
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The last day cannot be before the first day."))
        return data


WEEKDAY_CHOICES = [(day + 1, WEEKDAYS[day]) for day in range(5)]  # ISO: 1 = Monday


class AvailabilityForm(NLDSFormMixin, forms.Form):
    """What a trainer may set for themselves: the days and how many sessions a day."""

    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days for intervision sessions"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one day.")},
    )
    sessions_per_day = forms.IntegerField(
        label=_("Sessions a day at most"),
        min_value=1,
        max_value=2,
        error_messages={
            "min_value": _("Give 1 or 2: a day has two times for a session."),
            "max_value": _("Give 1 or 2: a day has two times for a session."),
        },
    )

    @staticmethod
    def initial_for(profile) -> dict:
        if profile is None:
            return {"weekdays": [1, 2, 3, 4, 5], "sessions_per_day": 2, "max_groups": 4}
        return {
            "weekdays": profile.weekdays or [1, 2, 3, 4, 5],
            "sessions_per_day": profile.sessions_per_day,
            "max_groups": profile.max_groups,
        }


class FacilitatorProfileForm(AvailabilityForm):
    """The programme office also sets how many groups a trainer facilitates at most."""

    max_groups = forms.IntegerField(label=_("Groups at most"), min_value=0, max_value=50)
    field_order = ["max_groups", "weekdays", "sessions_per_day"]
