from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from navolging.accounts.models import User
from navolging.lib.forms import NLDSFormMixin

from .models import BaseProgramme


class BaseProgrammeForm(NLDSFormMixin, forms.ModelForm):
    completed_on = forms.DateField(
        label=_("Completed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if the base programme is not completed yet."),
    )
    trainers = forms.ModelMultipleChoiceField(
        label=_("Trainers involved"),
        queryset=User.objects.filter(is_trainer=True, is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The coach, facilitator or head trainer is later chosen from these trainers."),
    )

    head_trainer = forms.ModelChoiceField(
        label=_("Head trainer"),
        queryset=User.objects.filter(is_trainer=True, is_active=True).order_by("name"),
        required=False,
        help_text=_(
            "One of the trainers involved. Decides on tailored training together with the "
            "manager and the AS."
        ),
    )

    class Meta:
        model = BaseProgramme
        fields = ["completed_on", "trainers", "head_trainer"]

    def clean(self):
        data = super().clean()
        head = data.get("head_trainer")
        if head is not None and head not in list(data.get("trainers") or []):
            self.add_error("head_trainer", _("Choose the head trainer from the trainers involved."))
        return data


class PersonSearchForm(NLDSFormMixin, forms.Form):
    q = forms.CharField(label=_("Name or employee number"), max_length=100, required=False)
