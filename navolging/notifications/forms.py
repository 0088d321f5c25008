from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from navolging.lib.forms import NLDSFormMixin

from .models import NotificationPreference


class PreferenceForm(NLDSFormMixin, forms.ModelForm):
    """Mail per change or a weekly digest; calendar invites on or off."""

    class Meta:
        model = NotificationPreference
        fields = ["mail_mode", "invites"]
        labels = {
            "mail_mode": _("How do you want to hear about changes?"),
            "invites": _("Send me calendar invites"),
        }
        widgets = {"mail_mode": forms.RadioSelect}
