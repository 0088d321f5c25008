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

    class Meta:
        model = BaseProgramme
        fields = ["completed_on", "trainers"]


class PersonSearchForm(NLDSFormMixin, forms.Form):
    q = forms.CharField(label=_("Name or employee number"), max_length=100, required=False)
