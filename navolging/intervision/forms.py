from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
