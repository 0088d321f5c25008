from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _

from navolging.lib.forms import NLDSFormMixin

from .models import TARGETS, Targets


class TargetsForm(NLDSFormMixin, forms.ModelForm):
    class Meta:
        model = Targets
        fields = [f"{key}_{colour}" for key, _lower in TARGETS for colour in ("green", "amber")]

    def clean(self):
        data = super().clean()
        for key, lower in TARGETS:
            green, amber = data.get(f"{key}_green"), data.get(f"{key}_amber")
            if green is None or amber is None:
                continue
            if lower and green > amber:
                self.add_error(f"{key}_amber", _("Amber must be at least as many days as green."))
            if not lower and green < amber:
                self.add_error(f"{key}_amber", _("Amber must not be higher than green."))
        return data
