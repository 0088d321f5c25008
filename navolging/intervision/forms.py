from __future__ import annotations

from django import forms

from navolging.lib.forms import NLDSFormMixin

from .models import Presence


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
